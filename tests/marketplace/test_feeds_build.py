import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.listing import listing_states_settle, records_mark_changed
from inventory.models import ListingState, Record
from marketplace.feeds import MessageRef, build_feeds
from marketplace.models import Service

State = ListingState.State


@pytest.fixture
def service(shop):
    return Service.objects.create(
        shop=shop, marketplace="amazon_us", selling_partner_id="A1SELLER"
    )


def make(shop, sku, **fields):
    fields.setdefault("title", "The Hobbit")
    fields.setdefault("author", "J. R. R. Tolkien")
    fields.setdefault("publisher", "Allen & Unwin")
    fields.setdefault("binding", "Hardcover")
    fields.setdefault("price", Decimal("45.00"))
    fields.setdefault("isbn", "9780261102217")
    record = Record.objects.create(shop=shop, sku=sku, **fields)
    records_mark_changed(shop=shop, record_ids=[record.pk])
    return record


def state_of(record, marketplace="amazon_us"):
    return ListingState.objects.get(record=record, marketplace=marketplace)


def listed(record):
    for state in ListingState.objects.filter(record=record):
        listing_states_settle(
            shop=record.shop,
            marketplace=state.marketplace,
            accepted={record.pk: state.revision},
            rejected={},
        )
    return record


def change(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    records_mark_changed(
        shop=record.shop, record_ids=[record.pk], changed_fields=fields
    )


def documents(build, feed="listings"):
    return [
        json.loads(batch.path.read_bytes())
        for batch in build.batches
        if batch.feed == feed
    ]


def messages(build, feed="listings"):
    return [m for doc in documents(build, feed) for m in doc["messages"]]


def by_sku(build, feed="listings"):
    return {m["sku"]: m for m in messages(build, feed)}


def classic(build, name):
    (file,) = [file for file in build.files if file.path.name == name]
    lines = file.path.read_bytes().decode("cp1252").split("\r\n")
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]


@pytest.fixture
def upload(shop, service):
    """An offer, a new page, a new price, a deletion, an offer with images."""
    service.upload_images = True
    service.save()
    make(shop, "OFFER", asin="B000TEST01")
    make(shop, "PAGE", isbn="", title="Grimms Märchen", author="Grimm")
    change(listed(make(shop, "PRICE")), price=Decimal("50.00"))
    change(listed(make(shop, "SOLD")), status=Record.Status.SOLD)
    make(shop, "PICTURED", image_url_1="https://img.example/1.jpg")
    return service


def test_each_record_goes_in_the_feed_its_change_needs(upload, tmp_path):
    build = build_feeds(upload, out_dir=tmp_path)
    sent = by_sku(build)
    assert {sku: m["operationType"] for sku, m in sent.items()} == {
        "OFFER": "UPDATE",
        "PAGE": "UPDATE",
        "PRICE": "PATCH",
        "SOLD": "DELETE",
        "PICTURED": "UPDATE",
    }
    assert sent["OFFER"]["requirements"] == "LISTING_OFFER_ONLY"
    assert sent["PAGE"]["requirements"] == "LISTING"
    assert sent["PAGE"]["productType"] == "ABIS_BOOK"
    (images,) = messages(build, "images")
    assert images["sku"] == "PICTURED"
    assert images["patches"][0]["value"][0]["media_location"] == (
        "https://img.example/1.jpg"
    )
    assert documents(build)[0]["header"] == {
        "sellerId": "A1SELLER",
        "version": "2.0",
        "issueLocale": "en_US",
    }


def test_the_classic_files_hold_the_same_records(upload, tmp_path):
    build = build_feeds(upload, out_dir=tmp_path)
    assert sorted(file.path.name for file in build.files) == [
        "AmazonUploadBL_1.txt",
        "AmazonUploadLL_1.txt",
        "AmazonUploadPQ_1.txt",
        "AmazonUpload_1.txt",
    ]
    inventory = {row["sku"]: row for row in classic(build, "AmazonUpload_1.txt")}
    assert inventory["OFFER"]["add-delete"] == "a"
    assert inventory["OFFER"]["product-id-type"] == "1"
    assert inventory["PICTURED"]["product-id-type"] == "2"
    assert inventory["SOLD"]["add-delete"] == "d"
    (page,) = classic(build, "AmazonUploadBL_1.txt")
    assert (page["sku"], page["title"], page["author"]) == (
        "PAGE",
        "Grimms Märchen",
        "Grimm",
    )
    (price,) = classic(build, "AmazonUploadPQ_1.txt")
    assert (price["sku"], price["price"], price["quantity"]) == ("PRICE", "50.00", "1")
    (pictured,) = classic(build, "AmazonUploadLL_1.txt")
    assert pictured["main-offer-image"] == "https://img.example/1.jpg"


def test_counts_tell_new_records_from_modified_ones(upload, tmp_path):
    build = build_feeds(upload, out_dir=tmp_path)
    assert build.records == 5
    assert build.summary_lines() == [
        "Inventory Loader: 3 records → 2 new, 1 modified",
        "Book Loader: 1 record → 1 new, 0 modified",
        "Listing Loader: 1 record → 1 new, 0 modified",
        "Price & Quantity: 1 record → 0 new, 1 modified",
    ]


def test_message_ids_lead_back_to_record_revision_and_kind(upload, shop, tmp_path):
    build = build_feeds(upload, out_dir=tmp_path)
    (batch, images) = build.batches
    refs = batch.message_map()
    for message in messages(build):
        record = Record.objects.get(shop=shop, sku=message["sku"])
        ref = refs[message["messageId"]]
        assert ref.record_id == record.pk
        assert ref.revision == state_of(record).revision
    pictured = Record.objects.get(shop=shop, sku="PICTURED")
    assert images.message_map() == {
        1: MessageRef(pictured.pk, state_of(pictured).revision, "images")
    }
    kinds = {ref.kind for ref in refs.values()}
    assert kinds == {"offer", "book", "price_quantity", "delete"}


def test_images_stay_home_when_the_service_does_not_send_them(upload, tmp_path):
    upload.upload_images = False
    upload.save()
    build = build_feeds(upload, out_dir=tmp_path)
    assert [batch.feed for batch in build.batches] == ["listings"]
    assert "Listing Loader" not in build.counts
    forced = build_feeds(upload, out_dir=tmp_path / "forced", upload_images=True)
    assert [batch.feed for batch in forced.batches] == ["listings", "images"]


def test_a_record_amazon_would_refuse_is_held_and_the_rest_go_out(
    shop, service, tmp_path
):
    make(shop, "GOOD")
    unpriced = make(shop, "UNPRICED", price=None)
    no_author = make(shop, "NOAUTHOR", isbn="", author="")
    too_dear = make(shop, "DEAR", price=Decimal("200000.00"))
    build = build_feeds(service, out_dir=tmp_path)

    assert list(by_sku(build)) == ["GOOD"]
    assert {held.sku: held.reason for held in build.held} == {
        "UNPRICED": "The record has no Retail price, the price this service sends.",
        "NOAUTHOR": ("A new product page needs an author, which this record lacks."),
        "DEAR": ("The price 200000.00 is above the service's maximum price 100000.00."),
    }
    assert state_of(unpriced).message.startswith("The record has no Retail price")
    assert state_of(no_author).message.startswith("A new product page needs")
    assert state_of(too_dear).state == State.PENDING_ADD
    assert classic(build, "AmazonUpload_1.txt")[0]["sku"] == "GOOD"


def test_nothing_pending_builds_nothing(shop, service, tmp_path):
    listed(make(shop, "QUIET"))
    build = build_feeds(service, out_dir=tmp_path)
    assert build.batches == []
    assert build.files == []
    assert build.counts == {}


def test_all_inventory_sends_every_online_record_on_the_marketplace(
    shop, service, tmp_path
):
    listed(make(shop, "LISTED"))
    make(shop, "NEW")
    listed(make(shop, "GONE", status=Record.Status.SOLD))
    make(shop, "NOT-HERE", list_amazon_us=False)
    make(shop, "NONE-LEFT", quantity=0)
    unstated = Record.objects.create(
        shop=shop, sku="NO-STATE", isbn="9780261102217", price=Decimal("9.00")
    )
    build = build_feeds(service, all_inventory=True, out_dir=tmp_path)

    sent = by_sku(build)
    assert sorted(sent) == ["LISTED", "NEW", "NO-STATE"]
    assert {m["operationType"] for m in sent.values()} == {"UPDATE"}
    assert build.summary_lines() == ["Inventory Loader: 3 records → 2 new, 1 modified"]
    refs = build.batches[0].message_map()
    assert MessageRef(unstated.pk, 0, "offer") in refs.values()


def test_another_shops_records_never_go_out(shop, other_shop, service, tmp_path):
    make(shop, "MINE")
    make(other_shop, "THEIRS")
    build = build_feeds(service, out_dir=tmp_path)
    assert list(by_sku(build)) == ["MINE"]
    everything = build_feeds(service, all_inventory=True, out_dir=tmp_path / "all")
    assert list(by_sku(everything)) == ["MINE"]


def test_a_canadian_service_sends_its_own_records_in_dollars(shop, tmp_path):
    canada = Service.objects.create(
        shop=shop, marketplace="amazon_ca", price_field="price2"
    )
    make(shop, "BOTH", price2=Decimal("60.00"))
    make(shop, "US-ONLY", price2=Decimal("60.00"), list_amazon_ca=False)
    build = build_feeds(canada, out_dir=tmp_path)

    (message,) = messages(build)
    assert message["sku"] == "BOTH"
    (offer,) = message["attributes"]["purchasable_offer"]
    assert offer["currency"] == "CAD"
    assert offer["marketplace_id"] == "A2EUQ1WTGCTBG2"
    assert offer["our_price"] == [{"schedule": [{"value_with_tax": 60.0}]}]
    assert build.batches[0].path.name == "AmazonListingsCA_1.json"
    assert [file.path.name for file in build.files] == ["AmazonUploadCA_1.txt"]


def test_the_condition_note_comes_from_the_field_mapping(shop, service, tmp_path):
    make(shop, "NOTED", book_grade="very_good", jacket_grade="good", place="London")
    make(shop, "OWN", item_note="Signed by the author.\nFirst printing — €5 off")
    build = build_feeds(service, out_dir=tmp_path)

    notes = {
        sku: m["attributes"]["condition_note"][0]["value"]
        for sku, m in by_sku(build).items()
    }
    assert notes["NOTED"] == (
        "London. Allen & Unwin. Hardcover. Very Good in Good dust jacket"
    )
    assert notes["OWN"].startswith("Signed by the author. First printing")
    rows = {row["sku"]: row for row in classic(build, "AmazonUpload_1.txt")}
    assert rows["OWN"]["item-note"].startswith("Signed by the author. First")
    assert "€5 off" in rows["OWN"]["item-note"]


def test_classic_files_carry_accents_and_flatten_tabs_and_breaks(
    shop, service, tmp_path
):
    make(
        shop,
        "ACCENTS",
        isbn="",
        title="Café “Über” Straße — niño’s €",
        author="Müller\tand\nSöhne",
        publisher="Łódź Press",
    )
    build = build_feeds(service, out_dir=tmp_path)
    (file,) = build.files
    assert file.path.name == "AmazonUploadBL_1.txt"
    (row,) = classic(build, "AmazonUploadBL_1.txt")
    assert row["title"] == "Café “Über” Straße — niño’s €"
    assert row["author"] == "Müller and Söhne"
    assert row["publisher"] == "Lódz Press"
    assert file.replaced_characters == 2
    (message,) = messages(build)
    assert message["attributes"]["publisher"][0]["value"] == "Łódź Press"


def test_batches_follow_the_limits_in_settings(shop, service, tmp_path, settings):
    settings.AMAZON_FEED_MAX_MESSAGES = 2
    for n in range(5):
        make(shop, f"S{n}")
    build = build_feeds(service, out_dir=tmp_path)
    assert [batch.messages for batch in build.batches] == [2, 2, 1]
    assert [file.path.name for file in build.files] == [
        "AmazonUpload_1.txt",
        "AmazonUpload_2.txt",
        "AmazonUpload_3.txt",
    ]
    settings.AMAZON_FEED_MAX_MESSAGES = 25_000
    settings.AMAZON_FEED_MAX_BYTES = 1500
    build = build_feeds(service, out_dir=tmp_path / "bytes")
    assert len(build.batches) > 1
    assert all(batch.path.stat().st_size <= 1500 for batch in build.batches)
    assert sum(batch.messages for batch in build.batches) == 5


def test_the_book_product_type_is_a_setting(shop, service, tmp_path, settings):
    settings.AMAZON_BOOK_PRODUCT_TYPE = "BOOK"
    make(shop, "PAGE", isbn="")
    (message,) = messages(build_feeds(service, out_dir=tmp_path))
    assert message["productType"] == "BOOK"


def test_queries_do_not_grow_with_the_records(shop, service, tmp_path):
    def queries_after_adding(count, folder):
        records = [
            Record(shop=shop, sku=f"{folder}-{n}", isbn="9780261102217", price=9)
            for n in range(count)
        ]
        created = Record.objects.bulk_create(records)
        records_mark_changed(shop=shop, record_ids=[r.pk for r in created])
        with CaptureQueriesContext(connection) as queries:
            build = build_feeds(service, out_dir=tmp_path / folder, chunk_size=4)
        return build.records, len(queries)

    few_records, few_queries = queries_after_adding(3, "few")
    many_records, many_queries = queries_after_adding(40, "many")
    assert (few_records, many_records) == (3, 43)
    assert few_queries == many_queries


def test_notes_given_by_the_caller_reach_each_feed(shop, service, tmp_path):
    make(shop, "NOTED")

    def notes(row):
        return f"Utf note for {row['sku']} — Łódź", f"Cp note for {row['sku']}"

    build = build_feeds(service, out_dir=tmp_path, notes=notes)
    (message,) = messages(build)
    assert message["attributes"]["condition_note"][0]["value"] == (
        "Utf note for NOTED — Łódź"
    )
    (row,) = classic(build, "AmazonUpload_1.txt")
    assert row["item-note"] == "Cp note for NOTED"


def test_the_upload_can_leave_the_classic_files_out(upload, tmp_path):
    build = build_feeds(upload, out_dir=tmp_path, classic_files=False)
    assert build.files == []
    assert not list(tmp_path.glob("*.txt"))
    assert len(messages(build)) == 5
    assert build.counts["Inventory Loader"].records == 3
