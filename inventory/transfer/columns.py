"""The record fields a file can carry, their names in files, and their values.

Every importer turns a file's row into ``{field name: text}``; ``row_clean``
turns that into model values or raises ``RowError`` naming the column. The
CSV header, the template and the CSV export share ``COLUMNS``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from inventory.identifiers import normalize_asin, normalize_isbn
from inventory.models import AmazonCondition, Grade, JacketGrade, Record
from inventory.validators import validate_sku

NOT_A_NUMBER = "{column}: “{value}” is not a number."
NOT_A_WHOLE_NUMBER = "{column}: “{value}” is not a whole number."
NEGATIVE = "{column}: “{value}” is below zero."
TOO_MANY_DECIMALS = "{column}: “{value}” has more than two decimal places."
TOO_BIG = "{column}: “{value}” is too large."
NOT_YES_NO = "{column}: “{value}” is neither yes nor no."
UNKNOWN_CHOICE = "{column}: “{value}” is not one of {choices}."
TOO_LONG = "{column} is longer than {limit} characters."
NUL_CHARACTER = "{column} contains a NUL character."
BAD_URL = "{column}: “{value}” is not a web address (http:// or https://)."
SKU_MISSING = "The record number is missing."
REFUSED_VALUE = "{column} “{value}”: {reason}"
AMAZON_CONDITION_CODES = "1-8 or 11"

# Long free text (descriptions, notes) is capped: a bookseller's longest
# description is a few thousand characters; anything far beyond is a broken
# or hostile file.
TEXT_LIMIT = 20_000
PRICE_LIMIT = Decimal("99999999.99")
QUANTITY_LIMIT = 2_147_483_647
CENT = Decimal("0.01")


class RowError(ValueError):
    """One row of a file cannot become a record; the message says why."""


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str
    aliases: tuple[str, ...] = ()


def _key(name: str) -> str:
    """A header as compared: lower case; spaces, _ - . / as one space."""
    spaced = re.sub(r"[\s_\-./:]+", " ", name.replace("\ufeff", ""))
    return spaced.strip().lower()[:80]


# In CSV order; the header is what the export and the template write.
COLUMNS: tuple[Column, ...] = (
    Column(
        "sku",
        "Record number",
        "sku",
        (
            "sku",
            "record no",
            "record #",
            "record",
            "seller sku",
            "listingid",
            "listing id",
            "vendor book id",
            "vendorbookid",
            "book id",
            "item number",
            "stock number",
        ),
    ),
    Column("isbn", "ISBN", "isbn", ("isbn13", "isbn 13", "isbn10", "isbn 10", "ean")),
    Column("asin", "ASIN", "asin", ("asin1",)),
    Column("author", "Author", "text", ("authors", "author name")),
    Column("title", "Title", "text", ("book title", "item name")),
    Column("subtitle", "Subtitle", "text"),
    Column("illustrator", "Illustrator", "text"),
    Column("publisher", "Publisher", "text", ("publishername", "publisher name")),
    Column(
        "place",
        "Place",
        "text",
        ("place published", "placepublished", "publication place", "publisher place"),
    ),
    Column(
        "pub_date",
        "Date",
        "text",
        (
            "pub date",
            "date published",
            "publication date",
            "year",
            "yearpublished",
            "year published",
            "publish year",
        ),
    ),
    Column("edition", "Edition", "text"),
    Column("printing", "Printing", "text"),
    Column("size", "Size", "text"),
    Column("binding", "Binding", "text", ("bindingtext", "binding text", "format")),
    Column("book_type", "Type", "text", ("book type", "booktype", "category")),
    Column("language", "Language", "text"),
    Column(
        "book_grade",
        "Book grade",
        "grade",
        ("grade", "condition", "book condition", "bookcondition"),
    ),
    Column(
        "jacket_grade",
        "Jacket",
        "jacket",
        (
            "dj",
            "dj grade",
            "jacket grade",
            "dust jacket",
            "dustjacket",
            "jacket condition",
            "jacketcondition",
            "dj condition",
        ),
    ),
    Column("defects", "Defects", "text", ("condition notes",)),
    Column("features", "Features", "text"),
    Column("description", "Description", "text", ("comments", "notes")),
    Column("keywords", "Keywords", "text"),
    Column("location", "Location", "text", ("shelf",)),
    Column("item_note", "Item note", "text", ("condition note", "item notes")),
    Column(
        "condition",
        "Amazon condition",
        "condition",
        ("amazon condition", "item condition"),
    ),
    Column("price", "Price", "decimal", ("retail price", "list price")),
    Column("price2", "Price 2", "decimal", ("dealer price",)),
    Column("price3", "Price 3", "decimal", ("sale price",)),
    Column("cost", "Cost", "decimal", ("purchase price",)),
    Column("quantity", "Quantity", "quantity", ("qty", "copies", "quantity available")),
    Column("status", "Status", "status"),
    Column("image_url_1", "Image 1", "url", ("image", "image url", "image url 1")),
    Column("image_url_2", "Image 2", "url", ("image url 2",)),
    Column("image_url_3", "Image 3", "url", ("image url 3",)),
    Column("image_url_4", "Image 4", "url", ("image url 4",)),
    Column("image_url_5", "Image 5", "url", ("image url 5",)),
    Column("image_url_6", "Image 6", "url", ("image url 6",)),
    Column("list_amazon_us", "List on Amazon US", "bool", ("amazon us",)),
    Column("list_amazon_ca", "List on Amazon CA", "bool", ("amazon ca",)),
    Column("list_amazon_uk", "List on Amazon UK", "bool", ("amazon uk",)),
    Column("expedited_shipping", "Expedited shipping", "bool", ("expedited",)),
    Column(
        "international_shipping",
        "International shipping",
        "bool",
        ("international", "ships internationally"),
    ),
)
BY_FIELD = {column.field: column for column in COLUMNS}
FIELDS = tuple(column.field for column in COLUMNS)


def header_index(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Map every accepted header spelling to its field name.

    ``extra`` adds a shop's own names (its price labels), header → field.
    """
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.header, column.field, *column.aliases):
            index.setdefault(_key(name), column.field)
    for name, field in (extra or {}).items():
        index[_key(name)] = field
    return index


def header_field(name: str, index: dict[str, str]) -> str | None:
    return index.get(_key(name))


# Values ---------------------------------------------------------------------


def _word(value: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", value.lower())


_GRADES = {
    **{_word(value): value for value in Grade.values},
    **{_word(label): value for value, label in Grade.choices},
    "mint": Grade.AS_NEW,
    "an": Grade.AS_NEW,
    "vf": Grade.AS_NEW,
    "likenew": Grade.AS_NEW,
    "new": Grade.AS_NEW,
    "f": Grade.FINE,
    "fn": Grade.FINE,
    "f+": Grade.FINE,
    "f-": Grade.FINE,
    "nf": Grade.NEAR_FINE,
    "vg": Grade.VERY_GOOD,
    "g": Grade.GOOD,
    "readingcopy": Grade.POOR,
    "p": Grade.POOR,
}
for _grade in ("vg", "g", "nf", "fine", "verygood", "good", "fair", "nearfine"):
    _GRADES.setdefault(_grade + "+", _GRADES[_grade])
    _GRADES.setdefault(_grade + "-", _GRADES[_grade])
_JACKETS = {
    **_GRADES,
    **{_word(value): value for value in JacketGrade.values},
    **{_word(label): value for value, label in JacketGrade.choices},
    "nodj": JacketGrade.NONE,
    "nojacket": JacketGrade.NONE,
    "nodustjacket": JacketGrade.NONE,
    "missing": JacketGrade.NONE,
    "": JacketGrade.NONE,  # "--", "-", "n/a" after punctuation is dropped
    "na": JacketGrade.NONE,
}
# Amazon's item-condition codes (Inventory Loader and listings reports).
_CONDITION_CODES = {
    "1": AmazonCondition.USED_LIKE_NEW,
    "2": AmazonCondition.USED_VERY_GOOD,
    "3": AmazonCondition.USED_GOOD,
    "4": AmazonCondition.USED_ACCEPTABLE,
    "5": AmazonCondition.COLLECTIBLE_LIKE_NEW,
    "6": AmazonCondition.COLLECTIBLE_VERY_GOOD,
    "7": AmazonCondition.COLLECTIBLE_GOOD,
    "8": AmazonCondition.COLLECTIBLE_ACCEPTABLE,
    "11": AmazonCondition.NEW,
}
_CONDITIONS = {
    **_CONDITION_CODES,
    **{_word(value): value for value in AmazonCondition.values},
    **{_word(label): value for value, label in AmazonCondition.choices},
    "new": AmazonCondition.NEW,
}
_STATUSES = {
    **{_word(value): value for value in Record.Status.values},
    **{_word(label): value for value, label in Record.Status.choices},
    "a": Record.Status.AVAILABLE,
    "forsale": Record.Status.AVAILABLE,
    "s": Record.Status.SOLD,
    "h": Record.Status.ON_HOLD,
    "hold": Record.Status.ON_HOLD,
    "w": Record.Status.WITHDRAWN,
}
_TRUE = frozenset({"y", "yes", "true", "t", "1", "x", "on"})
_FALSE = frozenset({"n", "no", "false", "f", "0", "off"})
_MONEY_NOISE = re.compile(r"[\s$£€]|^(?:US|CA|C|GB|EUR|USD|CAD|GBP)(?=\d)", re.I)
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")


def is_grade(text: str) -> bool:
    return bool(text.strip()) and _word(text) in _GRADES


def is_jacket(text: str) -> bool:
    return bool(text.strip()) and _word(text) in _JACKETS


def _choice(table: dict[str, str], column: Column, value: str, names: str) -> str:
    try:
        return table[_word(value)]
    except KeyError:
        raise RowError(
            UNKNOWN_CHOICE.format(column=column.header, value=value, choices=names)
        ) from None


def _decimal(column: Column, value: str) -> Decimal | None:
    text = _MONEY_NOISE.sub("", value)
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(NOT_A_NUMBER.format(column=column.header, value=value)) from None
    if not number.is_finite():
        raise RowError(NOT_A_NUMBER.format(column=column.header, value=value))
    if number < 0:
        raise RowError(NEGATIVE.format(column=column.header, value=value))
    if number > PRICE_LIMIT:
        raise RowError(TOO_BIG.format(column=column.header, value=value))
    rounded = number.quantize(CENT)
    if rounded != number:
        raise RowError(TOO_MANY_DECIMALS.format(column=column.header, value=value))
    return rounded


def _quantity(column: Column, value: str) -> int:
    text = value.replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    try:
        number = int(text)
    except ValueError:
        raise RowError(
            NOT_A_WHOLE_NUMBER.format(column=column.header, value=value)
        ) from None
    if number < 0:
        raise RowError(NEGATIVE.format(column=column.header, value=value))
    if number > QUANTITY_LIMIT:
        raise RowError(TOO_BIG.format(column=column.header, value=value))
    return number


def _bool(column: Column, value: str) -> bool:
    word = value.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise RowError(NOT_YES_NO.format(column=column.header, value=value))


def _identifier(normalize: Callable[[str], str], column: Column, value: str) -> str:
    try:
        return normalize(value)
    except ValidationError as error:
        raise RowError(
            REFUSED_VALUE.format(
                column=column.header, value=value, reason=error.messages[0]
            )
        ) from None


def _sku(column: Column, value: str) -> str:
    try:
        validate_sku(value)
    except ValidationError as error:
        raise RowError(
            REFUSED_VALUE.format(
                column=column.header, value=value[:60], reason=error.messages[0]
            )
        ) from None
    return value


def _url(column: Column, value: str) -> str:
    lowered = value[:8].lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")) or any(
        char.isspace() for char in value
    ):
        raise RowError(BAD_URL.format(column=column.header, value=value[:80]))
    return value


_PARSERS: dict[str, Callable[[Column, str], Any]] = {
    "sku": _sku,
    "isbn": lambda column, value: _identifier(normalize_isbn, column, value),
    "asin": lambda column, value: _identifier(normalize_asin, column, value),
    "decimal": _decimal,
    "quantity": _quantity,
    "bool": _bool,
    "url": _url,
    "grade": lambda column, value: _choice(
        _GRADES, column, value, "the grades As New to Poor"
    ),
    "jacket": lambda column, value: _choice(
        _JACKETS, column, value, "the grades As New to Poor, or None"
    ),
    "condition": lambda column, value: _choice(
        _CONDITIONS,
        column,
        value,
        f"Amazon's conditions (or codes {AMAZON_CONDITION_CODES})",
    ),
    "status": lambda column, value: _choice(
        _STATUSES, column, value, "Available, On hold, Sold or Withdrawn"
    ),
}


def _limit(field: str) -> int:
    max_length = Record._meta.get_field(field).max_length
    return max_length or TEXT_LIMIT


_LIMITS = {column.field: _limit(column.field) for column in COLUMNS}
_DEFAULTS: dict[str, Any] = {
    field.name: field.get_default()
    for field in Record._meta.concrete_fields
    if field.name in BY_FIELD
}


def row_clean(raw: dict[str, str]) -> dict[str, Any]:
    """Model values for a row of text; a blank value means the field's default.

    Raises ``RowError`` for the first value that cannot be read.
    """
    values: dict[str, Any] = {}
    for field, text in raw.items():
        column = BY_FIELD[field]
        if "\x00" in text:
            raise RowError(NUL_CHARACTER.format(column=column.header))
        text = text.strip()
        if not text:
            if field == "sku":
                raise RowError(SKU_MISSING)
            values[field] = _DEFAULTS[field]
            continue
        if len(text) > _LIMITS[field]:
            raise RowError(TOO_LONG.format(column=column.header, limit=_LIMITS[field]))
        parse = _PARSERS.get(column.kind)
        values[field] = text if parse is None else parse(column, text)
    return values


# Writing --------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula. Such
# cells get a leading apostrophe, which spreadsheets hide and the CSV importer
# removes again; a value that already starts with apostrophes before one of
# these gets one more, so the round trip is exact.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_FORMULA_FIRST = frozenset("'=+-@\t\r")


def formula_escape(value: str) -> str:
    if value[:1] not in _FORMULA_FIRST:
        return value
    return "'" + value if _FORMULA.match(value) else value


def formula_unescape(value: str) -> str:
    return value[1:] if value[:1] == "'" and _FORMULA.match(value) else value


def _label(choices: type) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: labels.get(value, value or "")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


_WRITERS: dict[str, Callable[[Any], str]] = {
    "bool": _yes_no,
    "grade": _label(Grade),
    "jacket": _label(JacketGrade),
    "condition": _label(AmazonCondition),
    "status": _label(Record.Status),
}


_TEXT_KINDS = frozenset({"text", "sku", "isbn", "asin", "url"})


def _same(value: str) -> str:
    return value


def writers(
    fields: tuple[str, ...], *, escape: bool = False
) -> list[Callable[[Any], str]]:
    """Per field, a function turning a model value into a file's text.

    ``escape`` guards text that a spreadsheet would run as a formula.
    """
    found = []
    for field in fields:
        kind = BY_FIELD[field].kind
        if kind in _TEXT_KINDS:
            found.append(formula_escape if escape else _same)
        else:
            found.append(_WRITERS.get(kind, _plain))
    return found
