from django.contrib import admin
from django.urls import include, path

from reconcile import views as reconcile_views

urlpatterns = [
    path("", reconcile_views.dashboard, name="dashboard"),
    path("", include("shops.urls")),
    path("inventory/", include("inventory.urls")),
    path("", include("marketplace.urls")),
    path("", include("uploads.urls")),
    path("", include("reconcile.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
