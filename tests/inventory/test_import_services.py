"""Importing files into a shop: creating, updating by number, refusing."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.models import ImportJob, InventorySettings, ListingState, Record
from inventory.transfer.reading import FileRejected
from inventory.transfer.services import import_job_run, records_import

FIXTURES = Path(__file__).parent / "fixtures"


def _import(shop, format: str, data: bytes, **options):
    return records_import(shop=shop, format=format, stream=io.BytesIO(data), **options)


def _fixture(shop, name: str, format: str):
    return _import(shop, format, (FIXTURES / name).read_bytes())


def _snapshot(shop) -> list[dict]:
    return list(
        Record.objects.for_shop(shop)
        .order_by("sku")
        .values(*(f.name for f in Record._meta.concrete_fields if f.name != "updated"))
    )


def test_a_csv_import_keeps_every_valid_row_and_lists_the_others(shop):
    result = _fixture(shop, "records.csv", "csv")

    assert (result.created, result.updated, result.error_count) == (3, 0, 3)
    assert [error["line"] for error in result.errors] == [5, 6, 7]
    assert "Price" in result.errors[0]["reason"]
    assert "check digit" in result.errors[1]["reason"]
    assert "also on line 2" in result.errors[2]["reason"]
    prince = Record.objects.for_shop(shop).get(sku="B-1001")
    assert prince.author == "Antoine de Saint-Exupéry"
    assert prince.description == "First US edition.\nLight foxing to endpapers."
    assert (prince.book_grade, prince.jacket_grade) == ("very_good", "good")
    assert Record.objects.for_shop(shop).get(sku="B-1002").isbn == "9780261102217"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(shop):
    _fixture(shop, "records.csv", "csv")
    before = _snapshot(shop)
    states_before = list(ListingState.objects.for_shop(shop).values())

    again = _fixture(shop, "records.csv", "csv")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _snapshot(shop) == before
    assert list(ListingState.objects.for_shop(shop).values()) == states_before


def test_new_records_are_set_for_upload_on_every_marketplace(shop):
    _fixture(shop, "records.csv", "csv")

    available = Record.objects.for_shop(shop).get(sku="B-1001")
    states = set(available.listing_states.values_list("marketplace", "state"))
    assert states == {
        ("amazon_us", "pending_add"),
        ("amazon_ca", "pending_add"),
        ("amazon_uk", "pending_add"),
    }
    sold = Record.objects.for_shop(shop).get(sku="B-1005")
    assert not sold.listing_states.filter(state__startswith="pending").exists()


def test_an_update_touches_only_the_columns_in_the_file(shop):
    _fixture(shop, "records.csv", "csv")
    ListingState.objects.for_shop(shop).update(state="listed")

    result = _import(shop, "csv", b"Record number,Price\nB-1001,99.00\nB-9,1\n")

    assert (result.created, result.updated) == (1, 1)
    prince = Record.objects.for_shop(shop).get(sku="B-1001")
    assert prince.price == Decimal("99.00")
    assert prince.title == "Le Petit Prince"
    state = prince.listing_states.get(marketplace="amazon_us")
    assert (state.state, state.price_quantity_only) == ("pending_update", True)


def test_an_import_writes_in_chunks_not_a_query_per_row(shop):
    rows = "".join(f"C-{n},Title {n},{n}.00\n" for n in range(500))
    data = f"SKU,Title,Price\n{rows}".encode()
    with CaptureQueriesContext(connection) as first:
        _import(shop, "csv", data, chunk_size=250)
    with CaptureQueriesContext(connection) as second:
        result = _import(shop, "csv", data.replace(b".00", b".50"), chunk_size=250)

    assert Record.objects.for_shop(shop).count() == 500
    assert result.updated == 500
    assert len(first) < 60
    assert len(second) < 60


def test_a_record_number_repeated_in_a_later_chunk_is_reported(shop):
    data = b"SKU,Title\nD-1,first\nD-2,x\nD-1,second\n"

    result = _import(shop, "csv", data, chunk_size=2)

    assert result.errors == [
        {
            "line": 4,
            "reason": "Record number D-1 is also on line 2; this row was skipped.",
        }
    ]
    assert Record.objects.for_shop(shop).get(sku="D-1").title == "first"


def test_uiee_and_amazon_reports_import_and_reimport(shop):
    first = _fixture(shop, "booktrakker.uiee", "uiee")
    second = _fixture(shop, "fillz_with_header.uiee", "uiee")
    third = _fixture(shop, "amazon_all_listings.txt", "amazon-listings")
    fourth = _fixture(shop, "amazon_active_listings_cp1252.txt", "amazon-listings")
    before = _snapshot(shop)

    assert [r.created for r in (first, second, third, fourth)] == [2, 2, 2, 1]
    assert first.errors == [{"line": 18, "reason": "Price: “abc” is not a number."}]
    moby = Record.objects.for_shop(shop).get(sku="BT-1")
    assert moby.book_type == "Fiction, Classics"
    assert moby.status == "available"
    assert Record.objects.for_shop(shop).get(sku="BT-3").status == "sold"
    amazon = Record.objects.for_shop(shop).get(sku="AMZ-1")
    assert (amazon.condition, amazon.asin) == ("used_very_good", "0684801221")
    assert Record.objects.for_shop(shop).get(sku="ACT-1").price == Decimal("18.50")

    for name, format in [
        ("booktrakker.uiee", "uiee"),
        ("fillz_with_header.uiee", "uiee"),
        ("amazon_all_listings.txt", "amazon-listings"),
        ("amazon_active_listings_cp1252.txt", "amazon-listings"),
    ]:
        again = _fixture(shop, name, format)
        assert (again.created, again.updated) == (0, 0)
    assert _snapshot(shop) == before


@pytest.mark.parametrize(
    ("format", "data", "message"),
    [
        ("csv", (FIXTURES / "cover.png").read_bytes(), "PNG image"),
        ("amazon-listings", (FIXTURES / "booktrakker.uiee").read_bytes(), "UIEE"),
        ("uiee", bytes(range(256)) * 100, "binary data"),
        ("csv", b"", "empty"),
        ("csv", b"SKU,Title\nA-1,ok\n" * 1000 + b"A-2,\x81\x8d\n", "Line 2001"),
        ("uiee", (FIXTURES / "records.csv").read_bytes(), "No UIEE records"),
    ],
)
def test_a_file_that_is_not_what_it_claims_changes_nothing(shop, format, data, message):
    _fixture(shop, "records.csv", "csv")
    before = _snapshot(shop)

    with pytest.raises(FileRejected, match=message):
        _import(shop, format, data)

    assert _snapshot(shop) == before


def test_hostile_rows_are_refused_one_by_one(shop):
    data = (
        b"SKU,Title,Description\n"
        + b"A-1,nul\x00byte,x\n"
        + b"A" * 41
        + b",long number,x\n"
        + b"A-3,huge,"
        + b"y" * 300_000
        + b"\n"
        + b'A-4,=HYPERLINK("http://evil"),fine\n'
    )

    result = _import(shop, "csv", data)

    assert [error["line"] for error in result.errors] == [2, 3, 4]
    assert Record.objects.for_shop(shop).get().title == '=HYPERLINK("http://evil")'


def test_another_shops_records_are_never_touched(shop, other_shop):
    Record.objects.create(shop=other_shop, sku="B-1001", title="Theirs")

    _fixture(shop, "records.csv", "csv")

    assert Record.objects.get(shop=other_shop, sku="B-1001").title == "Theirs"
    assert Record.objects.for_shop(shop).get(sku="B-1001").title == "Le Petit Prince"


def test_the_shops_price_labels_name_price_columns(shop):
    InventorySettings.objects.create(shop=shop, price2_label="Trade")

    _import(shop, "csv", b"SKU,Trade\nA-1,7.25\n")

    assert Record.objects.for_shop(shop).get().price2 == Decimal("7.25")


def test_progress_is_reported_after_each_chunk(shop):
    rows = "".join(f"P-{n},x\n" for n in range(5))
    seen = []

    _import(
        shop,
        "csv",
        f"SKU,Title\n{rows}".encode(),
        chunk_size=2,
        progress=lambda result: seen.append((result.processed, result.estimate)),
    )

    assert seen == [(2, 5), (4, 5), (5, 5)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _job(shop, name: str, format: str, data: bytes | None = None) -> ImportJob:
    job = ImportJob(shop=shop, format=format, original_name=name)
    content = data if data is not None else (FIXTURES / name).read_bytes()
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    return job


def test_a_job_run_imports_and_keeps_the_report(shop, media):
    job = _job(shop, "records.csv", "csv")

    import_job_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == "done"
    assert (job.total_rows, job.processed_rows) == (6, 6)
    assert (job.created_count, job.updated_count, job.error_count) == (3, 0, 3)
    assert job.errors[0] == {"line": 5, "reason": "Price: “abc” is not a number."}
    assert job.started and job.finished
    assert not job.file
    assert not list(media.rglob("*.csv"))


def test_a_job_with_a_wrong_file_fails_with_the_reason(shop, media):
    job = _job(shop, "cover.png", "uiee")

    import_job_run(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "PNG image" in job.message
    assert not Record.objects.exists()


def test_a_job_already_taken_or_gone_is_left_alone(shop, media):
    job = _job(shop, "records.csv", "csv")
    ImportJob.objects.filter(pk=job.pk).update(status="running", started=timezone.now())

    import_job_run(import_id=job.pk)
    import_job_run(import_id=job.pk + 100)

    job.refresh_from_db()
    assert job.status == "running"
    assert not Record.objects.exists()


def test_a_job_whose_worker_died_long_ago_runs_again(shop, media):
    job = _job(shop, "records.csv", "csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", started=timezone.now() - timedelta(hours=2)
    )

    import_job_run(import_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 3)
