"""JSON_LISTINGS_FEED processing: schema, business rules, listing store."""

import json

import pytest

from simulator.listings_feed import ListingsFeedProcessor
from simulator.state import default_state
from simulator.testing import DEFAULT_SELLER_ID

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"


def book(sku, message_id=1, **overrides):
    """A full BOOK listing for a new copy with an ISBN-13."""
    tag = {"marketplace_id": US}
    attributes = {
        "item_name": [{"value": "The Odyssey", **tag}],
        "author": [{"value": "Homer", **tag}],
        "binding": [{"value": "paperback", **tag}],
        "publisher": [{"value": "Penguin Classics", **tag}],
        "externally_assigned_product_identifier": [
            {"type": "isbn", "value": "9780140268867", **tag}
        ],
        "condition_type": [{"value": "new_new", **tag}],
    }
    attributes.update(overrides)
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "UPDATE",
        "productType": "BOOK",
        "attributes": attributes,
    }


def issues_by_message(report):
    found = {}
    for issue in report["issues"]:
        found.setdefault(issue.get("messageId"), []).append(issue)
    return found


def test_a_valid_offer_is_accepted_and_listed(spapi, amazon, make_feed, make_offer):
    report = spapi.submit(make_feed(make_offer("A-1")))
    assert report["issues"] == []
    assert report["summary"] == {
        "errors": 0,
        "warnings": 0,
        "messagesProcessed": 1,
        "messagesAccepted": 1,
        "messagesInvalid": 0,
    }
    listing = amazon.control.listings(DEFAULT_SELLER_ID, US)["A-1"]
    assert listing["asin"] == "0140449132"
    assert listing["price"] == 12.5
    assert listing["quantity"] == 1
    assert listing["conditionType"] == "used_very_good"
    assert listing["conditionNote"] == "Clean copy, light shelf wear."
    assert listing["revision"] == 1


def test_resending_a_sku_modifies_the_listing(spapi, amazon, make_feed, make_offer):
    spapi.submit(make_feed(make_offer("A-1")))
    first = amazon.control.listings(DEFAULT_SELLER_ID, US)["A-1"]
    amazon.control.advance_clock(60)
    cheaper = make_offer(
        "A-1",
        purchasable_offer=[
            {
                "currency": "USD",
                "our_price": [{"schedule": [{"value_with_tax": 9.0}]}],
            }
        ],
    )
    report = spapi.submit(
        make_feed(
            cheaper,
            report={
                "includedData": ["summaries", "offers"],
                "apiVersion": "2021-08-01",
            },
        )
    )
    listing = amazon.control.listings(DEFAULT_SELLER_ID, US)["A-1"]
    assert listing["revision"] == 2
    assert listing["price"] == 9.0
    assert listing["createdTime"] == first["createdTime"]
    assert listing["updatedTime"] > first["updatedTime"]
    summary = report["items"][0]["summaries"][0]
    assert summary["createdDate"] < summary["lastUpdatedDate"]
    assert report["items"][0]["offers"][0]["price"]["amount"] == "9.0"
    assert report["summary"]["itemSummary"]["items"] == 1


def test_a_full_book_listing_matches_its_isbn(spapi, amazon, make_feed):
    report = spapi.submit(make_feed(book("B-1")))
    assert report["issues"] == []
    listing = amazon.control.listings(DEFAULT_SELLER_ID, US)["B-1"]
    assert listing["asin"] == "0140268863"
    assert listing["itemName"] == "The Odyssey"


def test_a_full_book_listing_needs_its_product_facts(spapi, make_feed):
    message = book("B-1")
    del message["attributes"]["author"]
    del message["attributes"]["publisher"]
    report = spapi.submit(make_feed(message))
    assert report["summary"]["messagesInvalid"] == 1
    assert {(i["code"], i["attributeName"]) for i in report["issues"]} == {
        ("90220", "author"),
        ("90220", "publisher"),
    }
    assert report["issues"][0]["message"] == "'[author]' is required but not supplied."


@pytest.mark.parametrize(
    ("overrides", "attribute"),
    [
        (
            {
                "externally_assigned_product_identifier": [
                    {"type": "isbn", "value": "9780140268860"}
                ]
            },
            "externally_assigned_product_identifier",
        ),
        ({"condition_type": [{"value": "used_fine"}]}, "condition_type"),
    ],
)
def test_a_full_book_listing_with_a_bad_value_is_rejected(
    spapi, make_feed, overrides, attribute
):
    report = spapi.submit(make_feed(book("B-1", **overrides)))
    assert report["summary"]["messagesAccepted"] == 0
    assert report["issues"][0]["attributeName"] == attribute


def test_an_unknown_asin_is_rejected_until_it_is_in_the_catalog(
    spapi, amazon, make_feed, make_offer
):
    unknown = make_offer("A-1", merchant_suggested_asin=[{"value": "B0ZZZZZZZZ"}])
    report = spapi.submit(make_feed(unknown))
    assert report["issues"][0]["code"] == "4000003"
    assert report["issues"][0]["messageId"] == 1
    assert report["issues"][0]["sku"] == "A-1"
    amazon.control.add_asins("B0ZZZZZZZZ")
    assert spapi.submit(make_feed(unknown))["issues"] == []


def test_an_offer_needs_an_asin_or_identifier(spapi, make_feed, make_offer):
    message = make_offer("A-1")
    del message["attributes"]["merchant_suggested_asin"]
    report = spapi.submit(make_feed(message))
    assert report["issues"][0]["attributeName"] == "merchant_suggested_asin"
    assert report["issues"][0]["code"] == "90220"


def prices(our, low=None, high=None, currency="USD"):
    offer = {"currency": currency}
    if our is not None:
        offer["our_price"] = [{"schedule": [{"value_with_tax": our}]}]
    if low is not None:
        offer["minimum_seller_allowed_price"] = [
            {"schedule": [{"value_with_tax": low}]}
        ]
    if high is not None:
        offer["maximum_seller_allowed_price"] = [
            {"schedule": [{"value_with_tax": high}]}
        ]
    return {"purchasable_offer": [offer]}


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (prices(5.0, low=6.0), "4000002"),
        (prices(50.0, high=40.0), "4000002"),
        (prices(0), "4000002"),
        (prices(None), "99022"),
        (prices(10.0, currency="GBP"), "4000002"),
        (
            {
                "fulfillment_availability": [
                    {"fulfillment_channel_code": "DEFAULT", "quantity": -1}
                ]
            },
            "4000002",
        ),
        (
            {
                "fulfillment_availability": [
                    {"fulfillment_channel_code": "DEFAULT", "quantity": 1.5}
                ]
            },
            "4000002",
        ),
        ({"condition_type": "used_good"}, "4000001"),
    ],
)
def test_offer_rules(spapi, make_feed, make_offer, overrides, code):
    report = spapi.submit(make_feed(make_offer("A-1", **overrides)))
    assert report["summary"]["messagesInvalid"] == 1
    assert report["issues"][0]["code"] == code


def test_a_price_within_its_bounds_is_accepted(spapi, make_feed, make_offer):
    report = spapi.submit(make_feed(make_offer("A-1", **prices(10, low=5, high=20))))
    assert report["issues"] == []


def test_a_sku_longer_than_40_characters_is_rejected(spapi, make_feed, make_offer):
    report = spapi.submit(make_feed(make_offer("S" * 41)))
    assert report["issues"][0]["code"] == "4000002"
    assert "40" in report["issues"][0]["message"]


def test_patch_partial_update_and_delete(spapi, amazon, make_feed, make_offer):
    spapi.submit(make_feed(make_offer("A-1"), make_offer("A-2", 2)))
    patch = {
        "messageId": 1,
        "sku": "A-1",
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 0}],
            }
        ],
    }
    partial = {
        "messageId": 2,
        "sku": "A-2",
        "operationType": "PARTIAL_UPDATE",
        "productType": "PRODUCT",
        "attributes": prices(7.25),
    }
    report = spapi.submit(make_feed(patch, partial))
    assert report["issues"] == []
    listings = amazon.control.listings(DEFAULT_SELLER_ID, US)
    assert listings["A-1"]["quantity"] == 0
    assert listings["A-1"]["status"] == ["DISCOVERABLE"]
    assert listings["A-2"]["price"] == 7.25
    assert listings["A-2"]["conditionType"] == "used_very_good"

    delete = {"messageId": 1, "sku": "A-1", "operationType": "DELETE"}
    assert spapi.submit(make_feed(delete))["summary"]["messagesAccepted"] == 1
    assert "A-1" not in amazon.control.listings(DEFAULT_SELLER_ID, US)


def test_a_patch_for_an_unknown_sku_is_rejected(spapi, make_feed):
    patch = {
        "messageId": 1,
        "sku": "NOPE",
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [{"op": "delete", "path": "/attributes/condition_note"}],
    }
    report = spapi.submit(make_feed(patch))
    assert report["issues"][0]["code"] == "4000004"


def test_one_bad_message_does_not_stop_the_others(spapi, amazon, make_feed, make_offer):
    broken = {"messageId": 2, "sku": "A-2", "operationType": "UPDATE"}
    duplicate = make_offer("A-3", 1)
    report = spapi.submit(make_feed(make_offer("A-1"), broken, duplicate))
    assert report["summary"]["messagesProcessed"] == 3
    assert report["summary"]["messagesAccepted"] == 1
    by_message = issues_by_message(report)
    assert "attributes" in by_message[2][0]["message"]
    assert "more than once" in by_message[1][0]["message"]
    assert list(amazon.control.listings(DEFAULT_SELLER_ID, US)) == ["A-1"]


def test_a_feed_for_two_marketplaces_lists_in_both(
    spapi, amazon, make_feed, make_offer
):
    message = make_offer("A-1")
    message["attributes"]["purchasable_offer"] = [
        {
            "currency": "USD",
            "marketplace_id": US,
            "our_price": [{"schedule": [{"value_with_tax": 10}]}],
        },
        {
            "currency": "CAD",
            "marketplace_id": CA,
            "our_price": [{"schedule": [{"value_with_tax": 14}]}],
        },
    ]
    message["attributes"]["condition_type"] = [{"value": "used_good"}]
    message["attributes"]["merchant_suggested_asin"] = [{"value": "0140449132"}]
    report = spapi.submit(make_feed(message), marketplace_ids=(US, CA))
    assert report["issues"] == []
    assert amazon.control.listings(DEFAULT_SELLER_ID, US)["A-1"]["price"] == 10
    assert amazon.control.listings(DEFAULT_SELLER_ID, CA)["A-1"]["price"] == 14


def test_a_document_that_is_not_json_is_fatal(spapi):
    feed = spapi.wait_for_feed(spapi.create_feed(b"sku\tprice\n"))
    assert feed["processingStatus"] == "FATAL"
    report = spapi.processing_report(feed)
    assert len(report["issues"]) == 1
    assert "messageId" not in report["issues"][0]
    assert report["issues"][0]["severity"] == "ERROR"


def test_a_header_for_another_seller_is_fatal(spapi, make_feed, make_offer):
    document = make_feed(make_offer("A-1"))
    document["header"]["sellerId"] = "AXXXXXXXXXXXX"
    feed = spapi.wait_for_feed(spapi.create_feed(json.dumps(document).encode()))
    assert feed["processingStatus"] == "FATAL"
    assert "does not match" in spapi.processing_report(feed)["issues"][0]["message"]


def test_a_document_without_messages_is_fatal(spapi, make_feed):
    feed = spapi.wait_for_feed(spapi.create_feed(json.dumps(make_feed()).encode()))
    assert feed["processingStatus"] == "FATAL"


def run_processor(processor, document):
    return processor.process(
        state=default_state(),
        feed_id="1",
        seller_id=DEFAULT_SELLER_ID,
        marketplace_ids=[US],
        content=json.dumps(document).encode(),
        now=0.0,
    )


def test_the_structural_checks_stand_in_for_a_missing_schema(make_feed, make_offer):
    processor = ListingsFeedProcessor(None)
    good = run_processor(processor, make_feed(make_offer("A-1")))
    assert good.report["summary"]["messagesAccepted"] == 1
    broken = {"messageId": 2, "sku": "A-2", "operationType": "DELETE", "patches": []}
    mixed = run_processor(processor, make_feed(make_offer("A-1"), broken))
    assert mixed.report["summary"]["messagesInvalid"] == 1
    assert mixed.report["issues"][0]["messageId"] == 2
    headless = run_processor(processor, {"messages": [make_offer("A-1")]})
    assert headless.status == "FATAL"
