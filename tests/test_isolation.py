"""No member of one shop can see or change another shop's data through a URL.

Walks every URL pattern in the project. Each keyword that names an object must
have a factory in ``tests.isolation`` (see ``tests/*/isolation_objects*.py``);
a new page that takes an object without one fails here until it is covered.
"""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.isolation import SHOP_OBJECTS

TESTS = Path(__file__).resolve().parent

# Patterns whose keywords are not shop objects: a person's own one-time links.
PUBLIC_PATTERNS = {"shops:invitation", "password_reset_confirm"}


def _load_factories() -> None:
    for path in sorted(TESTS.glob("*/isolation_objects*.py")):
        importlib.import_module(f"tests.{path.parent.name}.{path.stem}")


def _patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the Django admin is for the site's staff only
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry, f"{namespace}{entry.name}"


def _object_patterns() -> list[tuple[str, list[str]]]:
    found = []
    for pattern, name in _patterns(get_resolver().url_patterns):
        kwargs = list(pattern.pattern.converters)
        if kwargs and name not in PUBLIC_PATTERNS:
            found.append((name, kwargs))
    return sorted({(name, tuple(kwargs)) for name, kwargs in found})


_load_factories()
OBJECT_PATTERNS = _object_patterns()


def _snapshot(shop) -> dict:
    """Every row that belongs to ``shop``, in every model that has a shop."""
    rows = {}
    for model in apps.get_models():
        field_names = {field.name for field in model._meta.get_fields()}
        if "shop" in field_names:
            rows[model._meta.label] = list(
                model._default_manager.filter(shop=shop).order_by("pk").values()
            )
    return rows


def test_every_object_url_keyword_has_a_factory():
    missing = {
        (name, kwarg)
        for name, kwargs in OBJECT_PATTERNS
        for kwarg in kwargs
        if kwarg not in SHOP_OBJECTS
    }
    assert not missing, (
        f"Register a factory in tests/<app>/isolation_objects.py for: {sorted(missing)}"
    )


def test_object_urls_are_found():
    names = {name for name, _ in OBJECT_PATTERNS}
    assert "shops:member_role" in names


@pytest.mark.parametrize(("name", "kwargs"), OBJECT_PATTERNS)
def test_a_stranger_gets_404_and_changes_nothing(name, kwargs, shop, stranger_client):
    objects = {kwarg: SHOP_OBJECTS[kwarg](shop) for kwarg in kwargs}
    url = reverse(
        name, kwargs={kwarg: str(obj.public_id) for kwarg, obj in objects.items()}
    )
    before = _snapshot(shop)

    got = stranger_client.get(url)
    posted = stranger_client.post(url, {"confirm": "yes"})

    assert got.status_code in (404, 405), f"GET {url} gave {got.status_code}"
    assert posted.status_code in (404, 405), f"POST {url} gave {posted.status_code}"
    assert 404 in (got.status_code, posted.status_code)
    assert _snapshot(shop) == before
