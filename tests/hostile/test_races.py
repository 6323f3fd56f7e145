"""Racing writers: real cockpit processes (and the TUI) make the same change at the same moment.

Each racer is a real process that runs the real CLI path (tests/hostile/race_driver.py: argv,
Context.open, the service, the store); the test releases them together by writing to all their
stdins at once, then reads the real store files."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.harness.tmux import REPO, clean_env


class Racers:
    def __init__(self, home: Path, n: int) -> None:
        self.home = home
        self.t0 = time.time()
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.hostile.race_driver", str(home), repr(self.t0)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=clean_env({"COCKPIT_HOME": str(home)}),
                cwd=REPO,
            )
            for _ in range(n)
        ]

    def send(self, i: int, line: str) -> None:
        stdin = self.procs[i].stdin
        assert stdin is not None
        stdin.write(line + "\n")
        stdin.flush()

    def answer(self, i: int) -> str:
        stdout = self.procs[i].stdout
        assert stdout is not None
        line = stdout.readline()
        assert line, f"racer {i} died"
        return line.strip()

    def all(self, line: str) -> list[str]:
        """Release every racer on ``line`` at once; their answers (``rc N message``)."""
        for i in range(len(self.procs)):
            self.send(i, line)
        return [self.answer(i) for i in range(len(self.procs))]

    def one(self, line: str) -> str:
        self.send(0, line)
        return self.answer(0)

    def close(self) -> None:
        for p in self.procs:
            if p.stdin is not None:
                p.stdin.close()
        for p in self.procs:
            p.wait(timeout=30)


@contextmanager
def racers(home: Path, n: int) -> Iterator[Racers]:
    r = Racers(home, n)
    try:
        yield r
    finally:
        r.close()


def store_dir(home: Path) -> Path:
    return home / "data" / "store"


def open_entries(home: Path) -> list[str]:
    """The ids of the time entries with ``end: null``, read from the real files."""
    out = []
    for f in sorted((store_dir(home) / "time_entries").glob("*.json")):
        for n, doc in json.loads(f.read_bytes()).get("docs", {}).items():
            if doc.get("end") is None:
                out.append(f"{f.stem}-{n}")
    return out


def tracked(home: Path) -> str | None:
    f = store_dir(home) / "doc-audit-track" / "all.json"
    if not f.exists():
        return None
    doc = json.loads(f.read_bytes()).get("docs", {}).get("1", {})
    return doc.get("entry")


def test_four_racing_track_starts_leave_no_orphan(home):
    """100 rounds: 4 processes run `track start m` at once while nothing is tracked. Exactly one
    entry is open afterwards, the one `track status` shows; `track stop` then closes it."""
    rounds, bad_rounds, seen = 100, [], set()
    with racers(home, 4) as r:
        for i in range(rounds):
            answers = r.all("track start m")
            assert all(a.startswith("rc 0") for a in answers), answers
            live, shown = open_entries(home), tracked(home)
            new = [e for e in live if e != shown and e not in seen]
            if new or shown not in live:
                bad_rounds.append((i, new, shown))
            seen.update(live)
            assert r.one("track stop").startswith("rc 0")
    orphans = open_entries(home)
    assert (orphans, len(bad_rounds)) == ([], 0), (
        f"{len(bad_rounds)} of {rounds} rounds left open entries that `track status` does not show: {bad_rounds[:5]}"
    )


async def test_tui_m_races_cli_track_start(home):
    """The TUI's `m` and a CLI `track start m` at the same moment, 60 times (the TUI side waits a
    different few milliseconds each round, so the two meet at every point of each other's write)."""
    from cockpit.context import Context
    from cockpit.tui.app import CockpitApp
    from tests.hostile.race_driver import SharedClock

    rounds, bad_rounds, seen = 60, [], set()
    with racers(home, 1) as r:
        app = CockpitApp(Context.open(home, clock=SharedClock(r.t0)))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("3")
            for i in range(rounds):
                r.send(0, "track start m")
                await asyncio.sleep((i % 30) * 0.0015)
                await pilot.press("m")
                assert r.answer(0).startswith("rc 0")
                live, shown = open_entries(home), tracked(home)
                new = [e for e in live if e != shown and e not in seen]
                if new or shown not in live:
                    bad_rounds.append((i, new, shown))
                seen.update(live)
                assert r.one("track stop").startswith("rc 0")
            assert app.is_running
    orphans = open_entries(home)
    assert (orphans, len(bad_rounds)) == ([], 0), (
        f"{len(bad_rounds)} of {rounds} rounds left open entries that `track status` does not show: {bad_rounds[:5]}"
    )


def test_four_racing_mit_adds_never_pass_the_cap(home):
    """10 rounds: 4 processes run `task add --mit` (or `task mit ID` on 4 open tasks) at once while
    no task is an MIT today. Exactly 3 win, the fourth is refused with the cap error."""
    from cockpit.context import Context
    from cockpit.services import mits
    from tests.hostile.race_driver import SharedClock

    with racers(home, 4) as r:
        ctx = Context.open(home, clock=SharedClock(r.t0))
        for i in range(10):
            if i % 2:
                ids = [mits.add_task(ctx, f"r{i} open {k}").id for k in range(4)]
                lines = [f"task mit {ids[k]}" for k in range(4)]
            else:
                lines = [f"task add 'r{i} p{k}' --mit" for k in range(4)]
            for k in range(4):
                r.send(k, lines[k])
            answers = [r.answer(k) for k in range(4)]
            today = mits.todays_mits(ctx)
            assert len(today) == 3, (i, answers, [t.title for t in today])
            assert sorted(a[:4] for a in answers) == ["rc 0"] * 3 + ["rc 1"], answers
            for t in today:
                assert r.one(f"task mit {t.id} --off").startswith("rc 0")
