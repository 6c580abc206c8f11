"""What differs between Amazon US, CA and UK in a feed."""

from dataclasses import dataclass

from inventory.models import Marketplace


@dataclass(frozen=True)
class Market:
    code: str
    marketplace_id: str
    currency: str
    language_tag: str
    # Inserted after the loader's letters in classic file names:
    # AmazonUpload_1.txt, AmazonUploadCA_1.txt, AmazonUploadBLUK_1.txt.
    file_infix: str


MARKETS = {
    Marketplace.AMAZON_US: Market(
        Marketplace.AMAZON_US, "ATVPDKIKX0DER", "USD", "en_US", ""
    ),
    Marketplace.AMAZON_CA: Market(
        Marketplace.AMAZON_CA, "A2EUQ1WTGCTBG2", "CAD", "en_CA", "CA"
    ),
    Marketplace.AMAZON_UK: Market(
        Marketplace.AMAZON_UK, "A1F83G8C2ARO7P", "GBP", "en_GB", "UK"
    ),
}


def market_for(marketplace: str) -> Market:
    return MARKETS[Marketplace(marketplace)]
