"""Fixtures of the time-audit tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.context import Context
from cockpit.core.clock import FakeClock


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=dt.UTC)


@pytest.fixture
def berlin_ctx(home) -> Context:  # noqa: ANN001
    # The MITs morning plan would open over the panes when tasks exist; these tests are about the audit.
    if not (home / "config.toml").exists():
        (home / "config.toml").write_text("[mits]\nmorning_plan = false\n")
    return Context.open(home, clock=FakeClock(at(2026, 11, 25, 8, 0), tz="Europe/Berlin"))
