"""The simulator's records and their optional SQLite snapshot.

Everything lives in memory behind the simulator's lock. Applications,
sellers, the catalog, refresh tokens and listings can be written to a
SQLite file so that a restarted simulator keeps a developer's connected
accounts and listings; feeds, reports, documents and access tokens do not
survive a restart.
"""

import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
UK = "A1F83G8C2ARO7P"

# Amazon's marketplace descriptions, as the Sellers API returns them.
MARKETPLACES: dict[str, dict[str, str]] = {
    US: {
        "id": US,
        "name": "Amazon.com",
        "countryCode": "US",
        "defaultCurrencyCode": "USD",
        "defaultLanguageCode": "en_US",
        "domainName": "www.amazon.com",
    },
    CA: {
        "id": CA,
        "name": "Amazon.ca",
        "countryCode": "CA",
        "defaultCurrencyCode": "CAD",
        "defaultLanguageCode": "en_CA",
        "domainName": "www.amazon.ca",
    },
    UK: {
        "id": UK,
        "name": "Amazon.co.uk",
        "countryCode": "GB",
        "defaultCurrencyCode": "GBP",
        "defaultLanguageCode": "en_GB",
        "domainName": "www.amazon.co.uk",
    },
}
REGIONS = {US: "NA", CA: "NA", UK: "EU"}

DEFAULT_APPLICATION_ID = "amzn1.sp.solution.shelfmark-dev"
DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.shelfmark-dev"
DEFAULT_CLIENT_SECRET = "shelfmark-dev-secret"
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1:*", "http://localhost:*")

DEFAULT_SELLER_ID = "A1B2C3D4E5F6G7"
DEFAULT_SELLER_EMAIL = "seller@example.com"
DEFAULT_SELLER_PASSWORD = "simulator"

# Books with real ISBN-10 ASINs, plus two non-book ASINs.
DEFAULT_CATALOG = {
    "0140449132": "Crime and Punishment",
    "0141439513": "Pride and Prejudice",
    "0743273567": "The Great Gatsby",
    "0060935464": "To Kill a Mockingbird",
    "0451524934": "1984",
    "B000FC1PJI": "Moby-Dick; or, The Whale",
    "B00K0OI42W": "Bookends, Walnut",
}


@dataclass
class Application:
    application_id: str
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    name: str = "Shelfmark"
    draft: bool = True


@dataclass
class Seller:
    selling_partner_id: str
    name: str
    email: str
    password: str
    marketplace_ids: list[str]
    suspended_marketplace_ids: list[str] = field(default_factory=list)


@dataclass
class Grant:
    """A seller's authorization of an application: one refresh token."""

    refresh_token: str
    selling_partner_id: str
    application_id: str
    created: float


@dataclass
class AuthorizationCode:
    code: str
    selling_partner_id: str
    application_id: str
    redirect_uri: str
    expires_at: float
    used: bool = False


@dataclass
class AccessToken:
    token: str
    selling_partner_id: str
    application_id: str
    expires_at: float


@dataclass
class Document:
    document_id: str
    selling_partner_id: str
    content_type: str
    created: float
    content: bytes | None = None
    compressed: bool = False


@dataclass
class Job:
    """A feed or a report: both move through the same processing states."""

    job_id: str
    kind: str  # "feed" or "report"
    selling_partner_id: str
    job_type: str
    marketplace_ids: list[str]
    created: float
    options: dict[str, str] = field(default_factory=dict)
    input_document_id: str | None = None
    status: str = "IN_QUEUE"
    started: float | None = None
    ended: float | None = None
    result_document_id: str | None = None
    forced_fatal: bool = False


@dataclass
class Listing:
    sku: str
    asin: str
    product_type: str
    attributes: dict[str, Any]
    created: float
    updated: float
    listing_id: str
    revision: int = 1


@dataclass
class State:
    applications: dict[str, Application] = field(default_factory=dict)
    sellers: dict[str, Seller] = field(default_factory=dict)
    catalog: dict[str, str] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    # listings[selling_partner_id][marketplace_id][sku]
    listings: dict[str, dict[str, dict[str, Listing]]] = field(default_factory=dict)

    def listings_for(self, seller_id: str, marketplace_id: str) -> dict[str, Listing]:
        return self.listings.setdefault(seller_id, {}).setdefault(marketplace_id, {})

    def seller_by_email(self, email: str) -> Seller | None:
        email = email.strip().lower()
        for seller in self.sellers.values():
            if seller.email.lower() == email:
                return seller
        return None

    def application_by_client_id(self, client_id: str) -> Application | None:
        for application in self.applications.values():
            if application.client_id == client_id:
                return application
        return None


def default_state() -> State:
    state = State()
    state.applications[DEFAULT_APPLICATION_ID] = Application(
        application_id=DEFAULT_APPLICATION_ID,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        redirect_uris=list(DEFAULT_REDIRECT_URIS),
        name="Shelfmark (development)",
    )
    state.sellers[DEFAULT_SELLER_ID] = Seller(
        selling_partner_id=DEFAULT_SELLER_ID,
        name="Demo Books",
        email=DEFAULT_SELLER_EMAIL,
        password=DEFAULT_SELLER_PASSWORD,
        marketplace_ids=[US, CA, UK],
    )
    state.catalog.update(DEFAULT_CATALOG)
    return state


class Snapshot:
    """Keeps the durable part of the state in one SQLite table."""

    TABLE = "simulator_snapshot"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
                "(name TEXT PRIMARY KEY, body TEXT NOT NULL)"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=5)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def load_into(self, state: State) -> bool:
        """Replace the durable parts of state; False when nothing is saved."""
        with self._connect() as connection:
            rows = dict(connection.execute(f"SELECT name, body FROM {self.TABLE}"))
        if not rows:
            return False
        state.applications = {
            key: Application(**value)
            for key, value in json.loads(rows["applications"]).items()
        }
        state.sellers = {
            key: Seller(**value) for key, value in json.loads(rows["sellers"]).items()
        }
        state.catalog = json.loads(rows["catalog"])
        state.grants = {
            key: Grant(**value) for key, value in json.loads(rows["grants"]).items()
        }
        state.listings = {
            seller: {
                marketplace: {sku: Listing(**item) for sku, item in items.items()}
                for marketplace, items in by_marketplace.items()
            }
            for seller, by_marketplace in json.loads(rows["listings"]).items()
        }
        logger.info("Loaded simulator state from %s", self.path)
        return True

    def save(self, state: State) -> None:
        def as_dicts(records: dict[str, Any]) -> str:
            return json.dumps(
                {key: dataclasses.asdict(value) for key, value in records.items()}
            )

        listings = {
            seller: {
                marketplace: {
                    sku: dataclasses.asdict(item) for sku, item in items.items()
                }
                for marketplace, items in by_marketplace.items()
            }
            for seller, by_marketplace in state.listings.items()
        }
        rows = [
            ("applications", as_dicts(state.applications)),
            ("sellers", as_dicts(state.sellers)),
            ("catalog", json.dumps(state.catalog)),
            ("grants", as_dicts(state.grants)),
            ("listings", json.dumps(listings)),
        ]
        with self._connect() as connection:
            connection.executemany(
                f"INSERT OR REPLACE INTO {self.TABLE} (name, body) VALUES (?, ?)", rows
            )
