"""Process and upload: every step of an upload run, each safe to repeat.

A run goes queued → exporting → uploading → processing → done (or failed,
or cancelled). Exporting builds the service's feeds on disk; then each feed
document is sent and processed in turn, and its processing report settles the
listing states of the records it carried. Tasks call these functions; the
``upload`` command calls them too.

Every step starts with a compare-and-set on the run's state or the feed's
status, so a redelivered or retried message cannot act twice. The feed
document id is saved before ``createFeed`` and the feed id right after; a
step that died between the two finds its feed again at Amazon (``getFeeds``)
before it would create another.
"""

import json
import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inventory.listing import listing_states_settle
from inventory.models import ListingState
from marketplace.feeds.build import build_feeds
from marketplace.feeds.json_listings import (
    Limits,
    ListingsFeedWriter,
    MessageRef,
    feed_header,
    read_message_map,
)
from marketplace.feeds.markets import market_for
from marketplace.feeds.routing import LOADER_ORDER
from marketplace.models import Service
from marketplace.spapi import SpApiClient
from marketplace.spapi.background import PollResult, poll_delay
from shops.models import Shop, User
from uploads.models import FeedIssue, UploadFeed, UploadRun

logger = logging.getLogger(__name__)

Run = UploadRun
State = UploadRun.State
Status = UploadFeed.Status

ALREADY_RUNNING = "An upload to {service} is already running."
NOT_REGISTERED = "{service} is not registered with Amazon yet."
FILE_GONE = "The file of feed {sequence} is no longer stored; it cannot be sent again."
NO_ACTIVE_SERVICES = "No active service is registered with Amazon."
NOTHING_TO_SEND = "Nothing to upload: no record is set for upload."
FATAL_FEED = (
    "Amazon could not process feed {feed_id} (FATAL). The records it carried "
    "are still set for upload."
)
CANCELLED_BY_USER = "Cancelled; records not yet accepted stay set for upload."
REJECTED_IMAGE = "Amazon refused the image URLs: {message}"
SKU_DELETIONS = "SKU deletions"
SKU_DELETE = "sku_delete"  # a message kind with no record behind it


class UploadError(Exception):
    """A request to upload that cannot go ahead; the message is shown as is."""


# Starting runs


def upload_start(
    *,
    shop: Shop,
    services: list[Service],
    user: User | None = None,
    all_inventory: bool = False,
    upload_images: bool | None = None,
    trigger: str = Run.Trigger.BUTTON,
    delete_skus: list[str] | None = None,
) -> list[UploadRun]:
    """Queue one run per service; they go one after another, in this order.

    ``delete_skus`` (one service only) are deleted at Amazon first, whether
    or not the shop has records for them: purge and replace uses it for the
    listings that should not be live.
    """
    from uploads.tasks import upload_run_export

    if not services:
        raise UploadError(NO_ACTIVE_SERVICES)
    for service in services:
        if not service.is_registered:
            raise UploadError(
                NOT_REGISTERED.format(service=service.get_marketplace_display())
            )
    with transaction.atomic():
        busy = (
            Run.objects.for_shop(shop)
            .live()
            .filter(service__in=services)
            .select_related("service")
            .first()
        )
        if busy is not None:
            raise UploadError(
                ALREADY_RUNNING.format(service=busy.service.get_marketplace_display())
            )
        first = None
        runs = []
        for service in services:
            run = Run.objects.create(
                shop=shop,
                service=service,
                created_by=user,
                batch=first.batch if first else Run._meta.get_field("batch").default(),
                trigger=trigger,
                all_inventory=all_inventory,
                delete_skus=list(delete_skus or []),
                upload_images=(
                    service.upload_images if upload_images is None else upload_images
                ),
            )
            first = first or run
            runs.append(run)
        upload_run_export.delay_on_commit(first.pk)
    logger.info(
        "Shop %s queued uploads %s",
        shop.slug,
        ", ".join(str(run.public_id) for run in runs),
    )
    return runs


def upload_resend(*, feed: UploadFeed, service: Service, user: User | None) -> Run:
    """Send a stored feed document again, to ``service``, as a new run."""
    from uploads.tasks import upload_feed_submit

    if not service.is_registered:
        raise UploadError(
            NOT_REGISTERED.format(service=service.get_marketplace_display())
        )
    if not (Path(settings.MEDIA_ROOT) / feed.path).exists():
        raise UploadError(FILE_GONE.format(sequence=feed.sequence))
    with transaction.atomic():
        if Run.objects.for_shop(service.shop).live().filter(service=service).exists():
            raise UploadError(
                ALREADY_RUNNING.format(service=service.get_marketplace_display())
            )
        now = timezone.now()
        run = Run.objects.create(
            shop=service.shop,
            service=service,
            created_by=user,
            trigger=Run.Trigger.RESEND,
            resend_of=feed,
            state=State.UPLOADING,
            started=now,
            heartbeat=now,
            records_exported=feed.record_count,
            counts={},
        )
        copy = UploadFeed.objects.create(
            run=run,
            shop=run.shop,
            sequence=1,
            kind=feed.kind,
            feed_type=feed.feed_type,
            content_type=feed.content_type,
            path=feed.path,
            map_path=feed.map_path,
            size=feed.size,
            message_count=feed.message_count,
            record_count=feed.record_count,
            new_count=feed.new_count,
            modified_count=feed.modified_count,
        )
        upload_feed_submit.delay_on_commit(copy.pk)
    return run


# Exporting


def _run_dir(run: Run) -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads" / run.shop.slug / str(run.public_id)


def _media_relative(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


def _new_and_modified(shop: Shop, marketplace: str, record_ids: set[int]):
    """How many of these records Amazon never listed, and how many it has."""
    new = 0
    ids = list(record_ids)
    for start in range(0, len(ids), 1000):
        new += (
            ListingState.objects.for_shop(shop)
            .filter(
                marketplace=marketplace,
                record_id__in=ids[start : start + 1000],
                listed_since__isnull=True,
            )
            .exclude(state=ListingState.State.PENDING_DELETE)
            .count()
        )
    return new, len(ids) - new


def run_export(run: Run) -> bool:
    """Build the run's feeds; True when there is something to upload."""
    if not run.advance(from_states=[State.QUEUED], to=State.EXPORTING):
        return False
    if run.cancel_requested:
        run.advance(from_states=[State.EXPORTING], to=State.CANCELLED)
        return False
    service = run.service
    out_dir = _run_dir(run)
    shutil.rmtree(out_dir, ignore_errors=True)  # a half-built earlier attempt
    UploadFeed.objects.filter(run=run).delete()
    deletions = _write_deletions(run, out_dir)
    build = build_feeds(
        service,
        all_inventory=run.all_inventory,
        upload_images=run.upload_images,
        out_dir=out_dir,
    )
    feeds = []
    records = set()
    for sequence, batch in enumerate(deletions + build.batches, start=1):
        refs = dict(batch.iter_message_map())
        batch_records = {ref.record_id for ref in refs.values() if ref.record_id}
        if batch.feed == UploadFeed.Kind.LISTINGS:
            records |= batch_records
        new, modified = _new_and_modified(run.shop, service.marketplace, batch_records)
        feeds.append(
            UploadFeed(
                run=run,
                shop=run.shop,
                sequence=sequence,
                kind=batch.feed,
                feed_type=batch.feed_type,
                content_type=batch.content_type,
                path=_media_relative(batch.path),
                map_path=_media_relative(batch.map_path),
                size=batch.size,
                message_count=batch.messages,
                record_count=len(batch_records),
                new_count=new,
                modified_count=modified,
            )
        )
    UploadFeed.objects.bulk_create(feeds)
    counts = {
        loader: {"records": c.records, "new": c.new, "modified": c.modified}
        for loader, c in build.counts.items()
    }
    if run.delete_skus:
        counts = {SKU_DELETIONS: {"records": len(run.delete_skus)}, **counts}
    fields = {
        "records_exported": len(records),
        "records_held": len(build.held),
        "counts": counts,
        "files": [
            {
                "name": file.path.name,
                "path": _media_relative(file.path),
                "loader": file.loader,
                "rows": file.rows,
            }
            for file in build.files
        ],
    }
    if not feeds:
        fields["summary"] = NOTHING_TO_SEND
        run.advance(from_states=[State.EXPORTING], to=State.DONE, **fields)
        logger.info(
            "Upload %s of shop %s had nothing to send", run.public_id, run.shop.slug
        )
        return False
    moved = run.advance(from_states=[State.EXPORTING], to=State.UPLOADING, **fields)
    logger.info(
        "Upload %s of shop %s built %d feeds for %d records",
        run.public_id,
        run.shop.slug,
        len(feeds),
        len(records),
    )
    return moved


def _write_deletions(run: Run, out_dir: Path) -> list:
    """Feed documents deleting ``run.delete_skus`` at Amazon, by SKU alone."""
    if not run.delete_skus:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    market = market_for(run.service.marketplace)
    writer = ListingsFeedWriter(
        out_dir,
        f"AmazonDeletions{market.file_infix}",
        UploadFeed.Kind.LISTINGS,
        feed_header(seller_id=run.service.selling_partner_id, market=market),
        Limits.from_settings(),
    )
    for sku in run.delete_skus:
        writer.add(
            {"sku": sku, "operationType": "DELETE"}, MessageRef(0, 0, SKU_DELETE)
        )
    return writer.close()


# Sending one feed


def _find_created_feed(client: SpApiClient, feed: UploadFeed) -> str | None:
    """Look at Amazon for a feed this step created but did not record.

    Only one feed of a service is ever being created at a time, so a feed of
    the same type created since the attempt that no run knows is this one.
    """
    market = market_for(feed.run.service.marketplace)
    since = feed.create_attempted - timedelta(minutes=1)
    page = client.get_feeds(
        feed_types=[feed.feed_type],
        marketplace_ids=[market.marketplace_id],
        created_since=since,
    )
    known = set(
        UploadFeed.objects.filter(run__service=feed.run.service)
        .exclude(feed_id="")
        .values_list("feed_id", flat=True)
    )
    unknown = [item for item in page.feeds if item.feed_id not in known]
    return unknown[0].feed_id if len(unknown) == 1 else None


def feed_submit(feed: UploadFeed) -> bool:
    """Upload the feed's document and create the feed; True once it exists.

    Raises ``AmazonError`` (``marketplace.spapi.errors``) for the caller to
    retry; every retry resumes from what was saved.
    """
    run = feed.run
    if run.cancel_requested:
        feed.claim(from_statuses=[Status.BUILT], to=Status.CANCELLED)
        run_continue(run)
        return False
    if feed.feed_id:
        return True
    if not _claim_for_sending(feed):
        return False
    service = run.service
    market = market_for(service.marketplace)
    with SpApiClient.for_service(service) as client:
        if feed.create_attempted:
            found = _find_created_feed(client, feed)
            if found:
                _save_feed_id(feed, found)
                return True
        content = (Path(settings.MEDIA_ROOT) / feed.path).read_bytes()
        upload = client.create_feed_document(feed.content_type)
        client.upload_feed_document(upload, content, feed.content_type)
        feed.feed_document_id = upload.feed_document_id
        feed.create_attempted = timezone.now()
        feed.save(update_fields=["feed_document_id", "create_attempted"])
        feed_id = client.create_feed(
            feed_type=feed.feed_type,
            marketplace_ids=[market.marketplace_id],
            input_feed_document_id=upload.feed_document_id,
        )
    _save_feed_id(feed, feed_id)
    return True


def _claim_for_sending(feed: UploadFeed) -> bool:
    """Take the feed for sending, unless another worker holds a live claim.

    A claim lasts as long as the stall limit; a worker killed while sending
    leaves one that the recovery task can take over once it has run out.
    """
    now = timezone.now()
    until = now + timedelta(seconds=settings.UPLOAD_STALL_SECONDS)
    claimable = Q(status=Status.BUILT) | Q(
        status=Status.SUBMITTING, claimed_until__lt=now
    )
    taken = UploadFeed.objects.filter(claimable, pk=feed.pk, feed_id="").update(
        status=Status.SUBMITTING, claimed_until=until
    )
    if taken:
        feed.status, feed.claimed_until = Status.SUBMITTING, until
    return bool(taken)


def feed_release(feed: UploadFeed) -> None:
    """Give up this worker's claim, so that a retry may take the feed."""
    UploadFeed.objects.filter(pk=feed.pk, status=Status.SUBMITTING).update(
        claimed_until=timezone.now()
    )


def _save_feed_id(feed: UploadFeed, feed_id: str) -> None:
    now = timezone.now()
    feed.claim(
        from_statuses=[Status.SUBMITTING, Status.BUILT],
        to=Status.SUBMITTED,
        feed_id=feed_id,
        submitted=now,
        amazon_status="IN_QUEUE",
    )
    run = feed.run
    run.advance(from_states=[State.UPLOADING], to=State.PROCESSING)
    Run.objects.filter(pk=run.pk).update(heartbeat=now)
    logger.info(
        "Upload %s of shop %s created feed %s", run.public_id, run.shop.slug, feed_id
    )


# Polling and reports


def feed_poll(feed: UploadFeed) -> PollResult:
    """Ask Amazon how the feed is doing; settle its records once it is done."""
    if feed.is_finished:
        return PollResult(finished=True)
    run = feed.run
    with SpApiClient.for_service(run.service) as client:
        status = client.get_feed(feed.feed_id)
        if run.cancel_requested and status.processing_status == "IN_QUEUE":
            client.cancel_feed(feed.feed_id)
            status = client.get_feed(feed.feed_id)
        Run.objects.filter(pk=run.pk).update(heartbeat=timezone.now())
        if not status.is_finished:
            delay = poll_delay(feed.polls)
            UploadFeed.objects.filter(pk=feed.pk).update(
                amazon_status=status.processing_status,
                polls=feed.polls + 1,
            )
            return PollResult(finished=False, delay=delay)
        report = None
        if status.result_feed_document_id:
            document = client.get_feed_document(status.result_feed_document_id)
            content = client.download_document(document)
            report = _parse_report(content.text)
    _finish_feed(feed, status.processing_status, report)
    run_continue(Run.objects.get(pk=run.pk))
    return PollResult(finished=True)


def _parse_report(text: str) -> dict | None:
    try:
        report = json.loads(text)
    except ValueError:
        return {"unreadable": text[:2000]}
    return report if isinstance(report, dict) else None


def _finish_feed(feed: UploadFeed, amazon_status: str, report: dict | None) -> None:
    run = feed.run
    service = run.service
    refs = dict(read_message_map(Path(settings.MEDIA_ROOT) / feed.map_path))
    issues = (report or {}).get("issues") or []
    errors: dict[int, str] = {}
    rows = []
    for issue in issues:
        message_id = issue.get("messageId")
        ref = refs.get(message_id) if isinstance(message_id, int) else None
        if ref is not None and not ref.record_id:
            ref = None  # a SKU deleted by purge and replace has no record
        severity = str(issue.get("severity", "ERROR"))
        text = str(issue.get("message", ""))
        if ref is not None and severity == "ERROR":
            errors.setdefault(message_id, text)
        rows.append(
            FeedIssue(
                feed=feed,
                shop=feed.shop,
                record_id=ref.record_id if ref else None,
                message_id=message_id if isinstance(message_id, int) else None,
                sku=str(issue.get("sku", ""))[:40],
                code=str(issue.get("code", ""))[:40],
                severity=severity[:10],
                message=text,
                attribute=str(issue.get("attributeName", ""))[:100],
            )
        )
    accepted: dict[int, int] = {}
    rejected: dict[int, tuple[int, str]] = {}
    done = amazon_status == "DONE" and report is not None and "unreadable" not in report
    if done:
        for message_id, ref in refs.items():
            if not ref.record_id:
                continue
            if message_id in errors:
                message = errors[message_id]
                if ref.kind == UploadFeed.Kind.IMAGES:
                    message = REJECTED_IMAGE.format(message=message)
                rejected[ref.record_id] = (ref.revision, message)
            elif ref.kind != UploadFeed.Kind.IMAGES:
                accepted[ref.record_id] = ref.revision
    with transaction.atomic():
        FeedIssue.objects.filter(feed=feed).delete()
        FeedIssue.objects.bulk_create(rows, batch_size=1000)
        listing_states_settle(
            shop=run.shop,
            marketplace=service.marketplace,
            accepted=accepted,
            rejected=rejected,
        )
        status = {
            "DONE": Status.DONE if done else Status.FATAL,
            "CANCELLED": Status.CANCELLED,
        }.get(amazon_status, Status.FATAL)
        error = ""
        if status == Status.FATAL:
            error = FATAL_FEED.format(feed_id=feed.feed_id)
        feed.claim(
            from_statuses=[Status.SUBMITTED],
            to=status,
            amazon_status=amazon_status,
            report=report,
            accepted_count=len(accepted),
            rejected_count=len(rejected),
            error=error,
            finished=timezone.now(),
        )
    logger.info(
        "Feed %s of shop %s ended %s: %d accepted, %d rejected",
        feed.feed_id,
        run.shop.slug,
        amazon_status,
        len(accepted),
        len(rejected),
    )


# Moving a run on


def run_next_feed(run: Run) -> UploadFeed | None:
    """The feed to send next, once every earlier one has finished."""
    feeds = list(UploadFeed.objects.filter(run=run).order_by("sequence"))
    for feed in feeds:
        if feed.status in (Status.SUBMITTING, Status.SUBMITTED):
            return None  # one at a time: Amazon asks to wait for the last
        if feed.status == Status.BUILT:
            return feed
    return None


def run_continue(run: Run) -> UploadFeed | None:
    """Send the next feed, or end the run when every feed has finished."""
    from uploads.tasks import upload_feed_submit, upload_run_export

    if run.state not in (State.UPLOADING, State.PROCESSING):
        return None
    feeds = UploadFeed.objects.filter(run=run)
    if run.cancel_requested:
        feeds.filter(status=Status.BUILT).update(status=Status.CANCELLED)
    next_feed = run_next_feed(run)
    if next_feed is not None:
        run.advance(from_states=[State.PROCESSING], to=State.UPLOADING)
        upload_feed_submit.delay_on_commit(next_feed.pk)
        return next_feed
    if feeds.exclude(status__in=UploadFeed.END_STATUSES).exists():
        return None
    ended = _finish_run(run)
    if ended:
        follower = (
            Run.objects.filter(batch=run.batch, state=State.QUEUED)
            .exclude(pk=run.pk)
            .order_by("created", "pk")
            .first()
        )
        if follower is not None:
            upload_run_export.delay_on_commit(follower.pk)
    return None


def _finish_run(run: Run) -> bool:
    feeds = list(UploadFeed.objects.filter(run=run))
    accepted = sum(feed.accepted_count for feed in feeds if feed.kind == "listings")
    rejected = sum(feed.rejected_count for feed in feeds)
    errors = [feed.error for feed in feeds if feed.error]
    if run.cancel_requested:
        to, error = State.CANCELLED, CANCELLED_BY_USER
    elif any(feed.status in (Status.FATAL, Status.FAILED) for feed in feeds):
        to, error = State.FAILED, " ".join(errors)
    else:
        to, error = State.DONE, ""
    return run.advance(
        from_states=[State.UPLOADING, State.PROCESSING],
        to=to,
        records_accepted=accepted,
        records_rejected=rejected,
        summary=completion_message(run),
        error=error,
    )


def ordered_counts(run: Run) -> list[tuple[str, dict]]:
    """The run's counts per loader in the order sellers know them.

    PostgreSQL's jsonb keeps no key order, so the order is restored here.
    """
    order = [SKU_DELETIONS, *LOADER_ORDER]
    counts = run.counts or {}
    return sorted(
        counts.items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )


def completion_message(run: Run) -> str:
    """'Inventory Loader: 4 records uploaded → 3 new, 1 modified; ...'"""
    parts = []
    for loader, count in ordered_counts(run):
        if loader == SKU_DELETIONS:
            noun = "SKU" if count["records"] == 1 else "SKUs"
            parts.append(f"{loader}: {count['records']} {noun}")
            continue
        noun = "record" if count["records"] == 1 else "records"
        parts.append(
            f"{loader}: {count['records']} {noun} uploaded → "
            f"{count['new']} new, {count['modified']} modified"
        )
    return "; ".join(parts) or NOTHING_TO_SEND


def run_fail(run: Run, error: str) -> None:
    """End a run that cannot go on; unsent records stay set for upload."""
    UploadFeed.objects.filter(run=run, status__in=[Status.BUILT]).update(
        status=Status.FAILED
    )
    run.advance(from_states=Run.LIVE_STATES, to=State.FAILED, error=error[:2000])
    logger.warning(
        "Upload %s of shop %s failed: %s", run.public_id, run.shop.slug, error
    )


def run_cancel(run: Run) -> None:
    """Stop a live run: nothing more is sent; queued feeds are withdrawn."""
    from uploads.tasks import upload_feed_poll

    Run.objects.filter(pk=run.pk).update(cancel_requested=True)
    run.cancel_requested = True
    if run.advance(
        from_states=[State.QUEUED], to=State.CANCELLED, error=CANCELLED_BY_USER
    ):
        return
    UploadFeed.objects.filter(run=run, status=Status.BUILT).update(
        status=Status.CANCELLED
    )
    for feed in UploadFeed.objects.filter(run=run, status=Status.SUBMITTED):
        upload_feed_poll.delay_on_commit(feed.pk)
    if not UploadFeed.objects.filter(
        run=run, status__in=[Status.SUBMITTING, Status.SUBMITTED]
    ).exists():
        run_continue(run)


# Recovery


def runs_stalled(now: datetime | None = None):
    """Live runs no worker has moved on for longer than the stall limit."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.UPLOAD_STALL_SECONDS)
    return Run.objects.live().filter(heartbeat__lt=limit) | Run.objects.filter(
        state=State.QUEUED, heartbeat__isnull=True, created__lt=limit
    )


def run_resume(run: Run) -> None:
    """Pick a run up where its worker left it; each step is safe to repeat."""
    from uploads.tasks import upload_feed_poll, upload_feed_submit, upload_run_export

    Run.objects.filter(pk=run.pk).update(heartbeat=timezone.now())
    if run.state == State.QUEUED:
        upload_run_export.delay_on_commit(run.pk)
    elif run.state == State.EXPORTING:
        if run.advance(from_states=[State.EXPORTING], to=State.QUEUED):
            upload_run_export.delay_on_commit(run.pk)
    else:
        in_flight = UploadFeed.objects.filter(
            run=run, status__in=[Status.SUBMITTING, Status.SUBMITTED]
        ).first()
        if in_flight is None:
            run_continue(run)
        elif in_flight.status == Status.SUBMITTED:
            upload_feed_poll.delay_on_commit(in_flight.pk)
        else:
            upload_feed_submit.delay_on_commit(in_flight.pk)
    logger.info(
        "Upload %s of shop %s resumed from %s", run.public_id, run.shop.slug, run.state
    )
