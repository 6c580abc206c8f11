"""Which feed each record goes in.

A record with an ASIN or ISBN is an offer on an existing product page (the
Inventory Loader); one with neither needs a new page (the Book Loader). Its
image URLs follow in a second pass when the service sends images and the
record has an identifier (the Listing Loader). A record Amazon must drop is a
deletion, and a change of price or quantity alone is a price-and-quantity
update.
"""

from enum import StrEnum

from inventory.models import ListingState, Record

from .select import Row

State = ListingState.State

IMAGE_COLUMNS = tuple(f"image_url_{n}" for n in range(1, 7))


class Kind(StrEnum):
    OFFER = "offer"
    BOOK = "book"
    IMAGES = "images"
    DELETE = "delete"
    PRICE_QUANTITY = "price_quantity"


# The classic loaders, by the names sellers know them by, and each kind's.
INVENTORY_LOADER = "Inventory Loader"
BOOK_LOADER = "Book Loader"
LISTING_LOADER = "Listing Loader"
PRICE_QUANTITY = "Price & Quantity"
LOADER_ORDER = (INVENTORY_LOADER, BOOK_LOADER, LISTING_LOADER, PRICE_QUANTITY)
LOADER_NAMES = {
    Kind.OFFER: INVENTORY_LOADER,
    Kind.DELETE: INVENTORY_LOADER,
    Kind.BOOK: BOOK_LOADER,
    Kind.IMAGES: LISTING_LOADER,
    Kind.PRICE_QUANTITY: PRICE_QUANTITY,
}


def has_identifier(row: Row) -> bool:
    return bool(row["asin"] or row["isbn"])


def image_urls(row: Row) -> list[str]:
    return [row[column] for column in IMAGE_COLUMNS if row[column]]


def is_wanted(row: Row, marketplace: str) -> bool:
    return (
        row["status"] == Record.Status.AVAILABLE
        and row["quantity"] > 0
        and bool(row[f"list_{marketplace}"])
    )


def is_new(row: Row) -> bool:
    """Whether Amazon never had the record: it counts as new, not modified."""
    return row["ls_state"] in (None, State.NOT_LISTED, State.PENDING_ADD)


def route(
    row: Row, *, marketplace: str, upload_images: bool, all_inventory: bool = False
) -> tuple[Kind, ...]:
    """Return the kinds of message the record needs, main one first.

    When all online inventory is sent, every record goes out whole whatever
    its state; otherwise the state decides. A pending record no longer wanted
    on the marketplace (sold, withdrawn, on hold, none left, unticked) is a
    deletion even if its state has not caught up.
    """
    if not all_inventory:
        if row["ls_state"] == State.PENDING_DELETE or not is_wanted(row, marketplace):
            return (Kind.DELETE,)
        if row["ls_state"] == State.PENDING_UPDATE and row["ls_price_quantity_only"]:
            return (Kind.PRICE_QUANTITY,)
    if not has_identifier(row):
        return (Kind.BOOK,)
    if upload_images and image_urls(row):
        return (Kind.OFFER, Kind.IMAGES)
    return (Kind.OFFER,)
