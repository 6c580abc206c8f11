import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from shops import services
from shops.models import Invitation, Membership, User
from tests.conftest import PASSWORD


def invite(shop, owner, email="new@oldbooks.example", role="staff"):
    invitation, token = services.invitation_create(
        shop=shop, email=email, role=role, invited_by=owner
    )
    return invitation, f"/invitations/{token}/"


def test_an_owner_invites_by_email(
    owner_client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(
            "/settings/members/", {"email": "Clerk@OldBooks.example", "role": "staff"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(shop=shop)
    assert invitation.email == "clerk@oldbooks.example"
    assert len(callbacks) == 1  # the email is queued only once the row is saved
    page = owner_client.get("/settings/members/")
    assert b"clerk@oldbooks.example" in page.content


def test_the_invitation_email_carries_a_working_link(shop, owner, settings):
    from shops.tasks import send_invitation_email

    invitation, link = invite(shop, owner)
    token = link.split("/")[2]
    send_invitation_email(invitation.pk, token)
    assert mail.outbox[0].to == ["new@oldbooks.example"]
    assert link in mail.outbox[0].body
    assert "Old Books" in mail.outbox[0].subject


def test_a_new_person_accepts_by_choosing_a_password(shop, owner):
    _, link = invite(shop, owner, role="read_only")
    client = Client()
    assert b"Join Old Books" in client.get(link).content
    response = client.post(link, {"full_name": "New Clerk", "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new@oldbooks.example")
    assert Membership.objects.get(user=user, shop=shop).role == "read_only"
    assert b"Old Books" in client.get("/").content


def test_an_invitation_link_works_once(shop, owner):
    _, link = invite(shop, owner)
    Client().post(link, {"password": PASSWORD})
    again = Client().get(link)
    assert again.status_code == 410
    assert b"already been used" in again.content


def test_an_invitation_expires(shop, owner):
    _, link = invite(shop, owner)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = Client().post(link, {"password": PASSWORD})
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not User.objects.filter(email="new@oldbooks.example").exists()


def test_a_forged_invitation_link_is_refused(db):
    response = Client().get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert b"not valid" in response.content


def test_someone_in_another_shop_joins_with_their_account(shop, owner, stranger):
    _, link = invite(shop, owner, email=stranger.email)
    client = Client()
    client.force_login(stranger)
    client.post(link)
    assert Membership.objects.filter(user=stranger, shop=shop).exists()


def test_an_invitation_cannot_be_taken_by_another_account(shop, owner, stranger):
    _, link = invite(shop, owner, email="someone.else@example.com")
    client = Client()
    client.force_login(stranger)
    response = client.post(link, follow=True)
    assert b"sign in with that address" in response.content.lower()
    assert not Membership.objects.filter(user=stranger, shop=shop).exists()


def test_inviting_a_member_again_is_refused(owner_client, staff, shop):
    response = owner_client.post(
        "/settings/members/", {"email": staff.email, "role": "staff"}
    )
    assert b"already a member" in response.content
    assert not Invitation.objects.filter(shop=shop).exists()


def test_staff_cannot_invite(staff_client, shop):
    response = staff_client.post(
        "/settings/members/", {"email": "x@example.com", "role": "owner"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(shop=shop).exists()


def test_an_owner_changes_a_role(owner_client, staff, shop):
    membership = Membership.objects.get(user=staff, shop=shop)
    owner_client.post(
        f"/settings/members/{membership.public_id}/role/", {"role": "read_only"}
    )
    membership.refresh_from_db()
    assert membership.role == "read_only"


def test_the_last_owner_cannot_step_down(owner_client, owner, shop):
    membership = Membership.objects.get(user=owner, shop=shop)
    response = owner_client.post(
        f"/settings/members/{membership.public_id}/role/",
        {"role": "staff"},
        follow=True,
    )
    assert b"at least one owner" in response.content
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_an_owner_removes_a_member_after_confirming(owner_client, staff, shop):
    membership = Membership.objects.get(user=staff, shop=shop)
    url = f"/settings/members/{membership.public_id}/remove/"
    assert b"Remove staff@oldbooks.example?" in owner_client.get(url).content
    owner_client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=staff.pk).exists()


@pytest.mark.parametrize("persona", ["staff_client", "reader_client"])
def test_only_owners_manage_members(persona, request, owner, shop):
    client = request.getfixturevalue(persona)
    membership = Membership.objects.get(user=owner, shop=shop)
    response = client.post(f"/settings/members/{membership.public_id}/remove/")
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_owner_withdraws_an_invitation(owner_client, shop, owner):
    invitation, link = invite(shop, owner)
    owner_client.post(f"/settings/invitations/{invitation.public_id}/cancel/")
    assert Client().get(link).status_code == 410


def test_a_person_in_two_shops_switches_between_them(
    owner_client, shop, other_shop, owner
):
    Membership.objects.create(shop=other_shop, user=owner, role="staff")
    page = owner_client.get("/")
    assert b"Rival Books" in page.content  # offered in the switcher
    owner_client.post("/shops/switch/", {"shop": str(other_shop.public_id)})
    assert b"<h1>Rival Books</h1>" in owner_client.get("/").content


def test_switching_to_a_shop_one_is_not_in_is_refused(owner_client, other_shop):
    response = owner_client.post(
        "/shops/switch/", {"shop": str(other_shop.public_id)}, follow=True
    )
    assert b"not a member" in response.content
    assert b"<h1>Old Books</h1>" in owner_client.get("/").content


def test_a_removed_member_loses_access(owner_client, staff, staff_client, shop):
    membership = Membership.objects.get(user=staff, shop=shop)
    owner_client.post(f"/settings/members/{membership.public_id}/remove/")
    response = staff_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/shops/new/"


def test_the_invitation_page_does_not_leak_the_token(owner_client, shop, owner):
    _, link = invite(shop, owner)
    page = owner_client.get("/settings/members/").content.decode()
    assert link.split("/")[2] not in page
    assert not re.search(r"[\"\s]/invitations/[\w-]{20,}/", page)
