import re

import pytest
from playwright.sync_api import expect

from shops.models import Invitation, Membership
from tests.browser.conftest import signed_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_bookseller_signs_up_invites_a_colleague_and_sees_the_dashboard(
    page, live_server
):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Open your shop").click()
    page.get_by_label("Shop name").fill("Foxed Pages")
    page.get_by_label("Email address").fill("fern@foxedpages.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create shop").click()

    expect(page.get_by_role("heading", name="Foxed Pages")).to_be_visible()
    expect(page.get_by_text("Nothing here yet")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Export log")

    page.get_by_role("link", name="Invite your team").click()
    form = page.locator("#invite-form")
    form.get_by_label("Email address").fill("olly@foxedpages.example")
    form.get_by_label("Role").select_option("read_only")
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_text("Invitation sent to olly@foxedpages.example")
    ).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text("Read-only")
    assert Invitation.objects.filter(email="olly@foxedpages.example").exists()

    page.locator("summary", has_text="fern@foxedpages.example").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Shelfmark")).to_be_visible()


def test_a_member_signs_in_and_lands_on_the_dashboard(page, owner, shop):
    signed_in(page, owner)
    expect(page.get_by_role("heading", name="Old Books")).to_be_visible()
    # htmx is served from this site, and sends the CSRF token on its requests.
    assert page.evaluate("typeof htmx") == "object"
    headers = page.locator("body").get_attribute("hx-headers")
    assert "X-CSRFToken" in headers


def test_the_shop_switcher_changes_shop(page, owner, shop, other_shop):
    Membership.objects.create(shop=other_shop, user=owner, role="staff")
    signed_in(page, owner)
    page.get_by_label("Shop").select_option(label="Rival Books")
    expect(page.get_by_role("heading", name="Rival Books")).to_be_visible()
    expect(page.get_by_text("You are now working in Rival Books")).to_be_visible()
