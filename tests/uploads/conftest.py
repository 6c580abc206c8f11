from decimal import Decimal

import pytest

from inventory.listing import records_mark_changed
from inventory.models import Record
from tests.services import Worker

BOOKS = [
    # sku, title, isbn, asin
    ("1001", "The Hobbit", "9780261103344", ""),
    ("1002", "Cien años de soledad", "9780307474728", ""),
    ("1003", "Germinal", "", ""),
]


def make_record(shop, sku, title, isbn="", asin="", **fields):
    defaults = {
        "author": "Various",
        "publisher": "Allen & Unwin",
        "binding": "Hardcover",
        "pub_date": "1966",
        "book_grade": "very_good",
        "jacket_grade": "good",
        "price": Decimal("45.00"),
        "list_amazon_ca": False,
        "list_amazon_uk": False,
    }
    defaults.update(fields)
    record = Record.objects.create(
        shop=shop, sku=sku, title=title, isbn=isbn, asin=asin, **defaults
    )
    records_mark_changed(shop=shop, record_ids=[record.pk])
    return record


@pytest.fixture
def books(shop):
    return [make_record(shop, *book) for book in BOOKS]


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return settings.MEDIA_ROOT


@pytest.fixture
def fast_polls(settings, monkeypatch):
    """Poll feeds and retry failed steps in fractions of a second."""
    for name, value in {
        "UPLOAD_POLL_FIRST_SECONDS": 0.2,
        "UPLOAD_POLL_MAX_SECONDS": 0.5,
        "UPLOAD_RETRY_FIRST_SECONDS": 0.2,
        "UPLOAD_MAX_RETRIES": 3,
        "AMAZON_RETRY_BACKOFF_SECONDS": 0.05,
        # Amazon's rates run a hundred times faster, here and at the simulator,
        # so a throttled createFeed waits a second instead of two minutes.
        "AMAZON_RATE_LIMIT_SCALE": 100.0,
    }.items():
        setattr(settings, name, value)
        monkeypatch.setenv(name, str(value))


@pytest.fixture
def upload_worker(transactional_db, amazon, media, fast_polls, redis_client):
    """A real worker aimed at the simulator, polling feeds quickly."""
    amazon.control.set_rate_limit_scale(100.0)
    redis_client.flushdb()
    worker = Worker()
    yield worker
    worker.stop()
