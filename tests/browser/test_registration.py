import pytest
from playwright.sync_api import expect

from marketplace import crypto
from marketplace.models import Service
from marketplace.services import service_create
from simulator.testing import (
    DEFAULT_SELLER_EMAIL,
    DEFAULT_SELLER_ID,
    DEFAULT_SELLER_PASSWORD,
)
from tests.browser.conftest import signed_in

pytestmark = pytest.mark.browser


def test_an_owner_registers_amazon_us_through_seller_central(
    page,
    live_server,
    owner,
    shop,
    amazon,
    settings,
):
    # Amazon sends the seller back to the redirect URI, which must be this
    # live server's.
    settings.SITE_URL = live_server.url
    service = service_create(shop=shop, marketplace="amazon_us")
    signed_in(page, owner)

    page.goto("/online/")
    expect(page.locator("#services")).to_contain_text("Not registered")
    page.get_by_role("button", name="Register with Amazon").click()

    expect(page.get_by_role("heading", name="Authorize Shelfmark")).to_be_visible()
    assert page.url.startswith(amazon.url)
    page.get_by_label("Email").fill(DEFAULT_SELLER_EMAIL)
    page.get_by_label("Password").fill(DEFAULT_SELLER_PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(
        page.get_by_text(
            f"Amazon US is registered with Amazon seller {DEFAULT_SELLER_ID}"
        )
    ).to_be_visible()
    assert page.url == f"{live_server.url}/online/"
    expect(page.locator("#services")).to_contain_text(DEFAULT_SELLER_ID)
    expect(page.get_by_role("button", name="Register again")).to_be_visible()
    service.refresh_from_db()
    assert service.selling_partner_id == DEFAULT_SELLER_ID
    assert crypto.decrypt(service.refresh_token_encrypted).startswith("Atzr|")


def test_an_owner_who_cancels_at_seller_central_sees_why(
    page,
    live_server,
    owner,
    shop,
    amazon,
    settings,
):
    settings.SITE_URL = live_server.url
    service_create(shop=shop, marketplace="amazon_us")
    signed_in(page, owner)

    page.goto("/online/")
    page.get_by_role("button", name="Register with Amazon").click()
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_text("Amazon did not authorize Shelfmark")).to_be_visible()
    expect(page.locator("#services")).to_contain_text("Not registered")
    assert not Service.objects.get(shop=shop).is_registered
