"""Reports API: the All Listings Report of a seller's listings."""

import time

import requests

from simulator.listings_report import COLUMNS
from simulator.testing import DEFAULT_SELLER_ID

US = "ATVPDKIKX0DER"
UK = "A1F83G8C2ARO7P"
REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"


def fetch_report(spapi, marketplace_id=US):
    created = spapi.post(
        "/reports/2021-06-30/reports",
        json={"reportType": REPORT_TYPE, "marketplaceIds": [marketplace_id]},
    )
    assert created.status_code == 202
    report_id = created.json()["reportId"]
    deadline = time.monotonic() + 5
    while True:
        report = spapi.get(f"/reports/2021-06-30/reports/{report_id}").json()
        if report["processingStatus"] == "DONE":
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    document = spapi.get(
        f"/reports/2021-06-30/documents/{report['reportDocumentId']}"
    ).json()
    return requests.get(document["url"], timeout=10)


def test_the_report_lists_the_sellers_listings(spapi, amazon):
    amazon.control.seed_listings(
        DEFAULT_SELLER_ID,
        UK,
        [
            {
                "sku": "UK-2",
                "asin": "0141439513",
                "price": 4.5,
                "quantity": 0,
                "conditionType": "used_acceptable",
            },
            {
                "sku": "UK-1",
                "asin": "0140449132",
                "price": 12,
                "quantity": 2,
                "conditionType": "collectible_good",
                "itemName": "Crime and Punishment (Première édition)",
                "conditionNote": "Signed; café stain",
            },
        ],
    )
    download = fetch_report(spapi, UK)
    assert download.headers["Content-Type"].endswith("charset=windows-1252")
    lines = download.content.decode("windows-1252").splitlines()
    assert lines[0].split("\t") == list(COLUMNS)
    rows = [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    assert [row["seller-sku"] for row in rows] == ["UK-1", "UK-2"]
    first, second = rows
    assert first["item-name"] == "Crime and Punishment (Première édition)"
    assert first["price"] == "12.00"
    assert first["quantity"] == "2"
    assert first["item-condition"] == "7"
    assert first["item-note"] == "Signed; café stain"
    assert first["asin1"] == "0140449132"
    assert first["status"] == "Active"
    assert first["open-date"].endswith(("GMT", "BST"))
    assert second["item-name"] == "Pride and Prejudice"
    assert second["status"] == "Inactive"


def test_the_report_can_be_utf8(spapi, amazon):
    amazon.control.configure(reportCharset="UTF-8")
    amazon.control.seed_listings(
        DEFAULT_SELLER_ID, US, [{"sku": "A-1", "asin": "0140449132", "price": 3}]
    )
    download = fetch_report(spapi)
    assert download.headers["Content-Type"].endswith("charset=UTF-8")
    assert "A-1" in download.content.decode("utf-8")


def test_an_empty_store_gives_only_the_header(spapi):
    assert fetch_report(spapi).text.strip() == "\t".join(COLUMNS)


def test_create_report_rejects_bad_input(spapi):
    for body in (
        {"reportType": "GET_FLAT_FILE_OPEN_LISTINGS_DATA", "marketplaceIds": [US]},
        {"reportType": REPORT_TYPE, "marketplaceIds": [US, UK]},
        {"reportType": REPORT_TYPE},
    ):
        response = spapi.post("/reports/2021-06-30/reports", json=body)
        assert response.status_code == 400, body


def test_get_reports_lists_and_cancel_needs_in_queue(spapi, amazon):
    amazon.control.configure(queueSeconds=60)
    created = spapi.post(
        "/reports/2021-06-30/reports",
        json={"reportType": REPORT_TYPE, "marketplaceIds": [US]},
    ).json()
    listed = spapi.get(
        "/reports/2021-06-30/reports", params={"reportTypes": REPORT_TYPE}
    ).json()
    assert [r["reportId"] for r in listed["reports"]] == [created["reportId"]]
    assert spapi.get("/reports/2021-06-30/reports").status_code == 400
    path = f"/reports/2021-06-30/reports/{created['reportId']}"
    assert spapi.delete(path).status_code == 200
    assert spapi.delete(path).status_code == 400
    assert spapi.get("/reports/2021-06-30/reports/999").status_code == 404
