"""A cockpit CLI process that runs many commands: ``python -m tests.hostile.race_driver HOME T0``.

It imports cockpit once, then reads one command per line on stdin (``[delay_s] ARGS...``) and
runs it through ``cockpit.cli.main`` (the console script's path: argv parsing, Context.open, the
service, the error printing), answering ``rc N`` on stdout. So racing processes start their
commands within microseconds of each other (the test writes to all their stdins at once), without
paying an interpreter start per command.

The calendar is pinned: the clock reads 2026-11-25 09:00 UTC at the real time T0 and runs with the
real time from there (the same for every driver), so the test does not depend on today's date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shlex
import sys
import time
from zoneinfo import ZoneInfo

DAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


class SharedClock:
    def __init__(self, t0: float, tz: str = "Europe/Berlin") -> None:
        self.t0, self.tz = t0, ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return DAY + dt.timedelta(seconds=time.time() - self.t0)

    def monotonic(self) -> float:
        return time.monotonic()


def main() -> int:
    home, t0 = sys.argv[1], float(sys.argv[2])
    os.environ["COCKPIT_HOME"] = home
    from cockpit import context
    from cockpit.cli import main as cli_main

    clock = SharedClock(t0)
    context.SystemClock = lambda tz=None: clock  # type: ignore[assignment,misc]  # the pinned calendar
    out = sys.stdout
    for line in sys.stdin:
        words = shlex.split(line)
        if not words:
            continue
        try:
            delay = float(words[0])
            words = words[1:]
        except ValueError:
            delay = 0.0
        if delay:
            time.sleep(delay)
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            rc = cli_main(words)
        msg = err.getvalue().strip().replace("\n", " | ")
        print(f"rc {rc} {msg}", file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
