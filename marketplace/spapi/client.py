"""A small client for the parts of the Selling Partner API Shelfmark uses.

Written on ``requests`` rather than on Amazon's ``amzn-sp-api`` or the
community ``python-amazon-sp-api``. Both were read before deciding; neither
shares anything between worker processes, and fitting them would take more
code than the calls themselves:

- amzn-sp-api (swagger-generated) takes custom hosts, but caches access
  tokens only in the process, retries a refused refresh token three times
  with sleeps, loses LWA's error code, has no throttling or 429 handling, no
  document upload or download, and calls ``logging.basicConfig`` on import.
- python-amazon-sp-api has no host argument (its Host header assumes
  ``https://``, so an ``http://`` simulator breaks), hard-codes the LWA URL
  as class attributes, caches tokens per process for a fixed 3200 s,
  encodes ``str`` uploads as Latin-1, and retries throttled calls with a
  fixed per-process delay.

This client shares LWA access tokens (cached until expiry) and each
operation's rate-limit bucket through Redis, retries throttled and failed
calls with backoff within the operation's rate, and raises the typed errors
in ``marketplace.spapi.errors``.
"""

import codecs
import gzip
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import redis
import requests
from django.conf import settings

from marketplace.spapi.errors import (
    AmazonError,
    QuotaExceeded,
    ServerError,
    Unauthorized,
    error_from_response,
)
from marketplace.spapi.lwa import AccessTokens, LwaCredentials
from marketplace.spapi.marketplaces import MARKETPLACES, spapi_endpoint
from marketplace.spapi.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

FEEDS = "/feeds/2021-06-30"
REPORTS = "/reports/2021-06-30"
FINISHED_STATUSES = frozenset({"DONE", "CANCELLED", "FATAL"})
CHARSET_ALIASES = {"windows-31j": "cp932"}
USER_AGENT = "Shelfmark/0.1 (Language=Python)"


@lru_cache(maxsize=4)
def redis_connection(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class MarketplaceParticipation:
    marketplace_id: str
    name: str
    country_code: str
    is_participating: bool
    has_suspended_listings: bool
    store_name: str


@dataclass(frozen=True)
class FeedDocumentUpload:
    feed_document_id: str
    url: str  # presigned, valid for five minutes


@dataclass(frozen=True)
class Document:
    """A feed result or report document: where to download it, and how."""

    document_id: str
    url: str
    compression_algorithm: str | None = None


@dataclass(frozen=True)
class DocumentContent:
    data: bytes  # uncompressed
    content_type: str
    charset: str

    @property
    def text(self) -> str:
        return self.data.decode(self.charset, errors="replace")


@dataclass(frozen=True)
class Feed:
    feed_id: str
    feed_type: str
    marketplace_ids: list[str]
    processing_status: str
    created_time: datetime | None
    processing_start_time: datetime | None
    processing_end_time: datetime | None
    result_feed_document_id: str | None

    @property
    def is_finished(self) -> bool:
        return self.processing_status in FINISHED_STATUSES

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Feed":
        return cls(
            feed_id=data["feedId"],
            feed_type=data["feedType"],
            marketplace_ids=data.get("marketplaceIds", []),
            processing_status=data["processingStatus"],
            created_time=_time(data.get("createdTime")),
            processing_start_time=_time(data.get("processingStartTime")),
            processing_end_time=_time(data.get("processingEndTime")),
            result_feed_document_id=data.get("resultFeedDocumentId"),
        )


@dataclass(frozen=True)
class FeedPage:
    feeds: list[Feed]
    next_token: str | None


@dataclass(frozen=True)
class Report:
    report_id: str
    report_type: str
    marketplace_ids: list[str]
    processing_status: str
    created_time: datetime | None
    processing_start_time: datetime | None
    processing_end_time: datetime | None
    report_document_id: str | None

    @property
    def is_finished(self) -> bool:
        return self.processing_status in FINISHED_STATUSES

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Report":
        return cls(
            report_id=data["reportId"],
            report_type=data["reportType"],
            marketplace_ids=data.get("marketplaceIds", []),
            processing_status=data["processingStatus"],
            created_time=_time(data.get("createdTime")),
            processing_start_time=_time(data.get("processingStartTime")),
            processing_end_time=_time(data.get("processingEndTime")),
            report_document_id=data.get("reportDocumentId"),
        )


def _charset(content_type: str, default: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
            charset = CHARSET_ALIASES.get(charset, charset)
            try:
                return codecs.lookup(charset).name
            except LookupError:
                logger.warning("Unknown charset %r; reading as %s", charset, default)
    return default


class SpApiClient:
    """The SP-API on behalf of one selling partner in one region."""

    def __init__(
        self,
        *,
        region: str,
        selling_partner_id: str,
        refresh_token: str,
        token_owner: str,
        credentials: LwaCredentials | None = None,
        endpoint: str | None = None,
        connection: redis.Redis | None = None,
        rate_limit_scale: float | None = None,
        max_retries: int | None = None,
        max_wait: float | None = None,
        timeout: float | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.region = region
        self.selling_partner_id = selling_partner_id
        self.endpoint = (endpoint or spapi_endpoint(region)).rstrip("/")
        self.credentials = credentials or LwaCredentials.from_settings()
        self.redis = connection or redis_connection(settings.REDIS_URL)
        self.timeout = timeout or settings.AMAZON_HTTP_TIMEOUT_SECONDS
        self.max_retries = (
            settings.AMAZON_MAX_RETRIES if max_retries is None else max_retries
        )
        self.max_wait = (
            settings.AMAZON_MAX_WAIT_SECONDS if max_wait is None else max_wait
        )
        self.backoff = (
            settings.AMAZON_RETRY_BACKOFF_SECONDS if backoff is None else backoff
        )
        self.sleep = sleep
        self.tokens = AccessTokens(
            connection=self.redis,
            owner=token_owner,
            refresh_token=refresh_token,
            credentials=self.credentials,
            timeout=self.timeout,
        )
        self.limiter = RateLimiter(
            self.redis,
            caller=f"{region}:{selling_partner_id}",
            scale=rate_limit_scale or settings.AMAZON_RATE_LIMIT_SCALE,
        )
        self.http = requests.Session()
        self.http.headers["User-Agent"] = USER_AGENT

    @classmethod
    def for_service(cls, service: Any, **options: Any) -> "SpApiClient":
        """The client for a registered ``marketplace.models.Service``."""
        from marketplace import crypto

        if not service.is_registered:
            raise Unauthorized(f"{service} is not registered with Amazon")
        return cls(
            region=MARKETPLACES[service.marketplace].region,
            selling_partner_id=service.selling_partner_id,
            refresh_token=crypto.decrypt(service.refresh_token_encrypted),
            token_owner=str(service.public_id),
            **options,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "SpApiClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Calling Amazon

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2**attempt) * random.uniform(0.8, 1.2)

    def _retry_or_raise(self, error: AmazonError, attempt: int, what: str) -> float:
        """The seconds to wait before the next attempt, or raise ``error``."""
        if attempt >= self.max_retries:
            logger.warning(
                "%s for %s failed after %d retries: %s",
                what,
                self.selling_partner_id,
                attempt,
                error,
            )
            raise error
        delay = self._backoff(attempt)
        if delay > self.max_wait:
            raise error
        logger.info(
            "%s for %s failed (%s); retrying in %.1fs",
            what,
            self.selling_partner_id,
            error,
            delay,
        )
        return delay

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> requests.Response:
        """Send one SP-API operation, within its rate, retrying what can be."""
        attempt = 0
        token_renewed = False
        while True:
            try:
                wait = self.limiter.reserve(operation, max_wait=self.max_wait)
                if wait:
                    self.sleep(wait)
                token = self.tokens.get()
                response = self.http.request(
                    method,
                    f"{self.endpoint}{path}",
                    params=params,
                    json=json,
                    headers={"x-amz-access-token": token},
                    timeout=self.timeout,
                )
            except requests.RequestException as error:
                failure = ServerError(f"Amazon could not be reached: {error}")
                self.sleep(self._retry_or_raise(failure, attempt, operation))
                attempt += 1
                continue
            except ServerError as error:  # from Login with Amazon
                self.sleep(self._retry_or_raise(error, attempt, operation))
                attempt += 1
                continue
            self.limiter.observe(
                operation, response.headers.get("x-amzn-RateLimit-Limit")
            )
            if response.status_code < 400:
                return response
            rate = self.limiter.rate(operation)
            error = error_from_response(response, retry_after=1 / rate)
            if isinstance(error, Unauthorized) and not token_renewed:
                # The cached token may have been revoked or expired early.
                self.tokens.forget()
                token_renewed = True
                continue
            if isinstance(error, QuotaExceeded):
                self.limiter.empty(operation)
            if isinstance(error, QuotaExceeded | ServerError):
                self.sleep(self._retry_or_raise(error, attempt, operation))
                attempt += 1
                continue
            raise error

    def _transfer(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """A request to a presigned document URL: no token, no usage plan."""
        attempt = 0
        while True:
            try:
                response = self.http.request(
                    method, url, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as error:
                failure = ServerError(f"Amazon could not be reached: {error}")
                self.sleep(self._retry_or_raise(failure, attempt, "Document transfer"))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            code = ""
            if "<Code>" in response.text:
                code = response.text.split("<Code>", 1)[1].split("</Code>", 1)[0]
            message = f"Document {method} refused: {code or response.reason}"
            if response.status_code >= 500:
                failure = ServerError(message, status=response.status_code, code=code)
                self.sleep(self._retry_or_raise(failure, attempt, "Document transfer"))
                attempt += 1
                continue
            raise AmazonError(message, status=response.status_code, code=code)

    # Sellers

    def get_marketplace_participations(self) -> list[MarketplaceParticipation]:
        response = self.call(
            "getMarketplaceParticipations",
            "GET",
            "/sellers/v1/marketplaceParticipations",
        )
        return [
            MarketplaceParticipation(
                marketplace_id=item["marketplace"]["id"],
                name=item["marketplace"].get("name", ""),
                country_code=item["marketplace"].get("countryCode", ""),
                is_participating=item["participation"]["isParticipating"],
                has_suspended_listings=item["participation"].get(
                    "hasSuspendedListings", False
                ),
                store_name=item.get("storeName", ""),
            )
            for item in response.json().get("payload", [])
        ]

    # Feeds

    def create_feed_document(self, content_type: str) -> FeedDocumentUpload:
        response = self.call(
            "createFeedDocument",
            "POST",
            f"{FEEDS}/documents",
            json={"contentType": content_type},
        )
        data = response.json()
        return FeedDocumentUpload(data["feedDocumentId"], data["url"])

    def upload_feed_document(
        self, upload: FeedDocumentUpload | str, content: bytes, content_type: str
    ) -> None:
        """PUT the feed's bytes; ``content_type`` must be the one declared."""
        url = upload.url if isinstance(upload, FeedDocumentUpload) else upload
        self._transfer("PUT", url, data=content, headers={"Content-Type": content_type})

    def create_feed(
        self,
        *,
        feed_type: str,
        marketplace_ids: Iterable[str],
        input_feed_document_id: str,
        feed_options: dict[str, str] | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": input_feed_document_id,
        }
        if feed_options:
            body["feedOptions"] = feed_options
        response = self.call("createFeed", "POST", f"{FEEDS}/feeds", json=body)
        return response.json()["feedId"]

    def get_feed(self, feed_id: str) -> Feed:
        response = self.call("getFeed", "GET", f"{FEEDS}/feeds/{feed_id}")
        return Feed.from_json(response.json())

    def get_feeds(
        self,
        *,
        feed_types: Iterable[str] = (),
        marketplace_ids: Iterable[str] = (),
        processing_statuses: Iterable[str] = (),
        page_size: int | None = None,
        created_since: datetime | None = None,
        created_until: datetime | None = None,
        next_token: str | None = None,
    ) -> FeedPage:
        if next_token:
            params: dict[str, Any] = {"nextToken": next_token}
        else:
            params = {
                "feedTypes": ",".join(feed_types),
                "marketplaceIds": ",".join(marketplace_ids) or None,
                "processingStatuses": ",".join(processing_statuses) or None,
                "pageSize": page_size,
                "createdSince": created_since.isoformat() if created_since else None,
                "createdUntil": created_until.isoformat() if created_until else None,
            }
        response = self.call("getFeeds", "GET", f"{FEEDS}/feeds", params=params)
        data = response.json()
        return FeedPage(
            [Feed.from_json(item) for item in data.get("feeds", [])],
            data.get("nextToken"),
        )

    def cancel_feed(self, feed_id: str) -> None:
        self.call("cancelFeed", "DELETE", f"{FEEDS}/feeds/{feed_id}")

    def get_feed_document(self, feed_document_id: str) -> Document:
        response = self.call(
            "getFeedDocument", "GET", f"{FEEDS}/documents/{feed_document_id}"
        )
        data = response.json()
        return Document(
            data["feedDocumentId"], data["url"], data.get("compressionAlgorithm")
        )

    # Reports

    def create_report(
        self,
        *,
        report_type: str,
        marketplace_ids: Iterable[str],
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
        report_options: dict[str, str] | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "reportType": report_type,
            "marketplaceIds": list(marketplace_ids),
        }
        if data_start_time:
            body["dataStartTime"] = data_start_time.isoformat()
        if data_end_time:
            body["dataEndTime"] = data_end_time.isoformat()
        if report_options:
            body["reportOptions"] = report_options
        response = self.call("createReport", "POST", f"{REPORTS}/reports", json=body)
        return response.json()["reportId"]

    def get_report(self, report_id: str) -> Report:
        response = self.call("getReport", "GET", f"{REPORTS}/reports/{report_id}")
        return Report.from_json(response.json())

    def get_report_document(self, report_document_id: str) -> Document:
        response = self.call(
            "getReportDocument", "GET", f"{REPORTS}/documents/{report_document_id}"
        )
        data = response.json()
        return Document(
            data["reportDocumentId"], data["url"], data.get("compressionAlgorithm")
        )

    # Documents

    def download_document(
        self, document: Document, *, default_charset: str = "utf-8"
    ) -> DocumentContent:
        """Fetch a feed result or report, gunzipped, with its charset.

        The charset is the one in the download's Content-Type, as Amazon's
        own samples read it; ``default_charset`` applies when there is none.
        """
        response = self._transfer("GET", document.url)
        data = response.content
        # requests already inflates Content-Encoding: gzip; only gunzip what
        # still carries gzip's magic number.
        if (document.compression_algorithm or "").upper() == "GZIP" and data[
            :2
        ] == b"\x1f\x8b":
            data = gzip.decompress(data)
        content_type = response.headers.get("Content-Type", "")
        return DocumentContent(
            data, content_type, _charset(content_type, default_charset)
        )
