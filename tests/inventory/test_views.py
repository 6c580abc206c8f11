import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from inventory import selectors
from inventory.listing import records_mark_changed
from inventory.models import ListingState, Record
from inventory.services import inventory_settings_for
from tests.inventory.records import make_record, put_on_amazon, state_of

State = ListingState.State
LIST = "/inventory/"
NEW = "/inventory/new/"


def detail_url(record):
    return reverse("inventory:record_detail", args=[record.public_id])


def skus_on(response) -> list[str]:
    return re.findall(r'aria-label="Select record ([^"]+)"', response.content.decode())


def form_data(**values):
    data = {
        "sku": "",
        "title": "Germinal",
        "author": "Zola, Émile",
        "quantity": "1",
        "status": "available",
        "list_amazon_us": "on",
    }
    data.update(values)
    return data


# The list


def test_the_list_shows_the_shops_records_and_not_anothers(
    owner_client, shop, other_shop
):
    make_record(shop, sku="101", title="Pedro Páramo")
    make_record(other_shop, sku="202", title="Secret rival stock")
    response = owner_client.get(LIST)
    assert response.status_code == 200
    assert "Pedro Páramo" in response.content.decode()
    assert b"Secret rival stock" not in response.content
    assert b"1 record." in response.content


def test_an_empty_inventory_invites_the_first_record(owner_client):
    response = owner_client.get(LIST)
    assert b"No books yet" in response.content
    assert NEW.encode() in response.content


@pytest.mark.parametrize(
    "query",
    [
        "márquez",
        "SOLEDAD",
        "0-306-40615-2",
        "9780306406157",
        "B00TESTASN",
        "A-17",
        "rare",
    ],
)
def test_search_finds_a_record_by_title_author_isbn_asin_sku_and_keywords(
    owner_client, shop, query
):
    make_record(
        shop,
        sku="A-17",
        title="Cien años de soledad",
        author="García Márquez, Gabriel",
        isbn="9780306406157",
        asin="B00TESTASN",
        keywords="rare, signed",
    )
    make_record(shop, sku="B-1", title="Germinal", author="Zola, Émile")
    response = owner_client.get(LIST, {"q": query})
    assert skus_on(response) == ["A-17"]


def test_search_needs_every_word(owner_client, shop):
    make_record(shop, sku="1", title="Great Expectations", author="Dickens, Charles")
    make_record(shop, sku="2", title="Bleak House", author="Dickens, Charles")
    response = owner_client.get(LIST, {"q": "dickens bleak"})
    assert skus_on(response) == ["2"]


def test_filters_narrow_the_list(owner_client, shop):
    sold = make_record(shop, sku="1", status=Record.Status.SOLD)
    pending = make_record(shop, sku="2", isbn="9780306406157")
    refused = make_record(shop, sku="3", asin="B00TESTASN", list_amazon_ca=True)
    make_record(shop, sku="4")
    put_on_amazon(pending)
    records_mark_changed(shop=shop, record_ids=[pending.pk], changed_fields={"title"})
    records_mark_changed(shop=shop, record_ids=[refused.pk])
    ListingState.objects.filter(record=refused).update(message="Not in catalog")

    def skus(**params):
        return skus_on(owner_client.get(LIST, {"sort": "sku", **params}))

    assert skus(status="sold") == [sold.sku]
    assert skus(pending="1") == ["2", "3"]
    assert skus(error="1") == ["3"]
    assert skus(marketplace="amazon_ca") == ["3"]
    assert skus(identifier="isbn") == ["2"]
    assert skus(identifier="asin") == ["3"]
    assert skus(identifier="any") == ["2", "3"]
    assert skus(identifier="none") == ["1", "4"]


def test_an_error_shows_amazons_message_on_the_list(owner_client, shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    ListingState.objects.filter(record=record).update(message="Price too low")
    content = owner_client.get(LIST).content.decode()
    assert "US: Error" in content
    assert "Price too low" in content


def test_record_numbers_sort_as_numbers(owner_client, shop):
    for sku in ["10", "9", "100", "1"]:
        make_record(shop, sku=sku)
    assert skus_on(owner_client.get(LIST, {"sort": "sku"})) == ["1", "9", "10", "100"]
    assert skus_on(owner_client.get(LIST, {"sort": "-sku"})) == ["100", "10", "9", "1"]


def test_sorting_by_price_puts_unpriced_records_first(owner_client, shop):
    make_record(shop, sku="1", price=Decimal("20"))
    make_record(shop, sku="2", price=None)
    make_record(shop, sku="3", price=Decimal("5"))
    assert skus_on(owner_client.get(LIST, {"sort": "price"})) == ["2", "3", "1"]
    assert skus_on(owner_client.get(LIST, {"sort": "-price"})) == ["1", "3", "2"]


@pytest.mark.parametrize(
    "sort", ["sku", "-title", "author", "price", "-price", "-updated"]
)
def test_paging_forward_and_back_visits_every_record_once(shop, sort):
    prices = [None, Decimal("5"), Decimal("5"), Decimal("12")]
    for n in range(23):
        make_record(
            shop, sku=str(n), title=f"T{n % 5}", author=f"A{n % 3}", price=prices[n % 4]
        )
    queryset = selectors.records_matching(shop=shop)
    seen, after, pages = [], "", []
    while True:
        page = selectors.records_page(queryset, sort=sort, after=after, size=5)
        pages.append([r.sku for r in page.records])
        seen += pages[-1]
        if not page.has_next:
            break
        after = page.next_cursor
    assert sorted(seen) == sorted(str(n) for n in range(23))
    assert len(pages) == 5
    back = selectors.records_page(
        queryset, sort=sort, before=page.previous_cursor, size=5
    )
    assert [r.sku for r in back.records] == pages[-2]
    assert back.has_previous


def test_the_list_pages_with_next_and_previous_links(owner_client, shop):
    for n in range(60):
        make_record(shop, sku=str(n))
    first = owner_client.get(LIST, {"sort": "sku"})
    assert len(skus_on(first)) == selectors.PAGE_SIZE
    next_link = re.search(r'href="([^"]+)" rel="next"', first.content.decode())
    second = owner_client.get(LIST + next_link.group(1).replace("&amp;", "&"))
    assert skus_on(second) == [str(n) for n in range(50, 60)]
    assert b'rel="prev"' in second.content


def test_a_tampered_cursor_shows_the_first_page(owner_client, shop):
    make_record(shop, sku="1")
    response = owner_client.get(LIST, {"after": "not-a-cursor!!", "sort": "price"})
    assert skus_on(response) == ["1"]


def test_the_list_takes_as_many_queries_for_fifty_records_as_for_one(
    owner_client, shop
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            owner_client.get(LIST)
        return len(context.captured_queries)

    put_on_amazon(make_record(shop, sku="0", list_amazon_ca=True))
    queries()  # the first visit also creates the shop's settings
    one = queries()
    for n in range(1, 60):
        put_on_amazon(make_record(shop, sku=str(n), list_amazon_ca=True))
    assert queries() == one


def test_the_count_is_capped(shop):
    for n in range(5):
        make_record(shop, sku=str(n))
    assert selectors.records_count(Record.objects.for_shop(shop), cap=3) == (3, False)
    assert selectors.records_count(Record.objects.for_shop(shop), cap=5) == (5, True)


def test_condition_notes_are_requested_for_the_records_on_the_page(owner_client, shop):
    a = make_record(shop, sku="1")
    b = make_record(shop, sku="2")
    content = owner_client.get(LIST, {"notes": "1", "sort": "sku"}).content.decode()
    assert f'<td id="note-{a.public_id}" class="note">' in content
    url = reverse("marketplace:notes_preview")
    assert f'hx-get="{url}?records={a.public_id},{b.public_id}"' in content


def test_without_a_notes_preview_page_the_list_asks_for_nothing(
    owner_client, shop, monkeypatch
):
    from inventory import views

    def reverse_without_notes(name, *args, **kwargs):
        if name == "marketplace:notes_preview":
            raise NoReverseMatch(name)
        return reverse(name, *args, **kwargs)

    monkeypatch.setattr(views, "reverse", reverse_without_notes)
    make_record(shop, sku="1")
    content = owner_client.get(LIST, {"notes": "1"}).content.decode()
    assert 'class="note"' in content
    assert 'hx-trigger="load"' not in content


def test_without_the_toggle_there_are_no_note_cells(owner_client, shop):
    make_record(shop, sku="1")
    assert b'class="note"' not in owner_client.get(LIST).content


# The record form


def test_creating_a_record_gives_it_the_next_number_and_sets_it_for_upload(
    owner_client, shop
):
    response = owner_client.post(NEW, form_data(isbn="0-306-40615-2"))
    record = Record.objects.for_shop(shop).get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(record)
    assert record.sku == "1"
    assert record.isbn == "9780306406157"
    assert state_of(record).state == State.PENDING_ADD


def test_the_form_has_tabs_and_per_shop_price_labels(owner_client, shop):
    settings = inventory_settings_for(shop)
    settings.price_label = "Shop price"
    settings.save()
    content = owner_client.get(NEW).content.decode()
    for tab in ["Main", "Description", "Amazon", "Images", "Keywords"]:
        assert f">{tab}</button>" in content
    assert "Shop price" in content


def test_a_bad_isbn_is_refused_on_save(owner_client, shop):
    response = owner_client.post(NEW, form_data(isbn="0306406153"))
    assert response.status_code == 200
    assert "check digit is wrong" in response.content.decode()
    assert not Record.objects.for_shop(shop).exists()


def test_field_validation_answers_with_the_fields_partial(owner_client, shop):
    response = owner_client.post(
        reverse("inventory:record_validate_new"),
        form_data(isbn="0306406153"),
        headers={"HX-Request": "true", "HX-Trigger-Name": "isbn"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<div class="field has-error')
    assert 'id="field-isbn"' in content
    assert "check digit is wrong" in content
    assert "<html" not in content


def test_field_validation_shows_both_isbn_forms(owner_client, shop):
    response = owner_client.post(
        reverse("inventory:record_validate_new"),
        form_data(isbn="0-306-40615-2"),
        headers={"HX-Request": "true", "HX-Trigger-Name": "isbn"},
    )
    content = response.content.decode()
    assert "ISBN-13 9780306406157" in content
    assert "ISBN-10 0306406152" in content


def test_field_validation_refuses_a_record_number_in_use(owner_client, shop):
    make_record(shop, sku="77")
    response = owner_client.post(
        reverse("inventory:record_validate_new"),
        form_data(sku="77"),
        headers={"HX-Request": "true", "HX-Trigger-Name": "sku"},
    )
    assert "Record number 77 is already used" in response.content.decode()


def test_a_record_keeps_its_own_number_when_validated(owner_client, shop):
    record = make_record(shop, sku="77")
    response = owner_client.post(
        reverse("inventory:record_validate", args=[record.public_id]),
        form_data(sku="77"),
        headers={"HX-Request": "true", "HX-Trigger-Name": "sku"},
    )
    assert "has-error" not in response.content.decode()


def test_editing_a_record_saves_and_shows_its_listing_states(owner_client, shop):
    record = make_record(shop, sku="5", title="Germinal")
    put_on_amazon(record)
    data = form_data(sku="5", title="Germinal (first edition)", price="45.00")
    response = owner_client.post(detail_url(record), data, follow=True)
    record.refresh_from_db()
    assert record.title == "Germinal (first edition)"
    assert state_of(record).state == State.PENDING_UPDATE
    content = response.content.decode()
    assert "Record 5 saved." in content
    assert "Pending update" in content


def test_the_amazon_tab_shows_the_condition_amazon_receives(owner_client, shop):
    record = make_record(shop, sku="5", book_grade="very_good")
    content = owner_client.get(detail_url(record)).content.decode()
    assert "Amazon receives: <strong>Used - Very Good</strong>" in content


def test_set_for_upload_button_answers_htmx_with_the_states(owner_client, shop):
    record = make_record(shop, sku="5")
    response = owner_client.post(
        reverse("inventory:record_upload", args=[record.public_id]),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.strip().startswith('<section class="card" id="listing-states">')
    assert "Pending add" in content
    assert state_of(record).state == State.PENDING_ADD


def test_deleting_an_unlisted_record_removes_it(owner_client, shop):
    record = make_record(shop, sku="5")
    url = reverse("inventory:record_delete", args=[record.public_id])
    assert b"deleted for good" in owner_client.get(url).content
    response = owner_client.post(url)
    assert response["Location"] == LIST
    assert not Record.objects.filter(pk=record.pk).exists()


def test_deleting_a_listed_record_withdraws_it_instead(owner_client, shop):
    record = make_record(shop, sku="5")
    put_on_amazon(record)
    url = reverse("inventory:record_delete", args=[record.public_id])
    assert b"Withdraw from Amazon" in owner_client.get(url).content
    response = owner_client.post(url, follow=True)
    record.refresh_from_db()
    assert record.status == Record.Status.WITHDRAWN
    assert state_of(record).state == State.PENDING_DELETE
    assert "next upload deletes it there" in response.content.decode()


# Bulk actions


def bulk(client: Client, **data):
    return client.post(reverse("inventory:records_bulk"), data, follow=True)


def test_bulk_set_for_upload_of_ticked_records(owner_client, shop):
    a = make_record(shop, sku="1")
    b = make_record(shop, sku="2")
    response = bulk(owner_client, action="upload", records=[str(a.public_id)])
    assert "1 record(s) set for upload." in response.content.decode()
    assert state_of(a).state == State.PENDING_ADD
    assert not ListingState.objects.filter(record=b).exists()


def test_bulk_ignores_ticked_records_of_another_shop(owner_client, shop, other_shop):
    theirs = make_record(other_shop, sku="1")
    bulk(owner_client, action="upload", records=[str(theirs.public_id), "junk"])
    assert not ListingState.objects.filter(record=theirs).exists()


def test_bulk_needs_a_selection(owner_client, shop):
    make_record(shop, sku="1")
    response = bulk(owner_client, action="upload")
    assert "Tick some records first" in response.content.decode()


def test_bulk_status_change_of_everything_matching_asks_first(owner_client, shop):
    for n in range(3):
        make_record(shop, sku=str(n), title="Germinal")
    make_record(shop, sku="9", title="Nana")
    url = reverse("inventory:records_bulk")
    confirm = owner_client.post(
        url, {"action": "status", "scope": "all", "q": "germinal"}
    )
    assert "Change status: 3 records" in confirm.content.decode()
    assert not Record.objects.filter(status=Record.Status.SOLD).exists()
    done = owner_client.post(
        url,
        {
            "action": "status",
            "scope": "all",
            "q": "germinal",
            "confirm": "1",
            "new_status": "sold",
        },
        follow=True,
    )
    assert "3 record(s) set to Sold." in done.content.decode()
    assert Record.objects.filter(status=Record.Status.SOLD).count() == 3
    assert Record.objects.get(sku="9").status == Record.Status.AVAILABLE


def test_bulk_price_change_by_percent(owner_client, shop):
    a = make_record(shop, sku="1", price2=Decimal("10.00"))
    response = bulk(
        owner_client,
        action="price",
        records=[str(a.public_id)],
        confirm="1",
        field="price2",
        method="percent",
        value="-15",
    )
    a.refresh_from_db()
    assert a.price2 == Decimal("8.50")
    assert "1 price(s) changed." in response.content.decode()


def test_bulk_price_change_refuses_minus_a_hundred_percent(owner_client, shop):
    a = make_record(shop, sku="1")
    response = bulk(
        owner_client,
        action="price",
        records=[str(a.public_id)],
        confirm="1",
        field="price",
        method="percent",
        value="-100",
    )
    assert "cannot drop by 100%" in response.content.decode()
    a.refresh_from_db()
    assert a.price == Decimal("45.00")


def test_bulk_delete_states_how_many_then_deletes(owner_client, shop):
    records = [make_record(shop, sku=str(n)) for n in range(2)]
    listed = make_record(shop, sku="9")
    put_on_amazon(listed)
    ids = [str(r.public_id) for r in [*records, listed]]
    confirm = owner_client.post(
        reverse("inventory:records_bulk"), {"action": "delete", "records": ids}
    )
    assert "Delete 3 records" in confirm.content.decode()
    response = bulk(owner_client, action="delete", records=ids, confirm="1")
    content = response.content.decode()
    assert "2 record(s) deleted." in content
    assert "1 record(s) still on Amazon were withdrawn" in content
    assert list(Record.objects.for_shop(shop).values_list("sku", flat=True)) == ["9"]


# Roles


def test_a_reader_sees_records_but_no_write_buttons(reader_client, shop):
    record = make_record(shop, sku="1")
    listing = reader_client.get(LIST).content.decode()
    assert "New record" not in listing
    assert 'type="checkbox" name="records"' not in listing
    page = reader_client.get(detail_url(record)).content.decode()
    assert "The Hobbit" in page
    assert "Set for upload" not in page
    assert ">Save<" not in page
    assert "disabled" in page


def test_a_reader_gets_403_on_every_write(reader_client, shop):
    record = make_record(shop, sku="1")
    posts = [
        NEW,
        detail_url(record),
        reverse("inventory:record_validate", args=[record.public_id]),
        reverse("inventory:record_upload", args=[record.public_id]),
        reverse("inventory:record_delete", args=[record.public_id]),
        reverse("inventory:records_bulk"),
    ]
    for url in posts:
        response = reader_client.post(url, form_data(action="delete", scope="all"))
        assert response.status_code == 403, url
    record.refresh_from_db()
    assert record.title == "The Hobbit"
    assert not ListingState.objects.exists()


def test_staff_can_edit(staff_client, shop):
    record = make_record(shop, sku="1")
    staff_client.post(detail_url(record), form_data(sku="1", title="Nana"))
    record.refresh_from_db()
    assert record.title == "Nana"


def test_a_stranger_cannot_open_a_record(stranger_client, shop):
    record = make_record(shop, sku="1")
    assert stranger_client.get(detail_url(record)).status_code == 404


def test_the_list_links_to_import_and_export(owner_client, shop):
    make_record(shop, sku="1")
    content = owner_client.get(LIST).content.decode()
    assert f'href="{reverse("inventory:transfer")}">Import / Export</a>' in content


def test_a_bulk_action_over_the_limit_is_refused(owner_client, shop, monkeypatch):
    from inventory import views

    monkeypatch.setattr(views, "BULK_LIMIT", 2)
    for n in range(3):
        make_record(shop, sku=str(n))
    response = bulk(owner_client, action="upload", scope="all")
    assert "3 records are more than one action may change at once (2)" in (
        response.content.decode()
    )
    assert not ListingState.objects.exists()
