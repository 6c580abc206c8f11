from marketplace.models import Service
from tests.isolation import shop_object


@shop_object("service_id")
def service(shop):
    return Service.objects.create(shop=shop, marketplace="amazon_us")
