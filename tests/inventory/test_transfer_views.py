"""The import and export page, the upload, and the progress it polls."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import ImportJob, Record
from tests.conftest import client_for

FIXTURES = Path(__file__).parent / "fixtures"


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, data)


def test_the_page_offers_import_export_and_the_template(owner_client, shop):
    response = owner_client.get(reverse("inventory:transfer"), {"status": "sold"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-form"' in page
    assert reverse("inventory:import_template") in page
    assert '<option value="sold" selected>' in page


def test_a_reader_sees_export_but_no_import(reader_client, shop):
    response = reader_client.get(reverse("inventory:transfer"))

    assert 'id="export-form"' in response.content.decode()
    assert 'id="import-form"' not in response.content.decode()


def test_a_reader_cannot_upload(reader_client, shop):
    response = reader_client.post(
        reverse("inventory:import_start"),
        {"format": "csv", "file": _upload("records.csv")},
    )

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_the_template_is_a_csv_header_the_importer_reads(owner_client, shop):
    response = owner_client.get(reverse("inventory:import_template"))

    text = response.content.decode("utf-8-sig")
    assert text.startswith("Record number,ISBN,ASIN,Author,Title")
    assert "Jacket" in text and "Price 2" in text


@pytest.mark.parametrize(
    ("format", "name", "message"),
    [
        ("csv", "cover.png", "PNG image"),
        ("amazon-listings", "booktrakker.uiee", "looks like a UIEE file"),
        ("csv", "empty.csv", "file is empty"),
    ],
)
def test_a_wrong_file_is_refused_on_the_spot(owner_client, shop, format, name, message):
    upload = _upload(name, b"" if name == "empty.csv" else None)

    response = owner_client.post(
        reverse("inventory:import_start"), {"format": format, "file": upload}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_queues_a_job_and_shows_its_page(
    owner_client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(
            reverse("inventory:import_start"),
            {"format": "csv", "file": _upload("records.csv")},
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "inventory:import_status", kwargs={"import_id": job.public_id}
    )
    assert len(callbacks) == 1
    assert (job.status, job.original_name, job.shop) == ("queued", "records.csv", shop)
    page = owner_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s' in page


def test_polling_stops_with_286_when_the_job_is_done(owner_client, shop):
    job = ImportJob.objects.create(
        shop=shop,
        format="csv",
        original_name="a.csv",
        status="running",
        total_rows=10,
        processed_rows=4,
    )
    url = reverse("inventory:import_status", kwargs={"import_id": job.public_id})

    running = owner_client.get(url, headers={"HX-Request": "true"})
    job.status = "done"
    job.errors = [{"line": 7, "reason": "Price: “abc” is not a number."}]
    job.error_count = 1
    job.save()
    done = owner_client.get(url, headers={"HX-Request": "true"})

    assert running.status_code == 200
    assert "4 of about 10 rows" in running.content.decode()
    assert "<html" not in running.content.decode()
    assert done.status_code == 286
    assert "hx-trigger" not in done.content.decode()
    assert "Price: “abc” is not a number." in done.content.decode()


@pytest.mark.worker
def test_an_uploaded_file_is_imported_by_a_worker(celery_worker, owner, shop):
    client = client_for(owner)
    response = client.post(
        reverse("inventory:import_start"),
        {"format": "uiee", "file": _upload("booktrakker.uiee")},
    )
    assert response.status_code == 302

    deadline = time.monotonic() + 30
    while True:
        poll = client.get(response["Location"], headers={"HX-Request": "true"})
        if poll.status_code == 286 or time.monotonic() > deadline:
            break
        assert poll.status_code == 200
        time.sleep(0.2)

    assert poll.status_code == 286, celery_worker.log
    assert "2 added" in poll.content.decode()
    assert "Price: “abc” is not a number." in poll.content.decode()
    assert set(Record.objects.for_shop(shop).values_list("sku", flat=True)) == {
        "BT-1",
        "BT-3",
    }
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 1)
    assert not job.file
