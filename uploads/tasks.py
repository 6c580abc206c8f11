"""Celery tasks of an upload run: thin, keyed by id, safe to redeliver."""

import logging
from functools import partial

from celery import shared_task

from marketplace.spapi.background import TRANSIENT, poll_delay, retry_or_give_up
from marketplace.spapi.errors import AmazonError
from uploads import pipeline
from uploads.models import UploadFeed, UploadRun

logger = logging.getLogger(__name__)

REFUSED = "Amazon refused the upload: {error}"
BROKE = "The upload stopped on an unexpected error: {error}"


def _run(run_id: int) -> UploadRun | None:
    return UploadRun.objects.select_related("shop", "service").filter(pk=run_id).first()


def _feed(feed_id: int) -> UploadFeed | None:
    return (
        UploadFeed.objects.select_related("shop", "run__shop", "run__service")
        .filter(pk=feed_id)
        .first()
    )


@shared_task(bind=True)
def upload_run_export(self, run_id: int) -> None:
    run = _run(run_id)
    if run is None:
        return
    try:
        if pipeline.run_export(run):
            pipeline.run_continue(run)
    except Exception as error:
        logger.exception("Building feeds failed for upload %s", run.public_id)
        pipeline.run_fail(run, BROKE.format(error=error))


@shared_task(bind=True)
def upload_feed_submit(self, feed_id: int) -> None:
    feed = _feed(feed_id)
    if feed is None or not feed.run.is_live:
        return
    try:
        if pipeline.feed_submit(feed):
            upload_feed_poll.apply_async((feed.pk,), countdown=poll_delay(0))
    except TRANSIENT as error:
        pipeline.feed_release(feed)
        retry_or_give_up(self, error, partial(pipeline.run_fail, feed.run))
    except AmazonError as error:
        pipeline.run_fail(feed.run, REFUSED.format(error=error))


@shared_task(bind=True)
def upload_feed_poll(self, feed_id: int) -> None:
    feed = _feed(feed_id)
    if feed is None or not feed.feed_id or feed.is_finished:
        return
    try:
        result = pipeline.feed_poll(feed)
    except TRANSIENT as error:
        retry_or_give_up(self, error, partial(pipeline.run_fail, feed.run))
        return
    except AmazonError as error:
        pipeline.run_fail(feed.run, REFUSED.format(error=error))
        return
    if not result.finished:
        upload_feed_poll.apply_async((feed.pk,), countdown=result.delay)


@shared_task
def upload_runs_recover() -> int:
    """Pick up runs whose worker died; run by beat every minute."""
    stalled = list(pipeline.runs_stalled().select_related("shop", "service"))
    for run in stalled:
        pipeline.run_resume(run)
    return len(stalled)
