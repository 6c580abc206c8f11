"""Amazon's listings feed schemas, read from the shared reference folder."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parents[2].parent / "shared/reference/sp-api"
FEED_SCHEMA = "listings-feed-schema-v2.json"
MESSAGE_SCHEMA = "listings-feed-message-schema-v2.json"
MESSAGE_URI = "urn:amazon:listings-feed-message-schema-v2"

needs_schemas = pytest.mark.skipif(
    not SCHEMA_DIR.is_dir(),
    reason=f"Amazon's schemas are not in {SCHEMA_DIR} (the shared reference folder)",
)


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def feed_validator() -> Draft7Validator:
    return Draft7Validator(_load(FEED_SCHEMA))


@cache
def message_validator() -> Draft7Validator:
    """Each message, against the message schema reached through a ``$ref``."""
    registry = Registry().with_resource(
        MESSAGE_URI, Resource.from_contents(_load(MESSAGE_SCHEMA))
    )
    wrapper = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "properties": {"messages": {"items": {"$ref": MESSAGE_URI}}},
    }
    return Draft7Validator(wrapper, registry=registry)


def schema_errors(document: dict[str, Any]) -> list[str]:
    errors = [
        *feed_validator().iter_errors(document),
        *message_validator().iter_errors(document),
    ]
    return [f"{list(error.absolute_path)}: {error.message}" for error in errors]


def feed_row(**overrides: Any) -> dict[str, Any]:
    """A feed row as ``marketplace.feeds.select`` gives it, for unit tests."""
    row: dict[str, Any] = {
        "id": 1,
        "sku": "1001",
        "asin": "",
        "isbn": "9780261102217",
        "title": "The Hobbit",
        "subtitle": "",
        "author": "J. R. R. Tolkien",
        "illustrator": "",
        "publisher": "Allen & Unwin",
        "pub_date": "1951",
        "edition": "",
        "binding": "Hardcover",
        "book_grade": "very_good",
        "condition": "",
        "item_note": "",
        "price": Decimal("45.00"),
        "price2": None,
        "price3": None,
        "quantity": 1,
        "status": "available",
        **{f"image_url_{n}": "" for n in range(1, 7)},
        "list_amazon_us": True,
        "list_amazon_ca": True,
        "list_amazon_uk": True,
        "expedited_shipping": False,
        "international_shipping": False,
        "ls_id": 1,
        "ls_state": "pending_add",
        "ls_revision": 1,
        "ls_price_quantity_only": False,
    }
    row.update(overrides)
    return row
