"""JSON_LISTINGS_FEED documents (version 2.0), written as they are built.

Shapes, per kind of message (every value names its marketplace; text values
carry the marketplace's language tag, prices its currency):

- offer on an existing page: ``UPDATE``, product type ``PRODUCT`` (Amazon's
  type for offer-only listings), requirements ``LISTING_OFFER_ONLY``;
  ``merchant_suggested_asin`` when the record has an ASIN, otherwise
  ``externally_assigned_product_identifier`` of type ``isbn``;
  ``condition_type``, ``condition_note`` (when there is one),
  ``purchasable_offer`` (``our_price`` with the service's
  ``minimum_seller_allowed_price`` and ``maximum_seller_allowed_price``) and
  ``fulfillment_availability`` (channel ``DEFAULT``, the quantity).
- new product page: ``UPDATE``, requirements ``LISTING``, product type
  ``settings.AMAZON_BOOK_PRODUCT_TYPE`` (default ``ABIS_BOOK``, the type
  Amazon's catalog gives books; Amazon's documents do not confirm it for
  listings, so it is a setting, to be checked against the Product Type
  Definitions API); the offer's attributes without an identifier, plus
  ``supplier_declared_has_product_identifier_exemption``, ``item_name``
  (title and subtitle), ``author``, ``publisher``, ``binding``,
  ``publication_date`` and, when known, ``edition`` and ``illustrator``.
- images: ``PATCH`` (product type ``PRODUCT``) replacing
  ``main_product_image_locator`` and ``other_product_image_locator_1``..5
  with the record's image URLs, first URL as the main image. Images travel in
  their own batches, sent after the listings, so a feed never names one SKU
  twice.
- deletion: ``DELETE`` with the SKU alone.
- price and quantity: ``PATCH`` replacing ``purchasable_offer`` and
  ``fulfillment_availability``, under the product type the listing was made
  with.

Shipping choices have no attribute of their own in the listings API (Amazon
applies the seller's shipping templates); they go out in the classic files.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO, Any, NamedTuple

import orjson
from django.conf import settings

from .fields import condition_of, price_of, title_of
from .markets import Market
from .routing import Kind, has_identifier, image_urls
from .select import Row

FEED_TYPE = "JSON_LISTINGS_FEED"
CONTENT_TYPE = "application/json; charset=UTF-8"
VERSION = "2.0"
OFFER_PRODUCT_TYPE = "PRODUCT"
DEFAULT_BOOK_PRODUCT_TYPE = "ABIS_BOOK"
DEFAULT_MAX_MESSAGES = 25_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OTHER_IMAGE_SLOTS = 5


def book_product_type() -> str:
    return getattr(settings, "AMAZON_BOOK_PRODUCT_TYPE", DEFAULT_BOOK_PRODUCT_TYPE)


@dataclass(frozen=True)
class Limits:
    max_messages: int = DEFAULT_MAX_MESSAGES
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_messages=getattr(
                settings, "AMAZON_FEED_MAX_MESSAGES", DEFAULT_MAX_MESSAGES
            ),
            max_bytes=getattr(settings, "AMAZON_FEED_MAX_BYTES", DEFAULT_MAX_BYTES),
        )


class MessageRef(NamedTuple):
    """The record a message came from, and the revision it carried."""

    record_id: int
    revision: int
    kind: str


@dataclass(frozen=True)
class MessageContext:
    """What every message of one service's feed shares."""

    market: Market
    price_field: str
    min_price: Decimal
    max_price: Decimal
    book_product_type: str = DEFAULT_BOOK_PRODUCT_TYPE

    @cached_property
    def price_range(self) -> dict[str, list[dict[str, Any]]]:
        """The service's price limits, the same in every offer."""
        return {
            "minimum_seller_allowed_price": _amount(self.min_price),
            "maximum_seller_allowed_price": _amount(self.max_price),
        }


# Message builders: each returns the message without its ``messageId``,
# which the writer gives it.


def _value(ctx: MessageContext, value: Any) -> list[dict[str, Any]]:
    return [{"value": value, "marketplace_id": ctx.market.marketplace_id}]


def _text(ctx: MessageContext, value: str) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "language_tag": ctx.market.language_tag,
            "marketplace_id": ctx.market.marketplace_id,
        }
    ]


def _amount(value: Decimal) -> list[dict[str, Any]]:
    return [{"schedule": [{"value_with_tax": float(value)}]}]


def purchasable_offer(row: Row, ctx: MessageContext) -> list[dict[str, Any]]:
    return [
        {
            "audience": "ALL",
            "currency": ctx.market.currency,
            "marketplace_id": ctx.market.marketplace_id,
            "our_price": _amount(price_of(row, ctx.price_field)),
            **ctx.price_range,
        }
    ]


def fulfillment_availability(row: Row, ctx: MessageContext) -> list[dict[str, Any]]:
    return [
        {
            "fulfillment_channel_code": "DEFAULT",
            "quantity": row["quantity"],
            "marketplace_id": ctx.market.marketplace_id,
        }
    ]


def _offer_attributes(row: Row, ctx: MessageContext, note: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"condition_type": _value(ctx, condition_of(row))}
    if note:
        attributes["condition_note"] = _text(ctx, note)
    attributes["purchasable_offer"] = purchasable_offer(row, ctx)
    attributes["fulfillment_availability"] = fulfillment_availability(row, ctx)
    return attributes


def offer_message(row: Row, ctx: MessageContext, note: str) -> dict[str, Any]:
    if row["asin"]:
        identifier = {"merchant_suggested_asin": _value(ctx, row["asin"])}
    else:
        identifier = {
            "externally_assigned_product_identifier": [
                {
                    "type": "isbn",
                    "value": row["isbn"],
                    "marketplace_id": ctx.market.marketplace_id,
                }
            ]
        }
    return {
        "sku": row["sku"],
        "operationType": "UPDATE",
        "productType": OFFER_PRODUCT_TYPE,
        "requirements": "LISTING_OFFER_ONLY",
        "attributes": identifier | _offer_attributes(row, ctx, note),
    }


def book_message(row: Row, ctx: MessageContext, note: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "supplier_declared_has_product_identifier_exemption": _value(ctx, True),
        "item_name": _text(ctx, title_of(row)),
        "author": _text(ctx, row["author"]),
        "publisher": _text(ctx, row["publisher"]),
        "binding": _text(ctx, row["binding"]),
    }
    if row["pub_date"]:
        attributes["publication_date"] = _value(ctx, row["pub_date"])
    if row["edition"]:
        attributes["edition"] = _text(ctx, row["edition"])
    if row["illustrator"]:
        attributes["illustrator"] = _text(ctx, row["illustrator"])
    return {
        "sku": row["sku"],
        "operationType": "UPDATE",
        "productType": ctx.book_product_type,
        "requirements": "LISTING",
        "attributes": attributes | _offer_attributes(row, ctx, note),
    }


def images_message(row: Row, ctx: MessageContext) -> dict[str, Any]:
    urls = image_urls(row)[: 1 + OTHER_IMAGE_SLOTS]
    paths = ["main_product_image_locator"] + [
        f"other_product_image_locator_{n}" for n in range(1, OTHER_IMAGE_SLOTS + 1)
    ]
    return {
        "sku": row["sku"],
        "operationType": "PATCH",
        "productType": OFFER_PRODUCT_TYPE,
        "patches": [
            {
                "op": "replace",
                "path": f"/attributes/{path}",
                "value": [
                    {"media_location": url, "marketplace_id": ctx.market.marketplace_id}
                ],
            }
            for path, url in zip(paths, urls, strict=False)
        ],
    }


def delete_message(row: Row) -> dict[str, Any]:
    return {"sku": row["sku"], "operationType": "DELETE"}


def price_quantity_message(row: Row, ctx: MessageContext) -> dict[str, Any]:
    product_type = OFFER_PRODUCT_TYPE if has_identifier(row) else ctx.book_product_type
    return {
        "sku": row["sku"],
        "operationType": "PATCH",
        "productType": product_type,
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/purchasable_offer",
                "value": purchasable_offer(row, ctx),
            },
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": fulfillment_availability(row, ctx),
            },
        ],
    }


def message_for(kind: Kind, row: Row, ctx: MessageContext, note: str) -> dict:
    if kind == Kind.OFFER:
        return offer_message(row, ctx, note)
    if kind == Kind.BOOK:
        return book_message(row, ctx, note)
    if kind == Kind.IMAGES:
        return images_message(row, ctx)
    if kind == Kind.PRICE_QUANTITY:
        return price_quantity_message(row, ctx)
    return delete_message(row)


def feed_header(*, seller_id: str, market: Market) -> dict[str, str]:
    return {
        "sellerId": seller_id,
        "version": VERSION,
        "issueLocale": market.language_tag,
    }


# Writing.


class FeedDocument:
    """One feed document, written to ``stream`` message by message.

    Nothing is held back: the header goes out on creation, each message as it
    is added, and ``finish`` closes the JSON.
    """

    _TAIL = b"]}"
    _ID_OPENING = b'{"messageId":'

    def __init__(self, stream: IO[bytes], header: dict[str, Any]) -> None:
        self._stream = stream
        opening = b'{"header":' + orjson.dumps(header) + b',"messages":['
        stream.write(opening)
        self.size = len(opening) + len(self._TAIL)
        self.count = 0

    @staticmethod
    def encode(message: dict[str, Any]) -> bytes:
        # orjson writes compact UTF-8 JSON, as json.dumps would with
        # separators=(",", ":") and ensure_ascii=False, about 15x faster.
        return orjson.dumps(message)

    def entry_size(self, body: bytes) -> int:
        """Bytes ``body`` would add as the next message, id and comma too."""
        digits = len(str(self.count + 1))
        return len(self._ID_OPENING) + digits + len(body) + (1 if self.count else 0)

    def add(self, body: bytes) -> int:
        """Append an encoded message; return the ``messageId`` it was given."""
        message_id = self.count + 1
        entry = self._entry(body, message_id)
        if self.count:
            entry = b"," + entry
        self._stream.write(entry)
        self.size += len(entry)
        self.count = message_id
        return message_id

    def finish(self) -> None:
        self._stream.write(self._TAIL)

    @staticmethod
    def _entry(body: bytes, message_id: int) -> bytes:
        # ``body`` is an encoded object; the id goes first, as in Amazon's
        # examples.
        return b'{"messageId":%d,' % message_id + body[1:]


@dataclass
class Batch:
    """One feed document on disk, ready for the Feeds API."""

    feed: str
    number: int
    path: Path
    map_path: Path
    messages: int = 0
    size: int = 0
    content_type: str = CONTENT_TYPE
    feed_type: str = FEED_TYPE

    def message_map(self) -> dict[int, MessageRef]:
        """messageId → (record id, revision, kind), read from the map file."""
        return dict(self.iter_message_map())

    def iter_message_map(self) -> Iterator[tuple[int, MessageRef]]:
        return read_message_map(self.map_path)


def read_message_map(path: Path) -> Iterator[tuple[int, MessageRef]]:
    """messageId → (record id, revision, kind), read line by line."""
    with path.open(encoding="ascii") as lines:
        for line in lines:
            message_id, record_id, revision, kind = line.rstrip("\n").split("\t")
            yield int(message_id), MessageRef(int(record_id), int(revision), kind)


@dataclass
class ListingsFeedWriter:
    """Messages in, feed documents out: a new batch whenever a limit is hit.

    Each batch ``<stem>_<n>.json`` has a map file ``<stem>_<n>.messages.tsv``
    (messageId, record id, revision, kind) written alongside, so the map never
    sits in memory. A message alone larger than the byte limit still gets a
    batch of its own.
    """

    out_dir: Path
    stem: str
    feed: str
    header: dict[str, Any]
    limits: Limits = field(default_factory=Limits)
    batches: list[Batch] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._document: FeedDocument | None = None
        self._file: IO[bytes] | None = None
        self._map: IO[str] | None = None

    def add(self, message: dict[str, Any], ref: MessageRef) -> None:
        body = FeedDocument.encode(message)
        document = self._document
        if document is not None and (
            document.count >= self.limits.max_messages
            or document.size + document.entry_size(body) > self.limits.max_bytes
        ):
            self._finish()
            document = None
        if document is None:
            document = self._open()
        message_id = document.add(body)
        self._map.write(f"{message_id}\t{ref[0]}\t{ref[1]}\t{ref[2]}\n")

    def close(self) -> list[Batch]:
        if self._document is not None:
            self._finish()
        return self.batches

    def _open(self) -> FeedDocument:
        number = len(self.batches) + 1
        batch = Batch(
            feed=self.feed,
            number=number,
            path=self.out_dir / f"{self.stem}_{number}.json",
            map_path=self.out_dir / f"{self.stem}_{number}.messages.tsv",
        )
        self.batches.append(batch)
        self._file = batch.path.open("wb")
        self._map = batch.map_path.open("w", encoding="ascii", newline="\n")
        self._document = FeedDocument(self._file, self.header)
        return self._document

    def _finish(self) -> None:
        document, batch = self._document, self.batches[-1]
        document.finish()
        batch.messages, batch.size = document.count, document.size
        self._file.close()
        self._map.close()
        self._document = self._file = self._map = None
