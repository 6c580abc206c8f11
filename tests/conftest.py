import os

import pytest
import redis
from django.test import Client

from shops.models import Membership, Shop, User
from shops.services import shop_create
from tests import services

PASSWORD = "correct horse battery staple"

_embedded_redis: services.EmbeddedRedis | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Give this test process a real Redis of its own.

    CI names a shared server in REDIS_URL; parallel processes then take one
    database each so their Celery queues never mix.
    """
    global _embedded_redis
    url = os.environ.get("REDIS_URL")
    if not url:
        _embedded_redis = services.EmbeddedRedis()
        url = _embedded_redis.url
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        url = f"{url.rsplit('/', 1)[0]}/{int(worker[2:]) + 1}"
    services.use_redis(url)
    # Hashing passwords properly is slow by design; tests need no such cost.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _embedded_redis is not None:
        _embedded_redis.stop()


@pytest.fixture
def redis_client():
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def make_user(email: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD)


@pytest.fixture
def owner(db) -> User:
    return make_user("owner@oldbooks.example")


@pytest.fixture
def shop(owner) -> Shop:
    return shop_create(name="Old Books", owner=owner, slug="old-books")


@pytest.fixture
def staff(shop) -> User:
    user = make_user("staff@oldbooks.example")
    Membership.objects.create(shop=shop, user=user, role=Membership.Role.STAFF)
    return user


@pytest.fixture
def reader(shop) -> User:
    user = make_user("reader@oldbooks.example")
    Membership.objects.create(shop=shop, user=user, role=Membership.Role.READ_ONLY)
    return user


@pytest.fixture
def stranger(db) -> User:
    """The owner of another shop, who must never see Old Books' data."""
    user = make_user("stranger@rivalbooks.example")
    shop_create(name="Rival Books", owner=user, slug="rival-books")
    return user


@pytest.fixture
def other_shop(stranger) -> Shop:
    return Shop.objects.get(slug="rival-books")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner, shop) -> Client:
    return client_for(owner)


@pytest.fixture
def staff_client(staff) -> Client:
    return client_for(staff)


@pytest.fixture
def reader_client(reader) -> Client:
    return client_for(reader)


@pytest.fixture
def stranger_client(stranger) -> Client:
    return client_for(stranger)


@pytest.fixture
def celery_worker(transactional_db, redis_client):
    """A real Celery worker process; tests using it see committed data only."""
    redis_client.flushdb()
    worker = services.Worker()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def simulator():
    """One Amazon simulator per test process, on a free loopback port."""
    from simulator.testing import running_simulator

    with running_simulator() as amazon:
        yield amazon


@pytest.fixture
def amazon(simulator, settings, redis_client, monkeypatch):
    """The simulator, reset, with Shelfmark's Amazon settings aimed at it."""
    from simulator.testing import (
        DEFAULT_APPLICATION_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
    )

    simulator.control.reset()
    settings.AMAZON_USE_SIMULATOR = True
    settings.AMAZON_SIMULATOR_URL = simulator.url
    settings.AMAZON_APP_ID = DEFAULT_APPLICATION_ID
    settings.AMAZON_LWA_CLIENT_ID = DEFAULT_CLIENT_ID
    settings.AMAZON_LWA_CLIENT_SECRET = DEFAULT_CLIENT_SECRET
    settings.AMAZON_APP_IS_DRAFT = True
    settings.AMAZON_RATE_LIMIT_SCALE = 1.0
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("AMAZON_SIMULATOR_URL", simulator.url)
    for key in redis_client.scan_iter(match="shelfmark:amazon:*"):
        redis_client.delete(key)
    return simulator


def register_service(shop: Shop, amazon, marketplace: str = "amazon_us"):
    """A service of ``shop`` registered with the simulator's demo seller."""
    from django.utils import timezone

    from marketplace import crypto
    from marketplace.models import Service
    from simulator.testing import DEFAULT_SELLER_ID

    grant = amazon.control.authorize(DEFAULT_SELLER_ID)
    service, _ = Service.objects.get_or_create(shop=shop, marketplace=marketplace)
    service.selling_partner_id = DEFAULT_SELLER_ID
    service.refresh_token_encrypted = crypto.encrypt(grant["refresh_token"])
    service.registered_at = timezone.now()
    service.save()
    return service


@pytest.fixture
def amazon_us(shop, amazon):
    """Old Books' Amazon US service, registered with the simulator."""
    return register_service(shop, amazon)
