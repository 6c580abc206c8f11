"""Run a simulator for tests and drive it through its control API.

    with running_simulator(queue_seconds=0) as amazon:
        amazon.url                      # http://127.0.0.1:<port>
        amazon.control.inject_fault("createFeed", status=503, count=2)

`SimulatorControl(url)` works from any process that can reach the URL,
such as a Celery worker started by a test.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from simulator.core import Simulator
from simulator.server import SimulatorServer
from simulator.state import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SELLER_EMAIL,
    DEFAULT_SELLER_ID,
    DEFAULT_SELLER_PASSWORD,
)

__all__ = [
    "DEFAULT_APPLICATION_ID",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_SELLER_EMAIL",
    "DEFAULT_SELLER_ID",
    "DEFAULT_SELLER_PASSWORD",
    "RunningSimulator",
    "SimulatorControl",
    "running_simulator",
]

TEST_DEFAULTS = {"queue_seconds": 0.0, "processing_seconds": 0.0, "tick_seconds": 0.01}


class SimulatorControl:
    """A client for the /_simulator/ control API."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, **payload: Any) -> Any:
        response = requests.request(
            method,
            f"{self.url}/_simulator/{path}",
            json=payload if method != "GET" else None,
            params=payload if method == "GET" else None,
            timeout=self.timeout,
        )
        if response.status_code >= 400:
            raise RuntimeError(
                f"Simulator control {method} {path} failed: {response.text}"
            )
        return response.json()

    def reset(self) -> None:
        self._call("POST", "reset")

    def now(self) -> str:
        return self._call("GET", "clock")["now"]

    def advance_clock(self, seconds: float) -> str:
        """Move the simulator's clock forward; returns the new time."""
        return self._call("POST", "clock/advance", seconds=seconds)["now"]

    def inject_fault(
        self,
        operation: str = "*",
        *,
        status: int = 503,
        count: int | None = 1,
        rate: float | None = None,
    ) -> None:
        """Answer the next count calls (None: all) with 500 or 503.

        With rate, each call fails with that probability instead.
        """
        self._call(
            "POST", "faults", operation=operation, status=status, count=count, rate=rate
        )

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def set_delay(self, operation: str = "*", seconds: float = 0.0) -> None:
        self._call("POST", "delays", operation=operation, seconds=seconds)

    def stall_feeds(self, stage: str = "IN_QUEUE") -> None:
        """Hold feeds at IN_QUEUE or IN_PROGRESS until release_feeds()."""
        self._call("POST", "feeds/stall", stage=stage)

    def release_feeds(self) -> None:
        self._call("POST", "feeds/release")

    def force_fatal(self, count: int = 1) -> None:
        """Make the next count feeds created end FATAL."""
        self._call("POST", "feeds/fatal", count=count)

    def set_rate_limit_scale(self, scale: float | None) -> None:
        """Multiply every refill rate by scale; None turns limits off."""
        self._call("POST", "settings", rateLimitScale=scale)

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change settings: queueSeconds, processingSeconds, gzipDocuments,
        reportCharset, rateLimitScale."""
        return self._call("POST", "settings", **settings)

    def add_application(
        self,
        application_id: str,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str],
        *,
        name: str = "Shelfmark",
        draft: bool = True,
    ) -> None:
        self._call(
            "POST",
            "applications",
            applicationId=application_id,
            clientId=client_id,
            clientSecret=client_secret,
            redirectUris=redirect_uris,
            name=name,
            draft=draft,
        )

    def add_seller(
        self,
        selling_partner_id: str,
        *,
        email: str,
        password: str = "simulator",
        name: str | None = None,
        marketplace_ids: list[str] | None = None,
    ) -> None:
        payload: dict[str, Any] = {
            "sellingPartnerId": selling_partner_id,
            "email": email,
            "password": password,
            "name": name or selling_partner_id,
        }
        if marketplace_ids is not None:
            payload["marketplaceIds"] = marketplace_ids
        self._call("POST", "sellers", **payload)

    def add_asins(self, *asins: str, titles: dict[str, str] | None = None) -> None:
        self._call(
            "POST", "catalog", asins={**dict.fromkeys(asins, ""), **(titles or {})}
        )

    def seed_listings(
        self,
        selling_partner_id: str,
        marketplace_id: str,
        listings: list[dict[str, Any]],
        *,
        replace: bool = False,
    ) -> None:
        """Put listings straight into the store.

        Each item takes sku, asin, price, quantity, conditionType, itemName,
        conditionNote, productType and raw attributes.
        """
        self._call(
            "POST",
            "listings",
            sellingPartnerId=selling_partner_id,
            marketplaceId=marketplace_id,
            listings=listings,
            replace=replace,
        )

    def listings(
        self, selling_partner_id: str, marketplace_id: str
    ) -> dict[str, dict[str, Any]]:
        """The seller's listings in one marketplace, by SKU."""
        found = self._call(
            "GET",
            "listings",
            sellingPartnerId=selling_partner_id,
            marketplaceId=marketplace_id,
        )["listings"]
        items = found.get(selling_partner_id, {}).get(marketplace_id, [])
        return {item["sku"]: item for item in items}

    def counters(self) -> dict[str, Any]:
        return self._call("GET", "counters")

    def feeds(self) -> list[dict[str, Any]]:
        return self._call("GET", "feeds")["feeds"]

    def document(self, document_id: str) -> bytes:
        """The bytes stored for a document, such as an uploaded feed."""
        response = requests.get(
            f"{self.url}/_simulator/documents/{document_id}", timeout=self.timeout
        )
        response.raise_for_status()
        return response.content

    def authorize(
        self,
        selling_partner_id: str,
        *,
        application_id: str = DEFAULT_APPLICATION_ID,
        redirect_uri: str | None = None,
    ) -> dict[str, Any]:
        """Skip the consent page.

        Without redirect_uri: returns refresh_token and access_token. With
        it: returns an spapi_oauth_code to exchange at /auth/o2/token.
        """
        payload: dict[str, Any] = {
            "sellingPartnerId": selling_partner_id,
            "applicationId": application_id,
        }
        if redirect_uri is not None:
            payload["redirectUri"] = redirect_uri
        return self._call("POST", "authorizations", **payload)

    def revoke_authorization(self, selling_partner_id: str) -> None:
        self._call("POST", "authorizations/revoke", sellingPartnerId=selling_partner_id)

    def expire_access_tokens(self) -> None:
        self._call("POST", "access-tokens/expire")

    def wait_for_feeds(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until no feed is IN_QUEUE or IN_PROGRESS; returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            feeds = self.feeds()
            pending = [
                feed
                for feed in feeds
                if feed["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS")
            ]
            if not pending:
                return feeds
            if time.monotonic() > deadline:
                raise TimeoutError(f"Feeds still pending: {pending}")
            time.sleep(0.02)


@dataclass
class RunningSimulator:
    url: str
    control: SimulatorControl
    simulator: Simulator


@contextmanager
def running_simulator(**options: Any) -> Iterator[RunningSimulator]:
    """Start a simulator on a free loopback port for the block's duration.

    Options are the fields of simulator.core.Settings; feeds and reports
    finish within a few milliseconds unless queue_seconds or
    processing_seconds say otherwise.
    """
    simulator = Simulator(**{**TEST_DEFAULTS, **options})
    server = SimulatorServer(simulator, host="127.0.0.1", port=0)
    server.start()
    try:
        yield RunningSimulator(server.url, SimulatorControl(server.url), simulator)
    finally:
        server.stop()
