import io
import json
from decimal import Decimal

import pytest

from marketplace.feeds.checks import PriceRule, problem_with
from marketplace.feeds.classic import (
    COLUMNS,
    INVENTORY_LOADER,
    ClassicFileWriter,
    RowContext,
    encode_line,
    fields_for,
    file_name,
)
from marketplace.feeds.json_listings import (
    FeedDocument,
    Limits,
    ListingsFeedWriter,
    MessageContext,
    MessageRef,
    feed_header,
    message_for,
)
from marketplace.feeds.markets import MARKETS
from marketplace.feeds.routing import Kind, route
from tests.contract.support import feed_row

US, CA, UK = MARKETS["amazon_us"], MARKETS["amazon_ca"], MARKETS["amazon_uk"]
RULE = PriceRule("price", "Retail price", Decimal("0.01"), Decimal("100000"))
CTX = MessageContext(US, "price", Decimal("0.01"), Decimal("100000"), "ABIS_BOOK")
ROW_CTX = RowContext("price", Decimal("0.01"), Decimal("100000"))


def kinds(row, images=False, all_inventory=False):
    return route(
        row,
        marketplace="amazon_us",
        upload_images=images,
        all_inventory=all_inventory,
    )


# Routing


def test_a_record_with_an_isbn_is_an_offer_on_an_existing_page():
    assert kinds(feed_row(asin="", isbn="9780261102217")) == (Kind.OFFER,)


def test_a_record_with_only_an_asin_is_an_offer_too():
    assert kinds(feed_row(asin="B000TEST01", isbn="")) == (Kind.OFFER,)


def test_a_record_with_no_identifier_needs_a_new_product_page():
    assert kinds(feed_row(asin="", isbn="")) == (Kind.BOOK,)


def test_images_follow_an_offer_only_when_the_service_sends_them():
    row = feed_row(image_url_1="https://img.example/1.jpg")
    assert kinds(row, images=True) == (Kind.OFFER, Kind.IMAGES)
    assert kinds(row, images=False) == (Kind.OFFER,)
    assert kinds(feed_row(), images=True) == (Kind.OFFER,)


def test_a_new_page_gets_no_image_patch():
    row = feed_row(asin="", isbn="", image_url_1="https://img.example/1.jpg")
    assert kinds(row, images=True) == (Kind.BOOK,)


@pytest.mark.parametrize(
    "change",
    [
        {"ls_state": "pending_delete"},
        {"status": "sold"},
        {"status": "withdrawn"},
        {"quantity": 0},
        {"list_amazon_us": False},
    ],
)
def test_a_record_amazon_must_drop_is_a_deletion(change):
    row = feed_row(**({"ls_state": "pending_update"} | change))
    assert kinds(row) == (Kind.DELETE,)


def test_a_price_or_quantity_change_alone_is_a_price_and_quantity_update():
    row = feed_row(ls_state="pending_update", ls_price_quantity_only=True)
    assert kinds(row) == (Kind.PRICE_QUANTITY,)


def test_all_inventory_sends_every_record_whole():
    row = feed_row(ls_state="pending_update", ls_price_quantity_only=True)
    assert kinds(row, all_inventory=True) == (Kind.OFFER,)


# Checks


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"price": None}, "The record has no Retail price, the price this service"),
        ({"price": Decimal("0")}, "The Retail price is zero"),
        ({"price": Decimal("0.001")}, "below the service's minimum price 0.01"),
        ({"price": Decimal("100000.01")}, "above the service's maximum price"),
        ({"sku": "X" * 41}, "The SKU is 41 characters long; Amazon takes at most 40."),
        ({"sku": ""}, "The record has no SKU."),
        ({"condition": "used_pristine"}, "“used_pristine” is not one Amazon accepts"),
    ],
)
def test_a_record_amazon_would_refuse_is_held_with_the_reason(change, reason):
    problem = problem_with(feed_row(**change), Kind.OFFER, price_rule=RULE)
    assert reason in problem


def test_a_new_page_without_its_bibliographic_fields_is_held():
    row = feed_row(asin="", isbn="", author="", binding=" ")
    problem = problem_with(row, Kind.BOOK, price_rule=RULE)
    assert problem == (
        "A new product page needs an author and a binding, which this record lacks."
    )


def test_a_deletion_needs_no_price():
    assert problem_with(feed_row(price=None), Kind.DELETE, price_rule=RULE) is None


def test_a_sound_record_passes():
    assert problem_with(feed_row(), Kind.OFFER, price_rule=RULE) is None
    assert problem_with(feed_row(asin="", isbn=""), Kind.BOOK, price_rule=RULE) is None


# JSON messages


def attributes_of(message):
    return message["attributes"]


def test_an_offer_by_isbn_is_an_offer_only_update():
    message = message_for(Kind.OFFER, feed_row(), CTX, "Very Good in jacket")
    assert message["operationType"] == "UPDATE"
    assert message["productType"] == "PRODUCT"
    assert message["requirements"] == "LISTING_OFFER_ONLY"
    attributes = attributes_of(message)
    assert attributes["externally_assigned_product_identifier"] == [
        {"type": "isbn", "value": "9780261102217", "marketplace_id": "ATVPDKIKX0DER"}
    ]
    assert attributes["condition_type"] == [
        {"value": "used_very_good", "marketplace_id": "ATVPDKIKX0DER"}
    ]
    assert attributes["condition_note"] == [
        {
            "value": "Very Good in jacket",
            "language_tag": "en_US",
            "marketplace_id": "ATVPDKIKX0DER",
        }
    ]
    assert attributes["fulfillment_availability"] == [
        {
            "fulfillment_channel_code": "DEFAULT",
            "quantity": 1,
            "marketplace_id": "ATVPDKIKX0DER",
        }
    ]


def test_an_offer_carries_price_and_the_services_price_range():
    ctx = MessageContext(CA, "price2", Decimal("5.00"), Decimal("900.00"))
    row = feed_row(price2=Decimal("19.99"))
    (offer,) = attributes_of(message_for(Kind.OFFER, row, ctx, ""))["purchasable_offer"]
    assert offer == {
        "audience": "ALL",
        "currency": "CAD",
        "marketplace_id": "A2EUQ1WTGCTBG2",
        "our_price": [{"schedule": [{"value_with_tax": 19.99}]}],
        "minimum_seller_allowed_price": [{"schedule": [{"value_with_tax": 5.0}]}],
        "maximum_seller_allowed_price": [{"schedule": [{"value_with_tax": 900.0}]}],
    }


def test_an_asin_wins_over_an_isbn_and_an_empty_note_is_left_out():
    message = message_for(Kind.OFFER, feed_row(asin="B000TEST01"), CTX, "")
    attributes = attributes_of(message)
    assert attributes["merchant_suggested_asin"][0]["value"] == "B000TEST01"
    assert "externally_assigned_product_identifier" not in attributes
    assert "condition_note" not in attributes


def test_a_new_page_carries_the_book_and_the_offer():
    row = feed_row(
        asin="",
        isbn="",
        subtitle="There and Back Again",
        edition="Second edition",
        illustrator="",
    )
    ctx = MessageContext(UK, "price", Decimal("0.01"), Decimal("100000"), "BOOK_X")
    message = message_for(Kind.BOOK, row, ctx, "Fine")
    assert message["productType"] == "BOOK_X"
    assert message["requirements"] == "LISTING"
    attributes = attributes_of(message)
    assert attributes["item_name"][0] == {
        "value": "The Hobbit: There and Back Again",
        "language_tag": "en_GB",
        "marketplace_id": "A1F83G8C2ARO7P",
    }
    assert attributes["author"][0]["value"] == "J. R. R. Tolkien"
    assert attributes["publisher"][0]["value"] == "Allen & Unwin"
    assert attributes["binding"][0]["value"] == "Hardcover"
    assert attributes["publication_date"][0]["value"] == "1951"
    assert attributes["edition"][0]["value"] == "Second edition"
    assert "illustrator" not in attributes
    assert attributes["purchasable_offer"][0]["currency"] == "GBP"
    assert attributes["supplier_declared_has_product_identifier_exemption"][0]["value"]


def test_images_patch_the_main_image_and_five_others_at_most():
    urls = {f"image_url_{n}": f"https://img.example/{n}.jpg" for n in range(1, 7)}
    row = feed_row(**(urls | {"image_url_2": ""}))
    message = message_for(Kind.IMAGES, row, CTX, "")
    assert message["operationType"] == "PATCH"
    assert [patch["path"] for patch in message["patches"]] == [
        "/attributes/main_product_image_locator",
        "/attributes/other_product_image_locator_1",
        "/attributes/other_product_image_locator_2",
        "/attributes/other_product_image_locator_3",
        "/attributes/other_product_image_locator_4",
    ]
    assert message["patches"][1]["value"] == [
        {
            "media_location": "https://img.example/3.jpg",
            "marketplace_id": US.marketplace_id,
        }
    ]


def test_a_deletion_names_the_sku_alone():
    assert message_for(Kind.DELETE, feed_row(), CTX, "") == {
        "sku": "1001",
        "operationType": "DELETE",
    }


def test_a_price_and_quantity_update_patches_offer_and_availability():
    message = message_for(Kind.PRICE_QUANTITY, feed_row(quantity=3), CTX, "")
    assert message["productType"] == "PRODUCT"
    assert [patch["path"] for patch in message["patches"]] == [
        "/attributes/purchasable_offer",
        "/attributes/fulfillment_availability",
    ]
    assert message["patches"][1]["value"][0]["quantity"] == 3
    page = message_for(Kind.PRICE_QUANTITY, feed_row(asin="", isbn=""), CTX, "")
    assert page["productType"] == "ABIS_BOOK"


# Streaming and batches


def test_a_document_is_written_as_messages_arrive():
    stream = io.BytesIO()
    document = FeedDocument(stream, feed_header(seller_id="A1SELLER", market=US))
    assert stream.getvalue().startswith(b'{"header":{"sellerId":"A1SELLER"')
    document.add(FeedDocument.encode({"sku": "é-1", "operationType": "DELETE"}))
    document.add(FeedDocument.encode({"sku": "2", "operationType": "DELETE"}))
    document.finish()
    parsed = json.loads(stream.getvalue())
    assert parsed["header"]["issueLocale"] == "en_US"
    assert parsed["messages"] == [
        {"messageId": 1, "sku": "é-1", "operationType": "DELETE"},
        {"messageId": 2, "sku": "2", "operationType": "DELETE"},
    ]
    assert document.size == len(stream.getvalue())


def write_deletions(tmp_path, count, limits):
    writer = ListingsFeedWriter(
        tmp_path,
        "AmazonListings",
        "listings",
        {"sellerId": "A1", "version": "2.0"},
        limits,
    )
    for n in range(1, count + 1):
        writer.add(
            {"sku": f"SKU-{n}", "operationType": "DELETE"}, MessageRef(n, n, "delete")
        )
    return writer.close()


def test_batches_split_by_message_count(tmp_path):
    batches = write_deletions(tmp_path, 7, Limits(max_messages=3, max_bytes=10**6))
    assert [batch.messages for batch in batches] == [3, 3, 1]
    assert [batch.path.name for batch in batches] == [
        "AmazonListings_1.json",
        "AmazonListings_2.json",
        "AmazonListings_3.json",
    ]
    second = json.loads(batches[1].path.read_bytes())
    assert [m["sku"] for m in second["messages"]] == ["SKU-4", "SKU-5", "SKU-6"]
    assert [m["messageId"] for m in second["messages"]] == [1, 2, 3]
    assert batches[1].message_map() == {
        1: MessageRef(4, 4, "delete"),
        2: MessageRef(5, 5, "delete"),
        3: MessageRef(6, 6, "delete"),
    }


def test_batches_split_by_size_and_stay_under_it(tmp_path):
    limit = 250
    batches = write_deletions(tmp_path, 20, Limits(max_messages=1000, max_bytes=limit))
    assert len(batches) > 1
    assert sum(batch.messages for batch in batches) == 20
    for batch in batches:
        data = batch.path.read_bytes()
        assert len(data) == batch.size <= limit
        assert len(json.loads(data)["messages"]) == batch.messages


def test_no_messages_write_no_document(tmp_path):
    assert write_deletions(tmp_path, 0, Limits()) == []
    assert list(tmp_path.iterdir()) == []


# Classic files


def test_classic_file_names_put_the_loader_before_the_marketplace():
    assert file_name("Inventory Loader", US, 1) == "AmazonUpload_1.txt"
    assert file_name("Inventory Loader", CA, 2) == "AmazonUploadCA_2.txt"
    assert file_name("Book Loader", UK, 1) == "AmazonUploadBLUK_1.txt"
    assert file_name("Listing Loader", US, 1) == "AmazonUploadLL_1.txt"
    assert file_name("Price & Quantity", CA, 1) == "AmazonUploadPQCA_1.txt"


def test_an_inventory_loader_row_uses_amazons_codes():
    row = feed_row(
        asin="B000TEST01", condition="collectible_good", international_shipping=True
    )
    fields = dict(
        zip(
            COLUMNS[INVENTORY_LOADER],
            fields_for(Kind.OFFER, row, ROW_CTX, "Nice"),
            strict=True,
        )
    )
    assert fields == {
        "sku": "1001",
        "product-id": "B000TEST01",
        "product-id-type": "1",
        "price": "45.00",
        "minimum-seller-allowed-price": "0.01",
        "maximum-seller-allowed-price": "100000.00",
        "item-condition": "7",
        "quantity": "1",
        "add-delete": "a",
        "will-ship-internationally": "y",
        "expedited-shipping": "n",
        "item-note": "Nice",
    }
    by_isbn = fields_for(Kind.OFFER, feed_row(), ROW_CTX, "")
    assert by_isbn[1:3] == ["9780261102217", "2"]


def test_a_deletion_row_is_the_sku_and_d():
    fields = dict(
        zip(
            COLUMNS[INVENTORY_LOADER],
            fields_for(Kind.DELETE, feed_row(), ROW_CTX, ""),
            strict=True,
        )
    )
    assert fields["sku"] == "1001"
    assert fields["add-delete"] == "d"
    assert {v for k, v in fields.items() if k not in ("sku", "add-delete")} == {""}


def test_windows_1252_carries_accents_dashes_quotes_and_the_euro():
    text = "Café über Straße, niño — “quoted” ‘single’ €5"
    line, replaced = encode_line([text])
    assert line.decode("cp1252") == text + "\r\n"
    assert replaced == 0


def test_characters_windows_1252_lacks_are_replaced_and_counted():
    line, replaced = encode_line(["Łódź → 東京"])
    assert line.decode("cp1252") == "Lódz -> ??\r\n"
    assert replaced == 5


def test_tabs_and_line_breaks_inside_a_field_become_spaces(tmp_path):
    writer = ClassicFileWriter(tmp_path, INVENTORY_LOADER, US, Limits())
    row = feed_row(sku="A\t1")
    writer.add(fields_for(Kind.OFFER, row, ROW_CTX, "Line one\nline two\r\nend\ttab"))
    (file,) = writer.close()
    lines = file.path.read_bytes().decode("cp1252").split("\r\n")
    assert lines[0].split("\t") == list(COLUMNS[INVENTORY_LOADER])
    fields = lines[1].split("\t")
    assert len(fields) == len(COLUMNS[INVENTORY_LOADER])
    assert fields[0] == "A 1"
    assert fields[-1] == "Line one line two  end tab"
    assert lines[2:] == [""]


def test_classic_files_split_into_numbered_files(tmp_path):
    writer = ClassicFileWriter(tmp_path, INVENTORY_LOADER, UK, Limits(max_messages=2))
    for n in range(5):
        writer.add(fields_for(Kind.DELETE, feed_row(sku=f"S{n}"), ROW_CTX, ""))
    files = writer.close()
    assert [file.path.name for file in files] == [
        "AmazonUploadUK_1.txt",
        "AmazonUploadUK_2.txt",
        "AmazonUploadUK_3.txt",
    ]
    assert [file.rows for file in files] == [2, 2, 1]
    for file in files:
        assert file.path.read_bytes().startswith(b"sku\tproduct-id\t")
        assert file.path.stat().st_size == file.size


def test_classic_files_split_by_size_and_stay_under_it(tmp_path):
    writer = ClassicFileWriter(tmp_path, INVENTORY_LOADER, US, Limits(max_bytes=400))
    for n in range(12):
        writer.add(fields_for(Kind.OFFER, feed_row(sku=f"S{n}"), ROW_CTX, "Fine"))
    files = writer.close()
    assert len(files) > 1
    assert sum(file.rows for file in files) == 12
    for file in files:
        data = file.path.read_bytes()
        assert len(data) == file.size <= 400
        assert data.count(b"\r\n") == file.rows + 1
