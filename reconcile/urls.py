from django.urls import path

from reconcile import views

app_name = "reconcile"

urlpatterns = [
    path("online/listings/", views.listings, name="listings"),
    path(
        "online/listings/<uuid:service_id>/check/",
        views.check_start,
        name="check_start",
    ),
    path(
        "online/listings/<uuid:service_id>/replace/",
        views.replace_prepare,
        name="replace_prepare",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/",
        views.snapshot,
        name="snapshot",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/report/",
        views.snapshot_report,
        name="snapshot_report",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/list.csv",
        views.snapshot_csv,
        name="snapshot_csv",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/set-for-upload/",
        views.set_for_upload,
        name="set_for_upload",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/delete-extra/",
        views.delete_extra,
        name="delete_extra",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/copy-identifiers/",
        views.copy_identifiers,
        name="copy_identifiers",
    ),
    path(
        "online/listings/checks/<uuid:snapshot_id>/replace/",
        views.replace_confirm,
        name="replace_confirm",
    ),
    path("online/schedules/", views.schedules, name="schedules"),
    path("online/schedules/add/", views.schedule_add, name="schedule_add"),
    path(
        "online/schedules/<uuid:schedule_id>/",
        views.schedule_edit,
        name="schedule_edit",
    ),
    path(
        "online/schedules/<uuid:schedule_id>/delete/",
        views.schedule_delete,
        name="schedule_delete",
    ),
]
