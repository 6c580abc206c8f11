"""A bookseller checks Amazon's listings, then purges and replaces them."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inventory.models import ListingState, Record
from simulator.testing import DEFAULT_SELLER_ID
from tests.browser.conftest import signed_in
from tests.reconcile.conftest import US, online_skus

# The upload tests' fixtures: a worker aimed at Amazon, fast polls, media.
from tests.uploads.conftest import (  # noqa: F401
    fast_polls,
    make_record,
    media,
    upload_worker,
)


def drifted(shop, amazon):
    make_record(shop, "1001", "The Hobbit", asin="0261103342")
    make_record(shop, "1002", "The Great Gatsby", asin="0743273567")
    make_record(shop, "1003", "The Odyssey")
    make_record(shop, "1005", "Pride and Prejudice", asin="0141439513")
    ListingState.objects.filter(shop=shop).update(
        state=ListingState.State.LISTED, listed_since=timezone.now()
    )
    amazon.control.seed_listings(
        DEFAULT_SELLER_ID,
        US,
        [
            {"sku": "1001", "asin": "0261103342", "price": 45, "quantity": 1},
            {"sku": "1003", "asin": "0140449132", "price": 30, "quantity": 1},
            {"sku": "1005", "asin": "0141439513", "price": 45, "quantity": 3},
        ],
        replace=True,
    )


@pytest.mark.browser
@pytest.mark.usefixtures("upload_worker")
def test_a_bookseller_checks_the_listings_and_replaces_them(
    page, live_server, owner, shop, amazon_us, amazon
):
    drifted(shop, amazon)
    signed_in(page, owner)

    page.get_by_role("link", name="Online").first.click()
    page.get_by_role("link", name="Listings check").click()
    page.get_by_role("button", name="Check listings on Amazon US").click()
    expect(page.locator(".messages")).to_contain_text("Asking Amazon")
    expect(page.locator("#count-missing")).to_have_text("1", timeout=20_000)
    expect(page.locator("#count-mismatched")).to_have_text("2")
    expect(page.locator("#list-missing")).to_contain_text("1002")
    expect(page.locator("#list-mismatched")).to_contain_text("1005")
    expect(page.locator("#list-identifiable")).to_contain_text("0140449132")

    page.get_by_role("button", name="Copy identifiers into the records").click()
    expect(page.locator(".messages")).to_contain_text("Identifiers copied into 1")
    assert Record.objects.get(sku="1003").asin == "0140449132"

    page.get_by_role("link", name="← Listings checks").click()
    page.get_by_role("button", name="Purge and replace on Amazon US").click()
    page.get_by_role("link", name="Review purge and replace").click(timeout=20_000)
    expect(page.locator("#replace-deletions")).to_contain_text(
        "Deleted at Amazon: 0 listings"
    )
    expect(page.locator("#replace-sends")).to_contain_text("Sent to Amazon: 4 records")
    expect(page.locator("#sends-new-pages")).to_contain_text("0 new product pages")
    page.get_by_role("button", name="Delete 0 listings and send 4 records").click()

    expect(page.locator(".messages")).to_contain_text("Purge and replace of Amazon US")
    expect(page.locator(".completion")).to_contain_text("Done", timeout=30_000)
    listed = amazon.control.listings(DEFAULT_SELLER_ID, US)
    assert set(listed) == online_skus(shop)
    assert listed["1005"]["quantity"] == 1
    assert listed["1003"]["price"] == 45

    page.get_by_role("link", name="Export log").first.click()
    expect(page.locator("#runs tbody tr").first).to_contain_text("Purge and replace")
