"""The simulator: its state, switches, request dispatch and job processing.

One `Simulator` object is a WSGI application. Every read or write of its
state happens under `self.lock`; the server's threads and the job worker
share it.
"""

import dataclasses
import gzip
import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from simulator.clock import Clock
from simulator.identifiers import random_code
from simulator.listings_feed import ListingsFeedProcessor, fatal
from simulator.listings_report import all_listings_report
from simulator.ratelimits import USAGE_PLANS, RateLimiter
from simulator.schemas import load_listings_feed_schema
from simulator.state import AccessToken, Document, Job, Snapshot, default_state
from simulator.web import Request, Response, Router

logger = logging.getLogger(__name__)

ACCESS_TOKEN_SECONDS = 3600
AUTHORIZATION_CODE_SECONDS = 300
PRESIGNED_URL_SECONDS = 300
FEED_DOCUMENT_SECONDS = 2 * 24 * 3600
RETENTION_SECONDS = 90 * 24 * 3600

JSON_LISTINGS_FEED = "JSON_LISTINGS_FEED"
# Removed from the Feeds API on 31 July 2025: such feeds now end FATAL.
RETIRED_FEED_TYPES = frozenset(
    {
        "POST_PRODUCT_DATA",
        "POST_INVENTORY_AVAILABILITY_DATA",
        "POST_PRODUCT_OVERRIDES_DATA",
        "POST_PRODUCT_PRICING_DATA",
        "POST_PRODUCT_IMAGE_DATA",
        "POST_PRODUCT_RELATIONSHIP_DATA",
        "POST_FLAT_FILE_INVLOADER_DATA",
        "POST_FLAT_FILE_BOOKLOADER_DATA",
        "POST_FLAT_FILE_CONVERGENCE_LISTINGS_DATA",
        "POST_FLAT_FILE_LISTINGS_DATA",
        "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
        "POST_UIEE_BOOKLOADER_DATA",
    }
)
FEED_TYPES = RETIRED_FEED_TYPES | {JSON_LISTINGS_FEED}
LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
REPORT_TYPES = frozenset({LISTINGS_REPORT})
# Operations whose model declares no 401 answer: auth failures are 403.
NO_401_OPERATIONS = frozenset({"createFeedDocument", "getMarketplaceParticipations"})
STALL_STAGES = ("IN_QUEUE", "IN_PROGRESS")


@dataclass
class Settings:
    """How a simulator behaves; tests pass these to running_simulator()."""

    queue_seconds: float = 1.0
    processing_seconds: float = 2.0
    tick_seconds: float = 0.2
    rate_limit_scale: float | None = 1.0
    gzip_documents: bool = False
    report_charset: str = "windows-1252"
    schemas_dir: str | None = None
    data_path: str | None = None
    fault_seed: int = 0


@dataclass
class Fault:
    operation: str  # an operationId, or "*" for every operation
    status: int
    remaining: int | None = None  # None: until cleared
    rate: float | None = None  # chance per call, when set


@dataclass
class Switches:
    faults: list[Fault] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    stall: str | None = None
    fatal_next: int = 0


class ApiError(Exception):
    """An SP-API error answer: status plus Amazon's error list."""

    def __init__(self, status: int, code: str, message: str, details: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def response(self) -> Response:
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return Response.json({"errors": [error]}, self.status)


def invalid_input(details: str) -> ApiError:
    return ApiError(400, "InvalidInput", "Invalid input", details)


def not_found(details: str) -> ApiError:
    return ApiError(404, "NotFound", "Resource not found", details)


class Simulator:
    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        self.settings = settings or Settings(**options)
        self.initial_settings = dataclasses.replace(self.settings)
        self.lock = threading.RLock()
        self.clock = Clock()
        self.state = default_state()
        self.snapshot = (
            Snapshot(Path(self.settings.data_path)) if self.settings.data_path else None
        )
        if self.snapshot and not self.snapshot.load_into(self.state):
            self.snapshot.save(self.state)
        self.limiter = RateLimiter(self.settings.rate_limit_scale)
        self.processor = ListingsFeedProcessor(
            load_listings_feed_schema(self.settings.schemas_dir)
        )
        self.switches = Switches()
        self.counters: dict[str, Counter[str]] = defaultdict(Counter)
        self.page_tokens: dict[str, tuple[dict[str, Any], int]] = {}
        self.signing_key = secrets.token_bytes(32)
        self.random = random.Random(self.settings.fault_seed)
        self._sequence = 0
        self.router = build_router()

    # WSGI entry point

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request.from_environ(environ)
        try:
            response = self.handle(request)
        except Exception:
            logger.exception("Simulator failed on %s %s", request.method, request.path)
            response = ApiError(
                500, "InternalFailure", "We encountered an internal error."
            ).response()
        response.headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
        return response.send(start_response)

    def handle(self, request: Request) -> Response:
        route, params, path_known = self.router.match(request.method, request.path)
        if route is None:
            if path_known:
                return ApiError(
                    405, "MethodNotAllowed", "Method not allowed"
                ).response()
            return not_found(f"No resource at {request.path}").response()
        if route.operation is None:
            return route.handler(self, request, **params)
        operation = route.operation
        response = self.call_operation(operation, route.handler, request, params)
        response.headers.append(
            ("x-amzn-RateLimit-Limit", self.limiter.header_value(operation))
        )
        return response

    def call_operation(
        self, operation: str, handler: Any, request: Request, params: dict[str, str]
    ) -> Response:
        with self.lock:
            self.counters["operations"][operation] += 1
            delay = self.switches.delays.get(operation, self.switches.delays.get("*"))
            fault = self.take_fault(operation)
        if delay:
            time.sleep(delay)
        if fault:
            if fault == 429:
                with self.lock:
                    self.counters["throttled"][operation] += 1
                return ApiError(
                    429,
                    "QuotaExceeded",
                    "You exceeded your quota for the requested resource.",
                ).response()
            if fault == 500:
                return ApiError(
                    500,
                    "InternalFailure",
                    "We encountered an internal error. Please try again.",
                ).response()
            return ApiError(
                fault,
                "ServiceUnavailable",
                "Service temporarily unavailable. Please try again.",
            ).response()
        try:
            with self.lock:
                seller_id = self.authenticate(operation, request)
                if not self.limiter.try_acquire(
                    operation, seller_id, self.clock.time()
                ):
                    self.counters["throttled"][operation] += 1
                    raise ApiError(
                        429,
                        "QuotaExceeded",
                        "You exceeded your quota for the requested resource.",
                    )
            if request.method in ("POST", "PUT") and request.content_type != (
                "application/json"
            ):
                raise ApiError(
                    415,
                    "InvalidInput",
                    "The request's Content-Type header is invalid.",
                    "Use Content-Type: application/json.",
                )
            return handler(self, request, seller_id=seller_id, **params)
        except ApiError as error:
            return error.response()

    def take_fault(self, operation: str) -> int | None:
        for fault in self.switches.faults:
            if fault.operation not in (operation, "*"):
                continue
            if fault.rate is not None and self.random.random() >= fault.rate:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.switches.faults.remove(fault)
            self.counters["faults"][operation] += 1
            return fault.status
        return None

    def authenticate(self, operation: str, request: Request) -> str:
        """The selling partner an access token stands for, or an ApiError."""
        token = request.headers.get("x-amz-access-token")
        if not token:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The request has no x-amz-access-token header.",
            )
        grant = self.state.access_tokens.get(token)
        if grant is None:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        if grant.expires_at <= self.clock.time():
            status = 403 if operation in NO_401_OPERATIONS else 401
            raise ApiError(
                status,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        return grant.selling_partner_id

    # Tokens, ids, documents

    def issue_access_token(self, seller_id: str, application_id: str) -> AccessToken:
        token = AccessToken(
            token="Atza|" + secrets.token_urlsafe(96),
            selling_partner_id=seller_id,
            application_id=application_id,
            expires_at=self.clock.time() + ACCESS_TOKEN_SECONDS,
        )
        self.state.access_tokens[token.token] = token
        return token

    def next_id(self, base: int) -> str:
        self._sequence += 1
        return str(base + self._sequence)

    def new_document(self, seller_id: str, content_type: str, kind: str) -> Document:
        prefix = "amzn1.tortuga.4.na" if kind == "feed" else "amzn1.spdoc.1.4.na"
        document = Document(
            document_id=f"{prefix}.{uuid.uuid4()}.T{random_code(14)}",
            selling_partner_id=seller_id,
            content_type=content_type,
            created=self.clock.time(),
        )
        self.state.documents[document.document_id] = document
        return document

    def store_result(
        self, seller_id: str, content_type: str, content: bytes, kind: str
    ) -> Document:
        document = self.new_document(seller_id, content_type, kind)
        if self.settings.gzip_documents:
            document.content = gzip.compress(content, mtime=0)
            document.compressed = True
        else:
            document.content = content
        return document

    def presigned_url(self, base_url: str, path: str, method: str, **extra: str) -> str:
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%SZ")
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": stamp,
            "X-Amz-Expires": str(PRESIGNED_URL_SECONDS),
            **extra,
        }
        query["X-Amz-Signature"] = self.sign(method, path, query)
        return f"{base_url}{path}?{urlencode(query)}"

    def sign(self, method: str, path: str, query: dict[str, str]) -> str:
        signed = "&".join(
            f"{key}={value}"
            for key, value in sorted(query.items())
            if key != "X-Amz-Signature"
        )
        message = f"{method}\n{path}\n{signed}".encode()
        return hmac.new(self.signing_key, message, hashlib.sha256).hexdigest()

    def check_presigned(self, request: Request, method: str) -> str | None:
        """Why a presigned URL is refused, as an S3 error code, or None."""
        query = {key: values[-1] for key, values in request.query.items()}
        signature = query.get("X-Amz-Signature", "")
        if not hmac.compare_digest(signature, self.sign(method, request.path, query)):
            return "SignatureDoesNotMatch"
        issued = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=UTC
        )
        if self.clock.time() > issued.timestamp() + int(query["X-Amz-Expires"]):
            return "AccessDenied"
        return None

    # Jobs: feeds and reports

    def tick(self) -> None:
        """Move feeds and reports along; called by the worker thread."""
        with self.lock:
            now = self.clock.time()
            jobs = sorted(self.state.jobs.values(), key=lambda job: job.created)
            busy = {
                (job.kind, job.selling_partner_id)
                for job in jobs
                if job.status == "IN_PROGRESS"
            }
            for job in jobs:
                stall = self.switches.stall if job.kind == "feed" else None
                if (
                    job.status == "IN_QUEUE"
                    and stall != "IN_QUEUE"
                    and now >= job.created + self.settings.queue_seconds
                    and (job.kind, job.selling_partner_id) not in busy
                ):
                    job.status = "IN_PROGRESS"
                    job.started = now
                    busy.add((job.kind, job.selling_partner_id))
                if (
                    job.status == "IN_PROGRESS"
                    and stall != "IN_PROGRESS"
                    and job.started is not None
                    and now >= job.started + self.settings.processing_seconds
                ):
                    if job.kind == "feed":
                        self.finish_feed(job, now)
                    else:
                        self.finish_report(job, now)
                    job.ended = now
                    busy.discard((job.kind, job.selling_partner_id))

    def finish_feed(self, job: Job, now: float) -> None:
        document = self.state.documents.get(job.input_document_id or "")
        if job.forced_fatal or job.job_type in RETIRED_FEED_TYPES:
            job.status = "FATAL"
            logger.info("Feed %s (%s) ended FATAL", job.job_id, job.job_type)
            return
        header = {
            "sellerId": job.selling_partner_id,
            "version": "2.0",
            "feedId": job.job_id,
        }
        if document is None or document.content is None:
            outcome = fatal(header, "The feed document was never uploaded.")
        else:
            outcome = self.processor.process(
                state=self.state,
                feed_id=job.job_id,
                seller_id=job.selling_partner_id,
                marketplace_ids=job.marketplace_ids,
                content=document.content,
                now=now,
            )
        result = self.store_result(
            job.selling_partner_id,
            "application/json; charset=UTF-8",
            json.dumps(outcome.report, indent=2).encode("utf-8"),
            "feed",
        )
        job.status = outcome.status
        job.result_document_id = result.document_id
        summary = outcome.report["summary"]
        logger.info(
            "Feed %s for %s ended %s: %s accepted, %s invalid",
            job.job_id,
            job.selling_partner_id,
            job.status,
            summary["messagesAccepted"],
            summary["messagesInvalid"],
        )
        self.persist()

    def finish_report(self, job: Job, now: float) -> None:
        marketplace_id = job.marketplace_ids[0]
        text = all_listings_report(
            self.state.listings_for(job.selling_partner_id, marketplace_id),
            self.state.catalog,
            marketplace_id,
        )
        charset = self.settings.report_charset
        result = self.store_result(
            job.selling_partner_id,
            f"text/tab-separated-values; charset={charset}",
            text.encode(charset, errors="replace"),
            "report",
        )
        job.status = "DONE"
        job.result_document_id = result.document_id

    def persist(self) -> None:
        if self.snapshot:
            self.snapshot.save(self.state)

    def reset(self) -> None:
        with self.lock:
            self.state = default_state()
            self.settings = dataclasses.replace(self.initial_settings)
            self.switches = Switches()
            self.counters.clear()
            self.page_tokens.clear()
            self.clock.reset()
            self.limiter.reset(self.settings.rate_limit_scale)
            self.random = random.Random(self.settings.fault_seed)
            self.persist()


def build_router() -> Router:
    from simulator import control, documents, lwa, spapi

    router = Router()
    for module in (lwa, spapi, documents, control):
        for method, template, handler, operation in module.ROUTES:
            if operation is not None and operation not in USAGE_PLANS:
                raise ValueError(f"No usage plan for {operation}")
            router.add(method, template, handler, operation)
    return router
