"""Purge and replace: a backup, a plan, and Amazon converging on the shop."""

import pytest

from inventory.models import Record
from reconcile import selectors, services
from reconcile.models import ListingsSnapshot
from simulator.testing import DEFAULT_SELLER_ID
from tests.reconcile.conftest import US, online_skus, run_check, seed_drift, wait_for
from uploads.models import UploadRun


def test_the_plan_states_what_will_be_deleted_and_sent(drift):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)

    plan = selectors.replace_plan(snapshot)

    assert [item.sku for item in selectors.replace_deletions(snapshot)] == [
        "1004",
        "GHOST-1",
    ]
    assert (plan.deletions, plan.offers, plan.new_pages) == (2, 3, 1)
    assert plan.records == 4


def test_deletions_follow_the_records_as_they_are_now(drift):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)
    Record.objects.filter(sku="1004").update(status="available")
    Record.objects.filter(sku="1001").update(status="sold")

    deleted = [item.sku for item in selectors.replace_deletions(snapshot)]

    assert deleted == ["1001", "GHOST-1"]


def test_it_refuses_to_create_new_product_pages_unasked(drift, owner):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)

    with pytest.raises(services.ReconcileError, match="1 record would be sent"):
        services.replace_start(snapshot=snapshot, user=owner, allow_new_pages=False)
    assert not UploadRun.objects.exists()


def test_a_confirmed_replace_starts_one_run(
    drift, owner, django_capture_on_commit_callbacks
):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)

    with django_capture_on_commit_callbacks():
        run = services.replace_start(
            snapshot=snapshot, user=owner, allow_new_pages=True
        )

    assert run.trigger == UploadRun.Trigger.REPLACE
    assert run.all_inventory
    assert run.delete_skus == ["1004", "GHOST-1"]
    snapshot.refresh_from_db()
    assert snapshot.replace_run == run
    with pytest.raises(services.ReconcileError, match="already been used"):
        services.replace_start(snapshot=snapshot, user=owner, allow_new_pages=True)


def test_a_stale_backup_is_refused(drift, owner):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)
    ListingsSnapshot.objects.filter(pk=snapshot.pk).update(
        finished=snapshot.finished - selectors.BACKUP_MAX_AGE * 2
    )
    snapshot.refresh_from_db()

    with pytest.raises(services.ReconcileError, match="more than an hour old"):
        services.replace_start(snapshot=snapshot, user=owner, allow_new_pages=True)


def test_a_replace_deletes_what_should_not_be_live_and_sends_the_rest(
    drift, owner, amazon, django_capture_on_commit_callbacks
):
    from tests.uploads.test_pipeline import drive

    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)
    with django_capture_on_commit_callbacks():
        run = services.replace_start(
            snapshot=snapshot, user=owner, allow_new_pages=True
        )
    run = drive(run, amazon)

    assert run.state == UploadRun.State.DONE, run.error
    listed = amazon.control.listings(DEFAULT_SELLER_ID, US)
    assert set(listed) == online_skus(drift.shop) == {"1001", "1002", "1003", "1005"}
    assert listed["1005"]["quantity"] == 1
    assert listed["1003"]["price"] == 45
    assert "SKU deletions: 2 SKUs" in run.summary


@pytest.mark.usefixtures("upload_worker")
def test_a_replace_converges_amazon_on_the_shops_online_inventory(
    shop, amazon, amazon_us, owner
):
    seed_drift(shop, amazon)
    snapshot = services.snapshot_start(
        service=amazon_us, user=owner, purpose=ListingsSnapshot.Purpose.BACKUP
    )
    snapshot = wait_for(
        lambda: ListingsSnapshot.objects.filter(
            pk=snapshot.pk, state=ListingsSnapshot.State.DONE
        ).first()
    )
    # The identifiers Amazon knows keep the books on their product pages.
    assert services.identifiers_copy(snapshot=snapshot) == 1
    assert selectors.replace_plan(snapshot).new_pages == 0

    run = services.replace_start(snapshot=snapshot, user=owner, allow_new_pages=False)
    run = wait_for(
        lambda: UploadRun.objects.filter(
            pk=run.pk, state__in=UploadRun.END_STATES
        ).first()
    )

    assert run.state == UploadRun.State.DONE, run.error
    listed = amazon.control.listings(DEFAULT_SELLER_ID, US)
    assert set(listed) == online_skus(shop) == {"1001", "1002", "1003", "1005"}
    assert listed["1005"]["quantity"] == 1
    assert listed["1003"]["price"] == 45
    assert listed["1003"]["asin"] == "0140449132"
