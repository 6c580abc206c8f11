"""Amazon's usage plans, as token buckets in Redis shared by every worker.

Amazon meters each operation per selling partner and application with a
token bucket (a rate in requests per second and a burst). Shelfmark keeps
the same bucket in Redis so that all web and Celery processes together stay
within it: a caller reserves a token, and sleeps until it is due when the
bucket is empty. When Amazon reports a lower rate in the
``x-amzn-RateLimit-Limit`` header, that rate is used for an hour.
"""

import logging
from dataclasses import dataclass

import redis

from marketplace.spapi.errors import QuotaExceeded

logger = logging.getLogger(__name__)

KEY_PREFIX = "shelfmark:amazon"
OBSERVED_RATE_SECONDS = 3600


@dataclass(frozen=True)
class UsagePlan:
    rate: float  # requests per second
    burst: int


# The defaults in Amazon's models (feeds_2021-06-30.json,
# reports_2021-06-30.json, sellers.json).
USAGE_PLANS: dict[str, UsagePlan] = {
    "getMarketplaceParticipations": UsagePlan(0.016, 15),
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeed": UsagePlan(2.0, 15),
    "getFeeds": UsagePlan(0.0222, 10),
    "cancelFeed": UsagePlan(2.0, 15),
    "getFeedDocument": UsagePlan(0.0222, 10),
    "createReport": UsagePlan(0.0167, 15),
    "getReport": UsagePlan(2.0, 15),
    "getReportDocument": UsagePlan(0.0167, 15),
}

# Refill the bucket, then take one token if it is due within max_wait
# seconds (the balance may go negative: later callers queue behind).
# Returns {taken (0/1), seconds to wait}. Redis's clock is the one clock
# all workers share.
RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil then
  tokens = burst
  updated = now
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
end
local taken = 0
if wait <= max_wait then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return {taken, tostring(wait)}
"""

# After a 429: Amazon's bucket is empty, whatever ours says.
EMPTY = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens == nil or tokens > 0 then
  tokens = 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
"""


class RateLimiter:
    """Buckets for one caller: a selling partner in one region."""

    def __init__(self, connection: redis.Redis, *, caller: str, scale: float = 1.0):
        self.redis = connection
        self.caller = caller
        self.scale = scale
        self._reserve = connection.register_script(RESERVE)
        self._empty = connection.register_script(EMPTY)

    def _key(self, kind: str, operation: str) -> str:
        return f"{KEY_PREFIX}:{kind}:{self.caller}:{operation}"

    def rate(self, operation: str) -> float:
        planned = USAGE_PLANS[operation].rate * self.scale
        observed = self.redis.get(self._key("observed", operation))
        return min(planned, float(observed)) if observed else planned

    def reserve(self, operation: str, *, max_wait: float) -> float:
        """Take a token; returns the seconds to sleep before using it.

        Raises QuotaExceeded when the token is due later than max_wait.
        """
        rate = self.rate(operation)
        taken, wait = self._reserve(
            keys=[self._key("bucket", operation)],
            args=[rate, USAGE_PLANS[operation].burst, max_wait],
        )
        wait = float(wait)
        if not int(taken):
            raise QuotaExceeded(
                f"{operation} is over its rate of {rate:g} requests per second",
                retry_after=wait,
                code="QuotaExceeded",
            )
        return wait

    def empty(self, operation: str) -> None:
        rate = self.rate(operation)
        ttl = int(USAGE_PLANS[operation].burst / rate) + 60
        self._empty(keys=[self._key("bucket", operation)], args=[ttl])

    def observe(self, operation: str, header: str | None) -> None:
        """Honour the rate Amazon reports, when it is below the plan."""
        if not header:
            return
        try:
            reported = float(header)
        except ValueError:
            return
        planned = USAGE_PLANS[operation].rate * self.scale
        key = self._key("observed", operation)
        if 0 < reported < planned:
            previous = self.redis.set(key, reported, ex=OBSERVED_RATE_SECONDS, get=True)
            if previous is None or float(previous) != reported:
                logger.info(
                    "Amazon allows %s %g requests per second for %s",
                    operation,
                    reported,
                    self.caller,
                )
        else:
            self.redis.delete(key)
