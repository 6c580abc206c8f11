from django.contrib import admin
from django.urls import include, path

from shops import views as shop_views

urlpatterns = [
    path("", shop_views.dashboard, name="dashboard"),
    path("", include("shops.urls")),
    path("inventory/", include("inventory.urls")),
    path("", include("marketplace.urls")),
    path("", include("uploads.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
