import pytest
from playwright.sync_api import expect

from inventory.models import Record
from marketplace.mapping import mapping_for
from tests.browser.conftest import signed_in

pytestmark = pytest.mark.browser


def test_a_seller_edits_the_mapping_and_watches_the_note_change(page, owner, shop):
    Record.objects.create(shop=shop, sku="0001", title="Another book")
    Record.objects.create(
        shop=shop,
        sku="1001",
        title="The Hobbit",
        place="London",
        publisher="Allen & Unwin",
        pub_date="1937",
        language="English",
        book_grade="very_good",
        jacket_grade="good",
    )
    signed_in(page, owner)
    page.goto("/online/mapping/")
    expect(page.get_by_role("heading", name="Condition note")).to_be_visible()
    expect(page.get_by_role("link", name="Online").first).to_be_visible()
    page.evaluate("window.stayedOnPage = true")
    note = page.locator("#note-preview [data-note]")

    page.get_by_label("Find a record").fill("hobbit")
    page.locator("#record-results").get_by_role("link", name="1001").click()
    expect(note).to_have_text(
        "London. Allen & Unwin. 1937. Very Good in Good dust jacket"
    )

    page.get_by_label("Add a field").select_option(label="Language")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(note).to_have_text(
        "London. Allen & Unwin. 1937. Very Good in Good dust jacket. English"
    )
    expect(page.locator("#mapping-add-field option[value=language]")).to_have_count(0)

    page.get_by_role("button", name="Move Publisher up").click()
    expect(note).to_have_text(
        "Allen & Unwin. London. 1937. Very Good in Good dust jacket. English"
    )

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Place").click()
    expect(note).to_have_text(
        "Allen & Unwin. 1937. Very Good in Good dust jacket. English"
    )

    page.get_by_label("Separator").fill(" | ")
    page.get_by_role("button", name="Save separator").click()
    expect(note).to_have_text(
        "Allen & Unwin | 1937 | Very Good in Good dust jacket | English"
    )

    assert page.evaluate("window.stayedOnPage") is True
    mapping = mapping_for(shop)
    assert mapping.fields[:2] == ["publisher", "pub_date"]
    assert mapping.fields[-1] == "language"
    assert mapping.separator == " | "
