"""Issue 14, "the instruments should know about each other": a sprint IS tracking's running
entry, a break is apart, the sprint rules, the shutdown stops what runs, the status line shows
both the MIT and the tracked category. Driven through the CLI (``main``) and Pilot (keys)."""

from __future__ import annotations

import json

import pytest

from cockpit import status
from cockpit.cli import main
from cockpit.context import Context
from cockpit.services import audit, mits
from cockpit.services import focus as svc
from cockpit.tui.app import CockpitApp
from cockpit.tui.mits.shutdown import ShutdownScreen
from tests.harness.pilot import settle


@pytest.fixture
def cli(home, clock, write_config, monkeypatch, capsys):  # noqa: ANN001, ANN201
    """``cockpit ARGS`` in process, on the test's clock; returns (exit code, stdout)."""
    write_config('[mits]\nmorning_plan = false\n[notify]\nchannels = ["toast"]\n')
    real = Context.open.__func__

    def open_on_clock(cls, home_=None, clock_=None):  # noqa: ANN001, ANN202
        return real(cls, home_ or home, clock=clock)

    monkeypatch.setattr(Context, "open", classmethod(open_on_clock))

    def run(*args: str) -> tuple[int, str]:
        code = main(list(args))
        out, _ = capsys.readouterr()
        return code, out

    return run


def report(cli):  # noqa: ANN001, ANN201
    code, out = cli("audit", "report", "--day", "--json")
    assert code == 0
    return json.loads(out)


def test_sprint_is_the_tracking_entry_break_apart_and_the_numbers_agree(cli, clock):
    assert cli("track", "start", "meetings")[0] == 0
    clock.advance(600)
    assert cli("focus", "start", "--minutes", "30", "--category", "model")[0] == 0
    clock.advance(600)
    r = report(cli)  # the running sprint is running time in its category: no "not tracking"
    assert r["categories"].get("model") == 600 and r["categories"].get("meetings") == 600
    assert cli("focus", "pause")[0] == 0
    clock.advance(300)
    assert report(cli)["categories"]["model"] == 600  # paused: tracking paused too
    assert cli("focus", "resume")[0] == 0
    clock.advance(20 * 60)  # the sprint ran out 10 min ago, unseen: closed at its planned end
    code, out = cli("focus", "status", "--json")
    assert code == 0 and "break" in out
    clock.advance(30 * 60)  # the break (30 * 20/90 min = 400 s) is over: tracking resumes in model
    code, out = cli("focus", "status", "--json")
    today = json.loads(out)["today"]
    r = report(cli)
    assert r["break_s"] == 400  # shown on its own, in none of the nine categories
    sprint_s = sum(e["seconds"] for e in json.loads(cli("audit", "export", "--format", "json")[1])
                   if e["source"] == "sprint")  # fmt: skip
    assert today["focus_s"] == sprint_s == 30 * 60 and today["sprints"] == 1
    resumed = audit.running(Context.open())
    assert resumed is not None and resumed.category == "model" and resumed.source == "manual"
    # one entry at a time: meetings 10 min, the sprint's 30 min, then model again from 09:51:40
    assert r["categories"] == {"meetings": 600, "model": 30 * 60 + 1400}


def test_a_new_sprint_takes_the_tracked_category(cli):
    assert cli("track", "start", "meetings")[0] == 0
    assert cli("focus", "start")[0] == 0
    assert svc.raw(Context.open()).category == "meetings"


def test_short_sprints_give_a_proportional_break_or_none_and_do_not_count(cli, clock):
    ctx = Context.open()
    cli("focus", "start")  # 90 min, break 20 per 90
    clock.advance(6 * 60)
    cli("focus", "finish")
    v = svc.current(ctx)
    assert v.state == "break" and v.planned_s == 80  # 6 * 20/90 min, not 20 min
    cli("focus", "stop")
    cli("focus", "start")
    clock.advance(4 * 60)
    cli("focus", "finish")
    assert svc.current(ctx) is None  # under 5 focused minutes: no break
    cli("focus", "start", "--minutes", "24")
    clock.advance(24 * 60 + 1)
    assert svc.current(ctx).state == "break"
    assert [a.body for a in svc.take_alerts(ctx)][-1] == "24 min of focus. Break: 5 min."
    assert json.loads(cli("focus", "status", "--json")[1])["today"]["sprints"] == 0  # under 25 min


def test_min_sprint_minutes_is_configurable(cli, clock, write_config):
    write_config("[mits]\nmorning_plan = false\n[focus]\nmin_sprint_minutes = 10\n")
    cli("focus", "start")
    clock.advance(12 * 60)
    cli("focus", "finish")
    assert json.loads(cli("focus", "status", "--json")[1])["today"]["sprints"] == 1


def test_break_alert_never_says_zero_minutes():
    from cockpit.core.focus_stats import break_length

    assert break_length(12) == "12 s" and break_length(0.2) == "1 s" and break_length(80) == "1 min"


async def test_shutdown_counts_sprints_like_focus_and_stops_what_runs(cli, clock):
    ctx = Context.open()
    t = mits.add_task(ctx, "draft section 3", mit=True, category="docs").id
    cli("focus", "start", "--task", t)  # bug 3: one sprint paused once, finished after 6 min
    clock.advance(180)
    cli("focus", "pause")
    clock.advance(60)
    cli("focus", "resume")
    clock.advance(180)
    cli("focus", "finish")
    cli("focus", "skip")
    cli("focus", "start", "--minutes", "30", "--task", t)
    clock.advance(10 * 60)
    cli("focus", "pause")
    clock.advance(60)
    cli("focus", "resume")
    clock.advance(20 * 60)
    cli("focus", "skip")  # skip the break of the 30-min sprint
    cli("focus", "start", "--minutes", "40", "--task", t)  # still running at shutdown
    clock.advance(60)
    today = json.loads(cli("focus", "status", "--json")[1])["today"]
    assert today["sprints"] == 1 and today["focus_s"] == 36 * 60
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, ShutdownScreen)
        body = str(app.screen.query_one("#shutdown-body").render())
        assert "Sprints today: 1 (36m)" in body, body  # as the Focus pane and focus status
        assert "Still running" in body and "a sprint is running" in body and "tracking Documentation" in body
        await pilot.press("escape")  # not yet: nothing stops
        await settle(app, pilot)
        assert svc.raw(ctx) is not None and audit.running(ctx) is not None
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("pagedown", "enter")
        await settle(app, pilot, 1.1)
        assert not isinstance(app.screen, ShutdownScreen)
        assert svc.raw(ctx) is None and audit.running(ctx) is None  # nothing runs through the night
        assert "2026-11-25" in mits.state(ctx).closed
    saved = mits.save_retro(ctx, {})
    assert saved.numbers.sprints == 1


def test_status_line_shows_the_mit_and_the_tracked_category(cli):
    ctx = Context.open()
    mits.add_task(ctx, "a rather long most important task title here", mit=True)
    mits.publish_status(ctx)
    cli("track", "start", "meetings")
    line = status.render("tmux", status.read(ctx.paths.status_file), ctx.clock.now())
    assert "MIT:" in line and "Meetings" in line, line
    assert len(status.render("text", status.read(ctx.paths.status_file), ctx.clock.now())) <= 60
