"""Every JSON document the feed builders write validates against Amazon's
JSON_LISTINGS_FEED schema (v2) and each message against its message schema.
"""

import io
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory.listing import listing_states_settle, records_mark_changed
from inventory.models import ListingState, Record
from marketplace.feeds import build_feeds
from marketplace.feeds.json_listings import (
    FeedDocument,
    MessageContext,
    feed_header,
    message_for,
)
from marketplace.feeds.markets import MARKETS
from marketplace.feeds.routing import Kind
from marketplace.models import Service
from tests.contract.support import feed_row, needs_schemas, schema_errors

pytestmark = needs_schemas


def settle(record):
    for state in ListingState.objects.filter(record=record):
        listing_states_settle(
            shop=record.shop,
            marketplace=state.marketplace,
            accepted={record.pk: state.revision},
            rejected={},
        )


def make(shop, sku, **fields):
    defaults = {
        "title": "Le Petit Prince",
        "author": "Antoine de Saint-Exupéry",
        "publisher": "Gallimard",
        "binding": "Softcover",
        "price": Decimal("12.50"),
        "price2": Decimal("16.00"),
        "price3": Decimal("9.99"),
        "isbn": "9782070612758",
    }
    record = Record.objects.create(shop=shop, sku=sku, **(defaults | fields))
    records_mark_changed(shop=shop, record_ids=[record.pk])
    return record


@pytest.fixture
def inventory(shop):
    make(shop, "ASIN", asin="B000TEST01", isbn="", item_note="Crisp — “fine” €")
    make(shop, "ISBN", edition="First", illustrator="The author")
    make(shop, "PAGE", isbn="", subtitle="Avec des aquarelles", pub_date="1946")
    make(
        shop,
        "PICTURES",
        **{f"image_url_{n}": f"https://img.example/{n}.jpg" for n in range(1, 7)},
    )
    priced = make(shop, "REPRICED")
    settle(priced)
    priced.price = priced.price2 = priced.price3 = Decimal("14.00")
    priced.save()
    records_mark_changed(shop=shop, record_ids=[priced.pk], changed_fields=["price"])
    sold = make(shop, "SOLD")
    settle(sold)
    sold.status = Record.Status.SOLD
    sold.save()
    records_mark_changed(shop=shop, record_ids=[sold.pk], changed_fields=["status"])


@pytest.mark.parametrize("marketplace", ["amazon_us", "amazon_ca", "amazon_uk"])
@pytest.mark.parametrize("all_inventory", [False, True])
def test_every_document_the_builders_write_is_valid(
    shop, inventory, tmp_path, marketplace, all_inventory
):
    service = Service.objects.create(
        shop=shop,
        marketplace=marketplace,
        upload_images=True,
        selling_partner_id="A1SELLER",
        price_field="price2",
    )
    build = build_feeds(service, all_inventory=all_inventory, out_dir=tmp_path)
    assert build.batches
    operations = set()
    for batch in build.batches:
        document = json.loads(batch.path.read_bytes())
        assert schema_errors(document) == []
        operations |= {m["operationType"] for m in document["messages"]}
    expected = {"UPDATE", "PATCH"} if all_inventory else {"UPDATE", "PATCH", "DELETE"}
    assert operations == expected


def test_split_documents_are_each_valid(shop, inventory, tmp_path, settings):
    settings.AMAZON_FEED_MAX_BYTES = 1200
    service = Service.objects.create(shop=shop, marketplace="amazon_uk")
    build = build_feeds(service, out_dir=tmp_path)
    assert len(build.batches) > 2
    for batch in build.batches:
        assert schema_errors(json.loads(batch.path.read_bytes())) == []


def test_a_schema_violation_would_be_caught():
    document = {
        "header": {"sellerId": "A1", "version": "2.0"},
        "messages": [{"messageId": 1, "sku": "X", "operationType": "PATCH"}],
    }
    assert schema_errors(document)


texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(list(Kind)),
    marketplace=st.sampled_from(sorted(MARKETS)),
    sku=texts,
    title=texts,
    note=st.text(max_size=50),
    quantity=st.integers(min_value=1, max_value=10_000),
    cents=st.integers(min_value=1, max_value=10_000_000),
    identifier=st.sampled_from(["asin", "isbn", "none"]),
)
def test_any_record_makes_a_valid_message(
    kind, marketplace, sku, title, note, quantity, cents, identifier
):
    market = MARKETS[marketplace]
    row = feed_row(
        sku=sku,
        title=title,
        quantity=quantity,
        price=Decimal(cents) / 100,
        asin="B000TEST01" if identifier == "asin" else "",
        isbn="9782070612758" if identifier == "isbn" else "",
        image_url_3="https://img.example/3.jpg",
    )
    ctx = MessageContext(market, "price", Decimal("0.01"), Decimal("100000"))
    stream = io.BytesIO()
    document = FeedDocument(stream, feed_header(seller_id="A1", market=market))
    document.add(FeedDocument.encode(message_for(kind, row, ctx, note)))
    document.finish()
    assert schema_errors(json.loads(stream.getvalue())) == []
