"""Time for the core: always injected, always timezone-aware UTC inside, IANA zone for display."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


class Clock(Protocol):
    tz: dt.tzinfo

    def now(self) -> dt.datetime:
        """Aware UTC now."""
        ...

    def monotonic(self) -> float: ...


class SystemClock:
    def __init__(self, tz: dt.tzinfo | None = None) -> None:
        self.tz = tz or local_zone()

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock for tests: set, advance, or jump the wall clock independently of monotonic time."""

    def __init__(self, start: dt.datetime, tz: dt.tzinfo | str = "UTC") -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._mono = 1000.0
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz

    def now(self) -> dt.datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=seconds)
        self._mono += seconds

    def jump_wall(self, seconds: float) -> None:
        """Move only the wall clock (NTP step, suspend/resume seen from the wall)."""
        self._now += dt.timedelta(seconds=seconds)


def local_zone(env: dict[str, str] | None = None) -> dt.tzinfo:
    """The user's IANA zone: $TZ, then /etc/timezone, then the /etc/localtime link; else UTC."""
    env = os.environ if env is None else env
    candidates: list[str] = []
    if env.get("TZ"):
        candidates.append(env["TZ"].lstrip(":"))
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def zone(name: str) -> dt.tzinfo:
    return ZoneInfo(name)


def to_stamp(t: dt.datetime) -> str:
    """ISO-8601 UTC stamp as stored: ``2026-11-25T22:49:18.123456+00:00``."""
    if t.tzinfo is None:
        raise ValueError("naive datetime")
    return t.astimezone(UTC).isoformat()


def from_stamp(s: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)
