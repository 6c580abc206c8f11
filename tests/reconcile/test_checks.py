"""A listings check against the simulator: each kind of drift is found."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import ListingState, Record
from reconcile import listings, services
from reconcile.models import ListingsSnapshot, SnapshotItem
from tests.reconcile.conftest import ODYSSEY_ASIN, run_check
from uploads.models import UploadRun

Kind = SnapshotItem.Kind


def items(snapshot, kind):
    return {
        item.sku: item
        for item in SnapshotItem.objects.filter(snapshot=snapshot, kind=kind)
    }


def test_a_check_finds_missing_extra_and_mismatched_listings(drift, owner):
    snapshot = run_check(drift, user=owner)

    assert snapshot.state == ListingsSnapshot.State.DONE, snapshot.error
    assert snapshot.counts == {
        "listings": 5,
        "unreadable": 0,
        "identifiable": 1,
        "matched": 1,
        "missing": 1,
        "extra": 2,
        "mismatched": 2,
    }
    assert set(items(snapshot, Kind.MISSING)) == {"1002"}
    extra = items(snapshot, Kind.EXTRA)
    assert {sku: item.reason for sku, item in extra.items()} == {
        "1004": "Sold",
        "GHOST-1": "Not in the inventory",
    }
    mismatched = items(snapshot, Kind.MISMATCHED)
    assert set(mismatched) == {"1003", "1005"}
    assert str(mismatched["1003"].amazon_price) == "30.00"
    assert str(mismatched["1003"].shop_price) == "45.00"
    assert (mismatched["1005"].amazon_quantity, mismatched["1005"].shop_quantity) == (
        3,
        1,
    )
    assert mismatched["1003"].identifiable
    assert mismatched["1003"].amazon_asin == ODYSSEY_ASIN


def test_the_report_is_kept_as_amazon_sent_it(drift):
    snapshot = run_check(drift)

    path = Path(settings.MEDIA_ROOT) / snapshot.path
    text = path.read_bytes().decode(snapshot.charset)
    assert snapshot.charset == "cp1252"
    assert text.splitlines()[0].startswith("item-name\titem-description")
    assert "GHOST-1\t9.50" in text
    assert snapshot.size == path.stat().st_size


def test_a_price_check_uses_the_services_price_field(drift):
    drift.price_field = "price2"
    drift.save()
    Record.objects.filter(sku__in=["1001", "1003", "1005"]).update(price2=30)

    snapshot = run_check(drift)

    # 1003 is at 30 on both sides now; 1001 differs (45 at Amazon).
    assert set(items(snapshot, Kind.MISMATCHED)) == {"1001", "1005"}


def test_a_check_reads_the_report_a_chunk_of_skus_at_a_time(drift, monkeypatch):
    monkeypatch.setattr(listings, "CHUNK", 2)
    with CaptureQueriesContext(connection) as queries:
        snapshot = run_check(drift)

    lookups = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "inventory_record"' in query["sql"] and '"sku" IN' in query["sql"]
    ]
    assert len(lookups) == 3  # five listings, two at a time
    assert snapshot.count("listings") == 5
    assert snapshot.count("missing") == 1
    assert snapshot.count("extra") == 2


def test_a_second_check_while_one_runs_is_refused(drift):
    services.snapshot_start(service=drift, user=None)

    with pytest.raises(services.ReconcileError, match="already running"):
        services.snapshot_start(service=drift, user=None)


def test_an_empty_account_makes_every_online_record_missing(
    shop, amazon, amazon_us, media
):
    from tests.reconcile.conftest import make_record

    make_record(shop, "1", "Germinal")
    make_record(shop, "2", "Nana", list_amazon_us=False)

    snapshot = run_check(amazon_us)

    assert snapshot.counts["listings"] == 0
    assert set(items(snapshot, Kind.MISSING)) == {"1"}


def test_missing_records_are_set_for_upload(drift):
    snapshot = run_check(drift)

    assert services.records_set_for_upload(snapshot=snapshot, kind=Kind.MISSING) == 1

    state = ListingState.objects.get(record__sku="1002", marketplace="amazon_us")
    assert state.state == ListingState.State.PENDING_UPDATE
    assert not state.price_quantity_only
    untouched = ListingState.objects.get(record__sku="1001", marketplace="amazon_us")
    assert untouched.state == ListingState.State.LISTED


def test_mismatched_records_send_their_price_and_quantity(drift):
    snapshot = run_check(drift)

    services.records_set_for_upload(snapshot=snapshot, kind=Kind.MISMATCHED)

    pending = ListingState.objects.filter(
        marketplace="amazon_us", state=ListingState.State.PENDING_UPDATE
    )
    assert {state.record.sku for state in pending} == {"1003", "1005"}
    assert all(state.price_quantity_only for state in pending)


def test_identifiers_found_at_amazon_are_copied_into_records(drift):
    snapshot = run_check(drift)

    assert services.identifiers_copy(snapshot=snapshot) == 1

    odyssey = Record.objects.get(sku="1003")
    assert odyssey.asin == ODYSSEY_ASIN
    state = ListingState.objects.get(record=odyssey, marketplace="amazon_us")
    assert state.state == ListingState.State.PENDING_UPDATE
    snapshot.refresh_from_db()
    assert snapshot.count("identifiable") == 0
    assert not SnapshotItem.objects.filter(snapshot=snapshot, identifiable=True)


def test_identifiers_never_overwrite_a_records_own(drift):
    Record.objects.filter(sku="1003").update(asin="B000000001")
    snapshot = run_check(drift)

    assert services.identifiers_copy(snapshot=snapshot) == 0
    assert Record.objects.get(sku="1003").asin == "B000000001"


def test_extra_listings_are_deleted_by_an_upload_run(
    drift, owner, django_capture_on_commit_callbacks
):
    snapshot = run_check(drift)

    with django_capture_on_commit_callbacks():
        run = services.extras_delete(snapshot=snapshot, user=owner)

    assert run.delete_skus == ["1004", "GHOST-1"]
    assert run.trigger == UploadRun.Trigger.BUTTON
    assert not run.all_inventory


def test_an_older_check_cannot_be_acted_on(drift):
    first = run_check(drift)
    run_check(drift)

    with pytest.raises(services.ReconcileError, match="newer"):
        services.records_set_for_upload(snapshot=first, kind=Kind.MISSING)
    # Its rows are gone, its report stays.
    assert not SnapshotItem.objects.filter(snapshot=first).exists()
    assert (Path(settings.MEDIA_ROOT) / first.path).is_file()
