"""Process and upload, progress, cancel, the export log and a run's report.

No worker here: runs and feeds are rows made by hand, and a started run stays
queued because the test's transaction never commits.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inventory.listing import records_mark_changed
from inventory.models import Record
from marketplace.models import Service
from uploads.models import FeedIssue, UploadFeed, UploadRun

HTMX = {"HTTP_HX_REQUEST": "true"}
PANEL = reverse("uploads:process")
START = reverse("uploads:upload_start")
LOG = reverse("uploads:export_log")
State = UploadRun.State
Status = UploadFeed.Status


def registered(shop, marketplace, **fields):
    return Service.objects.create(
        shop=shop,
        marketplace=marketplace,
        selling_partner_id="A1B2C3D4E5F6G7",
        refresh_token_encrypted="sealed",
        registered_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def us(shop):
    return registered(shop, "amazon_us")


@pytest.fixture
def ca(shop):
    return registered(shop, "amazon_ca")


@pytest.fixture
def uk(shop):
    """Registered but switched off: "Process and upload" passes it by."""
    return registered(shop, "amazon_uk", is_active=False)


@pytest.fixture
def pending(shop):
    records = [
        Record.objects.create(shop=shop, sku=f"20{n}", title=f"Book {n}", price=10)
        for n in range(3)
    ]
    records[2].list_amazon_ca = False
    records[2].save()
    records_mark_changed(shop=shop, record_ids=[r.pk for r in records])
    return records


def make_run(service, state=State.DONE, **fields):
    now = timezone.now()
    defaults = {
        "started": now - timedelta(seconds=75),
        "finished": now if state in UploadRun.END_STATES else None,
    }
    defaults.update(fields)
    return UploadRun.objects.create(
        shop=service.shop, service=service, state=state, **defaults
    )


def make_feed(run, sequence=1, status=Status.DONE, **fields):
    defaults = {
        "content_type": "application/json; charset=UTF-8",
        "path": f"uploads/{run.public_id}/AmazonListings_{sequence}.json",
        "map_path": f"uploads/{run.public_id}/AmazonListings_{sequence}.tsv",
        "record_count": 2,
    }
    defaults.update(fields)
    return UploadFeed.objects.create(
        run=run, shop=run.shop, sequence=sequence, status=status, **defaults
    )


# The panel on the Online page


def test_the_online_page_loads_the_panel_with_a_link_beside_it(owner_client, us):
    body = owner_client.get(reverse("marketplace:online")).content.decode()

    assert f'hx-get="{PANEL}"' in body
    assert 'hx-trigger="load"' in body
    assert f'href="{PANEL}"' in body


def test_the_panel_counts_records_set_for_upload_per_service(
    owner_client, us, ca, uk, pending
):
    response = owner_client.get(PANEL, **HTMX)

    body = response.content.decode()
    assert response.status_code == 286  # nothing is running: no polling
    assert "<html" not in body
    assert "hx-trigger" not in body
    assert 'id="upload-amazon_us"' in body
    us_row = body.split('id="upload-amazon_us"')[1].split("</tr>")[0]
    ca_row = body.split('id="upload-amazon_ca"')[1].split("</tr>")[0]
    uk_row = body.split('id="upload-amazon_uk"')[1].split("</tr>")[0]
    assert "3 records" in us_row
    assert "2 records" in ca_row
    assert "Upload to this service only" in us_row
    assert "Inactive" in uk_row and "Upload to this service only" not in uk_row
    assert "Process and upload records" in body


def test_the_panel_is_a_page_of_its_own_without_javascript(owner_client, us):
    response = owner_client.get(PANEL)

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Process and upload records" in response.content.decode()


def test_a_reader_sees_the_panel_without_buttons(reader_client, us, pending):
    body = reader_client.get(PANEL, **HTMX).content.decode()

    assert "3 records" in body
    assert "Process and upload records" not in body
    assert "Upload to this service only" not in body


# Starting


def test_one_click_queues_every_active_registered_service_in_one_batch(
    owner_client, owner, shop, us, ca, uk
):
    response = owner_client.post(START, {})

    assert response.status_code == 302
    assert response.url == reverse("marketplace:online")
    runs = list(UploadRun.objects.for_shop(shop).order_by("created", "pk"))
    assert [run.service for run in runs] == [ca, us]
    assert len({run.batch for run in runs}) == 1
    assert {run.state for run in runs} == {State.QUEUED}
    assert all(run.created_by == owner for run in runs)
    assert all(run.trigger == UploadRun.Trigger.BUTTON for run in runs)
    messages = [m.message for m in response.wsgi_request._messages]
    assert messages == ["Upload started for Amazon CA, Amazon US."]


def test_the_service_button_uploads_to_that_service_only(staff_client, shop, us, ca):
    staff_client.post(
        START,
        {"service": str(us.public_id), "all_inventory": "on", "upload_images": "on"},
    )

    run = UploadRun.objects.for_shop(shop).get()
    assert run.service == us
    assert run.all_inventory is True
    assert run.upload_images is True


def test_images_unticked_leave_each_service_its_own_setting(owner_client, shop, us):
    us.upload_images = True
    us.save()

    owner_client.post(START, {"service": str(us.public_id)})

    run = UploadRun.objects.for_shop(shop).get()
    assert run.upload_images is True
    assert run.all_inventory is False


def test_a_second_upload_waits_for_the_first(owner_client, shop, us):
    make_run(us, State.PROCESSING)

    response = owner_client.post(START, {}, follow=True)

    assert "An upload to Amazon US is already running." in (response.content.decode())
    assert UploadRun.objects.for_shop(shop).count() == 1


def test_without_a_registered_service_it_says_so(owner_client, shop):
    Service.objects.create(shop=shop, marketplace="amazon_us")

    response = owner_client.post(START, {}, follow=True)

    assert "No active service is registered with Amazon." in response.content.decode()
    assert not UploadRun.objects.exists()


def test_a_reader_cannot_upload(reader_client, us):
    response = reader_client.post(START, {})

    assert response.status_code == 403
    assert not UploadRun.objects.exists()


def test_a_stranger_cannot_upload_to_our_service(stranger_client, us):
    stranger_client.post(START, {"service": str(us.public_id)})

    assert not UploadRun.objects.filter(service=us).exists()


# Progress


def test_a_live_run_shows_a_progress_bar_and_keeps_polling(owner_client, us):
    run = make_run(us, State.PROCESSING, records_exported=4)
    make_feed(run, 1, Status.DONE, feed_id="501")
    make_feed(run, 2, Status.SUBMITTED, feed_id="502", amazon_status="IN_PROGRESS")

    response = owner_client.get(PANEL, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "every 2s [document.visibilityState=='visible']" in body
    # Exported (1) + two feeds uploaded (2) + one processed (1), of 1 + 2 × 2.
    assert 'aria-valuenow="4"' in body and 'aria-valuemax="5"' in body
    assert "Amazon is processing feed 2 of 2 (in progress)." in body
    assert "4 records exported, 2 of 2 feeds uploaded, 1 processed" in body
    assert reverse("uploads:run_cancel", args=[run.public_id]) in body
    assert 'id="process-and-upload" disabled' in body


def test_a_queued_run_has_not_moved_yet(owner_client, us):
    make_run(us, State.QUEUED, started=None)

    body = owner_client.get(PANEL, **HTMX).content.decode()

    assert 'aria-valuenow="0"' in body and 'aria-valuemax="1"' in body
    assert "Waiting to start." in body


def test_a_finished_run_shows_the_completion_message_and_stops_polling(
    owner_client, us
):
    summary = (
        "Inventory Loader: 4 records uploaded → 3 new, 1 modified; "
        "Book Loader: 1 record uploaded → 1 new, 0 modified"
    )
    make_run(us, State.DONE, summary=summary, records_rejected=1)

    response = owner_client.get(PANEL, **HTMX)

    body = response.content.decode()
    assert response.status_code == 286
    assert "hx-trigger" not in body
    assert summary in body
    assert "1 refused by Amazon" in body


def test_a_failed_run_says_why_in_plain_words(owner_client, us):
    make_run(us, State.FAILED, error="Amazon did not answer after 9 tries.")

    body = owner_client.get(PANEL, **HTMX).content.decode()

    assert "Failed" in body
    assert "Amazon did not answer after 9 tries." in body


# Cancel


def test_cancelling_asks_first_then_stops_the_run(staff_client, us):
    run = make_run(us, State.QUEUED, started=None)
    url = reverse("uploads:run_cancel", args=[run.public_id])

    page = staff_client.get(url)
    response = staff_client.post(url)

    assert "Cancel the upload to Amazon US?" in page.content.decode()
    assert response.url == reverse("uploads:run_detail", args=[run.public_id])
    run.refresh_from_db()
    assert run.state == State.CANCELLED
    assert run.cancel_requested


def test_cancelling_a_processing_run_withdraws_its_unsent_feeds(owner_client, us):
    run = make_run(us, State.PROCESSING)
    make_feed(run, 1, Status.SUBMITTED, feed_id="9")
    unsent = make_feed(run, 2, Status.BUILT)

    owner_client.post(reverse("uploads:run_cancel", args=[run.public_id]))

    run.refresh_from_db()
    unsent.refresh_from_db()
    assert run.cancel_requested and run.state == State.PROCESSING
    assert unsent.status == Status.CANCELLED


def test_a_reader_cannot_cancel(reader_client, us):
    run = make_run(us, State.QUEUED, started=None)
    url = reverse("uploads:run_cancel", args=[run.public_id])

    page = reader_client.get(url)
    response = reader_client.post(url)

    assert page.status_code == 200
    assert "Cancel upload</button>" not in page.content.decode()
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.state == State.QUEUED and not run.cancel_requested


def test_an_ended_run_cannot_be_cancelled(owner_client, us):
    run = make_run(us, State.DONE)

    response = owner_client.post(
        reverse("uploads:run_cancel", args=[run.public_id]), follow=True
    )

    assert "This upload has already ended." in response.content.decode()
    run.refresh_from_db()
    assert run.state == State.DONE and not run.cancel_requested


def test_a_stranger_cannot_cancel_our_run(stranger_client, us):
    run = make_run(us, State.QUEUED, started=None)

    response = stranger_client.post(reverse("uploads:run_cancel", args=[run.public_id]))

    assert response.status_code == 404
    run.refresh_from_db()
    assert run.state == State.QUEUED


# The export log


def test_the_log_lists_every_run_with_who_what_and_how_it_ended(
    owner_client, owner, us, ca
):
    make_run(
        us,
        State.DONE,
        created_by=owner,
        all_inventory=True,
        records_exported=5,
        records_accepted=4,
        records_rejected=1,
        records_held=2,
        summary="Inventory Loader: 5 records uploaded → 5 new, 0 modified",
    )
    make_run(
        ca, State.FAILED, trigger=UploadRun.Trigger.COMMAND, error="Amazon refused."
    )

    response = owner_client.get(LOG)

    body = response.content.decode()
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    failed, done = rows
    assert "owner@oldbooks.example" in done
    assert "all online inventory" in done
    assert [cell.split("</td>")[0] for cell in done.split("<td>")[4:8]] == [
        "5",
        "4",
        "1",
        "2",
    ]
    assert "1 min 15 s" in done
    assert "Inventory Loader: 5 records uploaded" in done
    assert "Command line" in failed and "Amazon refused." in failed


def test_the_log_filters_by_service_result_and_dates(owner_client, us, ca):
    old = make_run(us, State.DONE, summary="old US")
    UploadRun.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(days=10)
    )
    make_run(us, State.FAILED, error="new US failure")
    make_run(ca, State.DONE, summary="new CA")

    by_service = owner_client.get(LOG, {"service": str(ca.public_id)})
    by_state = owner_client.get(LOG, {"state": "failed"})
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    recent = owner_client.get(LOG, {"since": since, "service": str(us.public_id)})
    older = owner_client.get(LOG, {"until": until})

    def shown(response):
        body = response.content.decode()
        return {s for s in ("old US", "new US failure", "new CA") if s in body}

    assert shown(by_service) == {"new CA"}
    assert shown(by_state) == {"new US failure"}
    assert shown(recent) == {"new US failure"}
    assert shown(older) == {"old US"}


def test_reversed_dates_are_explained(owner_client, us):
    response = owner_client.get(LOG, {"since": "2025-03-02", "until": "2025-03-01"})

    assert "The first date is after the last." in response.content.decode()


def test_the_log_comes_a_page_at_a_time(owner_client, shop, us):
    UploadRun.objects.bulk_create(
        UploadRun(shop=shop, service=us, state=State.DONE, summary=f"run {n}")
        for n in range(51)
    )

    first = owner_client.get(LOG)
    second = owner_client.get(LOG, {"page": 2})

    assert first.content.decode().count("/exports/") >= 50
    assert len(first.context["runs"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert len(second.context["runs"]) == 1


def test_the_log_never_shows_another_shops_runs(stranger_client, us):
    make_run(us, State.DONE, summary="Old Books' secret upload")

    body = stranger_client.get(LOG).content.decode()

    assert "secret upload" not in body
    assert "No uploads yet" in body


# A run's report


@pytest.fixture
def reported_run(shop, us, media):
    record = Record.objects.create(shop=shop, sku="1001", title="The Hobbit")
    run = make_run(
        us,
        State.DONE,
        summary="Inventory Loader: 2 records uploaded → 1 new, 1 modified",
        files=[
            {
                "name": "AmazonUpload_1.txt",
                "path": "uploads/old-books/run/AmazonUpload_1.txt",
                "loader": "Inventory Loader",
                "rows": 2,
            }
        ],
    )
    feed = make_feed(
        run,
        path="uploads/old-books/run/AmazonListings_1.json",
        feed_id="50001",
        feed_document_id="amzn1.tortuga.3.doc",
        amazon_status="DONE",
        report={
            "summary": {
                "messagesProcessed": 3,
                "messagesAccepted": 1,
                "messagesInvalid": 2,
            }
        },
    )
    FeedIssue.objects.create(
        feed=feed,
        shop=shop,
        record=record,
        message_id=1,
        sku="1001",
        code="90220",
        severity="ERROR",
        message="'[author]' is required but not supplied.",
        attribute="author",
    )
    FeedIssue.objects.create(
        feed=feed,
        shop=shop,
        message_id=2,
        sku="GONE-1",
        code="777",
        severity="WARNING",
        message="Something Amazon noticed.",
    )
    folder = media / "uploads" / "old-books" / "run"
    folder.mkdir(parents=True)
    (folder / "AmazonUpload_1.txt").write_bytes(b"sku\tprice\r\n1001\t45\r\n")
    (folder / "AmazonListings_1.json").write_bytes(b'{"messages": []}')
    return run


def test_the_report_shows_feeds_and_issues_with_a_fix(owner_client, reported_run):
    record = Record.objects.get(sku="1001")

    response = owner_client.get(
        reverse("uploads:run_detail", args=[reported_run.public_id])
    )

    body = response.content.decode()
    assert "Inventory Loader: 2 records uploaded → 1 new, 1 modified" in body
    assert "50001" in body
    assert "3 processed, 1 accepted, 2 invalid" in body
    assert reverse("inventory:record_detail", args=[record.public_id]) in body
    assert "&#x27;[author]&#x27; is required but not supplied." in body
    assert "title, author, binding and publisher" in body  # the fix for 90220
    assert "GONE-1" in body  # no record: the SKU alone
    assert "Amazon accepted the listing but noted a problem" in body  # fallback
    assert "hx-trigger" not in body
    assert "Send a file again" not in body  # it went through


def test_a_failed_run_offers_to_send_a_file_again(owner_client, us):
    run = make_run(us, State.FAILED, error="Amazon could not process feed 7.")
    make_feed(run, 1, Status.DONE)
    second = make_feed(run, 2, Status.FATAL)

    body = owner_client.get(
        reverse("uploads:run_detail", args=[run.public_id])
    ).content.decode()

    assert "Send a file again" in body
    assert "AmazonListings_1.json: 2 records (done)" in body
    assert f'value="{second.public_id}" required id="id_feed_1" checked' in body


def test_the_run_page_polls_while_live_then_reloads(owner_client, us):
    run = make_run(us, State.UPLOADING)
    url = reverse("uploads:run_detail", args=[run.public_id])

    live = owner_client.get(url, **HTMX)
    UploadRun.objects.filter(pk=run.pk).update(state=State.DONE)
    ended = owner_client.get(url, **HTMX)

    assert live.status_code == 200
    assert "hx-trigger" in live.content.decode()
    assert "<html" not in live.content.decode()
    assert ended.status_code == 286
    assert ended["HX-Refresh"] == "true"


def test_a_classic_file_downloads_by_its_recorded_name(owner_client, reported_run):
    url = reverse(
        "uploads:run_file", args=[reported_run.public_id, "AmazonUpload_1.txt"]
    )

    response = owner_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"sku\tprice\r\n1001\t45\r\n"
    assert 'filename="AmazonUpload_1.txt"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "name", ["AmazonUploadBL_1.txt", "..", "AmazonListings_1.json"]
)
def test_only_files_the_run_recorded_download(owner_client, reported_run, name):
    url = reverse("uploads:run_file", args=[reported_run.public_id, name])

    assert owner_client.get(url).status_code == 404


def test_a_recorded_path_outside_the_media_folder_is_refused(
    owner_client, reported_run, tmp_path
):
    (tmp_path / "secret.txt").write_text("not for download")
    reported_run.files = [{"name": "x.txt", "path": "../secret.txt", "rows": 1}]
    reported_run.save()

    url = reverse("uploads:run_file", args=[reported_run.public_id, "x.txt"])

    assert owner_client.get(url).status_code == 404


def test_a_feed_document_and_its_report_download(reader_client, reported_run):
    feed = reported_run.feeds.get()

    document = reader_client.get(
        reverse("uploads:feed_document", args=[feed.public_id])
    )
    report = reader_client.get(reverse("uploads:feed_report", args=[feed.public_id]))

    assert b"".join(document.streaming_content) == b'{"messages": []}'
    assert document["Content-Type"] == "application/json; charset=UTF-8"
    assert report.json()["summary"]["messagesAccepted"] == 1


# Sending a file again


@pytest.fixture
def failed_run(us, media):
    run = make_run(us, State.FAILED, error="Amazon could not process feed 7.")
    feed = make_feed(run, 1, Status.FATAL, record_count=3)
    path = media / feed.path
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{}")
    return run


def test_a_failed_file_is_sent_again_as_a_new_run(staff_client, staff, failed_run):
    feed = failed_run.feeds.get()

    response = staff_client.post(
        reverse("uploads:run_resend", args=[failed_run.public_id]),
        {"feed": str(feed.public_id)},
    )

    again = UploadRun.objects.exclude(pk=failed_run.pk).get()
    assert response.url == reverse("uploads:run_detail", args=[again.public_id])
    assert again.trigger == UploadRun.Trigger.RESEND
    assert again.resend_of == feed
    assert again.created_by == staff
    assert again.feeds.get().path == feed.path


def test_a_file_no_longer_kept_is_not_sent(owner_client, failed_run, media):
    feed = failed_run.feeds.get()
    (media / feed.path).unlink()

    response = owner_client.post(
        reverse("uploads:run_resend", args=[failed_run.public_id]),
        {"feed": str(feed.public_id)},
        follow=True,
    )

    assert "no longer kept" in response.content.decode()
    assert UploadRun.objects.count() == 1


def test_a_finished_run_is_not_sent_again(owner_client, us):
    run = make_run(us, State.DONE)
    feed = make_feed(run)

    owner_client.post(
        reverse("uploads:run_resend", args=[run.public_id]),
        {"feed": str(feed.public_id)},
    )

    assert UploadRun.objects.count() == 1


def test_a_reader_cannot_send_a_file_again(reader_client, failed_run):
    response = reader_client.post(
        reverse("uploads:run_resend", args=[failed_run.public_id]),
        {"feed": str(failed_run.feeds.get().public_id)},
    )

    assert response.status_code == 403
    assert UploadRun.objects.count() == 1


def test_the_panel_costs_the_same_queries_however_much_there_is(
    owner_client, shop, us, ca
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            owner_client.get(PANEL, **HTMX)
        return len(captured)

    make_run(us, State.DONE)
    queries()  # the first request also settles the session's shop
    few = queries()
    for service in (us, ca):
        for sequence in (1, 2):
            run = make_run(service, State.DONE)
            make_feed(run, sequence)
    Record.objects.bulk_create(
        Record(shop=shop, sku=f"Q{n}", title="Queried") for n in range(30)
    )
    records_mark_changed(
        shop=shop, record_ids=Record.objects.values_list("pk", flat=True)
    )

    assert queries() == few
