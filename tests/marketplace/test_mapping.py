import pytest
from django.core.exceptions import ValidationError

from inventory.models import Record
from marketplace import mapping as mappings
from marketplace.models import FieldMapping, Service

DEFAULT_FIELDS = FieldMapping.DEFAULT_FIELDS


@pytest.fixture
def service(shop):
    return Service.objects.create(shop=shop, marketplace="amazon_us")


def test_a_shop_without_a_mapping_gets_the_default_without_a_write(
    shop, django_assert_num_queries
):
    with django_assert_num_queries(1):
        mapping = mappings.mapping_for(shop)
    assert mapping.fields == DEFAULT_FIELDS
    assert mapping.separator == ". "
    assert mapping.pk is None
    assert not FieldMapping.objects.exists()


def test_a_service_without_its_own_mapping_gets_the_shops(shop, service):
    FieldMapping.objects.create(shop=shop, fields=["place"], separator=", ")
    mapping = mappings.mapping_for(shop, service)
    assert (mapping.fields, mapping.separator) == (["place"], ", ")
    assert mapping.service_id is None


def test_a_services_own_mapping_wins(shop, service):
    FieldMapping.objects.create(shop=shop, fields=["place"])
    FieldMapping.objects.create(shop=shop, service=service, fields=["defects"])
    assert mappings.mapping_for(shop, service).fields == ["defects"]
    assert mappings.mapping_for(shop).fields == ["place"]


def test_stored_names_that_may_not_be_mapped_are_left_out(shop):
    FieldMapping.objects.create(
        shop=shop, fields=["place", "price", "condition", "place", 7, "defects"]
    )
    assert mappings.mapping_for(shop).fields == ["place", "defects"]


def test_a_service_of_another_shop_is_refused(shop, other_shop):
    theirs = Service.objects.create(shop=other_shop, marketplace="amazon_us")
    with pytest.raises(ValueError):
        mappings.mapping_for(shop, theirs)
    with pytest.raises(ValueError):
        mappings.field_mapping_add_field(shop=shop, service=theirs, field="place")


def test_adding_a_field_saves_the_shops_mapping_from_the_default(shop):
    mappings.field_mapping_remove_field(shop=shop, field="place")
    mappings.field_mapping_add_field(shop=shop, field="language")
    mapping = FieldMapping.objects.get(shop=shop, service=None)
    assert mapping.fields == [*DEFAULT_FIELDS[1:], "language"]


def test_a_field_cannot_be_added_twice_or_if_not_allowed(shop):
    with pytest.raises(ValidationError, match="already"):
        mappings.field_mapping_add_field(shop=shop, field="place")
    with pytest.raises(ValidationError, match="cannot be part"):
        mappings.field_mapping_add_field(shop=shop, field="price")


def test_moving_a_field_swaps_it_with_its_neighbour(shop):
    mappings.field_mapping_move_field(shop=shop, field="publisher", direction="up")
    assert mappings.mapping_for(shop).fields[:3] == ["publisher", "place", "pub_date"]
    mappings.field_mapping_move_field(shop=shop, field="publisher", direction="up")
    assert mappings.mapping_for(shop).fields[0] == "publisher"
    mappings.field_mapping_move_field(shop=shop, field="features", direction="down")
    assert mappings.mapping_for(shop).fields[-1] == "features"


def test_the_first_change_to_a_service_copies_the_shops_mapping(shop, service):
    FieldMapping.objects.create(shop=shop, fields=["place", "defects"], separator=", ")
    mappings.field_mapping_add_field(shop=shop, service=service, field="size")
    own = FieldMapping.objects.get(service=service)
    assert (own.fields, own.separator) == (["place", "defects", "size"], ", ")
    assert mappings.mapping_for(shop).fields == ["place", "defects"]


def test_the_separator_keeps_its_spaces_and_refuses_bad_ones(shop):
    mappings.field_mapping_set_separator(shop=shop, separator=" - ")
    assert mappings.mapping_for(shop).separator == " - "
    for bad in ("", "x" * 11, "\t"):
        with pytest.raises(ValidationError):
            mappings.field_mapping_set_separator(shop=shop, separator=bad)
    assert mappings.mapping_for(shop).separator == " - "


def test_reset_puts_the_default_back(shop, service):
    mappings.field_mapping_remove_field(shop=shop, service=service, field="place")
    mappings.field_mapping_set_separator(shop=shop, service=service, separator="; ")
    mappings.field_mapping_reset(shop=shop, service=service)
    own = mappings.mapping_for(shop, service)
    assert (own.fields, own.separator) == (DEFAULT_FIELDS, ". ")
    assert own.service_id == service.pk


def test_dropping_the_override_makes_the_service_follow_the_shop(shop, service):
    mappings.field_mapping_remove_field(shop=shop, service=service, field="place")
    mappings.field_mapping_drop_override(shop=shop, service=service)
    assert not FieldMapping.objects.filter(service=service).exists()
    assert mappings.mapping_for(shop, service).fields == DEFAULT_FIELDS


def test_the_shops_limit_is_the_smallest_of_the_services_that_use_it(shop, service):
    assert mappings.mapping_note_limit(shop=shop) == 2000
    Service.objects.create(shop=shop, marketplace="amazon_uk", note_limit=1000)
    assert mappings.mapping_note_limit(shop=shop) == 1000
    assert mappings.mapping_note_limit(shop=shop, service=service) == 2000


def _record(shop, sku, **values):
    return Record.objects.create(shop=shop, sku=sku, title=f"Book {sku}", **values)


def test_records_whose_note_is_clipped_are_found_in_sku_order(shop, service):
    service.note_limit = 40
    service.save()
    FieldMapping.objects.create(shop=shop, service=service, fields=["defects"])
    _record(shop, "A1", defects="Short")
    _record(shop, "A2", defects="A rather long account of every single defect")
    _record(shop, "A3", item_note="An own note that is much longer than the limit")
    _record(shop, "A4", defects="Ellipses" + "\u2026" * 12)
    _record(shop, "A5", defects="x " * 19)
    found = mappings.records_with_clipped_notes(shop=shop, service=service)
    assert [r.sku for r in found.records] == ["A2", "A3", "A4"]
    assert found.records[0].length == 44
    assert found.next_after == ""


def test_the_clipped_scan_stops_at_a_page_and_goes_on_from_there(shop):
    FieldMapping.objects.create(shop=shop, fields=["defects"])
    Service.objects.create(shop=shop, marketplace="amazon_ca", note_limit=10)
    for number in range(5):
        _record(shop, f"B{number}", defects="Much too long to fit")
    first = mappings.records_with_clipped_notes(shop=shop, page_size=2)
    assert [r.sku for r in first.records] == ["B0", "B1"]
    assert first.next_after == "B1"
    rest = mappings.records_with_clipped_notes(
        shop=shop, after=first.next_after, page_size=10
    )
    assert [r.sku for r in rest.records] == ["B2", "B3", "B4"]


def test_the_clipped_scan_never_looks_at_another_shop(shop, other_shop):
    FieldMapping.objects.create(shop=shop, fields=["defects"])
    Service.objects.create(shop=shop, marketplace="amazon_ca", note_limit=10)
    _record(other_shop, "C1", defects="Much too long to fit")
    assert mappings.records_with_clipped_notes(shop=shop).records == []
