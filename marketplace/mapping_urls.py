# Included by marketplace/urls.py inside the "marketplace" namespace.
from django.urls import path

from marketplace import mapping_views as views

urlpatterns = [
    path("online/mapping/", views.mapping, name="mapping"),
    path("online/mapping/fields/add/", views.mapping_add, name="mapping_add"),
    path("online/mapping/fields/move/", views.mapping_move, name="mapping_move"),
    path("online/mapping/fields/remove/", views.mapping_remove, name="mapping_remove"),
    path(
        "online/mapping/separator/",
        views.mapping_separator,
        name="mapping_separator",
    ),
    path("online/mapping/reset/", views.mapping_reset, name="mapping_reset"),
    path("online/mapping/use-shop/", views.mapping_use_shop, name="mapping_use_shop"),
    path("online/mapping/records/", views.mapping_records, name="mapping_records"),
    path("online/mapping/preview/", views.mapping_preview, name="mapping_preview"),
    path("online/mapping/clipped/", views.mapping_clipped, name="mapping_clipped"),
    path("online/notes/preview/", views.notes_preview, name="notes_preview"),
]
