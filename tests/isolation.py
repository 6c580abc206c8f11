"""Factories for the shop-owned objects that URLs name, by URL keyword.

Each app's ``tests/<app>/isolation_objects.py`` registers a factory for every
URL keyword it introduces; ``tests/test_isolation.py`` walks the resolver and
fails for any keyword without one, so new pages are covered as they appear.
"""

from collections.abc import Callable

from shops.models import Shop

Factory = Callable[[Shop], object]

SHOP_OBJECTS: dict[str, Factory] = {}


def shop_object(kwarg: str) -> Callable[[Factory], Factory]:
    def register(factory: Factory) -> Factory:
        SHOP_OBJECTS[kwarg] = factory
        return factory

    return register
