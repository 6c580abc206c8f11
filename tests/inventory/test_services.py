from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import services
from inventory.listing import listing_states_settle
from inventory.models import ListingState, Record
from inventory.validators import SKU_CHARACTERS, SKU_TOO_LONG
from tests.inventory.records import make_record, put_on_amazon, state_of

State = ListingState.State


def records(shop):
    return Record.objects.for_shop(shop)


# Record numbers


def test_record_numbers_count_up_from_the_settings(shop):
    assert services.sku_next(shop=shop) == "1"
    assert services.sku_next(shop=shop) == "2"
    assert services.inventory_settings_for(shop).next_sku == 3


def test_next_record_number_skips_numbers_already_typed_by_hand(shop):
    make_record(shop, sku="1")
    make_record(shop, sku="2")
    make_record(shop, sku="4")
    assert services.skus_next(shop=shop, count=3) == ["3", "5", "6"]


def test_a_record_left_without_a_number_gets_the_next_one(shop):
    make_record(shop, sku="1")
    record = services.record_create(shop=shop, data={"title": "Germinal"})
    assert record.sku == "2"


def test_record_numbers_of_another_shop_do_not_count(shop, other_shop):
    make_record(other_shop, sku="1")
    assert services.sku_next(shop=shop) == "1"


def test_it_refuses_a_record_number_already_used_in_the_shop(shop):
    make_record(shop, sku="A-100")
    with pytest.raises(ValidationError) as raised:
        services.record_create(shop=shop, data={"sku": "A-100", "title": "Dupe"})
    assert raised.value.message_dict == {
        "sku": ["Record number A-100 is already used in this shop."]
    }


def test_the_same_record_number_is_fine_in_another_shop(shop, other_shop):
    make_record(other_shop, sku="A-100")
    assert services.record_create(shop=shop, data={"sku": "A-100"}).sku == "A-100"


@pytest.mark.parametrize(
    ("sku", "message"),
    [
        ("X" * 41, SKU_TOO_LONG),
        ("has space", SKU_CHARACTERS),
        ("-lead", SKU_CHARACTERS),
    ],
)
def test_it_refuses_a_malformed_record_number(shop, sku, message):
    with pytest.raises(ValidationError) as raised:
        services.record_create(shop=shop, data={"sku": sku})
    assert raised.value.message_dict["sku"] == [message]


def test_alphanumeric_record_numbers_of_forty_characters_are_fine(shop):
    sku = "AB-12.x/" + "9" * 32
    assert services.record_create(shop=shop, data={"sku": sku}).sku == sku


# Creating and updating


def test_a_new_record_is_stored_with_its_isbn_13_and_set_for_upload(shop):
    record = services.record_create(
        shop=shop,
        data={"title": "The Hobbit", "isbn": "0-261-10221-4", "price": "12.50"},
    )
    record.refresh_from_db()
    assert record.isbn == "9780261102217"
    assert record.price == Decimal("12.50")
    assert state_of(record).state == State.PENDING_ADD


def test_it_rejects_a_wrong_check_digit_per_field(shop):
    with pytest.raises(ValidationError) as raised:
        services.record_create(shop=shop, data={"isbn": "0261102215", "asin": "x"})
    assert set(raised.value.message_dict) == {"isbn", "asin"}
    assert not records(shop).exists()


def test_it_rejects_a_negative_price_and_an_unknown_grade(shop):
    with pytest.raises(ValidationError) as raised:
        services.record_create(
            shop=shop, data={"price": "-1", "book_grade": "mint", "image_url_1": "x"}
        )
    assert set(raised.value.message_dict) == {"price", "book_grade", "image_url_1"}


def test_it_refuses_fields_a_record_does_not_have(shop):
    with pytest.raises(ValueError, match="shelf_colour"):
        services.record_create(shop=shop, data={"shelf_colour": "red"})


def test_the_amazon_condition_follows_the_grade_unless_chosen(shop):
    record = services.record_create(shop=shop, data={"book_grade": "near_fine"})
    assert record.effective_condition == "used_very_good"
    services.record_update(record=record, data={"condition": "collectible_good"})
    assert record.effective_condition == "collectible_good"


def test_editing_the_title_of_a_listed_record_needs_a_full_update(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    services.record_update(record=record, data={"title": "The Hobbit (1st ed.)"})
    state = state_of(record)
    assert state.state == State.PENDING_UPDATE
    assert not state.price_quantity_only


def test_editing_the_price_of_a_listed_record_is_a_price_only_update(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    services.record_update(record=record, data={"price": Decimal("50.00")})
    assert state_of(record).price_quantity_only


def test_editing_a_local_field_sets_nothing_pending(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    services.record_update(record=record, data={"location": "B4", "cost": "3.00"})
    record.refresh_from_db()
    assert record.location == "B4"
    assert state_of(record).state == State.LISTED


def test_saving_unchanged_values_changes_nothing(shop):
    record = make_record(shop, sku="1", isbn="9780261102217")
    put_on_amazon(record)
    before = record.updated
    services.record_update(
        record=record, data={"title": "The Hobbit", "isbn": "0261102214", "price": "45"}
    )
    record.refresh_from_db()
    assert record.updated == before
    assert state_of(record).state == State.LISTED


def test_selling_the_last_copy_sets_a_listed_record_pending_delete(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    services.record_update(record=record, data={"quantity": 0})
    assert state_of(record).state == State.PENDING_DELETE


def test_the_record_number_of_a_listed_record_cannot_change(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    with pytest.raises(ValidationError) as raised:
        services.record_update(record=record, data={"sku": "2"})
    assert "on Amazon under record number 1" in raised.value.message_dict["sku"][0]
    record.refresh_from_db()
    assert record.sku == "1"


def test_the_record_number_of_an_unlisted_record_can_change(shop):
    record = make_record(shop, sku="1")
    services.record_update(record=record, data={"sku": "B-7"})
    record.refresh_from_db()
    assert record.sku == "B-7"


# Bulk changes


def test_set_for_upload_by_hand_makes_a_listed_record_pending(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    count = services.records_set_for_upload(
        shop=shop, queryset=records(shop).filter(pk=record.pk)
    )
    assert count == 1
    assert state_of(record).state == State.PENDING_UPDATE


def test_bulk_actions_never_reach_another_shops_records(shop, other_shop):
    mine = make_record(shop, sku="1")
    theirs = make_record(other_shop, sku="1")
    services.records_change_status(
        shop=shop, queryset=Record.objects.all(), status=Record.Status.SOLD
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Record.Status.SOLD
    assert theirs.status == Record.Status.AVAILABLE


def test_marking_listed_records_sold_sets_them_pending_delete(shop):
    listed = make_record(shop, sku="1")
    put_on_amazon(listed)
    unsent = make_record(shop, sku="2")
    count = services.records_change_status(
        shop=shop, queryset=records(shop), status=Record.Status.SOLD
    )
    assert count == 2
    assert state_of(listed).state == State.PENDING_DELETE
    assert not ListingState.objects.filter(record=unsent).exclude(
        state=State.NOT_LISTED
    )


def test_it_refuses_an_unknown_status(shop):
    with pytest.raises(ValidationError):
        services.records_change_status(shop=shop, queryset=records(shop), status="lost")


def test_a_percent_price_change_rounds_to_the_cent(shop):
    a = make_record(shop, sku="1", price=Decimal("10.00"))
    b = make_record(shop, sku="2", price=Decimal("19.99"))
    changed = services.records_change_price(
        shop=shop, queryset=records(shop), field="price", percent=Decimal("12.5")
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert changed == 2
    assert a.price == Decimal("11.25")
    assert b.price == Decimal("22.49")  # 22.48875


def test_a_price_never_drops_below_a_cent(shop):
    record = make_record(shop, sku="1", price=Decimal("3.00"))
    services.records_change_price(
        shop=shop, queryset=records(shop), field="price", amount=Decimal("-5")
    )
    record.refresh_from_db()
    assert record.price == Decimal("0.01")


def test_a_price_change_skips_records_without_that_price(shop):
    record = make_record(shop, sku="1", price2=None)
    changed = services.records_change_price(
        shop=shop, queryset=records(shop), field="price2", amount=Decimal("1")
    )
    record.refresh_from_db()
    assert changed == 0
    assert record.price2 is None


def test_a_bulk_price_change_is_a_price_only_update(shop):
    record = make_record(shop, sku="1", price=Decimal("10.00"))
    put_on_amazon(record)
    services.records_change_price(
        shop=shop, queryset=records(shop), field="price", percent=Decimal("-10")
    )
    record.refresh_from_db()
    assert record.price == Decimal("9.00")
    state = state_of(record)
    assert state.state == State.PENDING_UPDATE
    assert state.price_quantity_only


def test_a_price_change_needs_exactly_one_of_percent_and_amount(shop):
    with pytest.raises(ValidationError):
        services.records_change_price(shop=shop, queryset=records(shop), field="price")
    with pytest.raises(ValidationError):
        services.records_change_price(
            shop=shop, queryset=records(shop), field="cost", amount=Decimal("1")
        )


# Deleting


def test_a_record_amazon_never_had_is_deleted_at_once(shop):
    make_record(shop, sku="1")
    result = services.records_delete(shop=shop, queryset=records(shop))
    assert result == services.DeleteResult(deleted=1, withdrawn=0)
    assert not records(shop).exists()


def test_a_listed_record_is_withdrawn_and_set_pending_delete_not_deleted(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    result = services.records_delete(shop=shop, queryset=records(shop))
    record.refresh_from_db()
    assert result == services.DeleteResult(deleted=0, withdrawn=1)
    assert record.status == Record.Status.WITHDRAWN
    assert state_of(record).state == State.PENDING_DELETE


def test_once_amazon_deleted_it_a_withdrawn_record_can_be_deleted(shop):
    record = make_record(shop, sku="1")
    put_on_amazon(record)
    services.records_delete(shop=shop, queryset=records(shop))
    state = state_of(record)
    listing_states_settle(
        shop=shop,
        marketplace="amazon_us",
        accepted={record.pk: state.revision},
        rejected={},
    )
    result = services.records_delete(shop=shop, queryset=records(shop))
    assert result.deleted == 1
    assert not records(shop).exists()
