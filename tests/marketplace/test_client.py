import gzip
import json
import time

import pytest
import requests
import time_machine

from marketplace.spapi import (
    AmazonError,
    InvalidInput,
    NotFound,
    QuotaExceeded,
    ServerError,
    SpApiClient,
    TokenExchangeFailed,
    Unauthorized,
)
from marketplace.spapi.errors import error_from_response
from marketplace.spapi.ratelimit import RateLimiter
from simulator.testing import DEFAULT_SELLER_ID

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
UK = "A1F83G8C2ARO7P"
TSV = "text/tab-separated-values; charset=UTF-8"


def listings_feed(sku: str = "SKU-1") -> bytes:
    return json.dumps(
        {
            "header": {"sellerId": DEFAULT_SELLER_ID, "version": "2.0"},
            "messages": [{"messageId": 1, "sku": sku, "operationType": "DELETE"}],
        }
    ).encode()


def make_client(amazon, **options) -> SpApiClient:
    grant = amazon.control.authorize(DEFAULT_SELLER_ID)
    options.setdefault("backoff", 0.01)
    return SpApiClient(
        region="NA",
        selling_partner_id=DEFAULT_SELLER_ID,
        refresh_token=grant["refresh_token"],
        token_owner="test-service",
        **options,
    )


@pytest.fixture
def client(amazon):
    with make_client(amazon) as client:
        yield client


def drain(amazon, operation_path: str, times: int = 15) -> None:
    """Use up the seller's quota, as another program of theirs would."""
    token = amazon.control.authorize(DEFAULT_SELLER_ID)["access_token"]
    for _ in range(times):
        requests.post(
            f"{amazon.url}{operation_path}",
            json={"contentType": TSV},
            headers={"x-amz-access-token": token},
            timeout=5,
        )


def token_requests(amazon) -> int:
    return amazon.control.counters()["tokenRequests"].get("refresh_token", 0)


def test_it_lists_the_sellers_marketplaces(client):
    participations = client.get_marketplace_participations()

    assert {item.marketplace_id for item in participations} == {US, CA, UK}
    assert all(item.is_participating for item in participations)
    assert participations[0].store_name == "Demo Books"


def test_it_submits_a_feed_and_reads_its_processing_report(client, amazon):
    upload = client.create_feed_document("application/json; charset=UTF-8")
    client.upload_feed_document(
        upload, listings_feed(), "application/json; charset=UTF-8"
    )
    feed_id = client.create_feed(
        feed_type="JSON_LISTINGS_FEED",
        marketplace_ids=[US],
        input_feed_document_id=upload.feed_document_id,
    )
    amazon.control.wait_for_feeds()

    feed = client.get_feed(feed_id)
    document = client.get_feed_document(feed.result_feed_document_id)
    report = json.loads(client.download_document(document).text)

    assert feed.processing_status == "DONE"
    assert feed.is_finished
    assert feed.marketplace_ids == [US]
    assert report["header"]["feedId"] == feed_id
    assert amazon.control.document(upload.feed_document_id) == listings_feed()


def test_an_upload_must_carry_the_declared_content_type(client):
    upload = client.create_feed_document(TSV)

    with pytest.raises(AmazonError) as refused:
        client.upload_feed_document(upload, b"sku\tprice\n", "text/plain")

    assert refused.value.code == "SignatureDoesNotMatch"
    assert refused.value.status == 403


def test_it_gunzips_compressed_documents(client, amazon):
    amazon.control.configure(gzipDocuments=True)
    upload = client.create_feed_document("application/json")
    client.upload_feed_document(upload, listings_feed(), "application/json")
    feed_id = client.create_feed(
        feed_type="JSON_LISTINGS_FEED",
        marketplace_ids=[US],
        input_feed_document_id=upload.feed_document_id,
    )
    amazon.control.wait_for_feeds()

    document = client.get_feed_document(
        client.get_feed(feed_id).result_feed_document_id
    )
    content = client.download_document(document)

    assert document.compression_algorithm == "GZIP"
    assert json.loads(content.text)["header"]["feedId"] == feed_id
    assert not content.data.startswith(gzip.compress(b"")[:2])


def test_it_reads_a_report_in_the_charset_amazon_names(client, amazon):
    amazon.control.seed_listings(
        DEFAULT_SELLER_ID,
        US,
        [
            {
                "sku": "CAFE-1",
                "asin": "0140449132",
                "price": 12.5,
                "quantity": 1,
                "itemName": "Le Café de Flore",
            }
        ],
    )
    report_id = client.create_report(
        report_type="GET_MERCHANT_LISTINGS_ALL_DATA", marketplace_ids=[US]
    )
    report = client.get_report(report_id)
    for _ in range(200):
        if report.is_finished:
            break
        report = client.get_report(report_id)

    document = client.get_report_document(report.report_document_id)
    content = client.download_document(document)

    assert report.processing_status == "DONE"
    assert content.charset == "cp1252"
    assert "Le Café de Flore" in content.text
    assert "CAFE-1" in content.text


def test_it_lists_and_cancels_feeds(client, amazon):
    amazon.control.stall_feeds("IN_QUEUE")
    upload = client.create_feed_document("application/json")
    client.upload_feed_document(upload, listings_feed(), "application/json")
    feed_id = client.create_feed(
        feed_type="JSON_LISTINGS_FEED",
        marketplace_ids=[US],
        input_feed_document_id=upload.feed_document_id,
    )

    client.cancel_feed(feed_id)
    page = client.get_feeds(feed_types=["JSON_LISTINGS_FEED"], page_size=10)

    assert [feed.feed_id for feed in page.feeds] == [feed_id]
    assert page.feeds[0].processing_status == "CANCELLED"
    assert page.next_token is None


def test_it_fetches_an_access_token_once_for_every_worker(amazon):
    with make_client(amazon) as first:
        first.get_feeds(feed_types=["JSON_LISTINGS_FEED"])
        refresh_token = first.tokens.refresh_token
    # Another process: same service and refresh token, a fresh client.
    second = SpApiClient(
        region="NA",
        selling_partner_id=DEFAULT_SELLER_ID,
        refresh_token=refresh_token,
        token_owner="test-service",
    )
    second.get_marketplace_participations()

    assert token_requests(amazon) == 1


def test_it_refreshes_an_access_token_amazon_no_longer_accepts(client, amazon):
    client.get_marketplace_participations()
    amazon.control.expire_access_tokens()

    participations = client.get_marketplace_participations()

    assert participations
    assert token_requests(amazon) == 2


def test_it_refreshes_an_access_token_before_it_expires(client, amazon):
    client.get_marketplace_participations()

    with time_machine.travel(time.time() + 3500, tick=True):
        client.get_feeds(feed_types=["JSON_LISTINGS_FEED"])

    assert token_requests(amazon) == 2
    # The expired token was never sent.
    assert amazon.control.counters()["operations"]["getFeeds"] == 1


def test_a_revoked_authorization_fails_with_lwas_error(client, amazon):
    client.get_marketplace_participations()
    amazon.control.revoke_authorization(DEFAULT_SELLER_ID)

    with pytest.raises(TokenExchangeFailed) as refused:
        client.get_marketplace_participations()

    assert refused.value.error == "invalid_grant"
    assert "refresh_token" in refused.value.description


def test_amazons_reasons_come_with_invalid_input(client):
    upload = client.create_feed_document("application/json")

    with pytest.raises(InvalidInput) as refused:
        client.create_feed(
            feed_type="NO_SUCH_FEED",
            marketplace_ids=[US],
            input_feed_document_id=upload.feed_document_id,
        )

    assert refused.value.status == 400
    assert refused.value.errors[0]["code"] == "InvalidInput"
    assert "NO_SUCH_FEED" in refused.value.errors[0]["details"]


def test_an_unknown_feed_is_not_found(client):
    with pytest.raises(NotFound):
        client.get_feed("123")


def test_it_retries_server_errors(client, amazon):
    amazon.control.inject_fault("createFeedDocument", status=503, count=2)

    upload = client.create_feed_document(TSV)

    assert upload.feed_document_id
    counters = amazon.control.counters()
    assert counters["faults"]["createFeedDocument"] == 2
    assert counters["operations"]["createFeedDocument"] == 3


def test_it_gives_up_on_lasting_server_errors(amazon):
    amazon.control.inject_fault("createFeedDocument", status=500, count=None)

    with (
        make_client(amazon, max_retries=2) as client,
        pytest.raises(ServerError) as failed,
    ):
        client.create_feed_document(TSV)

    assert failed.value.status == 500
    assert amazon.control.counters()["operations"]["createFeedDocument"] == 3


def test_it_backs_off_when_throttled_and_then_succeeds(client, amazon):
    amazon.control.set_rate_limit_scale(10)  # createFeedDocument: 5/s
    drain(amazon, "/feeds/2021-06-30/documents")

    upload = client.create_feed_document(TSV)

    assert upload.feed_document_id
    counters = amazon.control.counters()
    assert counters["throttled"]["createFeedDocument"] >= 1
    assert counters["operations"]["createFeedDocument"] >= 15 + 2


def test_an_exhausted_retry_budget_raises_quota_exceeded(amazon):
    amazon.control.set_rate_limit_scale(0.01)  # createFeedDocument: 1 per 200 s
    drain(amazon, "/feeds/2021-06-30/documents")
    waits = []

    with (
        make_client(amazon, max_retries=3, max_wait=3600, sleep=waits.append) as client,
        pytest.raises(QuotaExceeded) as throttled,
    ):
        client.create_feed_document(TSV)

    counters = amazon.control.counters()
    assert counters["throttled"]["createFeedDocument"] == 4
    assert throttled.value.retry_after == pytest.approx(200, rel=0.05)
    # Each retry waited for its turn within the rate Amazon reported.
    assert [round(wait, -1) for wait in waits if wait > 1] == [200, 400, 600]


def test_it_waits_no_longer_than_allowed(amazon):
    amazon.control.set_rate_limit_scale(0.001)
    drain(amazon, "/feeds/2021-06-30/documents")

    with (
        make_client(amazon, max_wait=60, sleep=lambda seconds: None) as client,
        pytest.raises(QuotaExceeded) as throttled,
    ):
        client.create_feed_document(TSV)

    assert throttled.value.retry_after > 60
    assert amazon.control.counters()["throttled"]["createFeedDocument"] == 1


def test_workers_share_one_bucket_per_operation(redis_client):
    redis_client.delete("shelfmark:amazon:bucket:NA:SHARED:createFeed")
    web = RateLimiter(redis_client, caller="NA:SHARED")
    worker = RateLimiter(redis_client, caller="NA:SHARED")

    waits = [web.reserve("createFeed", max_wait=1000) for _ in range(8)]
    waits += [worker.reserve("createFeed", max_wait=1000) for _ in range(8)]

    assert waits[:15] == [0.0] * 15
    assert waits[15] == pytest.approx(1 / 0.0083, rel=0.01)
    with pytest.raises(QuotaExceeded):
        web.reserve("createFeed", max_wait=10)


def test_it_honours_a_lower_rate_amazon_reports(redis_client):
    redis_client.delete("shelfmark:amazon:observed:NA:LOW:getFeed")
    limiter = RateLimiter(redis_client, caller="NA:LOW")

    limiter.observe("getFeed", "0.5")
    lowered = limiter.rate("getFeed")
    limiter.observe("getFeed", "5")

    assert lowered == 0.5
    assert limiter.rate("getFeed") == 2.0


def test_the_rate_scale_setting_speeds_up_every_operation(redis_client):
    limiter = RateLimiter(redis_client, caller="NA:FAST", scale=100)

    assert limiter.rate("createFeed") == pytest.approx(0.83)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, InvalidInput),
        (401, Unauthorized),
        (403, Unauthorized),
        (404, NotFound),
        (429, QuotaExceeded),
        (503, ServerError),
    ],
)
def test_each_error_answer_has_its_own_exception(status, error):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(
        {"errors": [{"code": "Code", "message": "Said Amazon", "details": "why"}]}
    ).encode()

    raised = error_from_response(response, retry_after=3)

    assert type(raised) is error
    assert raised.message == "Said Amazon: why"
    assert raised.errors == [
        {"code": "Code", "message": "Said Amazon", "details": "why"}
    ]
