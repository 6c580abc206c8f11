"""Writers for CSV and UIEE: records in, bytes out, a few thousand at a time.

Both read plain value tuples from the database (``values_list`` with an
iterator), never model instances, so memory stays flat however large the
inventory.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from inventory.transfer import columns
from inventory.transfer.importers import IMAGE_FIELDS

CHUNK = 2000
CSV_FIELDS = columns.FIELDS
CSV_HEADER = tuple(column.header for column in columns.COLUMNS)


def _rows(queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[tuple]:
    return queryset.order_by("sku").values_list(*fields).iterator(chunk_size=CHUNK)


def _batched(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_template() -> bytes:
    """The header line alone, for booksellers to fill in."""
    return _csv_bytes([CSV_HEADER], bom=True)


def csv_export(queryset: QuerySet) -> Iterator[bytes]:
    """UTF-8 CSV with a byte order mark (so Excel reads accents right)."""
    yield _csv_bytes([CSV_HEADER], bom=True)
    write = columns.writers(CSV_FIELDS, escape=True)
    for batch in _batched(_rows(queryset, CSV_FIELDS)):
        yield _csv_bytes(
            [
                [text(value) for text, value in zip(write, row, strict=True)]
                for row in batch
            ]
        )


def _csv_bytes(rows: Iterable[Iterable[str]], *, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


# UIEE -----------------------------------------------------------------------

# In writing order: (code, field). CN, CA, NT, IM and XB are written apart.
UIEE_WRITTEN = (
    ("UR", "sku"),
    ("TI", "title"),
    ("AA", "author"),
    ("AI", "illustrator"),
    ("PU", "publisher"),
    ("PP", "place"),
    ("DP", "pub_date"),
    ("ED", "edition"),
    ("BD", "binding"),
    ("CA", "book_type"),
    ("LG", "language"),
    ("CN", "book_grade"),
    ("JK", "jacket_grade"),
    ("NT", "description"),
    ("KE", "keywords"),
    ("LO", "location"),
    ("PR", "price"),
    ("PC", "cost"),
    ("CO", "quantity"),
    ("BN", "isbn"),
)
UIEE_QUERY_FIELDS = (
    *(field for _, field in UIEE_WRITTEN),
    "defects",
    "status",
    *IMAGE_FIELDS,
)
_XB_FOR_STATUS = {"available": "1", "sold": "5"}
_NEWLINES = re.compile(r"\r\n?|\n")


def uiee_value(value: str) -> str:
    """A value on UIEE lines: a line break starts a line with a space."""
    return _NEWLINES.sub("\n ", value)


def uiee_export(queryset: QuerySet) -> Iterator[bytes]:
    """UTF-8 UIEE without a header, a blank line after each record."""
    write = dict(
        zip(UIEE_QUERY_FIELDS, columns.writers(UIEE_QUERY_FIELDS), strict=True)
    )
    at = {field: index for index, field in enumerate(UIEE_QUERY_FIELDS)}
    for batch in _batched(_rows(queryset, UIEE_QUERY_FIELDS)):
        lines: list[str] = []
        for row in batch:
            lines.extend(_uiee_record(row, write, at))
        yield "".join(lines).encode()


def _uiee_record(row: tuple, write: dict, at: dict[str, int]) -> list[str]:
    def text(field: str) -> str:
        return write[field](row[at[field]])

    lines = []
    for code, field in UIEE_WRITTEN:
        value: Any = text(field)
        if field == "book_grade":
            defects = text("defects")
            value = f"{value}. {defects}" if value and defects else value or defects
        if value:
            lines.append(f"{code}|{uiee_value(value)}\n")
    for field in IMAGE_FIELDS:
        if url := text(field):
            lines.append(f"IM|{url}\n")
    if xb := _XB_FOR_STATUS.get(row[at["status"]]):
        lines.append(f"XB|{xb}\n")
    lines.append("\n")
    return lines
