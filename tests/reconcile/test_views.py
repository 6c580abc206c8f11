"""The listings check and purge and replace pages, for each persona."""

import pytest
from django.urls import reverse

from inventory.models import ListingState
from reconcile.models import ListingsSnapshot, UploadSchedule
from tests.reconcile.conftest import run_check
from tests.reconcile.isolation_objects import schedule as make_schedule
from tests.reconcile.isolation_objects import snapshot as make_snapshot
from uploads.models import UploadRun


def test_the_listings_page_offers_a_check_per_registered_service(
    owner_client, amazon_us
):
    page = owner_client.get(reverse("reconcile:listings")).content.decode()

    assert "Amazon US" in page
    assert "Check listings" in page
    assert "Never checked." in page


def test_a_reader_sees_the_page_without_its_buttons(reader_client, amazon_us):
    page = reader_client.get(reverse("reconcile:listings")).content.decode()

    assert "Amazon US" in page
    assert "Check listings" not in page


def test_starting_a_check_queues_it_and_shows_its_progress(
    owner_client, amazon_us, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(
            reverse("reconcile:check_start", args=[amazon_us.public_id])
        )

    snapshot = ListingsSnapshot.objects.get()
    assert response.url == reverse("reconcile:snapshot", args=[snapshot.public_id])
    assert len(callbacks) == 1
    page = owner_client.get(response.url).content.decode()
    assert 'role="progressbar"' in page
    assert "hx-get" in page


def test_the_progress_region_stops_polling_once_the_check_ends(owner_client, drift):
    snapshot = run_check(drift)

    response = owner_client.get(
        reverse("reconcile:snapshot", args=[snapshot.public_id]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 286
    assert response["HX-Refresh"] == "true"
    assert "hx-get" not in response.content.decode()


def test_a_live_check_keeps_polling(owner_client, amazon_us):
    snapshot = ListingsSnapshot.objects.create(shop=amazon_us.shop, service=amazon_us)

    response = owner_client.get(
        reverse("reconcile:snapshot", args=[snapshot.public_id]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "hx-get" in response.content.decode()


def test_the_check_page_lists_each_kind_of_drift(owner_client, drift):
    snapshot = run_check(drift)

    page = owner_client.get(
        reverse("reconcile:snapshot", args=[snapshot.public_id])
    ).content.decode()

    assert "Should be live, are not (1)" in page
    assert "Live on Amazon, should not be (2)" in page
    assert "Price or quantity differs (2)" in page
    assert 'data-sku="GHOST-1"' in page
    assert "Not in the inventory" in page
    assert "Set 1 record for upload" in page
    assert "Delete these listings at Amazon" in page


def test_long_lists_are_capped_with_the_whole_list_as_csv(
    owner_client, drift, monkeypatch
):
    from reconcile import views

    monkeypatch.setattr(views, "SHOWN", 1)
    snapshot = run_check(drift)

    page = owner_client.get(
        reverse("reconcile:snapshot", args=[snapshot.public_id])
    ).content.decode()
    assert "The first 1 of 2." in page
    url = reverse("reconcile:snapshot_csv", args=[snapshot.public_id])
    response = owner_client.get(url, {"list": "extra"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("sku,list,reason")
    assert [row.split(",")[0] for row in rows[1:]] == ["1004", "GHOST-1"]


def test_the_backup_is_downloadable(owner_client, drift):
    snapshot = run_check(drift)

    response = owner_client.get(
        reverse("reconcile:snapshot_report", args=[snapshot.public_id])
    )

    body = b"".join(response.streaming_content).decode("cp1252")
    assert "attachment" in response["Content-Disposition"]
    assert "GHOST-1" in body


def test_the_set_for_upload_button_sets_the_missing_records(owner_client, drift):
    snapshot = run_check(drift)

    owner_client.post(
        reverse("reconcile:set_for_upload", args=[snapshot.public_id]),
        {"list": "missing"},
    )

    state = ListingState.objects.get(record__sku="1002", marketplace="amazon_us")
    assert state.is_pending


def test_the_confirmation_states_what_will_be_deleted_and_sent(owner_client, drift):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)

    page = owner_client.get(
        reverse("reconcile:replace_confirm", args=[snapshot.public_id])
    ).content.decode()

    assert "Deleted at Amazon: 2 listings" in page
    assert 'data-sku="1004"' in page and 'data-sku="GHOST-1"' in page
    assert "Sent to Amazon: 4 records" in page
    assert "3 offers on existing product pages" in page
    assert "1 new product page (no ASIN or ISBN)" in page
    assert 'name="allow_new_pages"' in page


def test_the_replace_refuses_without_the_new_pages_box(owner_client, drift):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)
    url = reverse("reconcile:replace_confirm", args=[snapshot.public_id])

    response = owner_client.post(url, follow=True)

    assert "would make a new product page" in response.content.decode()
    assert not UploadRun.objects.exists()


def test_the_replace_starts_once_confirmed(
    owner_client, drift, django_capture_on_commit_callbacks
):
    snapshot = run_check(drift, purpose=ListingsSnapshot.Purpose.BACKUP)
    url = reverse("reconcile:replace_confirm", args=[snapshot.public_id])

    with django_capture_on_commit_callbacks():
        response = owner_client.post(url, {"allow_new_pages": "on"})

    run = UploadRun.objects.get()
    assert response.url == reverse("uploads:run_detail", args=[run.public_id])
    assert run.trigger == UploadRun.Trigger.REPLACE
    assert run.delete_skus == ["1004", "GHOST-1"]


def _post_urls(shop):
    snapshot = make_snapshot(shop)
    schedule = make_schedule(shop)
    service = snapshot.service
    by_snapshot = [
        "set_for_upload",
        "delete_extra",
        "copy_identifiers",
        "replace_confirm",
    ]
    return [
        reverse("reconcile:check_start", args=[service.public_id]),
        reverse("reconcile:replace_prepare", args=[service.public_id]),
        *(
            reverse(f"reconcile:{name}", args=[snapshot.public_id])
            for name in by_snapshot
        ),
        reverse("reconcile:schedule_add"),
        reverse("reconcile:schedule_edit", args=[schedule.public_id]),
        reverse("reconcile:schedule_delete", args=[schedule.public_id]),
    ]


def test_a_reader_gets_403_on_every_change(reader_client, shop):
    for url in _post_urls(shop):
        response = reader_client.post(
            url, {"list": "missing", "allow_new_pages": "on", "kind": "daily"}
        )
        assert response.status_code == 403, url
    assert UploadSchedule.objects.count() == 1
    assert ListingsSnapshot.objects.count() == 1
    assert not UploadRun.objects.exists()


@pytest.mark.parametrize("name", ["snapshot", "replace_confirm", "snapshot_csv"])
def test_a_stranger_cannot_see_a_check(stranger_client, shop, name):
    snapshot = make_snapshot(shop)

    url = reverse(f"reconcile:{name}", args=[snapshot.public_id])

    response = stranger_client.get(url, {"list": "extra"})

    assert response.status_code == 404
