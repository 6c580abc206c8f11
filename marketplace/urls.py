from django.urls import include, path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("online/", views.online, name="online"),
    path("online/services/add/", views.service_add, name="service_add"),
    path(
        "online/services/<uuid:service_id>/",
        views.service_edit,
        name="service_edit",
    ),
    path(
        "online/services/<uuid:service_id>/active/",
        views.service_activate,
        name="service_activate",
    ),
    path(
        "online/services/<uuid:service_id>/register/",
        views.amazon_register,
        name="amazon_register",
    ),
    path(
        "online/services/<uuid:service_id>/disconnect/",
        views.amazon_disconnect,
        name="amazon_disconnect",
    ),
    path("online/amazon/callback/", views.amazon_callback, name="amazon_callback"),
    path("", include("marketplace.mapping_urls")),
]
