from django.urls import path

from uploads import views

app_name = "uploads"

urlpatterns = [
    path("online/upload/", views.process, name="process"),
    path("online/upload/start/", views.upload_start, name="upload_start"),
    path("exports/", views.export_log, name="export_log"),
    path("exports/<uuid:run_id>/", views.run_detail, name="run_detail"),
    path("exports/<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("exports/<uuid:run_id>/resend/", views.run_resend, name="run_resend"),
    path(
        "exports/<uuid:run_id>/files/<str:file_name>",
        views.run_file,
        name="run_file",
    ),
    path(
        "exports/feeds/<uuid:feed_id>/document/",
        views.feed_document,
        name="feed_document",
    ),
    path("exports/feeds/<uuid:feed_id>/report/", views.feed_report, name="feed_report"),
]
