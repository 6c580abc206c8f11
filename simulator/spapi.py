"""The Sellers, Feeds and Reports APIs, from Amazon's 2021-06-30 models."""

import json
import logging
import secrets
from typing import Any

from simulator.clock import isoformat, parse_isoformat
from simulator.core import (
    FEED_DOCUMENT_SECONDS,
    FEED_TYPES,
    REPORT_TYPES,
    RETENTION_SECONDS,
    invalid_input,
    not_found,
)
from simulator.state import MARKETPLACES, Document, Job
from simulator.web import Request, Response

logger = logging.getLogger(__name__)

STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
FEED_ID_BASE = 50_000_000_000
REPORT_ID_BASE = 51_000_000_000


def marketplace_participations(sim: Any, request: Request, seller_id: str) -> Response:
    with sim.lock:
        seller = sim.state.sellers[seller_id]
        payload = [
            {
                "marketplace": MARKETPLACES[marketplace_id],
                "participation": {
                    "isParticipating": True,
                    "hasSuspendedListings": marketplace_id
                    in seller.suspended_marketplace_ids,
                },
                "storeName": seller.name,
            }
            for marketplace_id in seller.marketplace_ids
        ]
    return Response.json({"payload": payload})


def read_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise invalid_input(f"The request body is not valid JSON: {error}") from error
    if not isinstance(body, dict):
        raise invalid_input("The request body must be a JSON object.")
    return body


def check_marketplaces(sim: Any, seller_id: str, value: Any) -> list[str]:
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 25
        or not all(isinstance(item, str) for item in value)
    ):
        raise invalid_input("marketplaceIds must be a list of 1 to 25 strings.")
    seller = sim.state.sellers[seller_id]
    for marketplace_id in value:
        if marketplace_id not in MARKETPLACES:
            raise invalid_input(f"Invalid marketplaceId: {marketplace_id}.")
        if marketplace_id not in seller.marketplace_ids:
            raise invalid_input(
                f"The seller does not participate in marketplace {marketplace_id}."
            )
    return value


def job_json(job: Job) -> dict[str, Any]:
    name = job.kind  # "feed" or "report"
    data: dict[str, Any] = {
        f"{name}Id": job.job_id,
        f"{name}Type": job.job_type,
        "marketplaceIds": job.marketplace_ids,
        "createdTime": isoformat(job.created),
        "processingStatus": job.status,
    }
    if job.started is not None:
        data["processingStartTime"] = isoformat(job.started)
    if job.ended is not None:
        data["processingEndTime"] = isoformat(job.ended)
    if job.result_document_id:
        key = "resultFeedDocumentId" if name == "feed" else "reportDocumentId"
        data[key] = job.result_document_id
    return data


def find_job(sim: Any, kind: str, job_id: str, seller_id: str) -> Job:
    job = sim.state.jobs.get(job_id)
    if (
        job is None
        or job.kind != kind
        or job.selling_partner_id != seller_id
        or job.created < sim.clock.time() - RETENTION_SECONDS
    ):
        raise not_found(f"No {kind} with id {job_id}.")
    return job


def list_jobs(sim: Any, request: Request, seller_id: str, kind: str) -> Response:
    """getFeeds and getReports: filters, pageSize and nextToken."""
    types_param = f"{kind}Types"
    with sim.lock:
        token = request.arg("nextToken")
        if token is not None:
            if set(request.query) - {"nextToken"}:
                raise invalid_input("nextToken must be the only parameter.")
            if token not in sim.page_tokens:
                raise invalid_input("The nextToken is not valid.")
            filters, offset = sim.page_tokens[token]
        else:
            filters, offset = list_filters(sim, request, types_param), 0
        matching = [
            job
            for job in sim.state.jobs.values()
            if job.kind == kind
            and job.selling_partner_id == seller_id
            and job.job_type in filters["types"]
            and (not filters["statuses"] or job.status in filters["statuses"])
            and (
                not filters["marketplaces"]
                or set(job.marketplace_ids) & set(filters["marketplaces"])
            )
            and filters["since"] <= job.created <= filters["until"]
        ]
        matching.sort(key=lambda job: (job.created, int(job.job_id)), reverse=True)
        end = offset + filters["size"]
        body: dict[str, Any] = {f"{kind}s": [job_json(j) for j in matching[offset:end]]}
        if end < len(matching):
            next_token = secrets.token_urlsafe(24)
            sim.page_tokens[next_token] = (filters, end)
            body["nextToken"] = next_token
    return Response.json(body)


def list_filters(sim: Any, request: Request, types_param: str) -> dict[str, Any]:
    types = request.csv_arg(types_param)
    if not types:
        raise invalid_input(f"Either {types_param} or nextToken is required.")
    marketplaces = request.csv_arg("marketplaceIds") or []
    statuses = request.csv_arg("processingStatuses") or []
    if len(types) > 10 or len(marketplaces) > 10:
        raise invalid_input(f"{types_param} and marketplaceIds take at most 10 items.")
    if unknown := set(statuses) - set(STATUSES):
        raise invalid_input(
            f"Invalid processingStatuses: {', '.join(sorted(unknown))}."
        )
    try:
        size = int(request.arg("pageSize") or 10)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise invalid_input("pageSize must be a whole number from 1 to 100.")
    now = sim.clock.time()
    try:
        since = parse_isoformat(
            request.arg("createdSince") or isoformat(now - 90 * 86400)
        )
        until = parse_isoformat(request.arg("createdUntil") or isoformat(now))
    except ValueError as error:
        raise invalid_input(
            "createdSince and createdUntil must be ISO 8601 date-times."
        ) from error
    return {
        "types": types,
        "marketplaces": marketplaces,
        "statuses": statuses,
        "size": size,
        "since": since,
        "until": until,
    }


def get_feeds(sim: Any, request: Request, seller_id: str) -> Response:
    return list_jobs(sim, request, seller_id, "feed")


def create_feed(sim: Any, request: Request, seller_id: str) -> Response:
    body = read_body(request)
    feed_type = body.get("feedType")
    document_id = body.get("inputFeedDocumentId")
    options = body.get("feedOptions", {})
    if not isinstance(feed_type, str) or not isinstance(document_id, str):
        raise invalid_input("feedType and inputFeedDocumentId are required strings.")
    if feed_type not in FEED_TYPES:
        raise invalid_input(f"Invalid feedType: {feed_type}.")
    if not isinstance(options, dict) or not all(
        isinstance(value, str) for value in options.values()
    ):
        raise invalid_input("feedOptions must map names to strings.")
    with sim.lock:
        marketplace_ids = check_marketplaces(sim, seller_id, body.get("marketplaceIds"))
        document = sim.state.documents.get(document_id)
        if document is None or document.selling_partner_id != seller_id:
            raise invalid_input(f"Invalid inputFeedDocumentId: {document_id}.")
        if document.created + FEED_DOCUMENT_SECONDS < sim.clock.time():
            raise invalid_input(f"The feed document {document_id} has expired.")
        job = Job(
            job_id=sim.next_id(FEED_ID_BASE),
            kind="feed",
            selling_partner_id=seller_id,
            job_type=feed_type,
            marketplace_ids=marketplace_ids,
            created=sim.clock.time(),
            options=options,
            input_document_id=document_id,
        )
        if sim.switches.fatal_next > 0:
            sim.switches.fatal_next -= 1
            job.forced_fatal = True
        sim.state.jobs[job.job_id] = job
        sim.counters["feedsBySeller"][seller_id] += 1
        sim.counters["feedsByType"][feed_type] += 1
    logger.info("Feed %s (%s) created for %s", job.job_id, feed_type, seller_id)
    return Response.json({"feedId": job.job_id}, 202)


def get_feed(sim: Any, request: Request, seller_id: str, feedId: str) -> Response:
    with sim.lock:
        return Response.json(job_json(find_job(sim, "feed", feedId, seller_id)))


def cancel_job(sim: Any, kind: str, job_id: str, seller_id: str) -> Response:
    with sim.lock:
        job = find_job(sim, kind, job_id, seller_id)
        if job.status != "IN_QUEUE":
            raise invalid_input(
                f"Only {kind}s with processingStatus IN_QUEUE can be cancelled; "
                f"this one is {job.status}."
            )
        job.status = "CANCELLED"
    return Response(200)


def cancel_feed(sim: Any, request: Request, seller_id: str, feedId: str) -> Response:
    return cancel_job(sim, "feed", feedId, seller_id)


def create_feed_document(sim: Any, request: Request, seller_id: str) -> Response:
    body = read_body(request)
    content_type = body.get("contentType")
    if not isinstance(content_type, str) or not content_type.strip():
        raise invalid_input("contentType is required.")
    with sim.lock:
        document = sim.new_document(seller_id, content_type, "feed")
    url = sim.presigned_url(
        request.base_url, f"/_s3/uploads/{document.document_id}", "PUT"
    )
    return Response.json({"feedDocumentId": document.document_id, "url": url}, 201)


def document_json(
    sim: Any, request: Request, document: Document, id_key: str
) -> Response:
    extra = {}
    if request.arg("enableContentEncodingUrlHeader") == "true" and document.compressed:
        extra["response-content-encoding"] = "gzip"
    url = sim.presigned_url(
        request.base_url, f"/_s3/documents/{document.document_id}", "GET", **extra
    )
    data = {id_key: document.document_id, "url": url}
    if document.compressed:
        data["compressionAlgorithm"] = "GZIP"
    return Response.json(data)


def find_document(sim: Any, document_id: str, seller_id: str) -> Document:
    document = sim.state.documents.get(document_id)
    if document is None or document.selling_partner_id != seller_id:
        raise not_found(f"No document with id {document_id}.")
    return document


def get_feed_document(
    sim: Any, request: Request, seller_id: str, feedDocumentId: str
) -> Response:
    with sim.lock:
        document = find_document(sim, feedDocumentId, seller_id)
    return document_json(sim, request, document, "feedDocumentId")


def get_reports(sim: Any, request: Request, seller_id: str) -> Response:
    return list_jobs(sim, request, seller_id, "report")


def create_report(sim: Any, request: Request, seller_id: str) -> Response:
    body = read_body(request)
    report_type = body.get("reportType")
    if not isinstance(report_type, str):
        raise invalid_input("reportType is required.")
    if report_type not in REPORT_TYPES:
        raise invalid_input(
            f"The report type {report_type} is not available; the simulator "
            f"offers {', '.join(sorted(REPORT_TYPES))}."
        )
    with sim.lock:
        marketplace_ids = check_marketplaces(sim, seller_id, body.get("marketplaceIds"))
        if len(marketplace_ids) != 1:
            raise invalid_input(f"{report_type} takes exactly one marketplaceId.")
        job = Job(
            job_id=sim.next_id(REPORT_ID_BASE),
            kind="report",
            selling_partner_id=seller_id,
            job_type=report_type,
            marketplace_ids=marketplace_ids,
            created=sim.clock.time(),
            options=body.get("reportOptions") or {},
        )
        sim.state.jobs[job.job_id] = job
    return Response.json({"reportId": job.job_id}, 202)


def get_report(sim: Any, request: Request, seller_id: str, reportId: str) -> Response:
    with sim.lock:
        return Response.json(job_json(find_job(sim, "report", reportId, seller_id)))


def cancel_report(
    sim: Any, request: Request, seller_id: str, reportId: str
) -> Response:
    return cancel_job(sim, "report", reportId, seller_id)


def get_report_document(
    sim: Any, request: Request, seller_id: str, reportDocumentId: str
) -> Response:
    with sim.lock:
        document = find_document(sim, reportDocumentId, seller_id)
    return document_json(sim, request, document, "reportDocumentId")


FEEDS = "/feeds/2021-06-30"
REPORTS = "/reports/2021-06-30"
ROUTES = [
    (
        "GET",
        "/sellers/v1/marketplaceParticipations",
        marketplace_participations,
        "getMarketplaceParticipations",
    ),
    ("GET", f"{FEEDS}/feeds", get_feeds, "getFeeds"),
    ("POST", f"{FEEDS}/feeds", create_feed, "createFeed"),
    ("GET", f"{FEEDS}/feeds/{{feedId}}", get_feed, "getFeed"),
    ("DELETE", f"{FEEDS}/feeds/{{feedId}}", cancel_feed, "cancelFeed"),
    ("POST", f"{FEEDS}/documents", create_feed_document, "createFeedDocument"),
    (
        "GET",
        f"{FEEDS}/documents/{{feedDocumentId}}",
        get_feed_document,
        "getFeedDocument",
    ),
    ("GET", f"{REPORTS}/reports", get_reports, "getReports"),
    ("POST", f"{REPORTS}/reports", create_report, "createReport"),
    ("GET", f"{REPORTS}/reports/{{reportId}}", get_report, "getReport"),
    ("DELETE", f"{REPORTS}/reports/{{reportId}}", cancel_report, "cancelReport"),
    (
        "GET",
        f"{REPORTS}/documents/{{reportDocumentId}}",
        get_report_document,
        "getReportDocument",
    ),
]
