from inventory.models import ImportJob
from tests.isolation import shop_object


@shop_object("import_id")
def import_job(shop):
    return ImportJob.objects.create(
        shop=shop, format=ImportJob.Format.CSV, original_name="isolated.csv"
    )
