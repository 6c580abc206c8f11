from inventory.models import Record
from tests.isolation import shop_object


@shop_object("record_id")
def record(shop):
    return Record.objects.create(shop=shop, sku="ISO-1", title="Isolated")
