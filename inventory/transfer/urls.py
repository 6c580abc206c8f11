from django.urls import path

from inventory.transfer import views

urlpatterns = [
    path("transfer/", views.transfer, name="transfer"),
    path("transfer/import/", views.import_start, name="import_start"),
    path(
        "transfer/imports/<uuid:import_id>/",
        views.import_status,
        name="import_status",
    ),
    path("transfer/template.csv", views.import_template, name="import_template"),
    path("transfer/export/", views.export, name="export"),
]
