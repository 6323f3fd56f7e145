"""Wide terminals: the GPU pane's utilisation history (Pilot, real sshd hosts), and all four extra
views on one 160×48 screen of a real tmux, from data seeded through the services."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from cockpit.context import Context
from cockpit.services import audit
from cockpit.services import focus as focus_svc
from cockpit.services import papers as papers_svc
from cockpit.sources import arxiv as src
from cockpit.tui.app import CockpitApp
from tests.harness.clock import PinnedClock
from tests.harness.sshd import H100_BUSY, P100_IDLE
from tests.harness.tmux import TmuxScreen, cockpit_cmd
from tests.papers import feeds

pytestmark = pytest.mark.infra
FAST = "connect_timeout_s = 2.0\npoll_seconds = 0.5"


def history_line(text: str, host: str = "h2") -> str:
    return next((line for line in text.splitlines() if f"{host}:0 " in line), "")


async def drawn(pilot, pane, util: float) -> None:  # noqa: ANN001
    """Wait until the pane drew a poll of h2 whose GPU 0 was at ``util`` percent."""
    deadline = time.monotonic() + 20
    while list(pane.history.get("h2", {}).get(0, ()))[-1:] != [util]:
        assert time.monotonic() < deadline, f"no poll at {util}%"
        await pilot.pause(0.1)
    await pilot.pause(0.1)


async def test_gpu_pane_shows_each_gpus_utilisation_history_when_wide_only(fresh_hosts, write_config, home):
    h2 = fresh_hosts.hosts["h2"]
    write_config(fresh_hosts.config_toml(hosts=["h2"], gpu=FAST))
    # polls come by the monotonic clock: a pinned calendar whose clock runs
    ctx = Context.open(
        home, clock=PinnedClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), "Europe/Berlin")
    )
    for size in ((160, 48), (80, 24)):
        h2.set_gpus([H100_BUSY])
        app = CockpitApp(ctx)
        async with app.run_test(size=size) as pilot:
            pane = app.query_one("#gpu")

            await drawn(pilot, pane, 100.0)  # busy (100%), then idle (0%), then busy again
            if size == (160, 48):
                h2.set_gpus([P100_IDLE])
                await drawn(pilot, pane, 0.0)
                h2.set_gpus([H100_BUSY])
                await drawn(pilot, pane, 100.0)
            shown = "\n".join(str(w.render()) for w in pane.query("Static") if w.display)
            if size == (80, 24):
                assert "Utilisation" not in shown and not pane.query("#gpu-history")
                continue
            assert "Utilisation, last" in shown
            line = history_line(shown)
            spark = line.split("h2:0 ", 1)[1].split(" now")[0].strip()
            # the newest sample is on the right; the idle polls are the low blocks between busy ones
            assert spark.endswith("█") and "▁" in spark and spark.index("█") < spark.rindex("▁")
            assert "now100%" in line.replace(" ", "") and "max100%" in line.replace(" ", "")


def seed_day(home) -> Context:  # noqa: ANN001
    """Data of "today" through the services, on the real clock (the app in tmux runs on it)."""
    ctx = Context.open(home)
    papers = [feeds.item(f"2611.{i:05d}", f"Paper number {i}") for i in (1, 2)]
    papers_svc.store_papers(ctx, src.parse_bytes(feeds.rss(papers)).papers)
    for i in (1, 2):
        papers_svc.decide(ctx, f"2611.{i:05d}", "keep")
    papers_svc.start_pass(ctx, "2611.00001")
    papers_svc.finish_pass(ctx, "2611.00001", minutes=12)
    now = ctx.clock.now()
    audit.add_entry(ctx, start=now - dt.timedelta(minutes=3), end=now, category="model", source="manual")
    focus_svc.start(ctx, "sprint", 50)
    focus_svc.interrupt(ctx, "external", "a knock")
    return ctx


@pytest.mark.e2e
def test_e2e_in_tmux_160x48_shows_every_panes_extra_view(gpu_ctx, fresh_hosts, home, tmp_path):
    gpu_ctx(hosts=["h2"], gpu=FAST)  # writes config.toml: the host h2, polled fast
    seed_day(home)
    with TmuxScreen(cockpit_cmd(), 160, 48, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        for text in ("Timeline: focus", "This week", "Passes", "Utilisation, last"):
            s.wait_for(text)
        deadline = time.monotonic() + 20
        while history_line(s.screen()).count("█") < 3:  # three polls drawn
            assert time.monotonic() < deadline, s.screen()
            time.sleep(0.2)
        screen = s.screen()
        lines = screen.splitlines()
        # Focus: the hours, and the running sprint with its interruption on the bar
        axis = next(i for i, line in enumerate(lines) if "Timeline: focus" in line) + 1
        assert "!" in lines[axis + 1][:55] and "█ focus ░ break" in lines[axis + 2]
        # the audit: a bar per day of this week, today's with its category key
        days = [
            line
            for line in lines
            if any(f"│ {d} " in line for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
        ]
        assert len(days) == 7 and any(re.search(r"│ \w\w\w \d\d m█", line) for line in days)
        # Papers: each queued paper's three passes
        assert "✓ 12/15m" in screen and "2 2611.00002  · 15m" in screen
        s.send("C-q")
        assert s.wait_exit() == 0
