"""A bookseller edits a book, uploads it and reads the report."""

import pytest
from playwright.sync_api import expect

from inventory.models import Record
from tests.browser.conftest import signed_in

# The upload tests' fixtures: the three books, and a worker aimed at Amazon.
from tests.uploads.conftest import (  # noqa: F401
    books,
    fast_polls,
    media,
    upload_worker,
)


@pytest.mark.browser
@pytest.mark.usefixtures("upload_worker", "books")
def test_a_bookseller_uploads_watches_progress_and_reads_the_report(
    page, live_server, owner, amazon_us, amazon
):
    hobbit = Record.objects.get(sku="1001")
    signed_in(page, owner)

    page.goto(f"/inventory/{hobbit.public_id}/")
    page.get_by_label("Retail price").fill("39.50")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("1001")

    # Amazon keeps the feed in its queue until released: progress stays up.
    amazon.control.stall_feeds()
    page.get_by_role("link", name="Online").first.click()
    panel = page.locator("#process-panel")
    expect(panel.locator("#upload-amazon_us .pending")).to_have_text("3 records")
    page.get_by_role("button", name="Process and upload records").click()

    expect(page.locator(".messages")).to_contain_text("Upload started for Amazon US.")
    bar = page.get_by_role("progressbar", name="Upload to Amazon US")
    expect(bar).to_be_visible()
    expect(panel).to_contain_text("Amazon is processing feed 1 of 1")
    expect(
        page.get_by_role("button", name="Process and upload records")
    ).to_be_disabled()

    amazon.control.release_feeds()
    expect(panel.locator(".completion")).to_contain_text(
        "Inventory Loader: 2 records uploaded → 2 new, 0 modified; "
        "Book Loader: 1 record uploaded → 1 new, 0 modified",
        timeout=20_000,
    )
    expect(bar).to_have_count(0)
    expect(panel.locator("#upload-amazon_us .pending")).to_have_text("0 records")
    listing = amazon.control.listings("A1B2C3D4E5F6G7", "ATVPDKIKX0DER")["1001"]
    assert "39.5" in str(listing)

    page.get_by_role("link", name="Export log").first.click()
    rows = page.locator("#runs tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("owner@oldbooks.example")
    expect(rows.first).to_contain_text("Done")

    rows.first.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Upload to Amazon US")
    expect(page.locator("#feeds")).to_contain_text("3 processed, 3 accepted, 0 invalid")
    expect(page.locator("#files")).to_contain_text("AmazonUpload_1.txt")
    expect(page.locator("#issues")).to_contain_text("Amazon reported no issue.")
