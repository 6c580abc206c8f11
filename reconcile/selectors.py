"""Reads for the listings checks, purge and replace, and the dashboard.

Every figure comes from an aggregate query; nothing here walks records one
by one in Python.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from inventory.models import ListingState, Record
from marketplace.models import Service
from reconcile.listings import wanted_records
from reconcile.models import ListingsSnapshot, SnapshotItem
from shops.models import Shop
from uploads.models import UploadFeed, UploadRun

Kind = SnapshotItem.Kind

# A purge and replace starts only from a report this recent.
BACKUP_MAX_AGE = timedelta(hours=1)
CHART_DAYS = 30


def snapshot_items(snapshot: ListingsSnapshot, kind: str) -> QuerySet:
    """One list of a check, by SKU (index snapshot_item_kind)."""
    items = SnapshotItem.objects.filter(snapshot=snapshot)
    if kind == "identifiable":
        return items.filter(identifiable=True).order_by("sku")
    return items.filter(kind=kind).order_by("sku")


def snapshot_is_current(snapshot: ListingsSnapshot) -> bool:
    """Whether this is the service's latest finished check (it keeps rows)."""
    latest = (
        ListingsSnapshot.objects.filter(
            service=snapshot.service, state=ListingsSnapshot.State.DONE
        )
        .order_by("-created", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest == snapshot.pk


# Purge and replace


def replace_deletions(snapshot: ListingsSnapshot) -> QuerySet:
    """Listings of the report that should not be live now, by SKU.

    Read against the records as they are now, not as they were at the
    check: a book sold since is deleted, one put back online is kept.
    """
    wanted = wanted_records(snapshot.service).filter(sku=OuterRef("sku"))
    return (
        SnapshotItem.objects.filter(snapshot=snapshot, on_amazon=True)
        .exclude(Exists(wanted))
        .order_by("sku")
    )


@dataclass
class ReplacePlan:
    """What a purge and replace of one service would delete and send."""

    deletions: int
    offers: int  # on an existing product page (ASIN or ISBN)
    new_pages: int  # no identifier: Amazon would make a new product page
    with_images: int

    @property
    def records(self) -> int:
        return self.offers + self.new_pages


def replace_plan(snapshot: ListingsSnapshot) -> ReplacePlan:
    service = snapshot.service
    identified = ~Q(asin="") | ~Q(isbn="")
    totals = wanted_records(service).aggregate(
        offers=Count("pk", filter=identified),
        new_pages=Count("pk", filter=~identified),
        with_images=Count("pk", filter=identified & ~Q(image_url_1="")),
    )
    return ReplacePlan(
        deletions=replace_deletions(snapshot).count(),
        offers=totals["offers"],
        new_pages=totals["new_pages"],
        with_images=totals["with_images"] if service.upload_images else 0,
    )


def backup_problem(snapshot: ListingsSnapshot) -> str | None:
    """Why this report cannot be the backup of a purge and replace, if so."""
    if snapshot.state != ListingsSnapshot.State.DONE:
        return "The listings report is not ready."
    if snapshot.replace_run_id:
        return "This backup has already been used for a purge and replace."
    if not snapshot_is_current(snapshot):
        return "A newer listings check exists: start from that one."
    if timezone.now() - snapshot.finished > BACKUP_MAX_AGE:
        return "This report is more than an hour old: take a new backup."
    return None


# The listings page


@dataclass
class ServiceChecks:
    service: Service
    latest: ListingsSnapshot | None
    backups: list[ListingsSnapshot] = field(default_factory=list)


def services_with_checks(shop: Shop) -> list[ServiceChecks]:
    """Each service with its latest check and the reports kept as backups."""
    services = list(Service.objects.for_shop(shop).order_by("marketplace"))
    snapshots = list(
        ListingsSnapshot.objects.for_shop(shop)
        .select_related("replace_run", "created_by")
        .order_by("-created", "-pk")[:200]
    )
    rows = []
    for service in services:
        mine = [s for s in snapshots if s.service_id == service.pk]
        rows.append(
            ServiceChecks(
                service=service,
                latest=mine[0] if mine else None,
                backups=[s for s in mine if s.replace_run_id][:5],
            )
        )
    return rows


# The dashboard


@dataclass
class ServiceHealth:
    service: Service
    pending: int
    failed: int


@dataclass
class ChartDay:
    day: date
    sent: int
    rejected: int


@dataclass
class Overview:
    records: int
    by_status: list[tuple[str, int]]
    services: list[ServiceHealth]
    runs: list[UploadRun]
    days: list[ChartDay]

    @property
    def is_empty(self) -> bool:
        return not self.records and not self.runs


def overview(shop: Shop, *, today: date | None = None) -> Overview:
    """The dashboard's figures: five queries whatever the inventory's size."""
    counts = dict(
        Record.objects.for_shop(shop)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    by_status = [
        (label, counts.get(value, 0)) for value, label in Record.Status.choices
    ]
    per_marketplace = {
        row["marketplace"]: row
        for row in ListingState.objects.for_shop(shop)
        .order_by()
        .values("marketplace")
        .annotate(
            pending=Count("pk", filter=Q(state__in=ListingState.PENDING)),
            failed=Count("pk", filter=~Q(message="")),
        )
    }
    services = [
        ServiceHealth(
            service=service,
            pending=per_marketplace.get(service.marketplace, {}).get("pending", 0),
            failed=per_marketplace.get(service.marketplace, {}).get("failed", 0),
        )
        for service in Service.objects.for_shop(shop).order_by("marketplace")
    ]
    runs = list(
        UploadRun.objects.for_shop(shop)
        .select_related("service", "created_by")
        .order_by("-created", "-pk")[:5]
    )
    return Overview(
        records=sum(counts.values()),
        by_status=by_status,
        services=services,
        runs=runs,
        days=upload_days(shop, today=today),
    )


def upload_days(shop: Shop, *, today: date | None = None) -> list[ChartDay]:
    """Records sent and rejected per day, the last 30 days, oldest first.

    One grouped query over the shop's listings feeds, by the day each was
    submitted; days without an upload are zeros.
    """
    today = today or timezone.localdate()
    first = today - timedelta(days=CHART_DAYS - 1)
    rows = (
        UploadFeed.objects.for_shop(shop)
        .filter(
            kind=UploadFeed.Kind.LISTINGS,
            submitted__date__gte=first,
            submitted__date__lte=today,
        )
        .annotate(day=TruncDate("submitted"))
        .order_by()
        .values("day")
        .annotate(sent=Sum("record_count"), rejected=Sum("rejected_count"))
    )
    found = {row["day"]: row for row in rows}
    days = []
    for offset in range(CHART_DAYS):
        day = first + timedelta(days=offset)
        row = found.get(day, {})
        days.append(ChartDay(day, row.get("sent", 0) or 0, row.get("rejected", 0) or 0))
    return days
