"""Shelfmark's client for the Selling Partner API and Login with Amazon."""

from marketplace.spapi.client import (
    Document,
    DocumentContent,
    Feed,
    FeedDocumentUpload,
    FeedPage,
    MarketplaceParticipation,
    Report,
    SpApiClient,
)
from marketplace.spapi.errors import (
    AmazonError,
    InvalidInput,
    NotFound,
    QuotaExceeded,
    ServerError,
    TokenExchangeFailed,
    Unauthorized,
)
from marketplace.spapi.marketplaces import MARKETPLACES, AmazonMarketplace

__all__ = [
    "MARKETPLACES",
    "AmazonError",
    "AmazonMarketplace",
    "Document",
    "DocumentContent",
    "Feed",
    "FeedDocumentUpload",
    "FeedPage",
    "InvalidInput",
    "MarketplaceParticipation",
    "NotFound",
    "QuotaExceeded",
    "Report",
    "ServerError",
    "SpApiClient",
    "TokenExchangeFailed",
    "Unauthorized",
]
