import pytest
from playwright.sync_api import expect

from inventory.listing import listing_states_settle
from inventory.models import ListingState, Record
from tests.browser.conftest import signed_in


@pytest.mark.browser
def test_a_bookseller_adds_a_book_finds_it_and_sets_it_for_upload(
    page, live_server, owner, shop
):
    signed_in(page, owner)
    page.goto("/inventory/")
    page.get_by_role("link", name="New record").click()

    page.get_by_label("Title", exact=True).fill("Cien años de soledad")
    page.get_by_label("Author", exact=True).fill("García Márquez, Gabriel")
    isbn = page.get_by_label("ISBN", exact=True)
    isbn.fill("0-306-40615-3")
    isbn.press("Tab")
    expect(page.locator("#field-isbn .error")).to_contain_text("check digit is wrong")
    isbn.fill("0-306-40615-2")
    isbn.press("Tab")
    expect(page.locator("#isbn-forms")).to_contain_text("ISBN-13 9780306406157")
    expect(page.locator("#field-isbn .error")).to_have_count(0)

    page.get_by_role("tab", name="Keywords").click()
    expect(page.get_by_label("Title", exact=True)).to_be_hidden()
    page.get_by_role("textbox", name="Keywords").fill("magic realism, first edition")
    page.get_by_role("button", name="Create record").click()
    expect(page.locator(".messages")).to_contain_text("created and set for upload")

    # Amazon accepts the new listing.
    record = Record.objects.get(shop=shop, title="Cien años de soledad")
    assert record.isbn == "9780306406157"
    state = ListingState.objects.get(record=record, marketplace="amazon_us")
    listing_states_settle(
        shop=shop,
        marketplace="amazon_us",
        accepted={record.pk: state.revision},
        rejected={},
    )

    page.get_by_role("link", name="Inventory").first.click()
    page.get_by_role("searchbox", name="Search").fill("márquez")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#records tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("US: Listed")

    page.get_by_label(f"Select record {record.sku}").check()
    page.get_by_label("With the selection:").select_option("upload")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messages")).to_contain_text("1 record(s) set for upload.")
    expect(page.locator("#records tbody tr").first).to_contain_text(
        "US: Pending update"
    )
