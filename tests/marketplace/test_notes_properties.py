import re

from hypothesis import given, settings
from hypothesis import strategies as st

from inventory.models import Grade, JacketGrade
from marketplace.notes import MAPPABLE_FIELDS, NoteBuilder, plain_text

TEXT_FIELDS = [f for f in MAPPABLE_FIELDS if f not in ("book_grade", "jacket_grade")]
SEPARATORS = [". ", ", ", "; ", " - ", " | ", " / ", ".", ","]

words = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N"), exclude_characters="\u2044"
    ),
    min_size=1,
    max_size=12,
)
# Field text as sellers type it: words, stray spaces and line breaks, and
# punctuation at either end.
field_text = st.builds(
    lambda lead, body, tail: f"{lead}{' '.join(body)}{tail}",
    st.sampled_from(["", " ", "\n", ". ", ", "]),
    st.lists(words, max_size=8),
    st.sampled_from(["", ".", ",", ";", " ", ". ", "\n", "...", "!", "\u2026"]),
)
mapping_fields = st.lists(st.sampled_from(MAPPABLE_FIELDS), unique=True)
records = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(TEXT_FIELDS, field_text),
        "book_grade": st.sampled_from([""] + list(Grade.values)),
        "jacket_grade": st.sampled_from([""] + list(JacketGrade.values)),
        "item_note": st.one_of(st.just(""), st.just("  "), field_text),
    },
)
targets = st.sampled_from(["utf-8", "cp1252"])


@given(
    record=records,
    fields=mapping_fields,
    separator=st.sampled_from(SEPARATORS),
    limit=st.integers(min_value=0, max_value=300),
    target=targets,
)
@settings(max_examples=300, deadline=None)
def test_a_note_never_exceeds_its_limit(record, fields, separator, limit, target):
    note = NoteBuilder(fields, separator, limit, target).build(record)
    assert len(note.text) <= limit
    full = NoteBuilder(fields, separator, 10**6, target).build(record)
    assert note.clipped == (len(full.text) > limit)
    if note.clipped:
        assert full.text.startswith(note.text)


@given(
    record=records,
    fields=mapping_fields,
    separator=st.sampled_from(SEPARATORS),
    target=targets,
)
@settings(max_examples=300, deadline=None)
def test_a_note_never_has_doubled_separators_or_stray_spaces(
    record, fields, separator, target
):
    record = {**record, "item_note": ""}
    text = NoteBuilder(fields, separator, 10**6, target).build(record).text
    core = re.escape(separator.strip())
    assert not re.search(rf"{core}\s*{core}(?!\.)", text.replace("...", "\u2026"))
    assert text == text.strip()
    assert "  " not in text
    assert "\n" not in text
    assert not re.search(rf"\s{core}", text) or separator.startswith(" ")


@given(
    record=records,
    own=field_text.filter(lambda text: text.strip()),
    fields=mapping_fields,
    separator=st.sampled_from(SEPARATORS),
)
@settings(max_examples=200, deadline=None)
def test_a_note_always_prefers_the_records_own(record, own, fields, separator):
    record = {**record, "item_note": own}
    text = NoteBuilder(fields, separator, 10**6).build(record).text
    assert text == " ".join(plain_text(own)[0].split())


@given(record=records, fields=mapping_fields, separator=st.sampled_from(SEPARATORS))
@settings(max_examples=200, deadline=None)
def test_a_cp1252_note_can_always_be_encoded(record, fields, separator):
    text = NoteBuilder(fields, separator, 2000, "cp1252").build(record).text
    text.encode("cp1252")
