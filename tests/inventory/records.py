"""Helpers shared by the inventory page and service tests."""

from decimal import Decimal

from inventory.listing import listing_states_settle
from inventory.models import ListingState, Record


def make_record(shop, **values) -> Record:
    values.setdefault("title", "The Hobbit")
    values.setdefault("author", "Tolkien, J. R. R.")
    values.setdefault("price", Decimal("45.00"))
    values.setdefault("list_amazon_ca", False)
    values.setdefault("list_amazon_uk", False)
    return Record.objects.create(shop=shop, **values)


def state_of(record, marketplace="amazon_us") -> ListingState:
    return ListingState.objects.get(record=record, marketplace=marketplace)


def put_on_amazon(record, marketplace="amazon_us") -> ListingState:
    """Set the record for upload and have Amazon accept it."""
    from inventory.listing import records_mark_changed

    records_mark_changed(shop=record.shop, record_ids=[record.pk])
    state = state_of(record, marketplace)
    listing_states_settle(
        shop=record.shop,
        marketplace=marketplace,
        accepted={record.pk: state.revision},
        rejected={},
    )
    return state_of(record, marketplace)
