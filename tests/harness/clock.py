"""A pinned calendar with a running clock, for tests that need real timers (pollers, tickers) but
must not depend on today's date."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo


class PinnedClock:
    """Wall time starts at ``start`` and advances with the real monotonic clock."""

    def __init__(self, start: dt.datetime, tz: str = "UTC") -> None:
        if start.tzinfo is None:
            raise ValueError("PinnedClock needs an aware datetime")
        self._start = start.astimezone(dt.UTC)
        self._mono0 = time.monotonic()
        self.tz = ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._mono0)

    def monotonic(self) -> float:
        return time.monotonic()
