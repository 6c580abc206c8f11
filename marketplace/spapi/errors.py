"""What can go wrong talking to Amazon, as exceptions a caller can act on.

``AmazonError`` is the base. Callers retry ``QuotaExceeded`` and
``ServerError`` later; ``Unauthorized`` and ``TokenExchangeFailed`` (with
LWA's ``invalid_grant``) mean the seller must register the service again;
``InvalidInput`` carries Amazon's own error list.
"""

from typing import Any

import requests


class AmazonError(Exception):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        errors: list[dict[str, Any]] | None = None,
        request_id: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.errors = errors or []
        self.request_id = request_id

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.message}{status}"


class Unauthorized(AmazonError):
    """Amazon refused the access token, or the seller's authorization."""


class QuotaExceeded(AmazonError):
    """Throttled; ``retry_after`` is the number of seconds to wait."""

    def __init__(self, message: str, *, retry_after: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(AmazonError):
    """Amazon failed (5xx) or could not be reached."""


class InvalidInput(AmazonError):
    """Amazon rejected the request; ``errors`` lists Amazon's reasons."""


class NotFound(AmazonError):
    pass


class TokenExchangeFailed(AmazonError):
    """Login with Amazon refused a code or refresh token.

    ``error`` is LWA's code (``invalid_grant``, ``invalid_client``...) and
    ``description`` its explanation.
    """

    def __init__(self, error: str, description: str = "", **kwargs: Any) -> None:
        message = f"Login with Amazon refused the request: {error}"
        if description:
            message = f"{message} ({description})"
        super().__init__(message, code=error, **kwargs)
        self.error = error
        self.description = description


def error_from_response(
    response: requests.Response, *, retry_after: float = 0.0
) -> AmazonError:
    """The exception for an SP-API error answer, with Amazon's error list."""
    errors: list[dict[str, Any]] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        errors = [error for error in body["errors"] if isinstance(error, dict)]
    first = errors[0] if errors else {}
    message = first.get("message") or response.reason or "Amazon returned an error"
    if first.get("details"):
        message = f"{message}: {first['details']}"
    kwargs: dict[str, Any] = {
        "status": response.status_code,
        "code": first.get("code", ""),
        "errors": errors,
        "request_id": response.headers.get("x-amzn-RequestId", ""),
    }
    status = response.status_code
    if status == 429:
        return QuotaExceeded(message, retry_after=retry_after, **kwargs)
    if status in (401, 403):
        return Unauthorized(message, **kwargs)
    if status == 404:
        return NotFound(message, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    if 400 <= status < 500:
        return InvalidInput(message, **kwargs)
    return AmazonError(message, **kwargs)
