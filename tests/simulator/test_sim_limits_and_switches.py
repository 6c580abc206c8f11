"""Rate limits, injected faults, delays, counters and persistence."""

import time

import requests

from simulator.testing import DEFAULT_SELLER_ID, running_simulator

US = "ATVPDKIKX0DER"
QUOTA_EXCEEDED = {
    "errors": [
        {
            "code": "QuotaExceeded",
            "message": "You exceeded your quota for the requested resource.",
        }
    ]
}


def create_feed_call(spapi):
    return spapi.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": "missing",
        },
    )


def test_create_feed_allows_a_burst_of_15_then_429(spapi, amazon):
    answers = [create_feed_call(spapi) for _ in range(16)]
    assert [a.status_code for a in answers[:15]] == [400] * 15
    throttled = answers[15]
    assert throttled.status_code == 429
    assert throttled.json() == QUOTA_EXCEEDED
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.0083"
    assert throttled.headers["x-amzn-RequestId"]
    assert amazon.control.counters()["throttled"] == {"createFeed": 1}

    amazon.control.advance_clock(121)  # 0.0083/s refills one token
    assert create_feed_call(spapi).status_code == 400
    assert create_feed_call(spapi).status_code == 429


def test_the_rate_limit_scale_speeds_up_refills(spapi, amazon):
    amazon.control.set_rate_limit_scale(1000)
    answers = [create_feed_call(spapi) for _ in range(15)]
    assert all(a.status_code == 400 for a in answers)
    assert answers[0].headers["x-amzn-RateLimit-Limit"] == "8.3"
    time.sleep(0.15)  # 8.3 tokens a second: at least one back
    assert create_feed_call(spapi).status_code == 400
    amazon.control.set_rate_limit_scale(None)
    assert all(create_feed_call(spapi).status_code == 400 for _ in range(30))


def test_injected_faults_answer_n_times(spapi, amazon):
    amazon.control.inject_fault("getFeeds", status=503, count=2)
    params = {"feedTypes": "JSON_LISTINGS_FEED"}
    statuses = [spapi.get("/feeds/2021-06-30/feeds", params=params) for _ in range(3)]
    assert [s.status_code for s in statuses] == [503, 503, 200]
    assert statuses[0].json()["errors"][0]["code"] == "ServiceUnavailable"
    amazon.control.inject_fault("*", status=500, count=1)
    other = spapi.get("/sellers/v1/marketplaceParticipations")
    assert other.status_code == 500
    assert other.json()["errors"][0]["code"] == "InternalFailure"
    assert spapi.get("/sellers/v1/marketplaceParticipations").status_code == 200


def test_a_fault_rate_and_clearing_faults(spapi, amazon):
    amazon.control.inject_fault("getFeeds", status=500, count=None, rate=1.0)
    params = {"feedTypes": "JSON_LISTINGS_FEED"}
    assert spapi.get("/feeds/2021-06-30/feeds", params=params).status_code == 500
    assert spapi.get("/feeds/2021-06-30/feeds", params=params).status_code == 500
    amazon.control.clear_faults()
    assert spapi.get("/feeds/2021-06-30/feeds", params=params).status_code == 200


def test_a_delay_slows_an_operation(spapi, amazon):
    amazon.control.set_delay("getMarketplaceParticipations", 0.2)
    started = time.monotonic()
    assert spapi.get("/sellers/v1/marketplaceParticipations").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_reset_restores_the_defaults(spapi, amazon):
    amazon.control.inject_fault("*", count=None)
    amazon.control.configure(gzipDocuments=True)
    amazon.control.reset()
    assert amazon.control.counters()["operations"] == {}
    assert amazon.control.configure()["gzipDocuments"] is False
    spapi.login(DEFAULT_SELLER_ID)
    assert spapi.get("/sellers/v1/marketplaceParticipations").status_code == 200


def test_unknown_paths_and_methods(amazon):
    assert requests.get(f"{amazon.url}/nothing/here", timeout=10).status_code == 404
    response = requests.put(f"{amazon.url}/feeds/2021-06-30/feeds", timeout=10)
    assert response.status_code == 405
    assert response.headers["x-amzn-RequestId"]


def test_a_data_file_keeps_sellers_tokens_and_listings(tmp_path):
    path = str(tmp_path / "simulator.sqlite3")
    with running_simulator(data_path=path) as first:
        first.control.add_seller("A4KEPT00000000", email="kept@example.com")
        tokens = first.control.authorize("A4KEPT00000000")
        first.control.seed_listings(
            "A4KEPT00000000", US, [{"sku": "K-1", "asin": "0140449132", "price": 5}]
        )
    with running_simulator(data_path=path) as second:
        refreshed = requests.post(
            f"{second.url}/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": "amzn1.application-oa2-client.shelfmark-dev",
                "client_secret": "shelfmark-dev-secret",
            },
            timeout=10,
        )
        assert refreshed.status_code == 200
        assert list(second.control.listings("A4KEPT00000000", US)) == ["K-1"]
