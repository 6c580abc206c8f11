"""A listings check: fetch Amazon's All Listings report and compare it.

The report is requested (createReport), polled (getReport) and downloaded
(getReportDocument) by tasks; each step moves the snapshot by compare-and-set,
so a redelivered message does nothing twice. The file is kept as Amazon sent
it. The comparison then reads it line by line and looks the SKUs up in
chunks, writing one ``SnapshotItem`` per listing; the records Amazon lacks
come from one anti-join at the end. Memory stays flat whatever the size of
the inventory or of the report.
"""

import io
import logging
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from inventory.identifiers import normalize_isbn
from inventory.models import Record
from inventory.transfer.columns import RowError
from inventory.transfer.importers import AmazonListingsReader
from inventory.transfer.reading import FileRejected
from marketplace.feeds.markets import market_for
from marketplace.models import Service
from marketplace.spapi import SpApiClient
from marketplace.spapi.background import PollResult, poll_delay
from reconcile.models import ListingsSnapshot, SnapshotItem

logger = logging.getLogger(__name__)

REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"
# Amazon's North American and European reports have long been windows-1252;
# the download's Content-Type says so when it can.
REPORT_CHARSET = "cp1252"
CHUNK = 1000

REPORT_FAILED = "Amazon could not prepare the listings report ({status})."
REPORT_UNREADABLE = "The listings report cannot be read: {error}"
NOT_IN_INVENTORY = "Not in the inventory"
NO_COPIES = "No copies left"
NOT_WANTED_HERE = "Not to be listed on {marketplace}"

State = ListingsSnapshot.State
Kind = SnapshotItem.Kind


def wanted_records(service: Service):
    """The records that should be live on the service's marketplace."""
    return Record.objects.for_shop(service.shop).filter(
        status=Record.Status.AVAILABLE,
        quantity__gt=0,
        **{f"list_{service.marketplace}": True},
    )


# Fetching the report


def snapshot_request_report(snapshot: ListingsSnapshot) -> bool:
    """Ask Amazon for the report; True once it has a report id."""
    if snapshot.report_id:
        return True
    if snapshot.state != State.REQUESTED:
        return False
    market = market_for(snapshot.service.marketplace)
    with SpApiClient.for_service(snapshot.service) as client:
        report_id = client.create_report(
            report_type=REPORT_TYPE, marketplace_ids=[market.marketplace_id]
        )
    moved = snapshot.move(
        from_states=[State.REQUESTED], to=State.WAITING, report_id=report_id
    )
    logger.info(
        "Listings check %s of shop %s asked for report %s",
        snapshot.public_id,
        snapshot.shop.slug,
        report_id,
    )
    return moved


def snapshot_poll(snapshot: ListingsSnapshot) -> PollResult:
    """Look at the report; once ready, download, keep and compare it."""
    if snapshot.state != State.WAITING:
        return PollResult(finished=True)
    with SpApiClient.for_service(snapshot.service) as client:
        report = client.get_report(snapshot.report_id)
        if not report.is_finished:
            delay = poll_delay(snapshot.polls)
            ListingsSnapshot.objects.filter(pk=snapshot.pk).update(
                polls=snapshot.polls + 1, updated=timezone.now()
            )
            return PollResult(finished=False, delay=delay)
        if report.processing_status == "DONE" and report.report_document_id:
            document = client.get_report_document(report.report_document_id)
            content = client.download_document(document, default_charset=REPORT_CHARSET)
            data, charset = content.data, content.charset
        elif report.processing_status == "CANCELLED":
            # Amazon cancels a report that has no data: no listings at all.
            data, charset = b"", REPORT_CHARSET
        else:
            snapshot.move(
                from_states=[State.WAITING],
                to=State.FAILED,
                error=REPORT_FAILED.format(status=report.processing_status),
            )
            return PollResult(finished=True)
    if not snapshot.move(
        from_states=[State.WAITING],
        to=State.COMPARING,
        report_document_id=report.report_document_id or "",
    ):
        return PollResult(finished=True)
    snapshot_store(snapshot, data, charset)
    snapshot_compare(snapshot)
    return PollResult(finished=True)


def _snapshot_dir(snapshot: ListingsSnapshot) -> Path:
    return (
        Path(settings.MEDIA_ROOT)
        / "listings"
        / str(snapshot.shop.public_id)
        / str(snapshot.public_id)
    )


def snapshot_store(snapshot: ListingsSnapshot, data: bytes, charset: str) -> None:
    """Keep the report as Amazon sent it: the backup of the listings."""
    directory = _snapshot_dir(snapshot)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"AllListings_{snapshot.service.marketplace}.txt"
    (directory / name).write_bytes(data)
    path = (directory / name).relative_to(Path(settings.MEDIA_ROOT))
    snapshot.path, snapshot.charset, snapshot.size = str(path), charset, len(data)
    ListingsSnapshot.objects.filter(pk=snapshot.pk).update(
        path=snapshot.path,
        charset=charset,
        size=snapshot.size,
        updated=timezone.now(),
    )


# Comparing


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() else None


def _integer(text: str) -> int | None:
    try:
        return int(text.strip())
    except (ValueError, AttributeError):
        return None


def _isbn(text: str) -> str:
    try:
        return normalize_isbn(text)
    except ValidationError:
        return ""


def _asin(text: str) -> str:
    value = (text or "").strip().upper()
    return value if len(value) == 10 and value.isalnum() else ""


class Comparison:
    """Classifies report rows against the shop's records, a chunk at a time."""

    def __init__(self, snapshot: ListingsSnapshot) -> None:
        self.snapshot = snapshot
        self.service = snapshot.service
        self.marketplace = self.service.marketplace
        self.price_field = self.service.price_field
        self.counts: Counter[str] = Counter()
        self.not_here = NOT_WANTED_HERE.format(
            marketplace=self.service.get_marketplace_display()
        )

    def _reason(self, record: dict) -> str:
        if record["status"] != Record.Status.AVAILABLE:
            return Record.Status(record["status"]).label
        if record["quantity"] <= 0:
            return NO_COPIES
        if not record[f"list_{self.marketplace}"]:
            return self.not_here
        return ""

    def chunk(self, rows: list[dict[str, str]]) -> None:
        skus = [row["sku"] for row in rows]
        records = {
            record["sku"]: record
            for record in Record.objects.for_shop(self.snapshot.shop)
            .filter(sku__in=skus)
            .values(
                "id",
                "sku",
                "asin",
                "isbn",
                "status",
                "quantity",
                self.price_field,
                f"list_{self.marketplace}",
            )
        }
        items = []
        for row in rows:
            record = records.get(row["sku"])
            item = SnapshotItem(
                snapshot=self.snapshot,
                shop=self.snapshot.shop,
                sku=row["sku"],
                title=row.get("title", "")[:200],
                amazon_asin=_asin(row.get("asin", "")),
                amazon_isbn=_isbn(row.get("isbn", "")),
                amazon_price=_decimal(row.get("price", "")),
                amazon_quantity=_integer(row.get("quantity", "")),
            )
            if record is None:
                item.kind, item.reason = Kind.EXTRA, NOT_IN_INVENTORY
            else:
                item.record_id = record["id"]
                item.shop_price = record[self.price_field]
                item.shop_quantity = record["quantity"]
                item.identifiable = bool(
                    (item.amazon_asin and not record["asin"])
                    or (item.amazon_isbn and not record["isbn"])
                )
                reason = self._reason(record)
                if reason:
                    item.kind, item.reason = Kind.EXTRA, reason
                elif (
                    item.amazon_price != item.shop_price
                    or item.amazon_quantity != item.shop_quantity
                ):
                    item.kind = Kind.MISMATCHED
                else:
                    item.kind = Kind.MATCHED
            self.counts[item.kind] += 1
            self.counts["identifiable"] += item.identifiable
            items.append(item)
        SnapshotItem.objects.bulk_create(items)
        self.counts["listings"] += len(items)

    def missing(self) -> None:
        """The records that should be live and are not in the report.

        Read by keyset, a chunk at a time; the rows written for one chunk
        lie behind the next chunk's start, so the anti-join never sees them.
        """
        found = SnapshotItem.objects.filter(
            snapshot=self.snapshot, record=OuterRef("pk")
        )
        rows = (
            wanted_records(self.service)
            .filter(~Exists(found))
            .order_by("pk")
            .values_list("pk", "sku", "title", self.price_field, "quantity")
        )
        last = 0
        while batch := list(rows.filter(pk__gt=last)[:CHUNK]):
            last = batch[-1][0]
            SnapshotItem.objects.bulk_create(
                SnapshotItem(
                    snapshot=self.snapshot,
                    shop=self.snapshot.shop,
                    kind=Kind.MISSING,
                    sku=sku,
                    record_id=pk,
                    on_amazon=False,
                    title=title[:200],
                    shop_price=price,
                    shop_quantity=quantity,
                )
                for pk, sku, title, price, quantity in batch
            )
            self.counts[Kind.MISSING] += len(batch)


def _rows(snapshot: ListingsSnapshot):
    """The report's rows, read line by line; (None, error) for a bad row."""
    path = Path(settings.MEDIA_ROOT) / snapshot.path
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=snapshot.charset, errors="replace")
        if not snapshot.size:
            return
        reader = AmazonListingsReader(text)
        for _line, row in reader:
            if isinstance(row, RowError) or not row.get("sku", "").strip():
                yield None
                continue
            row["sku"] = row["sku"].strip()
            yield row


def snapshot_compare(snapshot: ListingsSnapshot) -> None:
    """Compare the stored report with the inventory; the snapshot ends done."""
    comparison = Comparison(snapshot)
    SnapshotItem.objects.filter(snapshot=snapshot).delete()  # an earlier attempt
    try:
        chunk: list[dict[str, str]] = []
        for row in _rows(snapshot):
            if row is None:
                comparison.counts["unreadable"] += 1
                continue
            chunk.append(row)
            if len(chunk) >= CHUNK:
                comparison.chunk(chunk)
                chunk = []
        if chunk:
            comparison.chunk(chunk)
        comparison.missing()
    except FileRejected as error:
        SnapshotItem.objects.filter(snapshot=snapshot).delete()
        snapshot.move(
            from_states=[State.COMPARING],
            to=State.FAILED,
            error=REPORT_UNREADABLE.format(error=error),
        )
        return
    counts = {str(name): comparison.counts.get(name, 0) for name in _COUNT_NAMES}
    with transaction.atomic():
        snapshot.move(from_states=[State.COMPARING], to=State.DONE, counts=counts)
        # Older checks of the service keep their report file, not their rows.
        SnapshotItem.objects.filter(
            Q(snapshot__service=snapshot.service) & ~Q(snapshot=snapshot)
        ).delete()
    logger.info(
        "Listings check %s of shop %s: %d listings, %d missing, %d extra, "
        "%d mismatched",
        snapshot.public_id,
        snapshot.shop.slug,
        counts["listings"],
        counts[Kind.MISSING],
        counts[Kind.EXTRA],
        counts[Kind.MISMATCHED],
    )


_COUNT_NAMES = (
    "listings",
    "unreadable",
    "identifiable",
    Kind.MATCHED,
    Kind.MISSING,
    Kind.EXTRA,
    Kind.MISMATCHED,
)


def snapshot_fail(snapshot: ListingsSnapshot, error: str) -> None:
    snapshot.move(
        from_states=ListingsSnapshot.LIVE_STATES, to=State.FAILED, error=error
    )
    logger.warning(
        "Listings check %s of shop %s failed: %s",
        snapshot.public_id,
        snapshot.shop.slug,
        error,
    )
