from django.urls import include, path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("new/", views.record_create, name="record_create"),
    path("new/validate/", views.record_validate, name="record_validate_new"),
    path("bulk/", views.records_bulk, name="records_bulk"),
    path("<uuid:record_id>/", views.record_detail, name="record_detail"),
    path("<uuid:record_id>/validate/", views.record_validate, name="record_validate"),
    path("<uuid:record_id>/upload/", views.record_upload, name="record_upload"),
    path("<uuid:record_id>/delete/", views.record_delete, name="record_delete"),
]

# Import and export pages (inventory/transfer/) join once they exist.
try:
    import inventory.transfer.urls  # noqa: F401
except ModuleNotFoundError as error:
    if error.name not in ("inventory.transfer", "inventory.transfer.urls"):
        raise
else:
    urlpatterns.append(path("", include("inventory.transfer.urls")))
