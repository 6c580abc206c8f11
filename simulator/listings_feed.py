"""Processing of JSON_LISTINGS_FEED documents, as Amazon describes it.

A document is first checked against Amazon's listings feed schema (or,
when the schema files are absent, against the structural checks below).
Problems outside any message make the feed FATAL with a feed-level issue.
Each message is then checked against the business rules the simulator
knows for books and either applied to the seller's listings in every
marketplace of the feed, or rejected with issues.

Rules for a full listing (operationType UPDATE) of product type BOOK or
ABIS_BOOK:

- requirements LISTING or LISTING_PRODUCT_ONLY need item_name, author,
  binding and publisher, plus a product identity: merchant_suggested_asin,
  externally_assigned_product_identifier or
  supplier_declared_has_product_identifier_exemption;
- requirements LISTING and LISTING_OFFER_ONLY need condition_type;
- requirements LISTING_OFFER_ONLY needs merchant_suggested_asin or
  externally_assigned_product_identifier matching a catalog item.

Product type PRODUCT serves offer-only updates of existing ASINs and
partial updates, as Amazon documents. Issue codes 90220 and 99022 are
Amazon's; the 400000x codes are the simulator's own.
"""

import copy
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft7Validator

from simulator.clock import isoformat
from simulator.identifiers import (
    asin_for_product_id,
    derived_code,
    is_valid_gtin,
    is_valid_isbn,
    is_valid_isbn10,
    normalize_product_id,
)
from simulator.state import MARKETPLACES, Listing, State

logger = logging.getLogger(__name__)

CODE_REQUIRED = "90220"
CODE_NOT_ENOUGH_VALUES = "99022"
CODE_SCHEMA = "4000001"
CODE_INVALID_VALUE = "4000002"
CODE_UNKNOWN_PRODUCT = "4000003"
CODE_SKU_NOT_FOUND = "4000004"
CODE_PRODUCT_TYPE = "4000005"
CODE_FEED = "5000001"

MAX_SKU_LENGTH = 40
BOOK_PRODUCT_TYPES = ("BOOK", "ABIS_BOOK")
OFFER_ONLY_PRODUCT_TYPE = "PRODUCT"
BOOK_FACTS = ("item_name", "author", "binding", "publisher")
IDENTITY_ATTRIBUTES = (
    "merchant_suggested_asin",
    "externally_assigned_product_identifier",
    "supplier_declared_has_product_identifier_exemption",
)
# ItemSummaryByMarketplace.conditionType in listingsItems_2021-08-01.json.
CONDITION_TYPES = (
    "new_new",
    "new_open_box",
    "new_oem",
    "refurbished_refurbished",
    "used_like_new",
    "used_very_good",
    "used_good",
    "used_acceptable",
    "collectible_like_new",
    "collectible_very_good",
    "collectible_good",
    "collectible_acceptable",
    "club_club",
)
OPERATION_TYPES = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")
REQUIREMENTS = ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY")
PATCH_PATH = re.compile(r"^/attributes/([a-z0-9_]+)$")
MAX_MESSAGE_ID = 2147483647


@dataclass
class Issue:
    severity: str
    message: str
    code: str
    message_id: int | None = None
    sku: str | None = None
    attribute_name: str | None = None

    def as_report(self) -> dict[str, Any]:
        issue: dict[str, Any] = {}
        if self.message_id is not None:
            issue["messageId"] = self.message_id
        if self.sku:
            issue["sku"] = self.sku
        issue.update(code=self.code, severity=self.severity, message=self.message)
        if self.attribute_name:
            issue["attributeName"] = self.attribute_name
        return issue


@dataclass
class Outcome:
    """The result of processing one feed document."""

    status: str  # DONE or FATAL
    report: dict[str, Any]


class ListingsFeedProcessor:
    def __init__(self, schema: dict | None) -> None:
        self.validator = Draft7Validator(schema) if schema else None

    def process(
        self,
        *,
        state: State,
        feed_id: str,
        seller_id: str,
        marketplace_ids: list[str],
        content: bytes,
        now: float,
    ) -> Outcome:
        header = {"sellerId": seller_id, "version": "2.0", "feedId": feed_id}
        try:
            document = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return fatal(header, f"The feed document is not valid JSON: {error}.")
        message_errors, feed_errors = self.structural_errors(document)
        if feed_errors:
            return fatal(header, *feed_errors)
        if document["header"]["sellerId"] != seller_id:
            return fatal(
                header,
                f"The sellerId '{document['header']['sellerId']}' in the feed "
                f"header does not match the selling partner '{seller_id}'.",
            )
        requested = document["header"].get("report")
        if requested:
            header["report"] = requested
        run = _Run(state, seller_id, marketplace_ids, now)
        seen_ids: set[int] = set()
        for index, message in enumerate(document["messages"]):
            if index in message_errors:
                run.reject(message, message_errors[index], CODE_SCHEMA)
            elif message["messageId"] in seen_ids:
                run.reject(
                    message,
                    [f"messageId {message['messageId']} is used more than once."],
                    CODE_SCHEMA,
                )
            else:
                seen_ids.add(message["messageId"])
                run.apply(message)
        report: dict[str, Any] = {
            "header": header,
            "issues": [issue.as_report() for issue in run.issues],
            "summary": {
                "errors": sum(i.severity == "ERROR" for i in run.issues),
                "warnings": sum(i.severity == "WARNING" for i in run.issues),
                "messagesProcessed": len(document["messages"]),
                "messagesAccepted": run.accepted,
                "messagesInvalid": len(document["messages"]) - run.accepted,
            },
        }
        if requested:
            items = run.report_items(requested["includedData"])
            report["items"] = items
            report["summary"]["itemSummary"] = {
                "items": len(items),
                "errors": 0,
                "warnings": 0,
            }
        return Outcome("DONE", report)

    def structural_errors(
        self, document: Any
    ) -> tuple[dict[int, list[str]], list[str]]:
        """Schema violations: by message index, and outside any message."""
        if self.validator is None:
            return fallback_structural_errors(document)
        by_message: dict[int, list[str]] = {}
        feed_level = []
        for error in self.validator.iter_errors(document):
            path = list(error.absolute_path)
            if len(path) >= 2 and path[0] == "messages" and isinstance(path[1], int):
                by_message.setdefault(path[1], []).append(describe(error))
            else:
                feed_level.append(describe(error))
        return by_message, feed_level


def describe(error: Any) -> str:
    """A readable message for a schema error, naming where it happened.

    For a message that fits none of the schema's oneOf branches, the
    errors of the branch written for its operationType are given.
    """
    where = "/".join(str(part) for part in error.absolute_path) or "document"
    if error.validator == "oneOf" and error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        for subs in branches.values():
            if not any(
                list(sub.relative_path)[:1] == ["operationType"] for sub in subs
            ):
                return f"{where}: " + "; ".join(sub.message for sub in subs)
    return f"{where}: {error.message}"


def fallback_structural_errors(
    document: Any,
) -> tuple[dict[int, list[str]], list[str]]:
    """The schema's main rules, for when Amazon's schema file is absent."""
    if not isinstance(document, dict):
        return {}, ["document: must be an object"]
    feed_level = []
    header = document.get("header")
    if not isinstance(header, dict):
        feed_level.append("header: is required and must be an object")
    else:
        if not isinstance(header.get("sellerId"), str):
            feed_level.append("header/sellerId: is required and must be a string")
        if header.get("version") != "2.0":
            feed_level.append("header/version: must be '2.0'")
    messages = document.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 25000:
        feed_level.append("messages: must be an array of 1 to 25000 messages")
        return {}, feed_level
    by_message: dict[int, list[str]] = {}
    for index, message in enumerate(messages):
        problems = fallback_message_errors(message)
        if problems:
            by_message[index] = [f"messages/{index}/{p}" for p in problems]
    return by_message, feed_level


def fallback_message_errors(message: Any) -> list[str]:
    if not isinstance(message, dict):
        return ["must be an object"]
    problems = []
    message_id = message.get("messageId")
    if type(message_id) is not int or not 1 <= message_id <= MAX_MESSAGE_ID:
        problems.append("messageId: must be an integer from 1 to 2147483647")
    if not isinstance(message.get("sku"), str) or not message["sku"]:
        problems.append("sku: must be a non-empty string")
    operation = message.get("operationType")
    if operation not in OPERATION_TYPES:
        problems.append(f"operationType: must be one of {', '.join(OPERATION_TYPES)}")
        return problems
    allowed = {
        "UPDATE": {"productType", "attributes", "requirements"},
        "PARTIAL_UPDATE": {"productType", "attributes"},
        "PATCH": {"productType", "patches"},
        "DELETE": set(),
    }[operation]
    needed = allowed - {"requirements"}
    for name in sorted(needed - message.keys()):
        problems.append(f"{name}: is required for {operation}")
    for name in sorted({"productType", "attributes", "requirements", "patches"}):
        if name in message and name not in allowed:
            problems.append(f"{name}: is not allowed for {operation}")
    if "requirements" in message and message["requirements"] not in REQUIREMENTS:
        problems.append("requirements: is not a known requirements type")
    if "attributes" in message and (
        not isinstance(message["attributes"], dict) or not message["attributes"]
    ):
        problems.append("attributes: must be a non-empty object")
    if "patches" in message:
        patches = message["patches"]
        if not isinstance(patches, list) or not patches:
            problems.append("patches: must be a non-empty array")
        elif not all(
            isinstance(p, dict)
            and p.get("op") in ("add", "replace", "merge", "delete")
            and isinstance(p.get("path"), str)
            for p in patches
        ):
            problems.append("patches: each needs an op and a path")
    return problems


def fatal(header: dict[str, Any], *messages: str) -> Outcome:
    issues = [
        Issue(severity="ERROR", message=message, code=CODE_FEED).as_report()
        for message in messages
    ]
    summary = {
        "errors": len(issues),
        "warnings": 0,
        "messagesProcessed": 0,
        "messagesAccepted": 0,
        "messagesInvalid": 0,
    }
    return Outcome("FATAL", {"header": header, "issues": issues, "summary": summary})


class _Run:
    """Applies the messages of one feed and collects their issues."""

    def __init__(
        self, state: State, seller_id: str, marketplace_ids: list[str], now: float
    ) -> None:
        self.state = state
        self.seller_id = seller_id
        self.marketplace_ids = marketplace_ids
        self.now = now
        self.issues: list[Issue] = []
        self.accepted = 0
        self.touched: dict[str, str] = {}  # sku -> operationType

    def reject(self, message: Any, problems: list[str], code: str) -> None:
        message_id = message.get("messageId") if isinstance(message, dict) else None
        sku = message.get("sku") if isinstance(message, dict) else None
        for problem in problems:
            self.issues.append(
                Issue(
                    severity="ERROR",
                    message=problem,
                    code=code,
                    message_id=message_id
                    if type(message_id) is int and message_id >= 1
                    else None,
                    sku=sku if isinstance(sku, str) and sku else None,
                )
            )

    def apply(self, message: dict[str, Any]) -> None:
        sku = message["sku"]
        issues: list[Issue] = []
        if len(sku) > MAX_SKU_LENGTH:
            issues.append(
                error(
                    CODE_INVALID_VALUE,
                    f"The SKU is {len(sku)} characters long; the maximum is "
                    f"{MAX_SKU_LENGTH}.",
                )
            )
        changes: dict[str, Listing | None] = {}
        if not issues:
            for marketplace_id in self.marketplace_ids:
                change, found = self.change_for(message, marketplace_id)
                issues.extend(found)
                changes[marketplace_id] = change
        for issue in issues:
            issue.message_id = message["messageId"]
            issue.sku = sku
        self.issues.extend(issues)
        if any(issue.severity == "ERROR" for issue in issues):
            return
        for marketplace_id, change in changes.items():
            listings = self.state.listings_for(self.seller_id, marketplace_id)
            if change is None:
                listings.pop(sku, None)
            else:
                listings[sku] = change
                self.state.catalog.setdefault(change.asin, item_name(change) or "")
        self.accepted += 1
        self.touched[sku] = message["operationType"]

    def change_for(
        self, message: dict[str, Any], marketplace_id: str
    ) -> tuple[Listing | None, list[Issue]]:
        """The listing after the message, or None when deleted."""
        operation = message["operationType"]
        existing = self.state.listings_for(self.seller_id, marketplace_id).get(
            message["sku"]
        )
        if operation == "DELETE":
            return None, []
        product_type = message["productType"]
        if product_type not in (*BOOK_PRODUCT_TYPES, OFFER_ONLY_PRODUCT_TYPE):
            return None, [
                error(
                    CODE_PRODUCT_TYPE,
                    f"The product type '{product_type}' is not supported; use "
                    "BOOK, ABIS_BOOK or PRODUCT.",
                )
            ]
        if operation == "UPDATE":
            attributes = for_marketplace(message["attributes"], marketplace_id)
        elif existing is None:
            return None, [
                error(
                    CODE_SKU_NOT_FOUND,
                    f"The SKU '{message['sku']}' has no listing in marketplace "
                    f"{marketplace_id} to update.",
                )
            ]
        elif operation == "PARTIAL_UPDATE":
            attributes = {
                **existing.attributes,
                **for_marketplace(message["attributes"], marketplace_id),
            }
        else:
            attributes, patch_issues = apply_patches(
                existing.attributes, message["patches"], marketplace_id
            )
            if patch_issues:
                return None, patch_issues
        issues = shape_issues(attributes) or value_issues(attributes, marketplace_id)
        requirements = message.get("requirements", "LISTING")
        if operation == "UPDATE" and not issues:
            issues = required_issues(attributes, product_type, requirements)
        asin, asin_issues = self.resolve_asin(attributes, message["sku"])
        issues += asin_issues
        if operation == "UPDATE" and asin is None and not issues:
            issues.append(missing("merchant_suggested_asin"))
        if any(issue.severity == "ERROR" for issue in issues):
            return None, issues
        return (
            Listing(
                sku=message["sku"],
                asin=asin or (existing.asin if existing else ""),
                product_type=product_type,
                attributes=attributes,
                created=existing.created if existing else self.now,
                updated=self.now,
                listing_id=existing.listing_id
                if existing
                else derived_code(f"{self.seller_id}/{message['sku']}", 11),
                revision=existing.revision + 1 if existing else 1,
            ),
            issues,
        )

    def resolve_asin(
        self, attributes: dict[str, Any], sku: str
    ) -> tuple[str | None, list[Issue]]:
        if suggested := first_value(attributes, "merchant_suggested_asin"):
            asin = normalize_product_id(str(suggested))
            if asin in self.state.catalog or is_valid_isbn10(asin):
                return asin, []
            return None, [
                error(
                    CODE_UNKNOWN_PRODUCT,
                    f"The ASIN '{suggested}' does not match any item in the "
                    "Amazon catalog.",
                    "merchant_suggested_asin",
                )
            ]
        for entry in attributes.get("externally_assigned_product_identifier", []):
            kind = str(entry.get("type", "")).lower()
            value = normalize_product_id(str(entry.get("value", "")))
            valid = is_valid_isbn(value) if kind == "isbn" else is_valid_gtin(value)
            if not valid:
                return None, [
                    error(
                        CODE_UNKNOWN_PRODUCT,
                        f"The {kind or 'product'} identifier '{entry.get('value')}' "
                        "is not valid and does not match any catalog item.",
                        "externally_assigned_product_identifier",
                    )
                ]
            return asin_for_product_id(value), []
        if first_value(
            attributes, "supplier_declared_has_product_identifier_exemption"
        ):
            return "B0" + derived_code(f"{self.seller_id}/{sku}/new", 8), []
        return None, []

    def report_items(self, included: list[str]) -> list[dict[str, Any]]:
        items = []
        for sku, operation in self.touched.items():
            if operation == "DELETE":
                continue
            listings = [
                (
                    marketplace_id,
                    self.state.listings_for(self.seller_id, marketplace_id),
                )
                for marketplace_id in self.marketplace_ids
            ]
            found = [(mp, found[sku]) for mp, found in listings if sku in found]
            if found:
                items.append(listing_item(sku, found, included, self.state.catalog))
        return items


def error(code: str, message: str, attribute: str | None = None) -> Issue:
    return Issue(severity="ERROR", code=code, message=message, attribute_name=attribute)


def missing(attribute: str) -> Issue:
    return error(
        CODE_REQUIRED, f"'[{attribute}]' is required but not supplied.", attribute
    )


def for_marketplace(attributes: dict[str, Any], marketplace_id: str) -> dict[str, Any]:
    """Attribute values that apply to one marketplace."""
    kept = {}
    for name, values in attributes.items():
        if isinstance(values, list):
            values = [
                value
                for value in values
                if not isinstance(value, dict)
                or value.get("marketplace_id") in (None, marketplace_id)
            ]
            if not values:
                continue
        kept[name] = copy.deepcopy(values)
    return kept


def apply_patches(
    attributes: dict[str, Any], patches: list[dict[str, Any]], marketplace_id: str
) -> tuple[dict[str, Any], list[Issue]]:
    result = copy.deepcopy(attributes)
    for patch in patches:
        match = PATCH_PATH.match(patch["path"])
        if not match:
            return result, [
                error(
                    CODE_SCHEMA,
                    f"The patch path '{patch['path']}' is not supported; use "
                    "/attributes/<attribute name>.",
                )
            ]
        name = match.group(1)
        op = patch["op"]
        value = for_marketplace({name: patch.get("value", [])}, marketplace_id).get(
            name, []
        )
        if op in ("add", "replace", "merge") and "value" not in patch:
            return result, [error(CODE_SCHEMA, f"The {op} patch needs a value.", name)]
        if op in ("add", "replace"):
            result[name] = value
        elif op == "merge":
            current = result.get(name, [])
            for index, item in enumerate(value):
                if index < len(current) and isinstance(current[index], dict):
                    current[index] = {**current[index], **item}
                else:
                    current.append(item)
            result[name] = current
        elif "value" in patch:
            remaining = [
                item
                for item in result.get(name, [])
                if not any(
                    all(item.get(k) == v for k, v in gone.items()) for gone in value
                )
            ]
            if remaining:
                result[name] = remaining
            else:
                result.pop(name, None)
        else:
            result.pop(name, None)
    return result, []


def shape_issues(attributes: dict[str, Any]) -> list[Issue]:
    return [
        error(
            CODE_SCHEMA,
            f"The attribute '{name}' must be an array of objects.",
            name,
        )
        for name, values in attributes.items()
        if not isinstance(values, list)
        or not all(isinstance(value, dict) for value in values)
    ]


def value_issues(attributes: dict[str, Any], marketplace_id: str) -> list[Issue]:
    issues = []
    for entry in attributes.get("condition_type", []):
        if entry.get("value") not in CONDITION_TYPES:
            issues.append(
                error(
                    CODE_INVALID_VALUE,
                    f"The value '{entry.get('value')}' is not valid for "
                    f"condition_type; use one of {', '.join(CONDITION_TYPES)}.",
                    "condition_type",
                )
            )
    currency = MARKETPLACES.get(marketplace_id, {}).get("defaultCurrencyCode")
    for offer in attributes.get("purchasable_offer", []):
        issues += offer_issues(offer, currency)
    for entry in attributes.get("fulfillment_availability", []):
        quantity = entry.get("quantity")
        if quantity is not None and (type(quantity) is not int or quantity < 0):
            issues.append(
                error(
                    CODE_INVALID_VALUE,
                    f"The quantity '{quantity}' must be a whole number of 0 or more.",
                    "fulfillment_availability",
                )
            )
    return issues


def offer_issues(offer: dict[str, Any], currency: str | None) -> list[Issue]:
    issues = []
    if "currency" in offer and currency and offer["currency"] != currency:
        issues.append(
            error(
                CODE_INVALID_VALUE,
                f"The currency '{offer['currency']}' is not valid in this "
                f"marketplace; use {currency}.",
                "purchasable_offer",
            )
        )
    prices = {}
    for name in (
        "our_price",
        "minimum_seller_allowed_price",
        "maximum_seller_allowed_price",
    ):
        if name not in offer:
            continue
        price = schedule_price(offer[name])
        if price is None:
            if name == "our_price":
                issues.append(
                    error(
                        CODE_NOT_ENOUGH_VALUES,
                        "The field '\"prices\"' for the attribute "
                        "'purchasable_offer.our_price' does not have enough "
                        "values. The required minimum is '1' value(s).",
                        "purchasable_offer.our_price",
                    )
                )
            continue
        if price <= 0:
            issues.append(
                error(
                    CODE_INVALID_VALUE,
                    f"The value '{price}' for '{name}' must be greater than 0.",
                    f"purchasable_offer.{name}",
                )
            )
        prices[name] = price
    if "our_price" not in offer:
        issues.append(
            error(
                CODE_NOT_ENOUGH_VALUES,
                "The field '\"prices\"' for the attribute "
                "'purchasable_offer.our_price' does not have enough values. "
                "The required minimum is '1' value(s).",
                "purchasable_offer.our_price",
            )
        )
    price = prices.get("our_price")
    low = prices.get("minimum_seller_allowed_price")
    high = prices.get("maximum_seller_allowed_price")
    if price is not None and low is not None and price < low:
        issues.append(
            error(
                CODE_INVALID_VALUE,
                f"The price {price} is below the minimum seller allowed price {low}.",
                "purchasable_offer.our_price",
            )
        )
    if price is not None and high is not None and price > high:
        issues.append(
            error(
                CODE_INVALID_VALUE,
                f"The price {price} is above the maximum seller allowed price {high}.",
                "purchasable_offer.our_price",
            )
        )
    return issues


def schedule_price(value: Any) -> float | None:
    """The first value_with_tax of a price attribute, if well formed."""
    try:
        amount = value[0]["schedule"][0]["value_with_tax"]
    except (IndexError, KeyError, TypeError):
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return None
    return float(amount)


def required_issues(
    attributes: dict[str, Any], product_type: str, requirements: str
) -> list[Issue]:
    if product_type == OFFER_ONLY_PRODUCT_TYPE and requirements != "LISTING_OFFER_ONLY":
        return [
            error(
                CODE_PRODUCT_TYPE,
                "The product type PRODUCT accepts only offer-only updates "
                "(requirements LISTING_OFFER_ONLY) and partial updates.",
            )
        ]
    needed: list[str] = []
    if requirements in ("LISTING", "LISTING_PRODUCT_ONLY"):
        needed += BOOK_FACTS
        if not any(attributes.get(name) for name in IDENTITY_ATTRIBUTES):
            needed.append("externally_assigned_product_identifier")
    if requirements in ("LISTING", "LISTING_OFFER_ONLY"):
        needed.append("condition_type")
    if requirements == "LISTING_OFFER_ONLY" and not (
        attributes.get("merchant_suggested_asin")
        or attributes.get("externally_assigned_product_identifier")
    ):
        needed.append("merchant_suggested_asin")
    return [missing(name) for name in needed if not attributes.get(name)]


def first_value(attributes: dict[str, Any], name: str, key: str = "value") -> Any:
    values = attributes.get(name) or [{}]
    return values[0].get(key) if isinstance(values[0], dict) else None


def item_name(listing: Listing) -> str | None:
    return first_value(listing.attributes, "item_name")


def listing_price(listing: Listing) -> float | None:
    offers = listing.attributes.get("purchasable_offer") or [{}]
    return schedule_price(offers[0].get("our_price"))


def listing_quantity(listing: Listing) -> int:
    return first_value(listing.attributes, "fulfillment_availability", "quantity") or 0


def listing_status(listing: Listing) -> list[str]:
    if listing_quantity(listing) > 0 and listing_price(listing):
        return ["BUYABLE", "DISCOVERABLE"]
    return ["DISCOVERABLE"]


def listing_item(
    sku: str,
    found: list[tuple[str, Listing]],
    included: list[str],
    catalog: dict[str, str],
) -> dict[str, Any]:
    """A listings item as the Listings Items API would return it."""
    item: dict[str, Any] = {"sku": sku}
    if "summaries" in included:
        item["summaries"] = [
            {
                "marketplaceId": marketplace_id,
                "asin": listing.asin,
                "productType": listing.product_type,
                "conditionType": first_value(listing.attributes, "condition_type"),
                "status": listing_status(listing),
                "itemName": item_name(listing) or catalog.get(listing.asin, ""),
                "createdDate": isoformat(listing.created),
                "lastUpdatedDate": isoformat(listing.updated),
            }
            for marketplace_id, listing in found
        ]
    if "attributes" in included:
        item["attributes"] = found[0][1].attributes
    if "issues" in included:
        item["issues"] = []
    if "offers" in included:
        item["offers"] = [
            {
                "marketplaceId": marketplace_id,
                "offerType": "B2C",
                "price": {
                    "currencyCode": MARKETPLACES[marketplace_id]["defaultCurrencyCode"],
                    "amount": str(listing_price(listing)),
                },
            }
            for marketplace_id, listing in found
            if listing_price(listing) is not None
        ]
    if "fulfillmentAvailability" in included:
        item["fulfillmentAvailability"] = [
            {"fulfillmentChannelCode": "DEFAULT", "quantity": listing_quantity(listing)}
            for _, listing in found
        ]
    if "productTypes" in included:
        item["productTypes"] = [
            {"marketplaceId": marketplace_id, "productType": listing.product_type}
            for marketplace_id, listing in found
        ]
    return item
