import pytest

from inventory.models import Record
from marketplace.models import FieldMapping, Service
from marketplace.notes import (
    MAPPABLE_FIELDS,
    Note,
    NoteBuilder,
    note_builder_for,
    notes_for_records,
)

DEFAULT = NoteBuilder(FieldMapping.DEFAULT_FIELDS, FieldMapping.DEFAULT_SEPARATOR)


def note(values: dict, **options) -> str:
    fields = options.pop("fields", FieldMapping.DEFAULT_FIELDS)
    separator = options.pop("separator", ". ")
    return NoteBuilder(fields, separator, **options).build(values).text


def test_it_joins_the_mapped_fields_in_order():
    values = {
        "place": "London",
        "publisher": "Faber and Faber",
        "pub_date": "1954",
        "edition": "First edition",
        "binding": "Hardcover",
    }
    assert note(values) == "London. Faber and Faber. 1954. First edition. Hardcover"


def test_it_follows_the_order_the_seller_chose():
    values = {"place": "London", "publisher": "Faber", "defects": "Foxing"}
    fields = ["defects", "publisher", "place"]
    assert note(values, fields=fields, separator=", ") == "Foxing, Faber, London"


def test_the_records_own_note_wins_over_the_mapping():
    values = {"item_note": "Signed by the author.", "place": "London"}
    assert note(values) == "Signed by the author."


def test_an_own_note_of_only_spaces_leaves_the_mapping_in_force():
    values = {"item_note": "  \n ", "place": "London"}
    assert note(values) == "London"


def test_book_and_jacket_read_as_the_trade_writes_them():
    values = {"book_grade": "very_good", "jacket_grade": "good"}
    assert note(values) == "Very Good in Good dust jacket"


def test_a_book_grade_alone_reads_as_its_name():
    assert note({"book_grade": "very_good"}) == "Very Good"


def test_a_jacket_grade_alone_reads_as_a_dust_jacket():
    assert note({"jacket_grade": "good"}) == "Good dust jacket"


def test_a_missing_jacket_reads_no_dust_jacket_never_a_code():
    assert note({"jacket_grade": "none"}) == "No dust jacket"
    text = note({"book_grade": "fine", "jacket_grade": "none"})
    assert text == "Fine. No dust jacket"
    assert "none" not in text and "-1" not in text


def test_grades_read_together_even_when_mapped_apart():
    values = {"book_grade": "near_fine", "jacket_grade": "fair", "place": "Paris"}
    fields = ["jacket_grade", "place", "book_grade"]
    assert note(values, fields=fields) == "Near Fine in Fair dust jacket. Paris"


def test_only_a_mapped_grade_is_shown():
    values = {"book_grade": "good", "jacket_grade": "poor"}
    assert note(values, fields=["book_grade"]) == "Good"
    assert note(values, fields=["jacket_grade"]) == "Poor dust jacket"


def test_empty_fields_leave_no_doubled_separator_or_stray_space():
    values = {"place": "London", "publisher": "   ", "pub_date": "", "size": "8vo "}
    assert note(values) == "London. 8vo"


def test_a_field_ending_in_the_separator_is_not_given_another():
    values = {"place": "London.", "publisher": "Macmillan & Co. Ltd.", "size": "4to"}
    assert note(values) == "London. Macmillan & Co. Ltd. 4to"


def test_a_field_ending_in_a_question_mark_keeps_it_alone():
    values = {"place": "Where?", "size": "4to"}
    assert note(values) == "Where? 4to"


def test_a_trailing_comma_gives_way_to_the_separator():
    values = {"place": "London,", "size": "4to"}
    assert note(values) == "London. 4to"


def test_a_field_of_only_punctuation_is_skipped():
    values = {"place": "London", "publisher": " . ", "size": "-", "binding": "Cloth"}
    assert note(values) == "London. Cloth"


def test_line_breaks_and_runs_of_spaces_become_one_space():
    values = {"defects": "Foxing to\nendpapers;\r\n\tspine   sunned"}
    assert note(values) == "Foxing to endpapers; spine sunned"


def test_a_separator_without_punctuation_joins_as_is():
    values = {"place": "London.", "size": "4to"}
    assert note(values, separator=" ") == "London. 4to"


def test_amazon_condition_and_identifiers_cannot_be_mapped():
    for field in ("condition", "author", "title", "isbn", "asin", "sku", "status"):
        assert field not in MAPPABLE_FIELDS
        with pytest.raises(ValueError):
            NoteBuilder([field], ". ")
    for field in ("price", "price2", "price3", "cost", "subtitle", "location"):
        assert field not in MAPPABLE_FIELDS


def test_it_clips_at_the_limit_on_a_word_boundary():
    values = {"defects": "Light foxing throughout the text block"}
    built = NoteBuilder(["defects"], ". ", limit=20).build(values)
    assert built == Note("Light foxing", clipped=True)


def test_it_does_not_leave_a_dangling_separator_when_clipping():
    values = {"place": "London", "defects": "Foxing"}
    built = NoteBuilder(["place", "defects"], ", ", limit=9).build(values)
    assert built.text == "London"
    assert built.clipped


def test_one_long_word_is_cut_at_the_limit():
    built = NoteBuilder(["defects"], ". ", limit=5).build({"defects": "x" * 12})
    assert built.text == "xxxxx"
    assert built.clipped


def test_a_note_at_the_limit_is_not_clipped():
    built = NoteBuilder(["defects"], ". ", limit=6).build({"defects": "Foxing"})
    assert built == Note("Foxing", clipped=False)


def test_typographic_punctuation_becomes_plain():
    values = {"defects": "\u201cSigned\u201d \u2014 author\u2019s copy\u2026\u00a0rare"}
    assert note(values) == '"Signed" - author\'s copy... rare'


def test_an_ellipsis_at_the_end_of_a_field_is_not_taken_for_a_separator():
    values = {"defects": "and more\u2026", "size": "4to"}
    assert note(values, fields=["defects", "size"]) == "and more... 4to"


def test_a_cp1252_note_keeps_what_windows_1252_can_carry():
    built = NoteBuilder(["place"], ". ", target="cp1252").build(
        {"place": "Z\u00fcrich, Cura\u00e7ao \u00bd"}
    )
    assert built == Note("Z\u00fcrich, Cura\u00e7ao \u00bd", replaced=False)
    built.text.encode("cp1252")


def test_a_cp1252_note_spells_other_letters_without_their_accents():
    built = NoteBuilder(["place"], ". ", target="cp1252").build(
        {"place": "\u0141\u00f3d\u017a, \u014csaka, Bra\u015fov \u2153"}
    )
    assert built.text == "L\u00f3dz, Osaka, Brasov 1/3"
    assert built.replaced


def test_a_cp1252_note_marks_the_unspellable_never_drops_it():
    built = NoteBuilder(["place"], ". ", target="cp1252").build(
        {"place": "\u6771\u4eac Tokyo"}
    )
    assert built.text == "?? Tokyo"
    assert built.replaced


def test_a_utf8_note_keeps_every_letter():
    built = DEFAULT.build({"place": "\u6771\u4eac \u0141\u00f3d\u017a"})
    assert built == Note("\u6771\u4eac \u0141\u00f3d\u017a", replaced=False)


def test_control_characters_are_removed_and_reported():
    built = DEFAULT.build({"place": "Lon\x00don\x07"})
    assert built.text == "London"
    assert built.replaced


def test_an_unknown_target_is_refused():
    with pytest.raises(ValueError):
        NoteBuilder(["place"], ". ", target="latin-2")


def test_it_reads_a_record_as_well_as_a_dict():
    record = Record(sku="1", place="London", book_grade="good", item_note="")
    assert DEFAULT.build(record).text == "London. Good"


def test_a_dict_row_without_some_fields_builds_from_the_rest():
    assert DEFAULT.build({"place": "Oxford", "pub_date": None}).text == "Oxford"


def test_builder_columns_name_what_a_values_query_must_select():
    builder = NoteBuilder(["place", "book_grade"], ". ")
    assert builder.columns == ("place", "book_grade", "item_note")


def test_notes_for_records_builds_each_in_order():
    mapping = FieldMapping(fields=["place"], separator=". ")
    rows = [{"place": "Rome"}, {"place": ""}, {"item_note": "Own"}]
    notes = notes_for_records(rows, mapping, limit=2000, target="utf-8")
    assert [n.text for n in notes] == ["Rome", "", "Own"]


@pytest.mark.django_db
def test_note_builder_for_uses_the_services_mapping_and_limit(
    shop, django_assert_num_queries
):
    service = Service.objects.create(shop=shop, marketplace="amazon_uk", note_limit=12)
    FieldMapping.objects.create(shop=shop, fields=["place"], separator=". ")
    FieldMapping.objects.create(
        shop=shop, service=service, fields=["defects", "place"], separator="; "
    )
    with django_assert_num_queries(1):
        builder = note_builder_for(service, target="cp1252")
    record = {"place": "London", "defects": "Foxing throughout"}
    assert builder.build(record) == Note("Foxing", clipped=True)
    assert builder.target == "cp1252"
