"""Amazon's per-operation usage plans, enforced with token buckets.

The rates and bursts are the defaults from the usage-plan tables in
Amazon's models (feeds_2021-06-30.json, reports_2021-06-30.json,
sellers.json). Buckets are kept per selling partner and operation, as
Amazon applies them per selling partner and application pair.
"""

from dataclasses import dataclass

# operationId: (requests per second, burst)
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getMarketplaceParticipations": (0.016, 15),
    "getFeeds": (0.0222, 10),
    "createFeed": (0.0083, 15),
    "cancelFeed": (2.0, 15),
    "getFeed": (2.0, 15),
    "createFeedDocument": (0.5, 15),
    "getFeedDocument": (0.0222, 10),
    "getReports": (0.0222, 10),
    "createReport": (0.0167, 15),
    "cancelReport": (0.0222, 10),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
}


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets; scale multiplies every refill rate (None disables)."""

    def __init__(self, scale: float | None = 1.0) -> None:
        self.scale = scale
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def rate(self, operation: str) -> float:
        rate, _ = USAGE_PLANS[operation]
        return rate * (self.scale or 1.0)

    def header_value(self, operation: str) -> str:
        return f"{self.rate(operation):g}"

    def try_acquire(self, operation: str, caller: str, now: float) -> bool:
        if self.scale is None:
            return True
        _, burst = USAGE_PLANS[operation]
        bucket = self._buckets.get((operation, caller))
        if bucket is None:
            bucket = self._buckets[(operation, caller)] = Bucket(burst, now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(burst, bucket.tokens + elapsed * self.rate(operation))
        bucket.updated = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def reset(self, scale: float | None = 1.0) -> None:
        self.scale = scale
        self._buckets.clear()
