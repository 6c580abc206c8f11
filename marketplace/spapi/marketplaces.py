"""Where each of Shelfmark's marketplaces lives at Amazon.

Hosts come from settings: Amazon's regional hosts, or the simulator's one
host for everything while ``AMAZON_USE_SIMULATOR`` is on.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AmazonMarketplace:
    marketplace_id: str
    region: str  # "NA" or "EU": which SP-API host serves it


# Keyed by inventory.models.Marketplace values.
MARKETPLACES: dict[str, AmazonMarketplace] = {
    "amazon_us": AmazonMarketplace("ATVPDKIKX0DER", "NA"),
    "amazon_ca": AmazonMarketplace("A2EUQ1WTGCTBG2", "NA"),
    "amazon_uk": AmazonMarketplace("A1F83G8C2ARO7P", "EU"),
}

CONSENT_PATH = "/apps/authorize/consent"


def _simulator() -> str | None:
    if settings.AMAZON_USE_SIMULATOR:
        return settings.AMAZON_SIMULATOR_URL.rstrip("/")
    return None


def spapi_endpoint(region: str) -> str:
    return _simulator() or settings.AMAZON_SPAPI_URLS[region].rstrip("/")


def lwa_token_url() -> str:
    simulator = _simulator()
    if simulator:
        return f"{simulator}/auth/o2/token"
    return settings.AMAZON_LWA_TOKEN_URL


def seller_central_url(marketplace: str) -> str:
    return _simulator() or settings.AMAZON_SELLER_CENTRAL_URLS[marketplace]


def consent_endpoint(marketplace: str) -> str:
    return seller_central_url(marketplace) + CONSENT_PATH
