from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("online/", views.online, name="online"),
    path("exports/", views.export_log, name="export_log"),
]
