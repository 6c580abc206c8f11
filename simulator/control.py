"""The JSON control API under /_simulator/, for tests and development.

It sets switches (faults, delays, stalls, forced FATAL feeds, rate-limit
scale, clock), adds applications, sellers and catalog items, seeds and
reads listings, issues tokens without the consent page, and reads counters.
"""

import json
import logging
from typing import Any

from simulator.clock import isoformat
from simulator.core import AUTHORIZATION_CODE_SECONDS, STALL_STAGES, Fault
from simulator.identifiers import derived_code, random_token
from simulator.listings_feed import (
    first_value,
    item_name,
    listing_price,
    listing_quantity,
    listing_status,
)
from simulator.ratelimits import USAGE_PLANS
from simulator.state import (
    DEFAULT_APPLICATION_ID,
    MARKETPLACES,
    Application,
    AuthorizationCode,
    Grant,
    Listing,
    Seller,
)
from simulator.web import Request, Response

logger = logging.getLogger(__name__)


class ControlError(Exception):
    pass


def body_of(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except json.JSONDecodeError as error:
        raise ControlError(f"The body is not valid JSON: {error}") from error
    if not isinstance(body, dict):
        raise ControlError("The body must be a JSON object.")
    return body


def handler(function: Any) -> Any:
    """Wrap a control function: JSON body in, JSON out, 400 on bad input."""

    def wrapped(sim: Any, request: Request, **params: str) -> Response:
        try:
            with sim.lock:
                result = function(sim, request, body_of(request), **params)
        except (ControlError, KeyError, TypeError, ValueError) as error:
            return Response.json({"error": str(error)}, 400)
        if isinstance(result, Response):
            return result
        return Response.json(result if result is not None else {"ok": True})

    return wrapped


@handler
def health(sim: Any, request: Request, body: dict) -> Any:
    return {"ok": True}


@handler
def reset(sim: Any, request: Request, body: dict) -> Any:
    sim.reset()


@handler
def clock(sim: Any, request: Request, body: dict) -> Any:
    return {"now": isoformat(sim.clock.time())}


@handler
def advance_clock(sim: Any, request: Request, body: dict) -> Any:
    sim.clock.advance(float(body["seconds"]))
    return {"now": isoformat(sim.clock.time())}


@handler
def add_fault(sim: Any, request: Request, body: dict) -> Any:
    operation = body.get("operation", "*")
    status = int(body.get("status", 503))
    if operation != "*" and operation not in USAGE_PLANS:
        raise ControlError(f"Unknown operation {operation}.")
    if status not in (429, 500, 503):
        raise ControlError("status must be 429, 500 or 503.")
    count = body.get("count", 1)
    rate = body.get("rate")
    sim.switches.faults.append(
        Fault(
            operation=operation,
            status=status,
            remaining=None if count is None else int(count),
            rate=None if rate is None else float(rate),
        )
    )


@handler
def clear_faults(sim: Any, request: Request, body: dict) -> Any:
    sim.switches.faults.clear()


@handler
def set_delay(sim: Any, request: Request, body: dict) -> Any:
    operation = body.get("operation", "*")
    seconds = float(body.get("seconds", 0))
    if seconds > 0:
        sim.switches.delays[operation] = seconds
    else:
        sim.switches.delays.pop(operation, None)


@handler
def stall_feeds(sim: Any, request: Request, body: dict) -> Any:
    stage = body.get("stage", "IN_QUEUE")
    if stage not in STALL_STAGES:
        raise ControlError(f"stage must be one of {', '.join(STALL_STAGES)}.")
    sim.switches.stall = stage


@handler
def release_feeds(sim: Any, request: Request, body: dict) -> Any:
    sim.switches.stall = None


@handler
def force_fatal(sim: Any, request: Request, body: dict) -> Any:
    sim.switches.fatal_next = int(body.get("count", 1))


@handler
def feeds(sim: Any, request: Request, body: dict) -> Any:
    return {
        "feeds": [
            {
                "feedId": job.job_id,
                "sellingPartnerId": job.selling_partner_id,
                "feedType": job.job_type,
                "marketplaceIds": job.marketplace_ids,
                "processingStatus": job.status,
                "inputFeedDocumentId": job.input_document_id,
                "resultFeedDocumentId": job.result_document_id,
                "createdTime": isoformat(job.created),
            }
            for job in sim.state.jobs.values()
            if job.kind == "feed"
        ]
    }


def document(sim: Any, request: Request, document_id: str) -> Response:
    """The stored bytes of a document, uncompressed as they were stored."""
    with sim.lock:
        found = sim.state.documents.get(document_id)
        if found is None or found.content is None:
            return Response.json({"error": "No such document."}, 404)
        return Response(
            200,
            found.content,
            [
                ("Content-Type", found.content_type),
                ("X-Simulator-Compressed", "gzip" if found.compressed else "none"),
            ],
        )


@handler
def settings(sim: Any, request: Request, body: dict) -> Any:
    current = sim.settings
    if "rateLimitScale" in body:
        scale = body["rateLimitScale"]
        current.rate_limit_scale = None if scale is None else float(scale)
        sim.limiter.reset(current.rate_limit_scale)
    if "queueSeconds" in body:
        current.queue_seconds = float(body["queueSeconds"])
    if "processingSeconds" in body:
        current.processing_seconds = float(body["processingSeconds"])
    if "gzipDocuments" in body:
        current.gzip_documents = bool(body["gzipDocuments"])
    if "reportCharset" in body:
        "".encode(body["reportCharset"])  # fails early on an unknown codec
        current.report_charset = body["reportCharset"]
    return {
        "rateLimitScale": current.rate_limit_scale,
        "queueSeconds": current.queue_seconds,
        "processingSeconds": current.processing_seconds,
        "gzipDocuments": current.gzip_documents,
        "reportCharset": current.report_charset,
    }


@handler
def applications(sim: Any, request: Request, body: dict) -> Any:
    if request.method == "POST":
        application = Application(
            application_id=body["applicationId"],
            client_id=body["clientId"],
            client_secret=body["clientSecret"],
            redirect_uris=list(body["redirectUris"]),
            name=body.get("name", "Shelfmark"),
            draft=bool(body.get("draft", True)),
        )
        sim.state.applications[application.application_id] = application
        sim.persist()
    return {
        "applications": [
            {
                "applicationId": app.application_id,
                "clientId": app.client_id,
                "redirectUris": app.redirect_uris,
                "name": app.name,
                "draft": app.draft,
            }
            for app in sim.state.applications.values()
        ]
    }


@handler
def sellers(sim: Any, request: Request, body: dict) -> Any:
    if request.method == "POST":
        marketplace_ids = list(body.get("marketplaceIds", list(MARKETPLACES)))
        if unknown := set(marketplace_ids) - set(MARKETPLACES):
            raise ControlError(f"Unknown marketplaces: {sorted(unknown)}")
        seller = Seller(
            selling_partner_id=body["sellingPartnerId"],
            name=body.get("name", body["sellingPartnerId"]),
            email=body["email"],
            password=body["password"],
            marketplace_ids=marketplace_ids,
            suspended_marketplace_ids=list(body.get("suspendedMarketplaceIds", [])),
        )
        if (other := sim.state.seller_by_email(seller.email)) and (
            other.selling_partner_id != seller.selling_partner_id
        ):
            raise ControlError(f"Another seller already uses {seller.email}.")
        sim.state.sellers[seller.selling_partner_id] = seller
        sim.persist()
    return {
        "sellers": [
            {
                "sellingPartnerId": seller.selling_partner_id,
                "name": seller.name,
                "email": seller.email,
                "marketplaceIds": seller.marketplace_ids,
            }
            for seller in sim.state.sellers.values()
        ]
    }


@handler
def catalog(sim: Any, request: Request, body: dict) -> Any:
    if request.method == "POST":
        asins = body["asins"]
        if isinstance(asins, list):
            asins = dict.fromkeys(asins, "")
        sim.state.catalog.update({str(k).upper(): str(v) for k, v in asins.items()})
        sim.persist()
    return {"asins": sim.state.catalog}


def listing_view(listing: Listing) -> dict[str, Any]:
    return {
        "sku": listing.sku,
        "asin": listing.asin,
        "productType": listing.product_type,
        "itemName": item_name(listing),
        "price": listing_price(listing),
        "quantity": listing_quantity(listing),
        "conditionType": first_value(listing.attributes, "condition_type"),
        "conditionNote": first_value(listing.attributes, "condition_note"),
        "status": listing_status(listing),
        "listingId": listing.listing_id,
        "revision": listing.revision,
        "createdTime": isoformat(listing.created),
        "updatedTime": isoformat(listing.updated),
        "attributes": listing.attributes,
    }


def seeded_listing(
    sim: Any, seller_id: str, marketplace_id: str, item: dict[str, Any]
) -> Listing:
    """A listing built from simple fields, in Amazon's attribute shape."""
    tag = {"marketplace_id": marketplace_id}
    currency = MARKETPLACES[marketplace_id]["defaultCurrencyCode"]
    attributes: dict[str, Any] = {
        "condition_type": [{"value": item.get("conditionType", "used_good"), **tag}],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": item.get("quantity", 1)}
        ],
    }
    if "price" in item:
        attributes["purchasable_offer"] = [
            {
                "currency": currency,
                "our_price": [{"schedule": [{"value_with_tax": item["price"]}]}],
                **tag,
            }
        ]
    if "itemName" in item:
        attributes["item_name"] = [{"value": item["itemName"], **tag}]
    if "conditionNote" in item:
        attributes["condition_note"] = [{"value": item["conditionNote"], **tag}]
    attributes.update(item.get("attributes", {}))
    now = sim.clock.time()
    return Listing(
        sku=item["sku"],
        asin=item.get("asin", ""),
        product_type=item.get("productType", "PRODUCT"),
        attributes=attributes,
        created=now,
        updated=now,
        listing_id=derived_code(f"{seller_id}/{item['sku']}", 11),
    )


@handler
def listings(sim: Any, request: Request, body: dict) -> Any:
    if request.method == "POST":
        seller_id = body["sellingPartnerId"]
        marketplace_id = body["marketplaceId"]
        if seller_id not in sim.state.sellers or marketplace_id not in MARKETPLACES:
            raise ControlError("Unknown seller or marketplace.")
        store = sim.state.listings_for(seller_id, marketplace_id)
        if body.get("replace"):
            store.clear()
        for item in body.get("listings", []):
            store[item["sku"]] = seeded_listing(sim, seller_id, marketplace_id, item)
        for sku in body.get("remove", []):
            store.pop(sku, None)
        sim.persist()
    wanted_seller = request.arg("sellingPartnerId") or body.get("sellingPartnerId")
    wanted_marketplace = request.arg("marketplaceId") or body.get("marketplaceId")
    result: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for seller_id, by_marketplace in sim.state.listings.items():
        if wanted_seller and seller_id != wanted_seller:
            continue
        for marketplace_id, items in by_marketplace.items():
            if wanted_marketplace and marketplace_id != wanted_marketplace:
                continue
            result.setdefault(seller_id, {})[marketplace_id] = [
                listing_view(items[sku]) for sku in sorted(items)
            ]
    return {"listings": result}


@handler
def counters(sim: Any, request: Request, body: dict) -> Any:
    return {
        "operations": dict(sim.counters["operations"]),
        "throttled": dict(sim.counters["throttled"]),
        "faults": dict(sim.counters["faults"]),
        "documentsUploaded": sim.counters["documents"]["uploaded"],
        "bytesUploaded": sim.counters["documents"]["bytesUploaded"],
        "feedsBySeller": dict(sim.counters["feedsBySeller"]),
        "feedsByType": dict(sim.counters["feedsByType"]),
        "tokenRequests": dict(sim.counters["tokenRequests"]),
    }


@handler
def authorize(sim: Any, request: Request, body: dict) -> Any:
    """Authorize an app for a seller without the consent page."""
    seller_id = body["sellingPartnerId"]
    application_id = body.get("applicationId", DEFAULT_APPLICATION_ID)
    if seller_id not in sim.state.sellers:
        raise ControlError(f"Unknown seller {seller_id}.")
    if application_id not in sim.state.applications:
        raise ControlError(f"Unknown application {application_id}.")
    if "redirectUri" in body:
        code = AuthorizationCode(
            code="AN" + random_token("")[:32],
            selling_partner_id=seller_id,
            application_id=application_id,
            redirect_uri=body["redirectUri"],
            expires_at=sim.clock.time() + AUTHORIZATION_CODE_SECONDS,
        )
        sim.state.codes[code.code] = code
        return {"spapi_oauth_code": code.code, "selling_partner_id": seller_id}
    grant = Grant(
        refresh_token=random_token("Atzr|"),
        selling_partner_id=seller_id,
        application_id=application_id,
        created=sim.clock.time(),
    )
    sim.state.grants[grant.refresh_token] = grant
    sim.persist()
    access = sim.issue_access_token(seller_id, application_id)
    return {
        "refresh_token": grant.refresh_token,
        "access_token": access.token,
        "expires_in": int(access.expires_at - sim.clock.time()),
        "selling_partner_id": seller_id,
    }


@handler
def revoke(sim: Any, request: Request, body: dict) -> Any:
    """Forget every refresh and access token of a seller."""
    seller_id = body["sellingPartnerId"]
    for tokens in (sim.state.grants, sim.state.access_tokens):
        for key in [k for k, v in tokens.items() if v.selling_partner_id == seller_id]:
            del tokens[key]
    sim.persist()


@handler
def expire_tokens(sim: Any, request: Request, body: dict) -> Any:
    """Make every access token expire now."""
    for token in sim.state.access_tokens.values():
        token.expires_at = min(token.expires_at, sim.clock.time())


BASE = "/_simulator"
ROUTES = [
    ("GET", f"{BASE}/health", health, None),
    ("POST", f"{BASE}/reset", reset, None),
    ("GET", f"{BASE}/clock", clock, None),
    ("POST", f"{BASE}/clock/advance", advance_clock, None),
    ("POST", f"{BASE}/faults", add_fault, None),
    ("DELETE", f"{BASE}/faults", clear_faults, None),
    ("POST", f"{BASE}/delays", set_delay, None),
    ("POST", f"{BASE}/feeds/stall", stall_feeds, None),
    ("POST", f"{BASE}/feeds/release", release_feeds, None),
    ("POST", f"{BASE}/feeds/fatal", force_fatal, None),
    ("GET", f"{BASE}/feeds", feeds, None),
    ("GET", f"{BASE}/documents/{{document_id}}", document, None),
    ("GET", f"{BASE}/settings", settings, None),
    ("POST", f"{BASE}/settings", settings, None),
    ("GET", f"{BASE}/applications", applications, None),
    ("POST", f"{BASE}/applications", applications, None),
    ("GET", f"{BASE}/sellers", sellers, None),
    ("POST", f"{BASE}/sellers", sellers, None),
    ("GET", f"{BASE}/catalog", catalog, None),
    ("POST", f"{BASE}/catalog", catalog, None),
    ("GET", f"{BASE}/listings", listings, None),
    ("POST", f"{BASE}/listings", listings, None),
    ("GET", f"{BASE}/counters", counters, None),
    ("POST", f"{BASE}/authorizations", authorize, None),
    ("POST", f"{BASE}/authorizations/revoke", revoke, None),
    ("POST", f"{BASE}/access-tokens/expire", expire_tokens, None),
]
