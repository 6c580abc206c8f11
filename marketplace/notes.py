"""The condition note: the text a buyer reads beside a listing.

Amazon calls it the item note or seller's comments. It is built from a
record's descriptive fields in the order its shop's field mapping gives, or is
the record's own ``item_note`` when that is filled. Every feed and export
builds notes here, so a buyer reads the same words whichever way a record went.

Interface for feed and export builders::

    from marketplace.notes import note_builder_for

    builder = note_builder_for(service, target="utf-8")  # or "cp1252"
    rows = records.values("sku", ..., *builder.columns)
    for row in rows:
        note = builder.build(row)  # a Record works as well as a dict
        note.text      # ready to send: fits the service's note limit
        note.clipped   # True when the limit cut words off the end
        note.replaced  # True when characters were changed to fit the target

``note_builder_for`` reads the mapping (one query) and nothing else; a builder
is then pure and cheap to call, so build one per upload batch, never per
record. ``notes_for_records`` does the same for a list in one call.

Rules, in the order they apply:

- a record's own ``item_note``, when it has any text, replaces the mapping;
- book and jacket grades read as the trade writes them: "Very Good in Good
  dust jacket", "Very Good" for a book alone, "Good dust jacket" for a jacket
  alone, and "No dust jacket" when the jacket is recorded as none;
- runs of whitespace (line breaks included) become one space; empty fields
  and fields of punctuation alone are skipped; stray commas at a field's
  edges give way to the separator, and a field that already ends in the
  separator's punctuation ("etc.") is not given a second one;
- typographic punctuation is made plain (curly quotes, dashes, ellipsis), as
  Amazon shows the note as plain text; for ``cp1252`` every other character
  that encoding cannot carry is transliterated through NFKD, and only when
  nothing is left does it become "?";
- the note is clipped at the limit, at a word boundary.

Only the fields in ``MAPPABLE_FIELDS`` may be mapped: Amazon sends its own
condition, author, title and identifiers, and prices never belong in a note.
"""

import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from inventory.models import Grade, JacketGrade, Record

if TYPE_CHECKING:
    from marketplace.models import FieldMapping, Service

Target = Literal["utf-8", "cp1252"]
TARGETS: tuple[Target, ...] = ("utf-8", "cp1252")

DEFAULT_NOTE_LIMIT = 2000

# Descriptive fields a seller may put in the note, in the editor's order.
MAPPABLE_FIELDS: tuple[str, ...] = (
    "place",
    "publisher",
    "pub_date",
    "edition",
    "printing",
    "illustrator",
    "size",
    "binding",
    "book_type",
    "language",
    "book_grade",
    "jacket_grade",
    "defects",
    "features",
    "description",
)
OWN_NOTE_FIELD = "item_note"

UNKNOWN_TARGET = "Unknown note target %(target)r; use 'utf-8' or 'cp1252'."
FIELD_NOT_MAPPABLE = "%(field)r cannot be part of a condition note."

_GRADE_LABELS = {value: str(label) for value, label in Grade.choices}
_JACKET_LABELS = {value: str(label) for value, label in JacketGrade.choices}
_NO_JACKET = "No dust jacket"

# Plain equivalents of typographic characters, for every target.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2044": "/",
        # Invisible characters that would only confuse a marketplace.
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)
# Letters NFKD leaves whole, spelled as a reader would without the stroke.
_LATIN_EXTRA = {
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0126": "H",
    "\u0127": "h",
    "\u0131": "i",
    "\u0166": "T",
    "\u0167": "t",
    "\u014a": "N",
    "\u014b": "n",
}
# Characters whose presence means the separator's punctuation is redundant.
_SENTENCE_END = ".!?"
_SOFT_PUNCTUATION = ",;:"
_TRAILING_AFTER_CLIP = " ,;:-|/"
_GRADES = "grades"
_STRAY_LEAD = re.compile(r"^(?:[.,;:]+ |[,;:]+)+")
_LEAD_STRAY = ".,;:"
_PUNCTUATION = string.punctuation + " \u00a1\u00bf\u00ab\u00bb\u00b7"


class Note(NamedTuple):
    text: str
    clipped: bool = False
    replaced: bool = False


@lru_cache(maxsize=4096)
def _cp1252_equivalent(char: str) -> str:
    """Return what ``char`` becomes in windows-1252; "" for a lone accent."""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        pass
    else:
        return char
    if char in _LATIN_EXTRA:
        return _LATIN_EXTRA[char]
    spelled = []
    for part in unicodedata.normalize("NFKD", char).translate(_PLAIN):
        if unicodedata.combining(part):
            continue
        try:
            part.encode("cp1252")
        except UnicodeEncodeError:
            spelled.append("?")
        else:
            spelled.append(part)
    if not spelled and not unicodedata.combining(char):
        return "?"
    return "".join(spelled)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs")


def plain_text(value: str, target: Target = "utf-8") -> tuple[str, bool]:
    """Return ``value`` fit for ``target``, and whether a character changed.

    Typographic punctuation and spacing are made plain without counting as a
    change; dropping a control character or transliterating one counts.
    """
    if value.isascii():
        if value.isprintable():
            return value, False
        kept = "".join(c for c in value if c.isprintable() or c.isspace())
        return kept, kept != value
    text = value.translate(_PLAIN)
    replaced = False
    if not text.isprintable():
        kept = "".join(c for c in text if c.isspace() or not _is_control(c))
        replaced = kept != text
        text = kept
    if target == "cp1252":
        text = unicodedata.normalize("NFC", text)
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            text = "".join(_cp1252_equivalent(c) for c in text)
            replaced = True
    return text, replaced


def clip(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters, at a word boundary."""
    if len(text) <= limit:
        return text, False
    if limit <= 0:
        return "", True
    cut = text.rfind(" ", 0, limit + 1)
    kept = text[:cut] if cut > 0 else text[:limit]
    return kept.rstrip(_TRAILING_AFTER_CLIP), True


def grade_phrase(book: str, jacket: str) -> list[str]:
    """Return the grade segments for a book and its jacket, trade-style."""
    book = _GRADE_LABELS.get(book, book.strip())
    jacket_value = jacket.strip()
    if jacket_value.lower() == JacketGrade.NONE:
        return [book, _NO_JACKET] if book else [_NO_JACKET]
    jacket = _JACKET_LABELS.get(jacket_value, jacket_value)
    if book and jacket:
        return [f"{book} in {jacket} dust jacket"]
    if jacket:
        return [f"{jacket} dust jacket"]
    return [book] if book else []


class NoteBuilder:
    """Build notes for one mapping, limit and target; pure and reusable."""

    def __init__(
        self,
        fields: Sequence[str],
        separator: str,
        limit: int = DEFAULT_NOTE_LIMIT,
        target: Target = "utf-8",
    ) -> None:
        if target not in TARGETS:
            raise ValueError(UNKNOWN_TARGET % {"target": target})
        for field in fields:
            if field not in MAPPABLE_FIELDS:
                raise ValueError(FIELD_NOT_MAPPABLE % {"field": field})
        self.fields = tuple(dict.fromkeys(fields))
        self.separator = separator
        self.limit = limit
        self.target: Target = target
        self.columns = (*self.fields, OWN_NOTE_FIELD)
        # The grades read as one phrase, placed where the first of them is.
        self._has_book = "book_grade" in self.fields
        self._has_jacket = "jacket_grade" in self.fields
        self._plan: list[str] = []
        for field in self.fields:
            if field not in ("book_grade", "jacket_grade"):
                self._plan.append(field)
            elif _GRADES not in self._plan:
                self._plan.append(_GRADES)
        self._core = separator.strip()
        self._clean = lru_cache(maxsize=65536)(self._clean_value)
        self._punctuation_core = bool(self._core) and all(
            unicodedata.category(c).startswith("P") for c in self._core
        )
        # Segment endings after which the separator's punctuation is dropped.
        self._ends_sentence = frozenset(self._core)
        if self._core.endswith("."):
            self._ends_sentence |= frozenset(_SENTENCE_END)

    def build(self, record: Record | Mapping[str, Any]) -> Note:
        if isinstance(record, dict | Mapping):
            get = record.get
        else:

            def get(name: str, default: Any = "") -> Any:
                return getattr(record, name, default)

        own = get(OWN_NOTE_FIELD)
        if own and not own.isspace():
            # The seller's own words go out as written, spacing aside.
            text, replaced = plain_text(own, self.target)
            text = " ".join(text.split())
        else:
            text, replaced = self._mapped(get)
        text, clipped = clip(text, self.limit)
        return Note(text, clipped, replaced)

    def build_many(self, records: Iterable[Record | Mapping[str, Any]]) -> list[Note]:
        build = self.build
        return [build(record) for record in records]

    def _mapped(self, get: Callable[..., Any]) -> tuple[str, bool]:
        segments: list[str] = []
        replaced = False
        clean = self._clean
        for step in self._plan:
            if step is _GRADES:
                values = grade_phrase(
                    (self._has_book and get("book_grade")) or "",
                    (self._has_jacket and get("jacket_grade")) or "",
                )
            else:
                value = get(step)
                if not value:
                    continue
                values = (value,)
            for value in values:
                text, changed = clean(value if value.__class__ is str else str(value))
                replaced = replaced or changed
                if text:
                    segments.append(text)
        return self._join(segments), replaced

    def _clean_value(self, value: str) -> tuple[str, bool]:
        """One field's text as it goes into the note, and whether characters
        were replaced; "" when nothing worth printing is left. Cached per
        builder: publishers, places, bindings and sizes repeat across an
        inventory."""
        changed = False
        if not (value.isascii() and value.isprintable()):
            value, changed = plain_text(value, self.target)
        text = " ".join(value.split())
        if text and self._punctuation_core:
            # Punctuation left at the edges of a field would stack against
            # the separator: ". London," reads "London".
            if text[0] in _LEAD_STRAY:
                text = _STRAY_LEAD.sub("", text)
            if text and text[-1] in _SOFT_PUNCTUATION:
                text = text.rstrip(_SOFT_PUNCTUATION + " ")
        if text and (text[0].isalnum() or text.strip(_PUNCTUATION)):
            return text, changed
        return "", changed

    def _join(self, segments: list[str]) -> str:
        if len(segments) < 2 or not self._punctuation_core:
            return self.separator.join(segments)
        pieces: list[str] = []
        separator, enough = self.separator, self._ends_sentence
        for segment in segments[:-1]:
            pieces.append(segment)
            # "etc." followed by ". " reads "etc. ", never "etc.. ".
            pieces.append(" " if segment[-1] in enough else separator)
        pieces.append(segments[-1])
        return "".join(pieces)


def notes_for_records(
    records: Iterable[Record | Mapping[str, Any]],
    mapping: "FieldMapping",
    limit: int = DEFAULT_NOTE_LIMIT,
    target: Target = "utf-8",
) -> list[Note]:
    """Build the notes of ``records`` in order; runs no query."""
    builder = NoteBuilder(mapping.fields, mapping.separator, limit, target)
    return builder.build_many(records)


def note_builder_for(service: "Service", *, target: Target = "utf-8") -> NoteBuilder:
    """Return the builder for ``service``'s mapping and limit (one query)."""
    return note_builders_for(service, target)[0]


def note_builders_for(service: "Service", *targets: Target) -> list[NoteBuilder]:
    """One builder per target for ``service``, reading its mapping once."""
    # marketplace.mapping builds on this module, so it is imported here.
    from marketplace.mapping import mapping_for

    mapping = mapping_for(service.shop, service)
    return [
        NoteBuilder(mapping.fields, mapping.separator, service.note_limit, target)
        for target in targets
    ]
