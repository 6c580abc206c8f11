from django.db.models import QuerySet

from inventory.models import ImportJob
from shops.models import Shop

RECENT_IMPORTS = 10


def import_jobs_recent(*, shop: Shop, limit: int = RECENT_IMPORTS) -> QuerySet:
    return ImportJob.objects.for_shop(shop).order_by("-created")[:limit]
