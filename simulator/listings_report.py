"""The All Listings Report (GET_MERCHANT_LISTINGS_ALL_DATA) as a TSV."""

from datetime import datetime
from zoneinfo import ZoneInfo

from simulator.listings_feed import (
    first_value,
    item_name,
    listing_price,
    listing_quantity,
)
from simulator.state import REGIONS, Listing

COLUMNS = (
    "item-name",
    "item-description",
    "listing-id",
    "seller-sku",
    "price",
    "quantity",
    "open-date",
    "image-url",
    "item-is-marketplace",
    "product-id-type",
    "zshop-shipping-fee",
    "item-note",
    "item-condition",
    "zshop-category1",
    "zshop-browse-path",
    "zshop-storefront-feature",
    "asin1",
    "asin2",
    "asin3",
    "will-ship-internationally",
    "expedited-shipping",
    "zshop-boldface",
    "product-id",
    "bid-for-featured-placement",
    "add-delete",
    "pending-quantity",
    "fulfillment-channel",
    "merchant-shipping-group",
    "status",
)
# Inventory Loader item-condition codes for Amazon's condition types.
CONDITION_CODES = {
    "used_like_new": "1",
    "used_very_good": "2",
    "used_good": "3",
    "used_acceptable": "4",
    "collectible_like_new": "5",
    "collectible_very_good": "6",
    "collectible_good": "7",
    "collectible_acceptable": "8",
    "refurbished_refurbished": "10",
    "new_new": "11",
}
TIME_ZONES = {"NA": ZoneInfo("America/Los_Angeles"), "EU": ZoneInfo("Europe/London")}
PRODUCT_ID_TYPE_ASIN = "1"


def all_listings_report(
    listings: dict[str, Listing], catalog: dict[str, str], marketplace_id: str
) -> str:
    """One header row and a row per listing, tab-delimited, CRLF-free."""
    zone = TIME_ZONES[REGIONS.get(marketplace_id, "NA")]
    rows = ["\t".join(COLUMNS)]
    for sku in sorted(listings):
        listing = listings[sku]
        price = listing_price(listing)
        quantity = listing_quantity(listing)
        opened = datetime.fromtimestamp(listing.created, tz=zone)
        row = {
            "item-name": item_name(listing) or catalog.get(listing.asin, ""),
            "listing-id": listing.listing_id,
            "seller-sku": sku,
            "price": f"{price:.2f}" if price is not None else "",
            "quantity": str(quantity),
            "open-date": opened.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "item-is-marketplace": "y",
            "product-id-type": PRODUCT_ID_TYPE_ASIN,
            "item-note": first_value(listing.attributes, "condition_note") or "",
            "item-condition": CONDITION_CODES.get(
                first_value(listing.attributes, "condition_type") or "", ""
            ),
            "asin1": listing.asin,
            "product-id": listing.asin,
            "pending-quantity": "0",
            "fulfillment-channel": first_value(
                listing.attributes,
                "fulfillment_availability",
                "fulfillment_channel_code",
            )
            or "DEFAULT",
            "merchant-shipping-group": first_value(
                listing.attributes, "merchant_shipping_group"
            )
            or "Migrated Template",
            "status": "Active" if quantity > 0 and price else "Inactive",
        }
        rows.append("\t".join(clean(row.get(column, "")) for column in COLUMNS))
    return "\n".join(rows) + "\n"


def clean(value: object) -> str:
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
