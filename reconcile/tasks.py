"""Celery tasks of listings checks and schedules: thin, keyed by id."""

import logging
from functools import partial

from celery import shared_task

from marketplace.spapi.background import TRANSIENT, poll_delay, retry_or_give_up
from marketplace.spapi.errors import AmazonError
from reconcile import listings, services
from reconcile.models import ListingsSnapshot

logger = logging.getLogger(__name__)

REFUSED = "Amazon refused the listings report: {error}"
BROKE = "The listings check stopped on an unexpected error: {error}"


def _snapshot(snapshot_id: int) -> ListingsSnapshot | None:
    return (
        ListingsSnapshot.objects.select_related("shop", "service")
        .filter(pk=snapshot_id)
        .first()
    )


@shared_task(bind=True)
def listings_report_request(self, snapshot_id: int) -> None:
    snapshot = _snapshot(snapshot_id)
    if snapshot is None or not snapshot.is_live:
        return
    try:
        if listings.snapshot_request_report(snapshot):
            listings_report_poll.apply_async((snapshot.pk,), countdown=poll_delay(0))
    except TRANSIENT as error:
        retry_or_give_up(self, error, partial(listings.snapshot_fail, snapshot))
    except AmazonError as error:
        listings.snapshot_fail(snapshot, REFUSED.format(error=error))


@shared_task(bind=True)
def listings_report_poll(self, snapshot_id: int) -> None:
    snapshot = _snapshot(snapshot_id)
    if snapshot is None or snapshot.state != ListingsSnapshot.State.WAITING:
        return
    try:
        result = listings.snapshot_poll(snapshot)
    except TRANSIENT as error:
        retry_or_give_up(self, error, partial(listings.snapshot_fail, snapshot))
        return
    except AmazonError as error:
        listings.snapshot_fail(snapshot, REFUSED.format(error=error))
        return
    except Exception as error:
        logger.exception("Listings check %s broke", snapshot.public_id)
        listings.snapshot_fail(snapshot, BROKE.format(error=error))
        return
    if not result.finished:
        listings_report_poll.apply_async((snapshot.pk,), countdown=result.delay)


@shared_task
def scheduled_upload(schedule_id: int) -> str:
    """Run by Celery beat for each enabled ``UploadSchedule``."""
    return services.schedule_run(schedule_id=schedule_id)
