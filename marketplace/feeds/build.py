"""Build every feed a service needs in one pass over the database.

Rows stream in chunks; each is routed, checked, and written at once to the
JSON feed documents and the classic files, so memory does not grow with the
inventory. Records failing a check are held back with the reason shown on
them; the rest go out. Nothing is uploaded here.

JSON documents are ``AmazonListings<CA|UK>_<n>.json`` (offers, new pages,
deletions, price-and-quantity patches) and ``AmazonImages<CA|UK>_<n>.json``
(image patches, to be sent once the listings batches are processed), each
with its ``.messages.tsv`` map of messageId to record, revision and kind.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from inventory.listing import listing_states_hold
from inventory.models import InventorySettings
from marketplace.models import Service
from marketplace.notes import note_builder_for, note_builders_for

from .checks import PriceRule, problem_with
from .classic import ClassicFile, ClassicFileWriter, RowContext
from .classic import fields_for as classic_fields_for
from .json_listings import (
    FEED_TYPE,
    Batch,
    Limits,
    ListingsFeedWriter,
    MessageContext,
    MessageRef,
    book_product_type,
    feed_header,
    message_for,
)
from .markets import market_for
from .routing import LOADER_NAMES, LOADER_ORDER, Kind, is_new, route
from .select import CHUNK_SIZE, Row, feed_rows

logger = logging.getLogger(__name__)

# A record's condition note, for the JSON feed and for the classic files.
NotesFor = Callable[[Row], tuple[str, str]]

LISTINGS_FEED = "listings"
IMAGES_FEED = "images"
_NOTED = (Kind.OFFER, Kind.BOOK)


@dataclass
class FeedCount:
    new: int = 0
    modified: int = 0

    @property
    def records(self) -> int:
        return self.new + self.modified

    def __str__(self) -> str:
        noun = "record" if self.records == 1 else "records"
        return f"{self.records} {noun} → {self.new} new, {self.modified} modified"


@dataclass(frozen=True)
class HeldRecord:
    record_id: int
    sku: str
    reason: str


@dataclass
class FeedBuild:
    """What one build wrote, and what it kept back."""

    service_id: int
    marketplace: str
    out_dir: Path
    feed_type: str = FEED_TYPE
    # Records that went out (each once, whatever its number of messages).
    records: int = 0
    # Listings batches first, then image batches: upload in this order.
    batches: list[Batch] = field(default_factory=list)
    files: list[ClassicFile] = field(default_factory=list)
    # Keyed by loader name, in LOADER_ORDER, loaders with records only.
    counts: dict[str, FeedCount] = field(default_factory=dict)
    held: list[HeldRecord] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.batches

    def summary_lines(self) -> list[str]:
        return [f"{loader}: {count}" for loader, count in self.counts.items()]


class ServiceNotes:
    """Condition notes of one service: (UTF-8 for JSON, cp1252 for files).

    The classic note is the JSON one whenever that is whole and windows-1252
    carries it, as the cp1252 builder would return it; only other notes are
    built twice.
    """

    def __init__(self, service: Service, *, classic: bool = True) -> None:
        if classic:
            self._json, self._classic = note_builders_for(service, "utf-8", "cp1252")
        else:
            self._json, self._classic = note_builder_for(service), None
        self.columns = self._json.columns

    def __call__(self, row: Row) -> tuple[str, str]:
        note = self._json.build(row)
        if self._classic is None:
            return note.text, ""
        if not note.clipped:
            try:
                note.text.encode("cp1252")
            except UnicodeEncodeError:
                pass
            else:
                return note.text, note.text
        return note.text, self._classic.build(row).text


def _price_label(service: Service) -> str:
    """The shop's name for the price field the service sends."""
    label = (
        InventorySettings.objects.filter(shop_id=service.shop_id)
        .values_list(f"{service.price_field}_label", flat=True)
        .first()
    )
    if label is None:
        # A shop that never saved its settings reads the default labels.
        default = InventorySettings._meta.get_field(f"{service.price_field}_label")
        label = default.get_default()
    return label


def build_feeds(
    service: Service,
    *,
    all_inventory: bool = False,
    upload_images: bool | None = None,
    out_dir: Path | str,
    notes: NotesFor | None = None,
    note_columns: Iterable[str] = (),
    classic_files: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> FeedBuild:
    """Write ``service``'s feeds under ``out_dir`` and return what was built.

    Sends the records set for upload, or with ``all_inventory`` every online
    record wanted on the marketplace. ``upload_images`` None follows the
    service's setting. Notes come from the service's field mapping unless
    ``notes`` is given, with ``note_columns`` naming the fields it reads.
    ``classic_files`` False leaves out the tab-delimited files, which only a
    seller uploading by hand needs.
    Held records get their reason through ``listing_states_hold``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    market = market_for(service.marketplace)
    limits = Limits.from_settings()
    if upload_images is None:
        upload_images = service.upload_images
    if notes is None:
        notes = ServiceNotes(service, classic=classic_files)
        note_columns = notes.columns

    rule = PriceRule(
        field=service.price_field,
        label=_price_label(service),
        minimum=service.min_price,
        maximum=service.max_price,
    )
    ctx = MessageContext(
        market=market,
        price_field=service.price_field,
        min_price=service.min_price,
        max_price=service.max_price,
        book_product_type=book_product_type(),
    )
    row_ctx = RowContext(service.price_field, service.min_price, service.max_price)
    header = feed_header(seller_id=service.selling_partner_id, market=market)
    listings = ListingsFeedWriter(
        out_dir, f"AmazonListings{market.file_infix}", LISTINGS_FEED, header, limits
    )
    images = ListingsFeedWriter(
        out_dir, f"AmazonImages{market.file_infix}", IMAGES_FEED, header, limits
    )
    classic = {
        loader: ClassicFileWriter(out_dir, loader, market, limits)
        for loader in (LOADER_ORDER if classic_files else ())
    }
    counts = {loader: FeedCount() for loader in LOADER_ORDER}
    held: list[HeldRecord] = []
    sent = 0
    marketplace = service.marketplace

    try:
        for row in feed_rows(
            service=service,
            all_inventory=all_inventory,
            extra_columns=note_columns,
            chunk_size=chunk_size,
        ):
            kinds = route(
                row,
                marketplace=marketplace,
                upload_images=upload_images,
                all_inventory=all_inventory,
            )
            reason = problem_with(row, kinds[0], price_rule=rule)
            if reason is not None:
                held.append(HeldRecord(row["id"], row["sku"], reason))
                continue
            if kinds[0] in _NOTED:
                note, classic_note = notes(row)
            else:
                note = classic_note = ""
            sent += 1
            new = is_new(row)
            revision = row["ls_revision"] or 0
            for kind in kinds:
                writer = images if kind == Kind.IMAGES else listings
                writer.add(
                    message_for(kind, row, ctx, note),
                    MessageRef(row["id"], revision, kind.value),
                )
                loader = LOADER_NAMES[kind]
                if classic_files:
                    classic[loader].add(
                        classic_fields_for(kind, row, row_ctx, classic_note)
                    )
                count = counts[loader]
                if new:
                    count.new += 1
                else:
                    count.modified += 1
    finally:
        batches = listings.close() + images.close()
        files = [file for writer in classic.values() for file in writer.close()]

    if held:
        listing_states_hold(
            shop=service.shop,
            marketplace=marketplace,
            reasons={record.record_id: record.reason for record in held},
        )
        logger.info(
            "Held %d records back from %s of shop %s",
            len(held),
            marketplace,
            service.shop.slug,
        )
    build = FeedBuild(
        service_id=service.pk,
        marketplace=marketplace,
        out_dir=out_dir,
        records=sent,
        batches=batches,
        files=files,
        counts={name: count for name, count in counts.items() if count.records},
        held=held,
    )
    logger.info(
        "Built %d feed documents for %s of shop %s: %s",
        len(batches),
        marketplace,
        service.shop.slug,
        "; ".join(build.summary_lines()) or "nothing to send",
    )
    return build
