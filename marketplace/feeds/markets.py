"""What differs between Amazon US, CA and UK in a feed."""

from dataclasses import dataclass

from inventory.models import Marketplace
from marketplace.spapi.marketplaces import MARKETPLACES


@dataclass(frozen=True)
class Market:
    code: str
    marketplace_id: str
    currency: str
    language_tag: str
    # Inserted after the loader's letters in classic file names:
    # AmazonUpload_1.txt, AmazonUploadCA_1.txt, AmazonUploadBLUK_1.txt.
    file_infix: str


# Currency, language and file name part; the marketplace ids are the client's.
_LOCAL = {
    Marketplace.AMAZON_US: ("USD", "en_US", ""),
    Marketplace.AMAZON_CA: ("CAD", "en_CA", "CA"),
    Marketplace.AMAZON_UK: ("GBP", "en_GB", "UK"),
}
MARKETS = {
    marketplace: Market(marketplace, MARKETPLACES[marketplace].marketplace_id, *rest)
    for marketplace, rest in _LOCAL.items()
}


def market_for(marketplace: str) -> Market:
    return MARKETS[Marketplace(marketplace)]
