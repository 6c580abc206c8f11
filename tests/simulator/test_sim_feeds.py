"""Feeds API: documents, presigned uploads, feed lifecycle and listing."""

import gzip
import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from simulator.testing import DEFAULT_SELLER_ID

US = "ATVPDKIKX0DER"
UK = "A1F83G8C2ARO7P"
RETIRED_TYPES = [
    "POST_FLAT_FILE_INVLOADER_DATA",
    "POST_FLAT_FILE_BOOKLOADER_DATA",
    "POST_FLAT_FILE_LISTINGS_DATA",
    "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
    "POST_UIEE_BOOKLOADER_DATA",
    "POST_PRODUCT_DATA",
]
TSV = "text/tab-separated-values; charset=UTF-8"


def new_document(spapi, content_type=TSV):
    response = spapi.post(
        "/feeds/2021-06-30/documents", json={"contentType": content_type}
    )
    assert response.status_code == 201
    return response.json()


def poll_until(spapi, feed_id, status, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        feed = spapi.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
        if feed["processingStatus"] == status or time.monotonic() > deadline:
            assert feed["processingStatus"] == status
            return feed
        time.sleep(0.02)


def test_an_upload_needs_the_declared_content_type(spapi, amazon):
    document = new_document(spapi)
    wrong = requests.put(
        document["url"], data=b"sku\n", headers={"Content-Type": "text/plain"}
    )
    assert wrong.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in wrong.text
    right = requests.put(document["url"], data=b"sku\n", headers={"Content-Type": TSV})
    assert right.status_code == 200
    assert amazon.control.document(document["feedDocumentId"]) == b"sku\n"
    assert amazon.control.counters()["documentsUploaded"] == 1


def test_an_upload_url_expires_after_five_minutes(spapi, amazon):
    document = new_document(spapi)
    amazon.control.advance_clock(301)
    response = requests.put(
        document["url"], data=b"x", headers={"Content-Type": TSV}, timeout=10
    )
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text


def test_a_tampered_upload_url_is_refused(spapi):
    document = new_document(spapi)
    parts = urlsplit(document["url"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["X-Amz-Expires"] = "86400"
    url = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
    response = requests.put(url, data=b"x", headers={"Content-Type": TSV}, timeout=10)
    assert response.status_code == 403


def test_create_feed_document_needs_a_content_type(spapi):
    assert spapi.post("/feeds/2021-06-30/documents", json={}).status_code == 400
    response = spapi.post(
        "/feeds/2021-06-30/documents",
        data="contentType=text/plain",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415


def test_a_feed_goes_from_in_queue_to_in_progress_to_done(spapi, amazon):
    amazon.control.stall_feeds("IN_QUEUE")
    feed_id = spapi.create_feed(b"{}")
    feed = spapi.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "IN_QUEUE"
    assert feed["feedType"] == "JSON_LISTINGS_FEED"
    assert feed["marketplaceIds"] == [US]
    assert feed["createdTime"].endswith("Z")

    amazon.control.stall_feeds("IN_PROGRESS")
    started = poll_until(spapi, feed_id, "IN_PROGRESS")
    assert "processingStartTime" in started
    assert "processingEndTime" not in started

    amazon.control.release_feeds()
    done = spapi.wait_for_feed(feed_id)
    assert done["processingStatus"] == "FATAL"  # "{}" is no listings feed
    assert "processingEndTime" in done
    assert done["resultFeedDocumentId"]


def test_only_a_queued_feed_can_be_cancelled(spapi, amazon):
    amazon.control.stall_feeds("IN_QUEUE")
    feed_id = spapi.create_feed(b"{}")
    assert spapi.delete(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 200
    feed = spapi.get(f"/feeds/2021-06-30/feeds/{feed_id}").json()
    assert feed["processingStatus"] == "CANCELLED"
    again = spapi.delete(f"/feeds/2021-06-30/feeds/{feed_id}")
    assert again.status_code == 400
    assert spapi.delete("/feeds/2021-06-30/feeds/1").status_code == 404


@pytest.mark.parametrize("feed_type", RETIRED_TYPES)
def test_flat_file_and_xml_feeds_end_fatal(spapi, feed_type):
    feed_id = spapi.create_feed(
        b"sku\tprice\tquantity\nA-1\t5.00\t1\n",
        feed_type=feed_type,
        content_type=TSV,
    )
    feed = spapi.wait_for_feed(feed_id)
    assert feed["processingStatus"] == "FATAL"
    assert "resultFeedDocumentId" not in feed


def test_force_fatal_ends_the_next_feed_fatal(spapi, amazon, make_feed, make_offer):
    amazon.control.force_fatal(1)
    document = json.dumps(make_feed(make_offer("A-1"))).encode()
    first = spapi.wait_for_feed(spapi.create_feed(document))
    second = spapi.wait_for_feed(spapi.create_feed(document))
    assert first["processingStatus"] == "FATAL"
    assert second["processingStatus"] == "DONE"


def test_a_feed_whose_document_was_never_uploaded_ends_fatal(spapi):
    document = new_document(spapi, "application/json")
    response = spapi.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    )
    feed = spapi.wait_for_feed(response.json()["feedId"])
    assert feed["processingStatus"] == "FATAL"
    report = spapi.processing_report(feed)
    assert "never uploaded" in report["issues"][0]["message"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"marketplaceIds": [US]}, "required"),
        (
            {"feedType": "POST_NOTHING", "marketplaceIds": [US]},
            "Invalid feedType",
        ),
        ({"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": []}, "marketplaceIds"),
        (
            {"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": ["XXXX"]},
            "Invalid marketplaceId",
        ),
    ],
)
def test_create_feed_rejects_bad_input(spapi, body, detail):
    document_id = spapi.upload(b"{}")
    response = spapi.post(
        "/feeds/2021-06-30/feeds", json={"inputFeedDocumentId": document_id, **body}
    )
    assert response.status_code == 400
    assert detail in response.json()["errors"][0]["details"]


def test_create_feed_rejects_a_marketplace_the_seller_is_not_in(spapi, amazon):
    amazon.control.add_seller(
        "A2US0NLY000000", email="us@example.com", marketplace_ids=[US]
    )
    spapi.login("A2US0NLY000000")
    document_id = spapi.upload(b"{}")
    response = spapi.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [UK],
            "inputFeedDocumentId": document_id,
        },
    )
    assert response.status_code == 400
    assert "does not participate" in response.json()["errors"][0]["details"]


def test_a_seller_cannot_see_another_sellers_feed(spapi, amazon):
    feed_id = spapi.create_feed(b"{}")
    amazon.control.add_seller("A3OTHER0000000", email="other@example.com")
    spapi.login("A3OTHER0000000")
    assert spapi.get(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 404


def test_get_feeds_filters_and_pages(spapi, amazon):
    amazon.control.stall_feeds("IN_QUEUE")
    created = [spapi.create_feed(b"{}") for _ in range(5)]
    first = spapi.get(
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED", "pageSize": 2},
    ).json()
    assert [f["feedId"] for f in first["feeds"]] == created[::-1][:2]
    second = spapi.get(
        "/feeds/2021-06-30/feeds", params={"nextToken": first["nextToken"]}
    ).json()
    third = spapi.get(
        "/feeds/2021-06-30/feeds", params={"nextToken": second["nextToken"]}
    ).json()
    pages = first["feeds"] + second["feeds"] + third["feeds"]
    assert [f["feedId"] for f in pages] == created[::-1]
    assert "nextToken" not in third

    done = spapi.get(
        "/feeds/2021-06-30/feeds",
        params={"feedTypes": "JSON_LISTINGS_FEED", "processingStatuses": "DONE"},
    ).json()
    assert done == {"feeds": []}


def test_get_feeds_rejects_bad_parameters(spapi):
    assert spapi.get("/feeds/2021-06-30/feeds").status_code == 400
    mixed = spapi.get(
        "/feeds/2021-06-30/feeds",
        params={"nextToken": "abc", "feedTypes": "JSON_LISTINGS_FEED"},
    )
    assert mixed.status_code == 400
    for params in (
        {"pageSize": "101"},
        {"processingStatuses": "WAITING"},
        {"createdSince": "yesterday"},
    ):
        response = spapi.get(
            "/feeds/2021-06-30/feeds",
            params={"feedTypes": "JSON_LISTINGS_FEED", **params},
        )
        assert response.status_code == 400, params


def test_result_documents_can_be_gzipped(spapi, amazon, make_feed, make_offer):
    amazon.control.configure(gzipDocuments=True)
    feed = spapi.wait_for_feed(
        spapi.create_feed(json.dumps(make_feed(make_offer("A-1"))).encode())
    )
    path = f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    document = spapi.get(path).json()
    assert document["compressionAlgorithm"] == "GZIP"
    raw = requests.get(document["url"], timeout=10)
    report = json.loads(gzip.decompress(raw.content))
    assert report["summary"]["messagesAccepted"] == 1

    encoded = spapi.get(path, params={"enableContentEncodingUrlHeader": "true"}).json()
    download = requests.get(encoded["url"], timeout=10)
    assert download.headers["Content-Encoding"] == "gzip"
    assert download.json() == report


def test_a_download_url_expires_after_five_minutes(
    spapi, amazon, make_feed, make_offer
):
    feed = spapi.wait_for_feed(
        spapi.create_feed(json.dumps(make_feed(make_offer("A-1"))).encode())
    )
    document = spapi.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    amazon.control.advance_clock(301)
    assert requests.get(document["url"], timeout=10).status_code == 403


def test_feeds_are_counted_per_seller(spapi, amazon):
    spapi.create_feed(b"{}")
    spapi.create_feed(b"{}")
    counters = amazon.control.counters()
    assert counters["feedsBySeller"] == {DEFAULT_SELLER_ID: 2}
    assert counters["operations"]["createFeed"] == 2
    assert counters["operations"]["createFeedDocument"] == 2
