import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from shops.models import Membership, Shop
from tests.conftest import PASSWORD

User = get_user_model()


def test_sign_up_creates_a_shop_owned_by_the_new_user(db, client):
    response = client.post(
        "/signup/",
        {
            "shop_name": "Marginalia Books",
            "email": "Ann@Marginalia.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ann@marginalia.example")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.shop.name == "Marginalia Books"
    assert membership.shop.slug == "marginalia-books"
    assert b"Marginalia Books" in client.get("/").content


def test_sign_up_refuses_an_email_already_in_use(owner, client):
    response = client.post(
        "/signup/",
        {"shop_name": "Copycat", "email": owner.email, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert not Shop.objects.filter(name="Copycat").exists()


def test_sign_up_refuses_a_weak_password(db, client):
    response = client.post(
        "/signup/", {"shop_name": "Weak", "email": "w@example.com", "password": "123"}
    )
    assert b"too short" in response.content
    assert not User.objects.filter(email="w@example.com").exists()


def test_every_page_needs_a_login(db, client):
    for url in ("/", "/inventory/", "/online/", "/exports/", "/settings/members/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_login_and_logout(owner, shop):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused(owner, shop, client):
    response = client.post(
        "/accounts/login/", {"username": owner.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"correct email address and password" in response.content


def test_password_change(owner_client, owner):
    response = owner_client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much newer passphrase",
            "new_password2": "a much newer passphrase",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a much newer passphrase")


def test_password_reset_link_works_once(owner, shop, client):
    client.post("/accounts/password_reset/", {"email": owner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = {"new_password1": "reset and renewed", "new_password2": "reset and renewed"}
    assert client.post(form_url, new).status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("reset and renewed")
    assert b"no longer works" in client.get(link, follow=True).content


def test_a_user_without_a_shop_is_asked_to_open_one(db):
    user = User.objects.create_user(email="loner@example.com", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/shops/new/"
    client.post("/shops/new/", {"name": "Loner Books"})
    assert b"Loner Books" in client.get("/").content
