import time

import pytest
from django.utils import timezone

from inventory.models import ListingState, Record
from reconcile import listings, services
from reconcile.models import ListingsSnapshot
from simulator.testing import DEFAULT_SELLER_ID
from tests.uploads.conftest import (  # noqa: F401
    fast_polls,
    make_record,
    media,
    upload_worker,
)

US = "ATVPDKIKX0DER"
HOBBIT_ASIN = "0261103342"
ODYSSEY_ASIN = "0140449132"
GATSBY_ASIN = "0743273567"
ORWELL_ASIN = "0451524934"


def seed_drift(shop, amazon):
    """A shop and an Amazon account that have drifted apart.

    - 1001 is in step;
    - 1002 should be live and is missing at Amazon;
    - 1003 has no identifier in the shop, and Amazon lists it under an ASIN
      at another price;
    - 1004 is sold but still listed; GHOST-1 is unknown to the shop;
    - 1005 has one copy, Amazon thinks three.
    """
    make_record(shop, "1001", "The Hobbit", asin=HOBBIT_ASIN)
    make_record(shop, "1002", "The Great Gatsby", asin=GATSBY_ASIN)
    make_record(shop, "1003", "The Odyssey")
    make_record(shop, "1004", "Nineteen Eighty-Four", asin=ORWELL_ASIN, status="sold")
    make_record(shop, "1005", "Pride and Prejudice", asin="0141439513")
    # Earlier uploads listed them all.
    ListingState.objects.filter(shop=shop).update(
        state=ListingState.State.LISTED, listed_since=timezone.now()
    )
    amazon.control.seed_listings(
        DEFAULT_SELLER_ID,
        US,
        [
            {"sku": "1001", "asin": HOBBIT_ASIN, "price": 45, "quantity": 1},
            {"sku": "1003", "asin": ODYSSEY_ASIN, "price": 30, "quantity": 1},
            {"sku": "1004", "asin": ORWELL_ASIN, "price": 45, "quantity": 1},
            {"sku": "1005", "asin": "0141439513", "price": 45, "quantity": 3},
            {
                "sku": "GHOST-1",
                "asin": "0060935464",
                "price": 9.5,
                "quantity": 1,
                "itemName": "To Kill a Mockingbird",
            },
        ],
        replace=True,
    )


def online_skus(shop) -> set[str]:
    return set(
        Record.objects.filter(
            shop=shop, status="available", quantity__gt=0, list_amazon_us=True
        ).values_list("sku", flat=True)
    )


def run_check(service, *, user=None, purpose=ListingsSnapshot.Purpose.CHECK):
    """A listings check done in this process, as its tasks would do it."""
    snapshot = services.snapshot_start(service=service, user=user, purpose=purpose)
    snapshot = ListingsSnapshot.objects.select_related("shop", "service").get(
        pk=snapshot.pk
    )
    assert listings.snapshot_request_report(snapshot)
    for _ in range(100):
        if listings.snapshot_poll(snapshot).finished:
            return ListingsSnapshot.objects.get(pk=snapshot.pk)
        time.sleep(0.03)
    raise AssertionError("the report never finished")


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.fixture
def drift(request, shop, amazon, amazon_us):
    """Old Books' drifted Amazon US service; reports are kept under tmp."""
    request.getfixturevalue("media")
    seed_drift(shop, amazon)
    return amazon_us
