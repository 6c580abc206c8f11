"""Uploads through a real worker, Redis and the simulator, with Amazon failing.

In every case each change is either accepted at Amazon or still set for
upload here, and no feed document was submitted twice.
"""

import hashlib
import time

import pytest

from inventory.models import ListingState, Record
from tests.services import Worker
from tests.uploads.conftest import make_record
from uploads import pipeline
from uploads.models import FeedIssue, UploadFeed, UploadRun
from uploads.tasks import upload_runs_recover

pytestmark = pytest.mark.worker

SELLER = "A1B2C3D4E5F6G7"
US = "ATVPDKIKX0DER"
State = ListingState.State


def start(shop, service):
    return pipeline.upload_start(shop=shop, services=[service])[0]


def wait_until(condition, timeout=40.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def ended(run, timeout=40.0) -> UploadRun:
    def finished():
        return not UploadRun.objects.get(pk=run.pk).is_live

    wait_until(finished, timeout, f"upload {run.public_id} to end")
    return UploadRun.objects.get(pk=run.pk)


def assert_no_batch_sent_twice(amazon):
    feeds = amazon.control.feeds()
    contents = [
        hashlib.sha256(amazon.control.document(feed["inputFeedDocumentId"])).digest()
        for feed in feeds
    ]
    assert len(contents) == len(set(contents)), "a feed document was sent twice"
    local = list(
        UploadFeed.objects.exclude(feed_id="").values_list("feed_id", flat=True)
    )
    assert sorted(local) == sorted(feed["feedId"] for feed in feeds)


def assert_every_change_accepted_or_pending(shop, amazon):
    live = amazon.control.listings(SELLER, US)
    for record in Record.objects.for_shop(shop):
        state = ListingState.objects.get(record=record, marketplace="amazon_us")
        if state.state == State.LISTED:
            assert record.sku in live, f"{record.sku} is listed here but not at Amazon"
        else:
            assert state.is_pending, f"{record.sku} is {state.state}, not pending"


def test_a_worker_uploads_the_books(shop, books, amazon_us, amazon, upload_worker):
    run = ended(start(shop, amazon_us))

    assert run.state == UploadRun.State.DONE, run.error + upload_worker.log
    assert run.summary == (
        "Inventory Loader: 2 records uploaded → 2 new, 0 modified; "
        "Book Loader: 1 record uploaded → 1 new, 0 modified"
    )
    assert set(amazon.control.listings(SELLER, US)) == {"1001", "1002", "1003"}
    assert not ListingState.objects.exclude(state=State.LISTED).exists()
    assert_no_batch_sent_twice(amazon)


def test_a_second_upload_counts_resent_records_as_modified(
    shop, books, amazon_us, amazon, upload_worker
):
    ended(start(shop, amazon_us))
    Record.objects.filter(sku="1001").update(title="The Hobbit, or There and Back")
    pipeline_records = Record.objects.filter(sku="1001").values_list("pk", flat=True)
    from inventory.listing import records_mark_changed

    records_mark_changed(
        shop=shop, record_ids=list(pipeline_records), changed_fields={"title"}
    )
    run = ended(start(shop, amazon_us))
    assert run.summary == "Inventory Loader: 1 record uploaded → 0 new, 1 modified"


def test_a_storm_of_429s_is_ridden_out(shop, books, amazon_us, amazon, upload_worker):
    for operation in ("createFeedDocument", "createFeed", "getFeed"):
        amazon.control.inject_fault(operation, status=429, count=3)

    run = ended(start(shop, amazon_us), timeout=60)

    assert run.state == UploadRun.State.DONE, run.error + upload_worker.log
    assert amazon.control.counters()["throttled"]
    assert_every_change_accepted_or_pending(shop, amazon)
    assert_no_batch_sent_twice(amazon)


def test_503s_are_retried(shop, books, amazon_us, amazon, upload_worker):
    amazon.control.inject_fault("*", status=503, count=8)

    run = ended(start(shop, amazon_us), timeout=60)

    assert run.state == UploadRun.State.DONE, run.error + upload_worker.log
    assert_every_change_accepted_or_pending(shop, amazon)
    assert_no_batch_sent_twice(amazon)


def test_an_outage_that_outlasts_the_retries_fails_the_run_and_loses_nothing(
    shop, books, amazon_us, amazon, upload_worker
):
    amazon.control.inject_fault("createFeed", status=503, count=1000)

    try:
        run = ended(start(shop, amazon_us), timeout=90)
    except AssertionError:
        raise AssertionError(upload_worker.log[-6000:]) from None

    assert run.state == UploadRun.State.FAILED
    assert "did not answer" in run.error
    assert not amazon.control.feeds()
    assert all(state.is_pending for state in ListingState.objects.all())


def test_a_fatal_feed_fails_the_run_and_keeps_every_record_pending(
    shop, books, amazon_us, amazon, upload_worker
):
    amazon.control.force_fatal(1)

    run = ended(start(shop, amazon_us))

    assert run.state == UploadRun.State.FAILED
    assert "FATAL" in run.error
    assert all(state.is_pending for state in ListingState.objects.all())
    assert_no_batch_sent_twice(amazon)


def test_a_rejected_record_stays_pending_with_amazons_message(
    shop, books, amazon_us, amazon, upload_worker
):
    unknown = make_record(shop, "1004", "Unknown Edition", asin="B0ZZZZZZZZ")

    run = ended(start(shop, amazon_us))

    assert run.state == UploadRun.State.DONE, run.error
    assert run.records_rejected == 1
    state = ListingState.objects.get(record=unknown, marketplace="amazon_us")
    assert state.state == State.PENDING_ADD
    assert state.message
    issue = FeedIssue.objects.get(record=unknown)
    assert issue.severity == "ERROR"
    assert issue.message == state.message
    assert "1004" not in amazon.control.listings(SELLER, US)
    assert_every_change_accepted_or_pending(shop, amazon)


def test_a_run_whose_worker_was_killed_finishes_without_a_second_feed(
    shop,
    books,
    amazon_us,
    amazon,
    media,
    fast_polls,
    redis_client,
    settings,
    monkeypatch,
    transactional_db,
):
    settings.UPLOAD_STALL_SECONDS = 1
    monkeypatch.setenv("UPLOAD_STALL_SECONDS", "1")
    # createFeed answers slowly: the worker dies after Amazon has the feed but
    # before it hears the feed id.
    amazon.control.set_delay("createFeed", seconds=2.0)
    redis_client.flushdb()
    first = Worker()
    run = start(shop, amazon_us)
    wait_until(
        lambda: UploadFeed.objects.filter(
            run=run, create_attempted__isnull=False
        ).exists(),
        what="createFeed to be called",
    )
    time.sleep(0.3)
    first.kill()
    amazon.control.set_delay("createFeed", seconds=0)
    wait_until(lambda: amazon.control.feeds(), what="Amazon to create the feed")
    assert not UploadFeed.objects.get(run=run).feed_id

    second = Worker()
    try:
        time.sleep(1.2)  # the run is now stalled
        upload_runs_recover.delay()
        run = ended(run)
    finally:
        second.stop()

    assert run.state == UploadRun.State.DONE, run.error + second.log
    assert amazon.control.counters()["operations"]["createFeed"] == 1
    assert len(amazon.control.feeds()) == 1
    assert_no_batch_sent_twice(amazon)
    assert not ListingState.objects.exclude(state=State.LISTED).exists()


def test_a_cancelled_run_withdraws_its_queued_feed(
    shop, books, amazon_us, amazon, upload_worker
):
    amazon.control.stall_feeds("IN_QUEUE")
    run = start(shop, amazon_us)
    wait_until(
        lambda: UploadFeed.objects.filter(run=run).exclude(feed_id="").exists(),
        what="the feed to be created",
    )

    pipeline.run_cancel(UploadRun.objects.get(pk=run.pk))
    run = ended(run)

    assert run.state == UploadRun.State.CANCELLED
    assert [feed["processingStatus"] for feed in amazon.control.feeds()] == [
        "CANCELLED"
    ]
    assert all(state.is_pending for state in ListingState.objects.all())
    assert not amazon.control.listings(SELLER, US)
