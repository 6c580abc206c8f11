from django.urls import path

from shops import views

app_name = "shops"

urlpatterns = [
    path("signup/", views.sign_up, name="sign_up"),
    path("shops/new/", views.shop_create, name="create"),
    path("shops/switch/", views.shop_switch, name="switch"),
    path("settings/members/", views.members, name="members"),
    path(
        "settings/members/<uuid:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "settings/members/<uuid:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "settings/invitations/<uuid:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
