from django.apps import apps
from django.contrib import admin

from shops.models import User

APPS = ("shops", "inventory", "marketplace", "uploads", "reconcile")


def test_the_admin_lists_every_model_of_shelfmark(client, db):
    missing = [
        model._meta.label
        for name in APPS
        for model in apps.get_app_config(name).get_models()
        if model not in admin.site._registry
    ]
    assert missing == []


def test_the_admin_index_opens_for_a_superuser(client, db):
    superuser = User.objects.create_superuser(email="admin@shelfmark.test")
    client.force_login(superuser)
    page = client.get("/admin/")
    assert page.status_code == 200
    for label in ("Records", "Services", "Upload runs", "Shops"):
        assert label.encode() in page.content
