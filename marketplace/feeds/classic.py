"""Classic tab-delimited files, downloaded and uploaded by hand in Seller
Central.

Amazon no longer takes these through the Feeds API (since 31 July 2025), but
Seller Central still accepts them by hand. Four files, as sellers know them:

- ``AmazonUpload_1.txt``, the Inventory Loader: offers on existing pages by
  ASIN (``product-id-type`` 1) or ISBN (2), and every deletion
  (``add-delete`` ``d``; ``a`` adds or updates);
- ``AmazonUploadBL_1.txt``, the Book Loader: new product pages;
- ``AmazonUploadLL_1.txt``, the Listing Loader: up to six image URLs of
  offers on existing pages;
- ``AmazonUploadPQ_1.txt``, Price & Quantity.

For Amazon.ca and Amazon.co.uk, ``CA`` or ``UK`` follows the loader's letters
(``AmazonUploadCA_1.txt``, ``AmazonUploadBLUK_1.txt``). A file reaching the
feed limits (messages as rows, and bytes) continues in ``_2``, ``_3``...

Files are windows-1252, with CRLF line ends, one header row. Tabs and line
breaks inside a field become spaces; a character windows-1252 cannot carry
becomes its closest plain form (``ł`` → ``l``, ``→`` → ``->``) or ``?``, and
each file counts the characters so replaced.

Column names follow the Inventory Loader's published ones; the Book Loader's
bibliographic columns, the Listing Loader's image columns and the shipping
values (``y``/``n``) come from third-party generators, not an Amazon template.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO

from .fields import ITEM_CONDITION_CODES, condition_of, price_of
from .json_listings import Limits
from .markets import Market
from .routing import (
    BOOK_LOADER,
    INVENTORY_LOADER,
    LISTING_LOADER,
    PRICE_QUANTITY,
    Kind,
    image_urls,
)
from .select import Row

ENCODING = "cp1252"
LINE_END = "\r\n"

PRODUCT_ID_ASIN = "1"
PRODUCT_ID_ISBN = "2"
ADD = "a"
DELETE = "d"
YES, NO = "y", "n"

FILE_CODES = {
    INVENTORY_LOADER: "",
    BOOK_LOADER: "BL",
    LISTING_LOADER: "LL",
    PRICE_QUANTITY: "PQ",
}

_PRICES = ("price", "minimum-seller-allowed-price", "maximum-seller-allowed-price")
_SHIPPING = ("will-ship-internationally", "expedited-shipping")

COLUMNS = {
    INVENTORY_LOADER: (
        "sku",
        "product-id",
        "product-id-type",
        *_PRICES,
        "item-condition",
        "quantity",
        "add-delete",
        *_SHIPPING,
        "item-note",
    ),
    BOOK_LOADER: (
        "sku",
        "title",
        "author",
        "binding",
        "pub-date",
        "publisher",
        "edition",
        "illustrator",
        *_PRICES,
        "item-condition",
        "quantity",
        "add-delete",
        *_SHIPPING,
        "item-note",
    ),
    LISTING_LOADER: (
        "sku",
        "product-id",
        "product-id-type",
        "operation-type",
        "main-offer-image",
        *(f"offer-image{n}" for n in range(1, 6)),
    ),
    PRICE_QUANTITY: ("sku", *_PRICES, "quantity"),
}


# Characters that end a field or a line, as spaces.
_BREAKS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SPACES = str.maketrans(dict.fromkeys(_BREAKS, " "))
_LINE_BREAK = re.compile("[" + _BREAKS[1:] + "]")
# Plain forms for characters windows-1252 lacks and NFKD does not reduce.
_PLAIN = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "ħ": "h",
    "→": "->",
    "←": "<-",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "′": "'",
    "″": '"',
    "‚": ",",
}


def file_name(loader: str, market: Market, number: int) -> str:
    return f"AmazonUpload{FILE_CODES[loader]}{market.file_infix}_{number}.txt"


def _plain(char: str) -> str:
    if char in _PLAIN:
        return _PLAIN[char]
    reduced = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.combining(part)
    )
    try:
        reduced.encode(ENCODING)
    except UnicodeEncodeError:
        return "?"
    return reduced or "?"


def encode_line(fields: Sequence[str]) -> tuple[bytes, int]:
    """One row as windows-1252 bytes, and how many characters were replaced."""
    line = join_fields(fields) + LINE_END
    try:
        return line.encode(ENCODING), 0
    except UnicodeEncodeError:
        pass
    replaced = 0
    out = []
    for char in line:
        try:
            out.append(char.encode(ENCODING))
        except UnicodeEncodeError:
            out.append(_plain(char).encode(ENCODING))
            replaced += 1
    return b"".join(out), replaced


def join_fields(fields: Sequence[str]) -> str:
    """Fields joined by tabs, any tab or line break inside one made a space."""
    line = "\t".join(fields)
    if line.count("\t") == len(fields) - 1 and not _LINE_BREAK.search(line):
        return line
    return "\t".join(value.translate(_SPACES) for value in fields)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class RowContext:
    price_field: str
    min_price: Decimal
    max_price: Decimal

    @cached_property
    def price_range(self) -> tuple[str, str]:
        return _money(self.min_price), _money(self.max_price)


def _offer_fields(row: Row, ctx: RowContext, note: str) -> list[str]:
    return [
        _money(price_of(row, ctx.price_field)),
        *ctx.price_range,
        ITEM_CONDITION_CODES[condition_of(row)],
        str(row["quantity"]),
        ADD,
        YES if row["international_shipping"] else NO,
        YES if row["expedited_shipping"] else NO,
        note,
    ]


def _product_id(row: Row) -> list[str]:
    if row["asin"]:
        return [row["asin"], PRODUCT_ID_ASIN]
    return [row["isbn"], PRODUCT_ID_ISBN]


def fields_for(kind: Kind, row: Row, ctx: RowContext, note: str) -> list[str]:
    """The row of ``kind``'s loader for a record, column by column."""
    if kind == Kind.OFFER:
        return [row["sku"], *_product_id(row), *_offer_fields(row, ctx, note)]
    if kind == Kind.DELETE:
        blank = [""] * (len(COLUMNS[INVENTORY_LOADER]) - 1)
        blank[COLUMNS[INVENTORY_LOADER].index("add-delete") - 1] = DELETE
        return [row["sku"], *blank]
    if kind == Kind.BOOK:
        bibliographic = [
            row["title"],
            row["author"],
            row["binding"],
            row["pub_date"],
            row["publisher"],
            row["edition"],
            row["illustrator"],
        ]
        return [row["sku"], *bibliographic, *_offer_fields(row, ctx, note)]
    if kind == Kind.IMAGES:
        urls = image_urls(row)[:6]
        urls += [""] * (6 - len(urls))
        return [row["sku"], *_product_id(row), "PartialUpdate", *urls]
    return [
        row["sku"],
        _money(price_of(row, ctx.price_field)),
        *ctx.price_range,
        str(row["quantity"]),
    ]


@dataclass
class ClassicFile:
    loader: str
    number: int
    path: Path
    rows: int = 0
    size: int = 0
    replaced_characters: int = 0


@dataclass
class ClassicFileWriter:
    """Rows in, one loader's files out, split when a limit is reached."""

    out_dir: Path
    loader: str
    market: Market
    limits: Limits = field(default_factory=Limits)
    files: list[ClassicFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stream: IO[bytes] | None = None
        self._header, _ = encode_line(COLUMNS[self.loader])

    def add(self, fields: Sequence[str]) -> None:
        line, replaced = encode_line(fields)
        current = self.files[-1] if self._stream is not None else None
        if current is not None and (
            current.rows >= self.limits.max_messages
            or current.size + len(line) > self.limits.max_bytes
        ):
            self._finish()
            current = None
        if current is None:
            current = self._open()
        self._stream.write(line)
        current.rows += 1
        current.size += len(line)
        current.replaced_characters += replaced

    def close(self) -> list[ClassicFile]:
        if self._stream is not None:
            self._finish()
        return self.files

    def _open(self) -> ClassicFile:
        number = len(self.files) + 1
        path = self.out_dir / file_name(self.loader, self.market, number)
        current = ClassicFile(self.loader, number, path, size=len(self._header))
        self.files.append(current)
        self._stream = path.open("wb")
        self._stream.write(self._header)
        return current

    def _finish(self) -> None:
        self._stream.close()
        self._stream = None
