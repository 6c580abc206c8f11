"""The dashboard: an overview of the shop, or the first steps when empty."""

import datetime

from django.utils import timezone

from inventory.models import ListingState
from marketplace.models import Service
from tests.reconcile.conftest import make_record
from uploads.models import UploadFeed, UploadRun


def test_a_new_shop_sees_the_first_steps(owner_client):
    page = owner_client.get("/").content.decode()

    assert "<h1>Old Books</h1>" in page
    assert "Nothing here yet" in page
    assert "Go to inventory" in page
    assert "Connect Amazon" in page
    assert "Invite your team" in page


def _stock(shop):
    service = Service.objects.create(shop=shop, marketplace="amazon_us")
    for number in range(6):
        make_record(shop, f"A{number}", f"Book {number}")
    make_record(shop, "S1", "Sold book", status="sold")
    make_record(shop, "H1", "Held book", status="on_hold")
    ListingState.objects.filter(record__sku="A0").update(message="Price too low")
    today = timezone.now()
    for days_ago, sent, rejected in ((0, 12, 2), (3, 5, 0), (40, 99, 9)):
        run = UploadRun.objects.create(
            shop=shop, service=service, state=UploadRun.State.DONE
        )
        UploadFeed.objects.create(
            run=run,
            shop=shop,
            content_type="application/json",
            record_count=sent,
            rejected_count=rejected,
            submitted=today - datetime.timedelta(days=days_ago),
        )
    return service


def test_the_overview_counts_records_pending_and_failed(owner_client, shop):
    _stock(shop)

    page = owner_client.get("/").content.decode()

    assert "<h1>Old Books</h1>" in page
    assert "Nothing here yet" not in page
    assert '<td data-status="Available">6</td>' in page
    assert '<td data-status="Sold">1</td>' in page
    assert '<td data-status="On hold">1</td>' in page
    assert '<td class="pending">6</td>' in page
    assert '<a class="badge bad"' in page and ">1</a>" in page


def test_the_chart_shows_sent_and_rejected_per_day(owner_client, shop):
    _stock(shop)

    page = owner_client.get("/").content.decode()

    today = timezone.localdate()
    label = f"{today:%d %b}: 12 records sent, 2 rejected"
    assert f"<title>{label}</title>" in page
    earlier = today - datetime.timedelta(days=3)
    assert f"<title>{earlier:%d %b}: 5 records sent, 0 rejected</title>" in page
    # Forty days ago is outside the chart.
    assert "17 records sent and 2 rejected" in page
    assert page.count('<g class="bar">') == 30
    assert page.count('class="rejected"') == 1
    assert "<script" not in page.split('id="upload-chart"')[1]


def test_the_last_five_runs_are_listed(owner_client, shop):
    service = _stock(shop)
    for _ in range(4):
        UploadRun.objects.create(
            shop=shop, service=service, trigger=UploadRun.Trigger.SCHEDULE
        )

    page = owner_client.get("/").content.decode()

    runs = page.split('id="last-runs"')[1]
    assert runs.count("/exports/") == 6  # five runs and the export log link
    assert "Schedule" in runs


def test_the_overview_costs_the_same_queries_whatever_the_inventory(
    owner_client, shop, django_assert_max_num_queries
):
    _stock(shop)
    owner_client.get("/")
    for number in range(40):
        make_record(shop, f"B{number}", f"More {number}")

    with django_assert_max_num_queries(14):
        owner_client.get("/")


def test_a_stranger_sees_their_own_shop(stranger_client, shop):
    _stock(shop)

    page = stranger_client.get("/").content.decode()

    assert "<h1>Rival Books</h1>" in page
    assert "Nothing here yet" in page
