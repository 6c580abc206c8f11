"""``manage.py upload`` against a real worker and the simulator."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inventory.models import ListingState
from marketplace.models import Service
from uploads.models import UploadRun


def upload(*args: str) -> str:
    out = StringIO()
    call_command("upload", "--shop", "old-books", *args, stdout=out)
    return out.getvalue()


def test_it_uploads_and_prints_the_completion_message(
    upload_worker, amazon_us, books, amazon
):
    # Amazon holds the feed in its queue for a moment, so progress shows.
    amazon.control.stall_feeds()
    release = threading.Timer(1.5, amazon.control.release_feeds)
    release.start()
    try:
        out = upload("--service", "amazon-us", "--wait", "--timeout", "30")
    finally:
        release.join()

    assert "Queued the upload to Amazon US" in out
    assert "Amazon US: Amazon is processing feed 1 of 1 (in queue)." in out
    assert "3 records exported, 1 of 1 feeds uploaded, 0 processed" in out
    assert "Inventory Loader: 2 records uploaded → 2 new, 0 modified" in out
    assert "Book Loader: 1 record uploaded → 1 new, 0 modified" in out
    run = UploadRun.objects.get()
    assert run.state == UploadRun.State.DONE
    assert run.trigger == UploadRun.Trigger.COMMAND
    states = ListingState.objects.filter(marketplace="amazon_us")
    assert {state.state for state in states} == {ListingState.State.LISTED}
    assert set(amazon.control.listings("A1B2C3D4E5F6G7", "ATVPDKIKX0DER")) == {
        "1001",
        "1002",
        "1003",
    }


def test_a_failed_upload_exits_with_1_and_says_why(
    upload_worker, amazon_us, books, amazon
):
    amazon.control.force_fatal()

    with pytest.raises(CommandError) as failure:
        upload("--wait", "--timeout", "30")

    assert failure.value.returncode == 1
    assert "The upload to Amazon US failed" in str(failure.value)
    assert "FATAL" in str(failure.value)
    assert UploadRun.objects.get().state == UploadRun.State.FAILED


def test_without_a_worker_it_gives_up_when_nothing_moves(shop, amazon_us, books):
    with pytest.raises(CommandError) as failure:
        upload("--wait", "--timeout", "0.5")

    assert "Nothing moved for 0.5 seconds: is a worker running" in str(failure.value)
    assert UploadRun.objects.get().state == UploadRun.State.QUEUED


def test_without_wait_it_queues_and_returns(shop, amazon_us, books):
    out = upload("--all", "--images")

    run = UploadRun.objects.get()
    assert f"Queued the upload to Amazon US ({run.public_id})." in out
    assert run.all_inventory and run.upload_images
    assert run.trigger == UploadRun.Trigger.COMMAND


def test_it_names_the_services_a_shop_has(shop, amazon_us):
    with pytest.raises(CommandError) as failure:
        upload("--service", "amazon-uk")

    assert "old-books has no amazon-uk service (it has: amazon-us)" in str(
        failure.value
    )


def test_an_unregistered_service_is_refused_in_plain_words(shop):
    Service.objects.create(shop=shop, marketplace="amazon_ca")

    with pytest.raises(CommandError, match="not registered with Amazon yet"):
        upload("--service", "amazon-ca")


def test_an_unknown_shop_is_named(db):
    with pytest.raises(CommandError, match="No shop with the slug 'old-books'"):
        upload()
