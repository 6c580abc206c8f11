"""Fixtures for the simulator's tests: a live simulator and an SP-API caller.

Every SP-API answer received through the `spapi` fixture is checked
against Amazon's OpenAPI model when Amazon's files are present in
../shared/reference/sp-api beside the repository.
"""

import json
import re
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from jsonschema import Draft4Validator, Draft7Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
if str(REPOSITORY_ROOT) not in sys.path:
    sys.path.insert(0, str(REPOSITORY_ROOT))

from simulator.testing import (  # noqa: E402
    DEFAULT_SELLER_ID,
    RunningSimulator,
    running_simulator,
)

SP_API_DIR = REPOSITORY_ROOT.parent / "shared" / "reference" / "sp-api"
MODEL_FILES = ("feeds_2021-06-30.json", "reports_2021-06-30.json", "sellers.json")
US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
UK = "A1F83G8C2ARO7P"
TERMINAL = ("DONE", "FATAL", "CANCELLED")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def is_utc_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return value.endswith("Z") and datetime.fromisoformat(value).tzinfo is not None


class ContractChecker:
    """Checks SP-API answers against the operations in Amazon's models."""

    def __init__(self, folder: Path) -> None:
        self.operations = []
        self.seen: set[tuple[str, int]] = set()
        for name in MODEL_FILES:
            model = json.loads((folder / name).read_text())
            uri = f"urn:sp-api:{name}"
            registry = Registry().with_resource(uri, DRAFT4.create_resource(model))
            for path, item in model["paths"].items():
                for method, operation in item.items():
                    if method == "parameters":
                        continue
                    pattern = re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", path) + "$")
                    self.operations.append(
                        (method.upper(), pattern, operation, uri, registry)
                    )

    def check(self, response: requests.Response) -> None:
        request = response.request
        path = urlsplit(request.url).path
        found = [
            (operation, uri, registry)
            for method, pattern, operation, uri, registry in self.operations
            if method == request.method and pattern.match(path)
        ]
        if not found:
            return
        operation, uri, registry = found[0]
        name = operation["operationId"]
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{name} answered {status}, which Amazon's model does not declare"
        )
        assert response.headers.get("x-amzn-RequestId")
        assert response.headers.get("x-amzn-RateLimit-Limit")
        schema = operation["responses"][status].get("schema")
        if schema is None:
            assert response.content == b"", f"{name} {status} should have no body"
        else:
            validator = Draft4Validator(
                {"$ref": uri + schema["$ref"]},
                registry=registry,
                format_checker=FORMATS,
            )
            errors = [e.message for e in validator.iter_errors(response.json())]
            assert not errors, f"{name} {status} breaks Amazon's model: {errors}"
        self.seen.add((name, response.status_code))


def validate_processing_report(report: dict[str, Any]) -> None:
    schema_path = SP_API_DIR / "listings-feed-processing-report-schema-v2.json"
    if not schema_path.is_file():
        return
    schema = json.loads(schema_path.read_text())
    errors = [e.message for e in Draft7Validator(schema).iter_errors(report)]
    assert not errors, f"The processing report breaks Amazon's schema: {errors}"


@pytest.fixture(scope="session")
def contract() -> ContractChecker | None:
    if not (SP_API_DIR / MODEL_FILES[0]).is_file():
        return None
    return ContractChecker(SP_API_DIR)


@pytest.fixture
def sp_api_dir() -> Path:
    if not (SP_API_DIR / MODEL_FILES[0]).is_file():
        pytest.skip(f"Amazon's models are not in {SP_API_DIR}")
    return SP_API_DIR


@pytest.fixture
def check_processing_report() -> Any:
    return validate_processing_report


@pytest.fixture
def fresh_contract() -> ContractChecker:
    """A checker of its own, to see which operations one test covered."""
    if not (SP_API_DIR / MODEL_FILES[0]).is_file():
        pytest.skip(f"Amazon's models are not in {SP_API_DIR}")
    return ContractChecker(SP_API_DIR)


@pytest.fixture
def amazon() -> Iterator[RunningSimulator]:
    with running_simulator() as running:
        yield running


class SpApi:
    """A seller's SP-API caller with the feed steps spelled out."""

    def __init__(
        self, amazon: RunningSimulator, contract: ContractChecker | None
    ) -> None:
        self.amazon = amazon
        self.url = amazon.url
        self.session = requests.Session()
        if contract is not None:
            self.session.hooks["response"].append(
                lambda response, *args, **kwargs: contract.check(response)
            )
        self.login(DEFAULT_SELLER_ID)

    def login(self, seller_id: str) -> None:
        tokens = self.amazon.control.authorize(seller_id)
        self.session.headers["x-amz-access-token"] = tokens["access_token"]

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def upload(self, content: bytes, content_type: str = "application/json") -> str:
        created = self.post(
            "/feeds/2021-06-30/documents", json={"contentType": content_type}
        )
        assert created.status_code == 201, created.text
        put = requests.put(
            created.json()["url"],
            data=content,
            headers={"Content-Type": content_type},
            timeout=10,
        )
        assert put.status_code == 200, put.text
        return created.json()["feedDocumentId"]

    def create_feed(
        self,
        content: bytes,
        feed_type: str = "JSON_LISTINGS_FEED",
        marketplace_ids: tuple[str, ...] = (US,),
        content_type: str = "application/json",
    ) -> str:
        document_id = self.upload(content, content_type)
        response = self.post(
            "/feeds/2021-06-30/feeds",
            json={
                "feedType": feed_type,
                "marketplaceIds": list(marketplace_ids),
                "inputFeedDocumentId": document_id,
            },
        )
        assert response.status_code == 202, response.text
        return response.json()["feedId"]

    def wait_for_feed(self, feed_id: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            feed = self.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
            if feed["processingStatus"] in TERMINAL:
                return feed
            assert time.monotonic() < deadline, f"Feed still {feed}"
            time.sleep(0.02)

    def processing_report(self, feed: dict[str, Any]) -> dict[str, Any]:
        document = self.get(
            f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
        ).json()
        report = requests.get(document["url"], timeout=10).json()
        validate_processing_report(report)
        return report

    def submit(self, document: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Send a JSON_LISTINGS_FEED and return its processing report."""
        feed_id = self.create_feed(json.dumps(document).encode(), **kwargs)
        feed = self.wait_for_feed(feed_id)
        assert feed["processingStatus"] in ("DONE", "FATAL")
        return self.processing_report(feed)


@pytest.fixture
def spapi(amazon: RunningSimulator, contract: ContractChecker | None) -> SpApi:
    return SpApi(amazon, contract)


def offer(sku: str, message_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """An offer-only UPDATE message for a used book on an existing ASIN."""
    attributes = {
        "condition_type": [{"value": "used_very_good", "marketplace_id": US}],
        "merchant_suggested_asin": [{"value": "0140449132", "marketplace_id": US}],
        "purchasable_offer": [
            {
                "currency": "USD",
                "marketplace_id": US,
                "our_price": [{"schedule": [{"value_with_tax": 12.5}]}],
            }
        ],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": 1}
        ],
        "condition_note": [
            {"value": "Clean copy, light shelf wear.", "marketplace_id": US}
        ],
    }
    attributes.update(overrides)
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "UPDATE",
        "productType": "PRODUCT",
        "requirements": "LISTING_OFFER_ONLY",
        "attributes": attributes,
    }


def feed_document(*messages: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {
        "header": {"sellerId": DEFAULT_SELLER_ID, "version": "2.0", **header},
        "messages": list(messages),
    }


@pytest.fixture
def make_offer() -> Any:
    return offer


@pytest.fixture
def make_feed() -> Any:
    return feed_document
