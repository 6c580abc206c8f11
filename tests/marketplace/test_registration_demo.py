from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from marketplace import crypto
from marketplace.models import Service
from marketplace.spapi import SpApiClient
from shops.services import shop_create
from simulator.testing import DEFAULT_SELLER_ID


@pytest.fixture
def demo(owner):
    return shop_create(name="Demo Books", owner=owner, slug="demo")


def connect(*args: str) -> str:
    out = StringIO()
    call_command("connect_demo_amazon", *args, stdout=out)
    return out.getvalue()


def test_it_registers_the_demo_shop_through_the_consent_page(demo, amazon):
    output = connect("--shop", "demo")

    service = Service.objects.get(shop=demo, marketplace="amazon_us")
    assert f"registered with Amazon seller {DEFAULT_SELLER_ID}" in output
    assert service.selling_partner_id == DEFAULT_SELLER_ID
    assert crypto.decrypt(service.refresh_token_encrypted).startswith("Atzr|")
    assert SpApiClient.for_service(service).get_marketplace_participations()
    assert amazon.control.counters()["tokenRequests"]["authorization_code"] == 1


def test_a_second_run_says_the_shop_is_already_registered(demo, amazon):
    connect("--shop", "demo")

    output = connect("--shop", "demo")

    assert "already registered with Amazon seller" in output
    assert amazon.control.counters()["tokenRequests"]["authorization_code"] == 1
    assert Service.objects.filter(shop=demo).count() == 1


def test_it_names_a_missing_shop(db, amazon):
    with pytest.raises(CommandError, match="No shop with the slug 'nowhere'"):
        connect("--shop", "nowhere")


def test_it_says_when_the_simulator_is_not_running(demo, amazon, settings):
    settings.AMAZON_SIMULATOR_URL = "http://127.0.0.1:9"

    with pytest.raises(CommandError, match="start the simulator"):
        connect("--shop", "demo")

    assert not Service.objects.get(shop=demo).is_registered


def test_it_refuses_to_run_against_real_amazon(demo, settings):
    settings.AMAZON_USE_SIMULATOR = False

    with pytest.raises(CommandError, match="AMAZON_USE_SIMULATOR is off"):
        connect("--shop", "demo")
