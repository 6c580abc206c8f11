"""Checks a record must pass before it goes to Amazon.

A record that fails is held back with the reason shown on it; the others go
out. Amazon would refuse each of these, only later and less plainly.
"""

from dataclasses import dataclass
from decimal import Decimal

from .fields import ITEM_CONDITION_CODES, condition_of, price_of
from .routing import Kind
from .select import Row

SKU_MAX_LENGTH = 40

SKU_MISSING = "The record has no SKU."
SKU_TOO_LONG = "The SKU is {length} characters long; Amazon takes at most 40."
PRICE_MISSING = "The record has no {field}, the price this service sends."
PRICE_ZERO = "The {field} is zero; Amazon needs a price above zero."
PRICE_BELOW_MINIMUM = "The price {price} is below the service's minimum price {limit}."
PRICE_ABOVE_MAXIMUM = "The price {price} is above the service's maximum price {limit}."
CONDITION_UNKNOWN = "The Amazon condition “{condition}” is not one Amazon accepts."
BOOK_FIELDS_MISSING = "A new product page needs {fields}, which this record lacks."

# What a new product page cannot do without, by field and the name shown.
BOOK_REQUIRED = (
    ("title", "a title"),
    ("author", "an author"),
    ("publisher", "a publisher"),
    ("binding", "a binding"),
)


@dataclass(frozen=True)
class PriceRule:
    field: str
    label: str
    minimum: Decimal
    maximum: Decimal


def problem_with(row: Row, kind: Kind, *, price_rule: PriceRule) -> str | None:
    """Return why the record cannot go out as ``kind``, or None if it can."""
    sku = row["sku"]
    if not sku:
        return SKU_MISSING
    if len(sku) > SKU_MAX_LENGTH:
        return SKU_TOO_LONG.format(length=len(sku))
    if kind == Kind.DELETE:
        return None
    price = price_of(row, price_rule.field)
    if price is None:
        return PRICE_MISSING.format(field=price_rule.label)
    if price <= 0:
        return PRICE_ZERO.format(field=price_rule.label)
    if price < price_rule.minimum:
        return PRICE_BELOW_MINIMUM.format(
            price=f"{price:.2f}", limit=f"{price_rule.minimum:.2f}"
        )
    if price > price_rule.maximum:
        return PRICE_ABOVE_MAXIMUM.format(
            price=f"{price:.2f}", limit=f"{price_rule.maximum:.2f}"
        )
    if kind == Kind.PRICE_QUANTITY:
        return None
    condition = condition_of(row)
    if condition not in ITEM_CONDITION_CODES:
        return CONDITION_UNKNOWN.format(condition=condition)
    if kind == Kind.BOOK:
        missing = [name for field, name in BOOK_REQUIRED if not row[field].strip()]
        if missing:
            return BOOK_FIELDS_MISSING.format(fields=_join(missing))
    return None


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
