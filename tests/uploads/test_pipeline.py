"""The upload steps, driven one by one against the simulator over HTTP."""

from inventory.models import ListingState
from uploads import pipeline
from uploads.models import UploadFeed, UploadRun

State = ListingState.State


def drive(run, amazon):
    """Do in this process what the tasks would do, step by step."""
    run = UploadRun.objects.get(pk=run.pk)
    if not pipeline.run_export(run):
        return UploadRun.objects.get(pk=run.pk)
    for _ in range(50):
        run = UploadRun.objects.get(pk=run.pk)
        feed = pipeline.run_next_feed(run)
        if feed is None:
            feed = UploadFeed.objects.filter(run=run, status="submitted").first()
        if feed is None:
            pipeline.run_continue(run)
            return UploadRun.objects.get(pk=run.pk)
        if feed.status == UploadFeed.Status.BUILT:
            assert pipeline.feed_submit(feed)
        feed = UploadFeed.objects.get(pk=feed.pk)
        amazon.control.wait_for_feeds()
        pipeline.feed_poll(feed)
    raise AssertionError("the run did not end")


def start(shop, service, **options):
    return pipeline.upload_start(shop=shop, services=[service], **options)[0]


def test_an_upload_lists_the_books_and_clears_their_pending_state(
    shop, books, amazon_us, amazon, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        run = start(shop, amazon_us)
    run = drive(run, amazon)

    assert run.state == UploadRun.State.DONE, run.error
    assert "Inventory Loader: 2 records uploaded → 2 new, 0 modified" in run.summary
    assert "Book Loader: 1 record uploaded → 1 new, 0 modified" in run.summary
    states = ListingState.objects.filter(marketplace="amazon_us")
    assert {state.state for state in states} == {State.LISTED}
    listed = amazon.control.listings("A1B2C3D4E5F6G7", "ATVPDKIKX0DER")
    assert set(listed) == {"1001", "1002", "1003"}
    assert amazon.control.counters()["operations"]["createFeed"] == 1
