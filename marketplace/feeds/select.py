"""The rows a service's feeds are built from: records joined with their state.

One query, read in chunks: each row is a plain dict of the record fields the
feeds need (by field name, so the note builder reads it as a record) plus
the listing state's ``ls_id``, ``ls_state``, ``ls_revision`` and
``ls_price_quantity_only``, all None when the record has no state on the
service's marketplace yet.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from inventory.models import ListingState, Record
from marketplace.models import Service

Row = dict[str, Any]

CHUNK_SIZE = 2000

# The record fields the feeds read; the note builder adds its own.
FEED_COLUMNS = (
    "id",
    "sku",
    "asin",
    "isbn",
    "title",
    "subtitle",
    "author",
    "illustrator",
    "publisher",
    "pub_date",
    "edition",
    "binding",
    "book_grade",
    "condition",
    "item_note",
    "quantity",
    "status",
    *(f"image_url_{n}" for n in range(1, 7)),
    "expedited_shipping",
    "international_shipping",
)


def feed_rows_queryset(
    *,
    service: Service,
    all_inventory: bool = False,
    extra_columns: Iterable[str] = (),
) -> QuerySet:
    """Rows to send for ``service``: its pending records, or all online ones.

    ``all_inventory`` selects every available record with copies in stock
    that is wanted on the service's marketplace, whatever its state.
    ``extra_columns`` names more record fields to read (a note's fields).
    """
    columns = dict.fromkeys(
        (
            *FEED_COLUMNS,
            service.price_field,
            f"list_{service.marketplace}",
            *extra_columns,
        )
    )
    marketplace = service.marketplace
    records = Record.objects.for_shop(service.shop).annotate(
        ls=FilteredRelation(
            "listing_states", condition=Q(listing_states__marketplace=marketplace)
        )
    )
    if all_inventory:
        records = records.filter(
            status=Record.Status.AVAILABLE,
            quantity__gt=0,
            **{f"list_{marketplace}": True},
        )
    else:
        # Start from the pending states (index listing_state_shop_mkt_state),
        # not from every record of the shop: few are pending at a time.
        pending = ListingState.objects.for_shop(service.shop).filter(
            marketplace=marketplace, state__in=ListingState.PENDING
        )
        records = records.filter(
            pk__in=pending.values("record_id"), ls__state__in=ListingState.PENDING
        )
    return records.order_by("pk").values(
        *columns,
        ls_id=F("ls__id"),
        ls_state=F("ls__state"),
        ls_revision=F("ls__revision"),
        ls_price_quantity_only=F("ls__price_quantity_only"),
    )


def feed_rows(
    *,
    service: Service,
    all_inventory: bool = False,
    extra_columns: Iterable[str] = (),
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Row]:
    """Stream the rows, ``chunk_size`` at a time: memory stays flat."""
    rows = feed_rows_queryset(
        service=service, all_inventory=all_inventory, extra_columns=extra_columns
    )
    return rows.iterator(chunk_size=chunk_size)
