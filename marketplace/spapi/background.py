"""What every background job that talks to Amazon shares: which errors are
worth another try, how long to wait before it, and how often to look at a
job Amazon is still working on."""

from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.conf import settings

from marketplace.spapi.errors import QuotaExceeded, ServerError

# Throttling, outages and lost connections: a later try may succeed.
TRANSIENT = (QuotaExceeded, ServerError, requests.ConnectionError, requests.Timeout)
GAVE_UP = "Amazon did not answer after {tries} tries ({error}). Try again later."


@dataclass
class PollResult:
    finished: bool
    delay: float = 0.0


def poll_delay(polls: int) -> float:
    """Seconds until the next look at a feed or report: growing, capped."""
    first = settings.UPLOAD_POLL_FIRST_SECONDS
    return min(first * (2 ** min(polls, 16)), settings.UPLOAD_POLL_MAX_SECONDS)


def retry_or_give_up(task, error: Exception, give_up: Callable[[str], None]) -> None:
    """Retry ``task`` later with a doubling wait, or call ``give_up`` with a
    message for the seller once the tries are spent."""
    tries = settings.UPLOAD_MAX_RETRIES
    retries = task.request.retries
    if retries >= tries:
        give_up(GAVE_UP.format(tries=tries + 1, error=error))
        return
    countdown = min(settings.UPLOAD_RETRY_FIRST_SECONDS * 2**retries, 600)
    raise task.retry(exc=error, countdown=countdown, max_retries=tries)
