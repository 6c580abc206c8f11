import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from marketplace import crypto, services
from marketplace.management.commands.connect_demo_amazon import sign_in_and_consent
from marketplace.models import RegistrationAttempt, Service
from marketplace.services import service_create
from marketplace.spapi import SpApiClient
from shops.access import SESSION_KEY
from shops.services import shop_create
from simulator.testing import DEFAULT_SELLER_EMAIL, DEFAULT_SELLER_ID

CALLBACK = reverse("marketplace:amazon_callback")
OTHER_SELLER = "AOTHERSELLER01"


@pytest.fixture
def service(shop) -> Service:
    return service_create(shop=shop, marketplace="amazon_us")


def start(client, service: Service) -> str:
    """Press "Register with Amazon"; returns the consent URL it leads to."""
    response = client.post(
        reverse("marketplace:amazon_register", args=[service.public_id])
    )
    assert response.status_code == 302
    return response.url


def consent(url: str, *, email: str = DEFAULT_SELLER_EMAIL, approve: bool = True):
    return sign_in_and_consent(url, email=email, password="simulator", approve=approve)


def come_back(client, params: dict):
    return client.get(CALLBACK, params, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def assert_unchanged(service: Service) -> None:
    before = (
        service.selling_partner_id,
        service.refresh_token_encrypted,
        service.registered_at,
    )
    service.refresh_from_db()
    assert (
        service.selling_partner_id,
        service.refresh_token_encrypted,
        service.registered_at,
    ) == before


def code_exchanges(amazon) -> int:
    counters = amazon.control.counters()["tokenRequests"]
    return counters.get("authorization_code", 0)


def test_the_consent_url_names_the_app_and_a_fresh_state(
    owner_client, service, amazon, settings
):
    url = start(owner_client, service)

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    attempt = RegistrationAttempt.objects.get(service=service)
    assert f"{parts.scheme}://{parts.netloc}" == amazon.url
    assert parts.path == "/apps/authorize/consent"
    assert query["application_id"] == settings.AMAZON_APP_ID
    assert "client_id" not in query
    assert "response_type" not in query
    assert query["version"] == "beta"
    assert query["redirect_uri"] == f"{settings.SITE_URL}/online/amazon/callback/"
    assert len(query["state"]) >= 40
    assert attempt.state_hash == RegistrationAttempt.hash_state(query["state"])
    assert query["state"] not in attempt.state_hash


@pytest.mark.parametrize(
    ("marketplace", "host"),
    [
        ("amazon_us", "https://sellercentral.amazon.com"),
        ("amazon_ca", "https://sellercentral.amazon.ca"),
        ("amazon_uk", "https://sellercentral-europe.amazon.com"),
    ],
)
def test_real_amazon_consent_is_on_each_marketplaces_seller_central(
    owner_client, shop, settings, marketplace, host
):
    settings.AMAZON_USE_SIMULATOR = False
    settings.AMAZON_APP_ID = "amzn1.sp.solution.real"
    settings.AMAZON_APP_IS_DRAFT = False
    service = service_create(shop=shop, marketplace=marketplace)

    url = start(owner_client, service)

    assert url.startswith(f"{host}/apps/authorize/consent?application_id=amzn1.sp.")
    assert "version=beta" not in url


def test_an_owner_registers_a_service_through_amazons_consent(
    owner_client, service, amazon, caplog
):
    caplog.set_level(logging.DEBUG)
    params = consent(start(owner_client, service))

    response = come_back(owner_client, params)

    service.refresh_from_db()
    refresh_token = crypto.decrypt(service.refresh_token_encrypted)
    assert service.selling_partner_id == DEFAULT_SELLER_ID
    assert service.registered_at is not None
    assert refresh_token.startswith("Atzr|")
    assert response.redirect_chain[0][0] == reverse("marketplace:online")
    assert messages_of(response) == [
        f"Amazon US is registered with Amazon seller {DEFAULT_SELLER_ID}."
    ]
    assert SpApiClient.for_service(service).get_marketplace_participations()
    # Leave out the requests this test makes as the seller's browser.
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("urllib3")
    )
    assert refresh_token not in logged
    assert params["spapi_oauth_code"] not in logged
    assert params["state"] not in logged


def test_the_callback_sends_no_referrer(owner_client, service, amazon):
    params = consent(start(owner_client, service))

    response = owner_client.get(CALLBACK, params)

    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_declined_consent_changes_nothing(owner_client, service, amazon):
    params = consent(start(owner_client, service), approve=False)

    response = come_back(owner_client, params)

    assert params["error"] == "access_denied"
    assert messages_of(response) == [services.REGISTRATION_DENIED]
    assert_unchanged(service)


def test_a_forged_state_changes_nothing(owner_client, service, amazon, settings):
    start(owner_client, service)
    granted = amazon.control.authorize(
        DEFAULT_SELLER_ID, redirect_uri=f"{settings.SITE_URL}{CALLBACK}"
    )

    response = come_back(owner_client, {**granted, "state": "made-up-by-an-attacker"})

    assert messages_of(response) == [services.REGISTRATION_STATE_UNKNOWN]
    assert code_exchanges(amazon) == 0
    assert_unchanged(service)


def test_a_missing_state_changes_nothing(owner_client, service, amazon):
    params = consent(start(owner_client, service))
    del params["state"]

    response = come_back(owner_client, params)

    assert messages_of(response) == [services.REGISTRATION_STATE_UNKNOWN]
    assert_unchanged(service)


def test_a_replayed_state_is_refused(owner_client, service, amazon):
    params = consent(start(owner_client, service))
    come_back(owner_client, params)
    service.refresh_from_db()

    replay = come_back(owner_client, params)

    assert messages_of(replay) == [services.REGISTRATION_STATE_USED]
    assert code_exchanges(amazon) == 1
    assert_unchanged(service)


def test_an_expired_state_is_refused(owner_client, service, amazon):
    params = consent(start(owner_client, service))

    with time_machine.travel(time.time() + 11 * 60):
        response = come_back(owner_client, params)

    assert messages_of(response) == [services.REGISTRATION_STATE_EXPIRED]
    assert code_exchanges(amazon) == 0
    assert_unchanged(service)


def test_another_persons_state_is_refused_and_left_for_its_owner(
    owner_client, staff_client, service, amazon
):
    params = consent(start(owner_client, service))

    stolen = come_back(staff_client, params)
    service.refresh_from_db()
    registered_by_staff = service.is_registered
    owners = come_back(owner_client, params)

    assert messages_of(stolen) == [services.REGISTRATION_STATE_ELSEWHERE]
    assert registered_by_staff is False
    assert messages_of(owners)[0].startswith("Amazon US is registered")


def test_a_state_of_another_shop_is_refused(owner, owner_client, service, amazon):
    second_shop = shop_create(name="Second Books", owner=owner, slug="second-books")
    params = consent(start(owner_client, service))
    session = owner_client.session
    session[SESSION_KEY] = second_shop.pk
    session.save()

    response = come_back(owner_client, params)

    assert messages_of(response) == [services.REGISTRATION_STATE_ELSEWHERE]
    assert_unchanged(service)


def test_a_callback_without_a_code_changes_nothing(owner_client, service, amazon):
    params = consent(start(owner_client, service))
    del params["spapi_oauth_code"]

    response = come_back(owner_client, params)

    assert messages_of(response) == [services.REGISTRATION_NO_CODE]
    assert_unchanged(service)


def test_a_code_amazon_refuses_changes_nothing(owner_client, service, amazon):
    params = consent(start(owner_client, service))
    params["spapi_oauth_code"] = "ANnot-a-real-code"

    response = come_back(owner_client, params)

    [message] = messages_of(response)
    assert message.startswith("Amazon refused the authorization code")
    assert "invalid grant parameter : code" in message
    assert_unchanged(service)


def test_a_seller_who_does_not_sell_there_is_refused(owner_client, service, amazon):
    amazon.control.add_seller(
        OTHER_SELLER,
        email="canada@example.com",
        marketplace_ids=["A2EUQ1WTGCTBG2"],
    )
    params = consent(start(owner_client, service), email="canada@example.com")

    response = come_back(owner_client, params)

    assert messages_of(response) == [
        services.REGISTRATION_NOT_PARTICIPATING.format(
            seller=OTHER_SELLER, marketplace="Amazon US"
        )
    ]
    assert_unchanged(service)


def test_a_service_is_registered_again_with_another_seller(
    owner_client, service, amazon
):
    amazon.control.add_seller(OTHER_SELLER, email="other@example.com")
    come_back(owner_client, consent(start(owner_client, service)))
    service.refresh_from_db()
    first_token = crypto.decrypt(service.refresh_token_encrypted)

    come_back(
        owner_client, consent(start(owner_client, service), email="other@example.com")
    )

    service.refresh_from_db()
    assert service.selling_partner_id == OTHER_SELLER
    assert crypto.decrypt(service.refresh_token_encrypted) != first_token


def test_a_failed_registration_keeps_the_previous_one(owner_client, service, amazon):
    come_back(owner_client, consent(start(owner_client, service)))
    service.refresh_from_db()

    come_back(owner_client, consent(start(owner_client, service), approve=False))

    assert_unchanged(service)
    assert service.is_registered


def test_disconnecting_forgets_the_seller_and_its_tokens(
    owner_client, service, amazon, redis_client
):
    come_back(owner_client, consent(start(owner_client, service)))

    response = owner_client.post(
        reverse("marketplace:amazon_disconnect", args=[service.public_id]),
        follow=True,
    )

    service.refresh_from_db()
    assert not service.is_registered
    assert service.selling_partner_id == ""
    assert service.refresh_token_encrypted == ""
    assert service.registered_at is None
    assert not list(redis_client.scan_iter(match=f"*{service.public_id}*"))
    assert "Not registered" in response.text


def test_an_amazon_outage_during_registration_changes_nothing(
    owner_client, service, amazon
):
    amazon.control.inject_fault("getMarketplaceParticipations", status=503, count=None)
    params = consent(start(owner_client, service))

    response = come_back(owner_client, params)

    assert messages_of(response) == [services.REGISTRATION_UNREACHABLE]
    assert_unchanged(service)
