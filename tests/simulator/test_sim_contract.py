"""The simulator's answers against Amazon's own models and schemas.

Every SP-API answer in this suite passes through the contract check in
conftest.py; this module also walks each operation's success and error
answers, and compares the simulator's tables with Amazon's files.
"""

import json
import re

import requests
from jsonschema import Draft7Validator

from simulator.listings_feed import CONDITION_TYPES
from simulator.ratelimits import USAGE_PLANS

US = "ATVPDKIKX0DER"
MODELS = ("feeds_2021-06-30.json", "reports_2021-06-30.json", "sellers.json")


def model_operations(folder):
    for name in MODELS:
        model = json.loads((folder / name).read_text())
        for item in model["paths"].values():
            for method, operation in item.items():
                if method != "parameters":
                    yield operation


def test_usage_plans_are_amazons(sp_api_dir):
    plans = {}
    for operation in model_operations(sp_api_dir):
        rate, burst = re.search(
            r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", operation["description"]
        ).groups()
        plans[operation["operationId"]] = (float(rate), int(burst))
    for operation_id, plan in USAGE_PLANS.items():
        assert plans[operation_id] == plan, operation_id


def test_condition_types_are_amazons(sp_api_dir):
    model = json.loads((sp_api_dir / "listingsItems_2021-08-01.json").read_text())
    summary = model["definitions"]["ItemSummaryByMarketplace"]
    assert tuple(summary["properties"]["conditionType"]["enum"]) == CONDITION_TYPES


def test_amazons_example_report_passes_the_report_check(
    sp_api_dir, check_processing_report
):
    name = "listings-feed-processing-report-schema-v2.example.json"
    check_processing_report(json.loads((sp_api_dir / name).read_text()))


def test_amazons_example_feed_gets_a_valid_report(
    sp_api_dir, spapi, amazon, check_processing_report
):
    document = json.loads(
        (sp_api_dir / "listings-feed-schema-v2.example.json").read_text()
    )
    document["header"]["sellerId"] = "A1B2C3D4E5F6G7"
    schema = json.loads((sp_api_dir / "listings-feed-schema-v2.json").read_text())
    assert not list(Draft7Validator(schema).iter_errors(document))
    report = spapi.submit(document)  # checked against the report schema
    assert report["summary"]["messagesProcessed"] == len(document["messages"])
    assert "items" in report


def test_every_operation_answers_as_its_model_says(
    spapi, amazon, fresh_contract, sp_api_dir
):
    spapi.session.hooks["response"].append(
        lambda response, *args, **kwargs: fresh_contract.check(response)
    )
    feeds, reports = "/feeds/2021-06-30", "/reports/2021-06-30"
    listing = '{"header": {"sellerId": "A1B2C3D4E5F6G7", "version": "2.0"}, '
    listing += '"messages": [{"messageId": 1, "sku": "A", "operationType": "DELETE"}]}'

    # Success answers.
    spapi.get("/sellers/v1/marketplaceParticipations")
    amazon.control.stall_feeds("IN_QUEUE")
    queued = spapi.create_feed(listing.encode())
    spapi.delete(f"{feeds}/feeds/{queued}")
    amazon.control.release_feeds()
    done = spapi.wait_for_feed(spapi.create_feed(listing.encode()))
    spapi.get(f"{feeds}/feeds", params={"feedTypes": "JSON_LISTINGS_FEED"})
    spapi.processing_report(done)
    report_id = spapi.post(
        f"{reports}/reports",
        json={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US]},
    ).json()["reportId"]
    amazon.control.wait_for_feeds()
    spapi.get(
        f"{reports}/reports", params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"}
    )
    for _ in range(100):
        report = spapi.get(f"{reports}/reports/{report_id}").json()
        if report["processingStatus"] == "DONE":
            break
    spapi.get(f"{reports}/documents/{report['reportDocumentId']}")

    # Error answers: 400, 404, 415, 401/403, 429, 500, 503.
    spapi.post(f"{feeds}/feeds", json={})
    spapi.post(f"{reports}/reports", json={})
    spapi.post(f"{feeds}/documents", json={})
    spapi.get(f"{feeds}/feeds")
    spapi.get(f"{reports}/reports")
    spapi.get(f"{feeds}/feeds/1")
    spapi.delete(f"{feeds}/feeds/1")
    spapi.get(f"{feeds}/documents/nope")
    spapi.get(f"{reports}/reports/1")
    spapi.delete(f"{reports}/reports/1")
    spapi.get(f"{reports}/documents/nope")
    spapi.post(f"{feeds}/feeds", data="x", headers={"Content-Type": "text/plain"})
    amazon.control.inject_fault("*", status=500, count=1)
    spapi.get(f"{feeds}/feeds/{done['feedId']}")
    amazon.control.inject_fault("*", status=503, count=1)
    spapi.get("/sellers/v1/marketplaceParticipations")
    for _ in range(16):
        spapi.post(f"{feeds}/documents", json={"contentType": "text/plain"})
    amazon.control.expire_access_tokens()
    spapi.get(f"{feeds}/feeds/{done['feedId']}")
    spapi.get("/sellers/v1/marketplaceParticipations")
    spapi.session.headers["x-amz-access-token"] = "Atza|forged"
    spapi.get(f"{reports}/reports/{report_id}")

    covered = {name for name, _ in fresh_contract.seen}
    assert covered == set(USAGE_PLANS)
    statuses = {status for _, status in fresh_contract.seen}
    assert statuses >= {200, 201, 202, 400, 401, 403, 404, 415, 429, 500, 503}


def test_lwa_error_bodies_have_error_and_description(amazon):
    response = requests.post(
        f"{amazon.url}/auth/o2/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        timeout=10,
    )
    assert set(response.json()) == {"error", "error_description"}
