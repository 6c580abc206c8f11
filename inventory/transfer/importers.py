"""Readers for booksellers' inventory files: CSV, UIEE, Amazon reports.

A reader checks the start of its file when it is made (``FileRejected`` if
the file is not of its kind) and then yields ``(line, row)`` pairs, where
``row`` is ``{field name: text}`` or the ``RowError`` that spoils that row.
A row holds only the fields its file carries, and an update of an existing
record touches only those. ``ignored`` lists the columns that were not read.
"""

import csv
import re
from collections.abc import Iterator
from itertools import chain
from typing import TextIO

from inventory.transfer import columns
from inventory.transfer.columns import RowError
from inventory.transfer.reading import FileRejected

CSV_NO_HEADER = (
    "The first line of a CSV file names its columns, and one of them must be the "
    "record number (“Record number” or “SKU”). Download the template to see them."
)
CSV_DUPLICATE_COLUMN = "The columns “{first}” and “{second}” both mean {header}."
CSV_LOOKS_LIKE_UIEE = (
    "This looks like a UIEE file (lines such as “UR|…”). Choose UIEE as its format."
)
CSV_BROKEN_ROW = "This row cannot be read as CSV: {error}."
CSV_EXTRA_CELLS = (
    "This row has {count} values, but the header names {expected} columns."
)
UIEE_NO_RECORDS = (
    "No UIEE records were found: a UIEE file has one field per line, "
    "such as “UR|1234” and “TI|A title”, with a blank line between records."
)
UIEE_STRAY_LINE = "Line {line} is not a UIEE field (CODE|value)."
UIEE_TOO_MANY_IMAGES = "A record has at most {count} images (IM lines)."
AMAZON_NO_HEADER = (
    "This is not an Amazon listings report: its first line should name "
    "tab-separated columns such as seller-sku, item-name, price and quantity."
)
AMAZON_LOOKS_LIKE_UIEE = (
    "This looks like a UIEE file, not an Amazon listings report. "
    "Choose UIEE as its format."
)
AMAZON_BROKEN_ROW = "This row has {count} values, but the header names {expected}."

_UIEE_FIELD = re.compile(r"([A-Z][A-Z0-9])\|")
_UIEE_SNIFF_LINES = 200
_DELIMITERS = (",", ";", "\t", "|")


def _looks_like_uiee(lines: list[str]) -> bool:
    return sum(1 for line in lines if _UIEE_FIELD.match(line)) >= 2


class CsvReader:
    """Comma-, semicolon- or tab-separated values with a header line."""

    def __init__(self, text: TextIO, *, extra_headers: dict[str, str] | None = None):
        first = text.readline()
        peek = [first, *(text.readline() for _ in range(3))]
        if _looks_like_uiee(peek):
            raise FileRejected(CSV_LOOKS_LIKE_UIEE)
        delimiter = max(_DELIMITERS, key=first.count)
        if not first.count(delimiter):
            delimiter = ","
        self._reader = csv.reader(chain(peek, text), delimiter=delimiter)
        try:
            header = next(self._reader)
        except (StopIteration, csv.Error):
            raise FileRejected(CSV_NO_HEADER) from None
        index = columns.header_index(extra_headers)
        self._positions: list[tuple[int, str]] = []
        self.ignored: list[str] = []
        seen: dict[str, str] = {}
        for position, name in enumerate(header):
            field = columns.header_field(name, index)
            if field is None:
                if name.strip():
                    self.ignored.append(name.strip()[:60])
                continue
            if field in seen:
                raise FileRejected(
                    CSV_DUPLICATE_COLUMN.format(
                        first=seen[field],
                        second=name.strip(),
                        header=columns.BY_FIELD[field].header,
                    )
                )
            seen[field] = name.strip()
            self._positions.append((position, field))
        if "sku" not in seen:
            raise FileRejected(CSV_NO_HEADER)
        self._width = len(header)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        reader = self._reader
        positions = self._positions
        width = self._width
        unescape = columns.formula_unescape
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield previous + 1, RowError(CSV_BROKEN_ROW.format(error=error))
                previous = reader.line_num
                continue
            line = previous + 1
            previous = reader.line_num
            if not any(cells):
                continue
            if len(cells) > width and any(cells[width:]):
                yield (
                    line,
                    RowError(CSV_EXTRA_CELLS.format(count=len(cells), expected=width)),
                )
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield (
                line,
                {field: unescape(cells[position]) for position, field in positions},
            )


# UIEE -----------------------------------------------------------------------

# Codes read into one field each (the last one wins if a code repeats).
UIEE_CODES = {
    "UR": "sku",
    "TI": "title",
    "AA": "author",
    "AI": "illustrator",
    "PU": "publisher",
    "PP": "place",
    "DP": "pub_date",
    "ED": "edition",
    "BD": "binding",
    "LG": "language",
    "KE": "keywords",
    "LO": "location",
    "PR": "price",
    "PC": "cost",
    "CO": "quantity",
    "BN": "isbn",
    "JK": "jacket_grade",
    "DJ": "jacket_grade",
}
IMAGE_FIELDS = tuple(f"image_url_{n}" for n in range(1, 7))
# Every field a UIEE record describes: a code left out of a record blanks it.
UIEE_FIELDS = (
    *dict.fromkeys(UIEE_CODES.values()),
    "book_type",
    "book_grade",
    "defects",
    "description",
    *IMAGE_FIELDS,
)
# XB is an Interloc control code: 1 is available, 5 is sold.
_XB_STATUS = {"1": "available", "5": "sold"}
_CONDITION_SEPARATORS = re.compile(r"\.\s|,\s|;\s|\.$")


def condition_split(text: str) -> tuple[str, str, str]:
    """Split a CN value into (book grade, jacket grade, defects).

    "Very Good. Foxed" and "VG/G, price-clipped" start with grades; a CN that
    does not start with one is all defects.
    """
    match = _CONDITION_SEPARATORS.search(text)
    head, rest = (text[: match.start()], text[match.end() :]) if match else (text, "")
    book, _, jacket = head.partition("/")
    if not columns.is_grade(book) or (jacket and not columns.is_jacket(jacket)):
        return "", "", text
    return book.strip(), jacket.strip(), rest.strip()


class UieeReader:
    """UIEE records: ``CODE|value`` lines, a blank line between records.

    A header before the first record (FillZ writes one) is skipped. A line
    that is neither a field nor blank continues the field above it: that is
    how a value with a line break is written (its next line starts with a
    space, which is removed). A second UR line starts a new record even
    without a blank line before it.
    """

    def __init__(self, text: TextIO, **_options):
        self._text = text
        self.ignored: list[str] = []
        self._head: list[str] = []
        for line in text:
            self._head.append(line)
            if _UIEE_FIELD.match(line):
                break
            if len(self._head) >= _UIEE_SNIFF_LINES:
                raise FileRejected(UIEE_NO_RECORDS)
        else:
            raise FileRejected(UIEE_NO_RECORDS)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        record: list[list] = []
        stray: int | None = None
        started = False
        lines = chain(self._head, self._text)
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if record and line.startswith(" "):
                record[-1][1] += "\n" + line[1:]
                continue
            if not line.strip():
                if record or stray:
                    yield self._finish(record, stray)
                record, stray = [], None
                continue
            match = _UIEE_FIELD.match(line)
            if match and match.group(1) == "UR" and any(f[0] == "UR" for f in record):
                # A second record number: the blank line between was lost.
                yield self._finish(record, stray)
                record, stray = [], None
            if match:
                record.append([match.group(1), line[3:], number])
                started = True
            elif record:
                record[-1][1] += "\n" + line
            elif started and stray is None:
                stray = number
        if record or stray:
            yield self._finish(record, stray)

    @staticmethod
    def _finish(
        record: list[list], stray: int | None
    ) -> tuple[int, dict[str, str] | RowError]:
        line = record[0][2] if record else stray
        if stray is not None:
            return min(line, stray), RowError(UIEE_STRAY_LINE.format(line=stray))
        values = dict.fromkeys(UIEE_FIELDS, "")
        categories: list[str] = []
        notes: list[str] = []
        images: list[str] = []
        condition = ""
        for code, value, _number in record:
            field = UIEE_CODES.get(code)
            if field is not None:
                values[field] = value
            elif code == "CA":
                categories.append(value.strip())
            elif code == "NT":
                notes.append(value)
            elif code == "IM":
                images.append(value)
            elif code == "CN":
                condition = value.strip()
            elif code == "XB" and value.strip() in _XB_STATUS:
                values["status"] = _XB_STATUS[value.strip()]
            elif code == "IS" and value.strip():
                values["status"] = value
        values["book_type"] = ", ".join(categories)
        values["description"] = "\n".join(notes)
        if len(images) > len(IMAGE_FIELDS):
            return line, RowError(UIEE_TOO_MANY_IMAGES.format(count=len(IMAGE_FIELDS)))
        values.update(zip(IMAGE_FIELDS, images, strict=False))
        grade, jacket, defects = condition_split(condition)
        values["book_grade"] = grade
        values["defects"] = defects
        if jacket and not values["jacket_grade"]:
            values["jacket_grade"] = jacket
        return line, values


# Amazon listings reports ----------------------------------------------------

# The All Listings and Active Listings reports share these columns.
AMAZON_COLUMNS = {
    "seller-sku": "sku",
    "item-name": "title",
    "item-description": "description",
    "price": "price",
    "quantity": "quantity",
    "item-note": "item_note",
    "item-condition": "condition",
    "asin1": "asin",
    "image-url": "image_url_1",
}
_PRODUCT_ID_TYPE_ISBN = "2"
_PRODUCT_ID_TYPE_ASIN = "1"


class AmazonListingsReader:
    """Amazon's All Listings or Active Listings report, tab-separated."""

    def __init__(self, text: TextIO, **_options):
        first = text.readline()
        names = [name.strip().lower() for name in first.rstrip("\r\n").split("\t")]
        if "seller-sku" not in names:
            peek = [first, *(text.readline() for _ in range(3))]
            if _looks_like_uiee(peek):
                raise FileRejected(AMAZON_LOOKS_LIKE_UIEE)
            raise FileRejected(AMAZON_NO_HEADER)
        self._text = text
        self._width = len(names)
        self._positions = [
            (position, AMAZON_COLUMNS[name])
            for position, name in enumerate(names)
            if name in AMAZON_COLUMNS
        ]
        self._product_id = (
            names.index("product-id") if "product-id" in names else None,
            names.index("product-id-type") if "product-id-type" in names else None,
        )
        # The report's other columns (listing-id, open-date, zshop-…) are
        # Amazon's bookkeeping, not the book's: not worth a warning.
        self.ignored: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        id_at, type_at = self._product_id
        for number, line in enumerate(self._text, 2):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) > self._width:
                yield (
                    number,
                    RowError(
                        AMAZON_BROKEN_ROW.format(count=len(cells), expected=self._width)
                    ),
                )
                continue
            cells += [""] * (self._width - len(cells))
            row = {field: cells[position] for position, field in self._positions}
            if id_at is not None and type_at is not None:
                kind, value = cells[type_at].strip(), cells[id_at]
                if kind == _PRODUCT_ID_TYPE_ISBN:
                    row["isbn"] = value
                elif kind == _PRODUCT_ID_TYPE_ASIN and not row.get("asin", "").strip():
                    row["asin"] = value
            yield number, row


READERS = {
    "csv": CsvReader,
    "uiee": UieeReader,
    "amazon-listings": AmazonListingsReader,
}
