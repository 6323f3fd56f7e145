"""The cockpit app for snapshot tests: a module-level ``app`` built from the environment.

COCKPIT_HOME (set by the test's ``home`` fixture) gives config and store; the clock is
frozen at 2026-11-25 09:00 UTC so nothing time-dependent moves between runs.
"""

import datetime as dt

from cockpit.context import Context
from cockpit.core.clock import FakeClock
from cockpit.tui.app import CockpitApp

CLOCK = FakeClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tz="Europe/Berlin")

app = CockpitApp(Context.open(clock=CLOCK))
