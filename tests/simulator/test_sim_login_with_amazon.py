"""Login with Amazon: consent page, code exchange, refresh, token expiry."""

from urllib.parse import parse_qs, urlsplit

import requests

from simulator.testing import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SELLER_EMAIL,
    DEFAULT_SELLER_ID,
    DEFAULT_SELLER_PASSWORD,
)

REDIRECT_URI = "http://127.0.0.1:8000/amazon/callback"
CONSENT_PARAMS = {
    "application_id": DEFAULT_APPLICATION_ID,
    "state": "csrf-123",
    "version": "beta",
    "redirect_uri": REDIRECT_URI,
}


def confirm(amazon, **changes):
    form = {
        **CONSENT_PARAMS,
        "email": DEFAULT_SELLER_EMAIL,
        "password": DEFAULT_SELLER_PASSWORD,
        "action": "confirm",
        **changes,
    }
    return requests.post(
        f"{amazon.url}/apps/authorize/consent",
        data=form,
        allow_redirects=False,
        timeout=10,
    )


def redirect_params(response):
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    return {
        key: values[0] for key, values in parse_qs(urlsplit(location).query).items()
    }


def exchange(amazon, code, **changes):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        **changes,
    }
    return requests.post(f"{amazon.url}/auth/o2/token", data=form, timeout=10)


def refresh(amazon, refresh_token, **changes):
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        **changes,
    }
    return requests.post(f"{amazon.url}/auth/o2/token", data=form, timeout=10)


def authorization_code(amazon):
    return redirect_params(confirm(amazon))["spapi_oauth_code"]


def test_it_shows_the_consent_page(amazon):
    response = requests.get(
        f"{amazon.url}/apps/authorize/consent", params=CONSENT_PARAMS, timeout=10
    )
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert 'name="password"' in response.text
    assert 'value="confirm"' in response.text and 'value="cancel"' in response.text


def test_it_refuses_an_unknown_application_without_redirecting(amazon):
    params = {**CONSENT_PARAMS, "application_id": "amzn1.sp.solution.unknown"}
    response = requests.get(
        f"{amazon.url}/apps/authorize/consent",
        params=params,
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "not registered" in response.text


def test_it_refuses_an_unregistered_redirect_uri(amazon):
    params = {**CONSENT_PARAMS, "redirect_uri": "https://evil.example/callback"}
    response = requests.get(
        f"{amazon.url}/apps/authorize/consent",
        params=params,
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_a_draft_application_needs_version_beta(amazon):
    params = {key: v for key, v in CONSENT_PARAMS.items() if key != "version"}
    response = requests.get(
        f"{amazon.url}/apps/authorize/consent", params=params, timeout=10
    )
    assert response.status_code == 400
    assert "version=beta" in response.text


def test_confirm_redirects_with_code_state_and_seller(amazon):
    params = redirect_params(confirm(amazon))
    assert params["state"] == "csrf-123"
    assert params["selling_partner_id"] == DEFAULT_SELLER_ID
    assert params["spapi_oauth_code"]


def test_a_wrong_password_shows_the_form_again(amazon):
    response = confirm(amazon, password="wrong")
    assert response.status_code == 200
    assert "incorrect" in response.text


def test_cancel_redirects_with_access_denied(amazon):
    params = redirect_params(confirm(amazon, action="cancel"))
    assert params["error"] == "access_denied"
    assert params["error_description"]
    assert params["state"] == "csrf-123"
    assert "spapi_oauth_code" not in params


def test_the_code_exchanges_once_for_tokens(amazon):
    code = authorization_code(amazon)
    first = exchange(amazon, code)
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["access_token"].startswith("Atza|")
    assert tokens["refresh_token"].startswith("Atzr|")
    second = exchange(amazon, code)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_the_code_expires_after_five_minutes(amazon):
    code = authorization_code(amazon)
    amazon.control.advance_clock(301)
    response = exchange(amazon, code)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code has expired.",
    }


def test_the_code_needs_the_same_redirect_uri(amazon):
    code = authorization_code(amazon)
    response = exchange(amazon, code, redirect_uri="http://127.0.0.1:9999/other")
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(amazon):
    response = exchange(amazon, authorization_code(amazon), client_secret="nope")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_token_request_errors(amazon):
    unsupported = exchange(amazon, "x", grant_type="password")
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    missing = exchange(amazon, "")
    assert missing.json()["error"] == "invalid_request"
    as_json = requests.post(
        f"{amazon.url}/auth/o2/token",
        json={"grant_type": "refresh_token"},
        timeout=10,
    )
    assert as_json.status_code == 400
    assert as_json.json()["error"] == "invalid_request"


def test_refresh_gives_a_working_access_token(amazon):
    tokens = exchange(amazon, authorization_code(amazon)).json()
    amazon.control.advance_clock(3600)
    expired = requests.get(
        f"{amazon.url}/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED"},
        headers={"x-amz-access-token": tokens["access_token"]},
        timeout=10,
    )
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["code"] == "Unauthorized"
    assert "expired" in expired.json()["errors"][0]["details"]

    refreshed = refresh(amazon, tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] == tokens["refresh_token"]
    response = requests.get(
        f"{amazon.url}/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": refreshed.json()["access_token"]},
        timeout=10,
    )
    assert response.status_code == 200


def test_an_unknown_or_revoked_refresh_token_is_invalid_grant(amazon):
    assert refresh(amazon, "Atzr|made-up").json()["error"] == "invalid_grant"
    tokens = amazon.control.authorize(DEFAULT_SELLER_ID)
    amazon.control.revoke_authorization(DEFAULT_SELLER_ID)
    response = refresh(amazon, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_missing_and_invalid_access_tokens_are_refused(spapi):
    spapi.session.headers.pop("x-amz-access-token")
    missing = spapi.get("/sellers/v1/marketplaceParticipations")
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["code"] == "Unauthorized"
    spapi.session.headers["x-amz-access-token"] = "Atza|forged"
    forged = spapi.get("/feeds/2021-06-30/feeds", params={"feedTypes": "X"})
    assert forged.status_code == 403


def test_an_expired_token_on_an_operation_without_401_gets_403(spapi, amazon):
    amazon.control.expire_access_tokens()
    response = spapi.post(
        "/feeds/2021-06-30/documents", json={"contentType": "application/json"}
    )
    assert response.status_code == 403
    assert "expired" in response.json()["errors"][0]["details"]


def test_sellers_api_lists_marketplace_participations(spapi):
    response = spapi.get("/sellers/v1/marketplaceParticipations")
    assert response.status_code == 200
    countries = [p["marketplace"]["countryCode"] for p in response.json()["payload"]]
    assert countries == ["US", "CA", "GB"]
