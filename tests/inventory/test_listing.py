from decimal import Decimal

import pytest

from inventory.listing import listing_states_settle, records_mark_changed
from inventory.models import ListingState, Record

State = ListingState.State


@pytest.fixture
def record(shop):
    return Record.objects.create(
        shop=shop,
        sku="1001",
        title="The Hobbit",
        price=Decimal("45.00"),
        list_amazon_ca=False,
        list_amazon_uk=False,
    )


def state_of(record, marketplace="amazon_us"):
    return ListingState.objects.get(record=record, marketplace=marketplace)


def mark(record, fields=None):
    records_mark_changed(
        shop=record.shop, record_ids=[record.pk], changed_fields=fields
    )


def settle(record, state):
    listing_states_settle(
        shop=record.shop,
        marketplace=state.marketplace,
        accepted={record.pk: state.revision},
        rejected={},
    )


def test_a_new_record_is_pending_add_only_where_it_is_listed(record):
    mark(record)
    assert state_of(record).state == State.PENDING_ADD
    assert not ListingState.objects.filter(record=record, marketplace="amazon_ca")


def test_a_local_field_change_sets_nothing_pending(record):
    mark(record)
    settle(record, state_of(record))
    mark(record, {"location", "cost"})
    assert state_of(record).state == State.LISTED


def test_a_price_change_on_a_listed_record_is_a_price_and_quantity_update(record):
    mark(record)
    settle(record, state_of(record))
    mark(record, {"price"})
    state = state_of(record)
    assert state.state == State.PENDING_UPDATE
    assert state.price_quantity_only


def test_a_title_change_after_a_price_change_needs_a_full_update(record):
    mark(record)
    settle(record, state_of(record))
    mark(record, {"price"})
    mark(record, {"title"})
    assert not state_of(record).price_quantity_only


def test_selling_the_last_copy_sets_a_listed_record_pending_delete(record):
    mark(record)
    settle(record, state_of(record))
    Record.objects.filter(pk=record.pk).update(status=Record.Status.SOLD)
    mark(record, {"status"})
    assert state_of(record).state == State.PENDING_DELETE


def test_an_unsent_record_that_sells_is_simply_not_listed(record):
    mark(record)
    Record.objects.filter(pk=record.pk).update(quantity=0)
    mark(record, {"quantity"})
    assert state_of(record).state == State.NOT_LISTED


def test_a_change_made_during_an_upload_stays_pending(record):
    mark(record)
    sent = state_of(record)
    mark(record, {"title"})  # edited while the upload was at Amazon
    settle(record, sent)
    assert state_of(record).state == State.PENDING_ADD


def test_a_rejected_record_stays_pending_with_amazons_message(record):
    mark(record)
    state = state_of(record)
    listing_states_settle(
        shop=record.shop,
        marketplace="amazon_us",
        accepted={},
        rejected={record.pk: (state.revision, "The ASIN is not in the catalog.")},
    )
    state.refresh_from_db()
    assert state.state == State.PENDING_ADD
    assert state.has_error
    assert "catalog" in state.message


def test_an_accepted_delete_leaves_the_record_not_listed(record):
    mark(record)
    settle(record, state_of(record))
    Record.objects.filter(pk=record.pk).update(status=Record.Status.WITHDRAWN)
    mark(record, {"status"})
    settle(record, state_of(record))
    assert state_of(record).state == State.NOT_LISTED


def test_an_update_keeps_the_date_the_record_was_first_listed(record):
    mark(record)
    settle(record, state_of(record))
    first_listed = state_of(record).listed_since
    mark(record, {"title"})
    settle(record, state_of(record))
    assert state_of(record).listed_since == first_listed


def test_settling_a_large_upload_takes_a_few_queries(
    shop, django_assert_max_num_queries
):
    records = Record.objects.bulk_create(
        Record(
            shop=shop,
            sku=str(n),
            title="Copy",
            list_amazon_ca=False,
            list_amazon_uk=False,
        )
        for n in range(300)
    )
    ids = [record.pk for record in records]
    records_mark_changed(shop=shop, record_ids=ids)
    with django_assert_max_num_queries(8):
        listing_states_settle(
            shop=shop,
            marketplace="amazon_us",
            accepted=dict.fromkeys(ids, 1),
            rejected={},
        )
    assert ListingState.objects.filter(state=State.LISTED).count() == 300
