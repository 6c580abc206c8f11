"""Keeping Amazon in step with the shop: checks, fixes, replace, schedules."""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from inventory.listing import records_mark_changed
from inventory.models import ListingState, Record
from marketplace.models import Service
from reconcile.models import ListingsSnapshot, SnapshotItem, UploadSchedule
from reconcile.selectors import (
    backup_problem,
    replace_deletions,
    replace_plan,
    snapshot_is_current,
    snapshot_items,
)
from shops.models import User
from uploads.forms import uploadable_services
from uploads.models import UploadRun
from uploads.pipeline import UploadError, upload_start

logger = logging.getLogger(__name__)

CHECK_RUNNING = "A listings check of {service} is already running."
NOT_REGISTERED = "{service} is not registered with Amazon yet."
CHECK_NOT_CURRENT = "A newer listings check exists: act on that one."
NOTHING_TO_DELETE = "No listing at Amazon needs deleting."
NEW_PAGES_UNCONFIRMED = (
    "{count} record{s} would be sent without an ASIN or ISBN, so Amazon would "
    "make a new product page for each. Copy the identifiers Amazon knows, add "
    "them by hand, or tick the box to accept new product pages."
)
SCHEDULE_TASK = "reconcile.tasks.scheduled_upload"
SKIPPED_LIVE = "Skipped: an upload was already running."
SKIPPED_NOTHING = "Skipped: no record was set for upload."
SKIPPED_NO_SERVICE = "Skipped: no active service is registered with Amazon."


class ReconcileError(Exception):
    """An action that cannot go ahead; the message is shown as is."""


# Listings checks


def snapshot_start(
    *,
    service: Service,
    user: User | None,
    purpose: str = ListingsSnapshot.Purpose.CHECK,
) -> ListingsSnapshot:
    """Ask Amazon for the service's listings report, in the background."""
    from reconcile.tasks import listings_report_request

    if not service.is_registered:
        raise ReconcileError(NOT_REGISTERED.format(service=service))
    with transaction.atomic():
        running = ListingsSnapshot.objects.for_shop(service.shop).live()
        if running.filter(service=service).exists():
            raise ReconcileError(CHECK_RUNNING.format(service=service))
        snapshot = ListingsSnapshot.objects.create(
            shop=service.shop, service=service, created_by=user, purpose=purpose
        )
        listings_report_request.delay_on_commit(snapshot.pk)
    logger.info(
        "Shop %s started listings check %s of %s",
        service.shop.slug,
        snapshot.public_id,
        service.marketplace,
    )
    return snapshot


def _require_current(snapshot: ListingsSnapshot) -> None:
    if snapshot.state != ListingsSnapshot.State.DONE or not snapshot_is_current(
        snapshot
    ):
        raise ReconcileError(CHECK_NOT_CURRENT)


def records_set_for_upload(*, snapshot: ListingsSnapshot, kind: str) -> int:
    """Set a check's missing or mismatched records for upload; how many."""
    _require_current(snapshot)
    ids = (
        snapshot_items(snapshot, kind)
        .exclude(record=None)
        .values_list("record_id", flat=True)
    )
    changed = None
    if kind == SnapshotItem.Kind.MISMATCHED:
        changed = [snapshot.service.price_field, "quantity"]
    record_ids = list(ids)
    records_mark_changed(
        shop=snapshot.shop, record_ids=record_ids, changed_fields=changed
    )
    logger.info(
        "Shop %s set %d %s records for upload after check %s",
        snapshot.shop.slug,
        len(record_ids),
        kind,
        snapshot.public_id,
    )
    return len(record_ids)


def extras_delete(*, snapshot: ListingsSnapshot, user: User | None) -> UploadRun:
    """Delete at Amazon the listings that should not be live, by SKU."""
    _require_current(snapshot)
    skus = list(replace_deletions(snapshot).values_list("sku", flat=True))
    if not skus:
        raise ReconcileError(NOTHING_TO_DELETE)
    try:
        (run,) = upload_start(
            shop=snapshot.shop,
            services=[snapshot.service],
            user=user,
            trigger=UploadRun.Trigger.BUTTON,
            delete_skus=skus,
        )
    except UploadError as error:
        raise ReconcileError(str(error)) from error
    logger.info(
        "Shop %s deletes %d SKUs at %s in upload %s",
        snapshot.shop.slug,
        len(skus),
        snapshot.service.marketplace,
        run.public_id,
    )
    return run


def identifiers_copy(*, snapshot: ListingsSnapshot, chunk: int = 1000) -> int:
    """Copy the ASINs and ISBNs Amazon has into records that lack them.

    Only blank fields are filled; the records are then set for upload.
    Returns how many records changed.
    """
    _require_current(snapshot)
    items = (
        SnapshotItem.objects.filter(snapshot=snapshot, identifiable=True)
        .exclude(record=None)
        .order_by("pk")
        .values_list("pk", "record_id", "amazon_asin", "amazon_isbn")
    )
    changed_total = 0
    last = 0
    while batch := list(items.filter(pk__gt=last)[:chunk]):
        last = batch[-1][0]
        found = {record_id: (asin, isbn) for _, record_id, asin, isbn in batch}
        records = Record.objects.for_shop(snapshot.shop).filter(pk__in=found)
        changed = []
        for record in records.only("pk", "asin", "isbn"):
            asin, isbn = found[record.pk]
            touched = False
            if asin and not record.asin:
                record.asin, touched = asin, True
            if isbn and not record.isbn:
                record.isbn, touched = isbn, True
            if touched:
                changed.append(record)
        with transaction.atomic():
            Record.objects.bulk_update(changed, ["asin", "isbn"])
            records_mark_changed(
                shop=snapshot.shop,
                record_ids=[record.pk for record in changed],
                changed_fields=["asin", "isbn"],
            )
            SnapshotItem.objects.filter(
                snapshot=snapshot, record_id__in=list(found)
            ).update(identifiable=False)
        changed_total += len(changed)
    counts = {**snapshot.counts, "identifiable": 0}
    ListingsSnapshot.objects.filter(pk=snapshot.pk).update(counts=counts)
    snapshot.counts = counts
    logger.info(
        "Shop %s copied identifiers from Amazon into %d records",
        snapshot.shop.slug,
        changed_total,
    )
    return changed_total


# Purge and replace


def replace_start(
    *, snapshot: ListingsSnapshot, user: User | None, allow_new_pages: bool
) -> UploadRun:
    """Delete what should not be live, then send all online inventory.

    Starts from a fresh backup (the snapshot's report): the deletions are
    its SKUs that should not be live now, the update every record that
    should be. Refuses to send records without an identifier unless the
    seller accepted that Amazon make new product pages for them.
    """
    problem = backup_problem(snapshot)
    if problem:
        raise ReconcileError(problem)
    plan = replace_plan(snapshot)
    if plan.new_pages and not allow_new_pages:
        raise ReconcileError(
            NEW_PAGES_UNCONFIRMED.format(
                count=plan.new_pages, s="" if plan.new_pages == 1 else "s"
            )
        )
    skus = list(replace_deletions(snapshot).values_list("sku", flat=True))
    with transaction.atomic():
        locked = (
            ListingsSnapshot.objects.select_for_update()
            .filter(pk=snapshot.pk, replace_run=None)
            .exists()
        )
        if not locked:
            raise ReconcileError(backup_problem(snapshot) or CHECK_NOT_CURRENT)
        try:
            (run,) = upload_start(
                shop=snapshot.shop,
                services=[snapshot.service],
                user=user,
                all_inventory=True,
                trigger=UploadRun.Trigger.REPLACE,
                delete_skus=skus,
            )
        except UploadError as error:
            raise ReconcileError(str(error)) from error
        ListingsSnapshot.objects.filter(pk=snapshot.pk).update(
            replace_run=run, purpose=ListingsSnapshot.Purpose.BACKUP
        )
        snapshot.replace_run = run
    logger.info(
        "Shop %s started purge and replace %s of %s: %d deletions, %d records",
        snapshot.shop.slug,
        run.public_id,
        snapshot.service.marketplace,
        len(skus),
        plan.records,
    )
    return run


# Schedules


def _crontab(schedule: UploadSchedule) -> CrontabSchedule:
    fields = {
        "minute": str(schedule.at_time.minute),
        "hour": str(schedule.at_time.hour),
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": settings.TIME_ZONE,
    }
    found = CrontabSchedule.objects.filter(**fields).first()
    return found or CrontabSchedule.objects.create(**fields)


def _interval(schedule: UploadSchedule) -> IntervalSchedule:
    fields = {"every": schedule.every_hours, "period": IntervalSchedule.HOURS}
    found = IntervalSchedule.objects.filter(**fields).first()
    return found or IntervalSchedule.objects.create(**fields)


def schedule_save(*, schedule: UploadSchedule) -> UploadSchedule:
    """Save the schedule and keep its beat task in step with it."""
    with transaction.atomic():
        schedule.save()
        task = schedule.periodic_task or PeriodicTask(name=schedule.task_name)
        task.task = SCHEDULE_TASK
        task.args = json.dumps([schedule.pk])
        task.enabled = schedule.enabled
        task.description = f"{schedule.shop.slug}: {schedule}"
        if schedule.kind == UploadSchedule.Kind.DAILY:
            task.crontab, task.interval = _crontab(schedule), None
        else:
            task.interval, task.crontab = _interval(schedule), None
        task.save()
        if schedule.periodic_task_id != task.pk:
            schedule.periodic_task = task
            schedule.save(update_fields=["periodic_task"])
    logger.info(
        "Shop %s saved upload schedule %s: %s",
        schedule.shop.slug,
        schedule.public_id,
        schedule,
    )
    return schedule


def schedule_delete(*, schedule: UploadSchedule) -> None:
    """Delete the schedule; its beat task goes with it (see the models)."""
    schedule.delete()
    logger.info(
        "Shop %s deleted upload schedule %s", schedule.shop.slug, schedule.public_id
    )


def schedule_run(*, schedule_id: int) -> str:
    """Start the uploads a schedule asks for; returns what happened.

    Skips quietly when an upload of one of its services is already live,
    or when nothing is set for upload.
    """
    schedule = (
        UploadSchedule.objects.select_related("shop", "service")
        .filter(pk=schedule_id)
        .first()
    )
    if schedule is None:
        logger.info("Upload schedule %s no longer exists", schedule_id)
        return "gone"
    if not schedule.enabled:
        return "disabled"
    shop = schedule.shop
    services = list(uploadable_services(shop))
    if schedule.service_id:
        services = [s for s in services if s.pk == schedule.service_id]
    outcome = _scheduled_upload(schedule, services)
    UploadSchedule.objects.filter(pk=schedule.pk).update(
        last_run=timezone.now(), last_outcome=outcome[:300]
    )
    return outcome


def _scheduled_upload(schedule: UploadSchedule, services: list[Service]) -> str:
    shop = schedule.shop
    if not services:
        logger.info("Shop %s: scheduled upload skipped, no service", shop.slug)
        return SKIPPED_NO_SERVICE
    if UploadRun.objects.for_shop(shop).live().filter(service__in=services).exists():
        logger.info(
            "Shop %s: scheduled upload %s skipped, an upload is running",
            shop.slug,
            schedule.public_id,
        )
        return SKIPPED_LIVE
    pending = ListingState.objects.for_shop(shop).filter(
        marketplace__in=[service.marketplace for service in services],
        state__in=ListingState.PENDING,
    )
    if not pending.exists():
        logger.info(
            "Shop %s: scheduled upload %s skipped, nothing set for upload",
            shop.slug,
            schedule.public_id,
        )
        return SKIPPED_NOTHING
    try:
        runs = upload_start(
            shop=shop, services=services, trigger=UploadRun.Trigger.SCHEDULE
        )
    except UploadError as error:
        logger.info(
            "Shop %s: scheduled upload %s skipped: %s",
            shop.slug,
            schedule.public_id,
            error,
        )
        return f"Skipped: {error}"
    names = ", ".join(run.service.get_marketplace_display() for run in runs)
    return f"Started uploads to {names}."
