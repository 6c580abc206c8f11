"""A wall clock that tests can move forward."""

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Real time plus an offset that only ever grows."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("The clock only moves forward.")
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


def isoformat(timestamp: float) -> str:
    """Format epoch seconds as ISO 8601 in UTC with milliseconds and a Z."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_isoformat(value: str) -> float:
    """Parse an ISO 8601 date-time with an offset or Z into epoch seconds."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("A time zone is required.")
    return moment.timestamp()
