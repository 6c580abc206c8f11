"""Reading a shop's records: search, filters, sorting and keyset pages.

The list page must stay quick at a few hundred thousand records, so pages
are found by keyset (``WHERE (title, sku) > (last title, last sku)``) rather
than by OFFSET, and the total is counted only up to ``COUNT_CAP``. Each sort
order has an index that starts with the shop (see ``Record.Meta.indexes``).
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Length

from inventory.identifiers import normalize_isbn
from inventory.models import ListingState, Marketplace, Record
from shops.models import Shop

PAGE_SIZE = 50
COUNT_CAP = 10_000

# Each sort order and the keys it pages by; the last key is unique per shop.
# Record numbers sort shortest first, so 9 comes before 10.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "sku": ("sku_length", "sku"),
    "title": ("title", "sku"),
    "author": ("author", "sku"),
    "price": ("price", "sku"),
    "updated": ("updated", "sku"),
}
SORT_LABELS = {
    "sku": "Record number",
    "title": "Title",
    "author": "Author",
    "price": "Price",
    "updated": "Updated",
}
DEFAULT_SORT = "-updated"
NULLABLE_KEYS = frozenset({"price"})

_ISBN_LIKE = re.compile(r"^(?:97[89])?\d{9}[\dX]$")
_ASIN_LIKE = re.compile(r"^B0[0-9A-Z]{8}$")
_SEPARATORS = re.compile(r"[\s\-]")


class Identifier(models.TextChoices):
    ANY = "any", "Has ISBN or ASIN"
    ISBN = "isbn", "Has ISBN"
    ASIN = "asin", "Has ASIN"
    NONE = "none", "Has neither"


@dataclass
class RecordPage:
    records: list[Record]
    sort: str
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""


def _search(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """Match an identifier exactly, else each word in title, author, keywords.

    On PostgreSQL the ``icontains`` lookups are served by the trigram indexes
    of migration 0003 (combined with the record number's index in a bitmap
    OR); on SQLite they scan the shop's rows.
    """
    text = text.strip()
    if not text:
        return queryset
    compact = _SEPARATORS.sub("", text).upper()
    by_number = Q(sku=text)
    if _ISBN_LIKE.match(compact):
        try:
            return queryset.filter(by_number | Q(isbn=normalize_isbn(compact)))
        except ValidationError:
            pass
    if _ASIN_LIKE.match(compact):
        return queryset.filter(by_number | Q(asin=compact))
    words = Q()
    for word in text.split()[:6]:
        words &= (
            Q(title__icontains=word)
            | Q(author__icontains=word)
            | Q(keywords__icontains=word)
        )
    return queryset.filter(words | Q(sku=text))


def records_matching(
    *,
    shop: Shop,
    q: str = "",
    status: str = "",
    pending: bool = False,
    error: bool = False,
    marketplace: str = "",
    identifier: str = "",
) -> models.QuerySet:
    """The shop's records that pass the list page's search and filters."""
    queryset = Record.objects.for_shop(shop)
    queryset = _search(queryset, q)
    if status:
        queryset = queryset.filter(status=status)
    if marketplace in Marketplace.values:
        queryset = queryset.filter(**{f"list_{marketplace}": True})
    states = ListingState.objects.for_shop(shop)
    if marketplace in Marketplace.values:
        states = states.filter(marketplace=marketplace)
    if pending:
        queryset = queryset.filter(
            pk__in=states.filter(state__in=ListingState.PENDING).values("record_id")
        )
    if error:
        queryset = queryset.filter(
            pk__in=states.exclude(message="").values("record_id")
        )
    if identifier == Identifier.ANY:
        queryset = queryset.filter(~Q(isbn="") | ~Q(asin=""))
    elif identifier == Identifier.ISBN:
        queryset = queryset.exclude(isbn="")
    elif identifier == Identifier.ASIN:
        queryset = queryset.exclude(asin="")
    elif identifier == Identifier.NONE:
        queryset = queryset.filter(isbn="", asin="")
    return queryset


def records_count(queryset: models.QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to ``cap`` + 1 rows; returns (count, whether it is exact)."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted <= cap


def _parse_sort(sort: str) -> tuple[str, bool]:
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name not in SORT_KEYS:
        return _parse_sort(DEFAULT_SORT)
    return name, descending


def _order_by(keys: tuple[str, ...], descending: bool) -> list:
    ordering = []
    for key in keys:
        if key in NULLABLE_KEYS:
            # Records without a price sort as the cheapest.
            ordering.append(
                F(key).desc(nulls_last=True)
                if descending
                else F(key).asc(nulls_first=True)
            )
        else:
            ordering.append(F(key).desc() if descending else F(key).asc())
    return ordering


def _beyond(keys: tuple[str, ...], values: list, descending: bool) -> Q:
    """Rows strictly beyond ``values`` in the (key, ...) order."""
    key, value = keys[0], values[0]
    op = "lt" if descending else "gt"
    if len(keys) == 1:
        return Q(**{f"{key}__{op}": value})
    rest = _beyond(keys[1:], values[1:], descending)
    if key in NULLABLE_KEYS and value is None:
        among_nulls = Q(**{f"{key}__isnull": True}) & rest
        if descending:
            return among_nulls
        return among_nulls | Q(**{f"{key}__isnull": False})
    beyond = Q(**{f"{key}__{op}": value}) | (Q(**{key: value}) & rest)
    if key in NULLABLE_KEYS and descending:
        beyond |= Q(**{f"{key}__isnull": True})
    # The bound on the first key lets the database start inside the index.
    bound = Q(**{f"{key}__{op}e": value})
    if key in NULLABLE_KEYS and descending:
        return beyond
    return bound & beyond


def _encode(values: list) -> str:
    plain = [
        str(v)
        if isinstance(v, Decimal)
        else v.isoformat()
        if isinstance(v, datetime)
        else v
        for v in values
    ]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, keys: tuple[str, ...]) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != len(keys):
            return None
        values: list = []
        for key, value in zip(keys, plain, strict=True):
            if value is None:
                if key not in NULLABLE_KEYS:
                    return None
                values.append(None)
            elif key == "price":
                values.append(Decimal(str(value)))
            elif key == "updated":
                values.append(datetime.fromisoformat(value))
            elif key == "sku_length":
                values.append(int(value))
            else:
                values.append(str(value))
        return values
    except (ValueError, TypeError, binascii.Error, InvalidOperation):
        return None


def _with_listing_states(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.prefetch_related(
        Prefetch(
            "listing_states",
            queryset=ListingState.objects.order_by("marketplace"),
        )
    )


def records_page(
    queryset: models.QuerySet,
    *,
    sort: str = DEFAULT_SORT,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
) -> RecordPage:
    """One page of ``queryset`` in ``sort`` order, after or before a cursor.

    Two queries: the page's rows, and their listing states.
    """
    name, descending = _parse_sort(sort)
    keys = SORT_KEYS[name]
    queryset = queryset.annotate(sku_length=Length("sku"))
    backwards = False
    cursor = None
    if before:
        cursor = _decode(before, keys)
        backwards = cursor is not None
    if cursor is None and after:
        cursor = _decode(after, keys)
    direction = descending != backwards
    if cursor is not None:
        queryset = queryset.filter(_beyond(keys, cursor, direction))
    rows = list(
        _with_listing_states(queryset.order_by(*_order_by(keys, direction)))[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = RecordPage(records=rows, sort=f"-{name}" if descending else name)
    if backwards:
        page.has_previous, page.has_next = more, True
    else:
        page.has_previous, page.has_next = cursor is not None, more
    if rows:
        page.next_cursor = _encode([getattr(rows[-1], key) for key in keys])
        page.previous_cursor = _encode([getattr(rows[0], key) for key in keys])
    return page
