"""Values read off a feed row the same way by every feed."""

from decimal import Decimal

from inventory.models import CONDITION_FOR_GRADE, AmazonCondition

from .select import Row

# Inventory Loader ``item-condition`` codes for the listing API's conditions.
ITEM_CONDITION_CODES = {
    AmazonCondition.USED_LIKE_NEW: "1",
    AmazonCondition.USED_VERY_GOOD: "2",
    AmazonCondition.USED_GOOD: "3",
    AmazonCondition.USED_ACCEPTABLE: "4",
    AmazonCondition.COLLECTIBLE_LIKE_NEW: "5",
    AmazonCondition.COLLECTIBLE_VERY_GOOD: "6",
    AmazonCondition.COLLECTIBLE_GOOD: "7",
    AmazonCondition.COLLECTIBLE_ACCEPTABLE: "8",
    AmazonCondition.NEW: "11",
}


def condition_of(row: Row) -> str:
    """The Amazon condition chosen, or the one the book grade suggests."""
    if row["condition"]:
        return row["condition"]
    return CONDITION_FOR_GRADE.get(row["book_grade"], AmazonCondition.USED_GOOD)


def price_of(row: Row, price_field: str) -> Decimal | None:
    return row[price_field]


def title_of(row: Row) -> str:
    title = row["title"].strip()
    subtitle = row["subtitle"].strip()
    return f"{title}: {subtitle}" if title and subtitle else title
