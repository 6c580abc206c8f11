import pytest

from simulator.testing import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    running_simulator,
)


@pytest.fixture(scope="session")
def simulator():
    """One Amazon simulator for the whole run, on a free loopback port."""
    with running_simulator() as amazon:
        yield amazon


@pytest.fixture
def amazon(simulator, settings, redis_client, monkeypatch):
    """The simulator, reset, with Shelfmark's Amazon settings aimed at it."""
    simulator.control.reset()
    settings.AMAZON_USE_SIMULATOR = True
    settings.AMAZON_SIMULATOR_URL = simulator.url
    settings.AMAZON_APP_ID = DEFAULT_APPLICATION_ID
    settings.AMAZON_LWA_CLIENT_ID = DEFAULT_CLIENT_ID
    settings.AMAZON_LWA_CLIENT_SECRET = DEFAULT_CLIENT_SECRET
    settings.AMAZON_APP_IS_DRAFT = True
    settings.AMAZON_RATE_LIMIT_SCALE = 1.0
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    for key in redis_client.scan_iter(match="shelfmark:amazon:*"):
        redis_client.delete(key)
    return simulator
