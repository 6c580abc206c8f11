import datetime

from django.utils import timezone

from marketplace.models import Service
from reconcile.models import ListingsSnapshot, SnapshotItem, UploadSchedule
from tests.isolation import shop_object


def _service(shop):
    service, _ = Service.objects.get_or_create(shop=shop, marketplace="amazon_us")
    return service


@shop_object("snapshot_id")
def snapshot(shop):
    # A finished check with a listing to delete: every action has a target.
    found = ListingsSnapshot.objects.create(
        shop=shop,
        service=_service(shop),
        state=ListingsSnapshot.State.DONE,
        finished=timezone.now(),
        path="listings/x/AllListings_amazon_us.txt",
        counts={"listings": 1, "extra": 1},
    )
    SnapshotItem.objects.create(
        snapshot=found,
        shop=shop,
        kind=SnapshotItem.Kind.EXTRA,
        sku="GHOST-1",
        reason="Not in the inventory",
    )
    return found


@shop_object("schedule_id")
def schedule(shop):
    return UploadSchedule.objects.create(
        shop=shop, kind=UploadSchedule.Kind.DAILY, at_time=datetime.time(6, 30)
    )
