"""Issue 14, done when: a fresh day replayed by keys at 80×24 (the morning plan, three MITs, a
sprint with an interruption and a break, tracking switches, an import, triage, a reading pass,
the shutdown and the retro) ends with the audit report, the focus status and the retro agreeing
on sprints and minutes. Pilot with a FakeClock and a real store; the import and the closing
figures through the CLI in process, on the same clock."""

from __future__ import annotations

import datetime as dt
import json

from cockpit.cli import main
from cockpit.context import Context
from cockpit.services import audit, mits
from cockpit.services import focus as focus_svc
from cockpit.services import papers as papers_svc
from cockpit.sources import arxiv as src
from cockpit.tui.app import CockpitApp
from cockpit.tui.focus.prompt import ChoiceScreen, TextScreen
from cockpit.tui.focus.start import StartScreen
from cockpit.tui.mits.plan import MorningPlanScreen
from cockpit.tui.mits.retro import RetroScreen
from cockpit.tui.mits.shutdown import ShutdownScreen
from tests.harness.pilot import settle
from tests.papers import feeds

MIN = 60
TOGGL_HEAD = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)\n"


def cli(monkeypatch, capsys, home, clock):  # noqa: ANN001, ANN201
    real = Context.open.__func__
    monkeypatch.setattr(
        Context, "open", classmethod(lambda cls, h=None, clock_=None, **_: real(cls, h or home, clock=clock))
    )

    def run(*args: str) -> tuple[int, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, (args, out, err)
        return code, out

    return run


async def test_a_whole_day_by_keys_ends_with_the_three_instruments_agreeing(
    home, clock, write_config, monkeypatch, capsys, tmp_path
):
    write_config('[notify]\nchannels = ["toast"]\n[audit]\ntimezone = "Europe/Berlin"\n')
    run = cli(monkeypatch, capsys, home, clock)
    ctx = Context.open(home, clock=clock)
    for title, category in (
        ("Train the sparse baseline", "model"),
        ("Evaluate on the held-out split", "eval"),
        ("Write the methods section", "docs"),
        ("Clean the crawl", "data"),
    ):
        mits.add_task(ctx, title, category=category, impact="high", effort="quick")
    week = [feeds.item(f"2611.0000{i}", f"Paper {i} on sparse attention") for i in range(1, 4)]
    papers_svc.store_papers(ctx, src.parse_bytes(feeds.rss(week)).papers)
    toggl = tmp_path / "toggl.csv"  # this morning before cockpit: 07:00-08:00 Berlin, tagged "data"
    toggl.write_text(
        TOGGL_HEAD + "Ann,a@x,,Crawl,,dedupe,No,2026-11-25,07:00:00,2026-11-25,08:00:00,01:00:00,data,\n"
    )

    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        # the morning plan opens by itself on the day's first start: pick three, start the day
        assert isinstance(app.screen, MorningPlanScreen)
        await pilot.press("space", "down", "space", "down", "space", "enter")
        await settle(app, pilot)
        today = [t.title for t in mits.todays_mits(ctx)]
        assert len(today) == 3 and "Clean the crawl" not in today

        await pilot.press("3", "c")  # stand-up: tracking Meetings
        await settle(app, pilot)
        clock.advance(15 * MIN)

        await pilot.press("1", "s")  # a sprint on the first MIT
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert focus_svc.raw(ctx).category == "model"
        clock.advance(30 * MIN)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("e")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"slack ping", "enter")
        await settle(app, pilot)
        clock.advance(60 * MIN + 1)  # the sprint runs out: its break (20 min for 90) starts
        await settle(app, pilot, 1.2)
        assert app.main.pane("focus").has_class("-break")
        clock.advance(20 * MIN + 1)  # the break is over: tracking resumes in Model
        await settle(app, pilot, 1.2)
        assert focus_svc.raw(ctx) is None and audit.running(ctx).category == "model"

        await pilot.press("3", "w")  # writing: tracking Documentation
        await settle(app, pilot)
        clock.advance(25 * MIN)

        run("audit", "import", "toggl", str(toggl), "--tz", "Europe/Berlin")
        await settle(app, pilot, 1.2)  # the app sees the store change

        await pilot.press("4", "t")  # triage: keep the first, skip the second, like the third
        await settle(app, pilot)
        await pilot.press("k", "s", "i", "escape")
        await settle(app, pilot)
        decided = {d["arxiv_id"]: d["decision"] for d in papers_svc.decisions(ctx).all()}
        assert sorted(decided.values()) == ["keep", "like", "skip"]

        await pilot.press("r")  # the kept paper's first pass: a 15-minute time-box in Research
        await settle(app, pilot, 1.1)
        s = focus_svc.raw(ctx)
        assert s is not None and s.mode == "timebox" and s.category == "research"
        clock.advance(15 * MIN)
        await settle(app, pilot, 1.1)
        await pilot.press("r")  # finish the pass
        await settle(app, pilot, 1.1)
        assert focus_svc.raw(ctx) is None

        await pilot.press("2", "s")  # evening shutdown: stop what runs and close the day
        await settle(app, pilot)
        assert isinstance(app.screen, ShutdownScreen)
        await pilot.press("pagedown", "enter")
        await settle(app, pilot, 1.1)
        assert audit.running(ctx) is None and focus_svc.raw(ctx) is None

        await pilot.press("r")  # the weekly retro: what worked, saved
        await settle(app, pilot)
        assert isinstance(app.screen, RetroScreen)
        await pilot.press(*"sprint before the stand-up", "ctrl+s")
        await settle(app, pilot, 1.1)
        assert any(n.message == "Retro saved." for n in app._notifications)
        await pilot.press("escape")

    report = json.loads(run("audit", "report", "--day", "--json")[1])
    status = json.loads(run("focus", "status", "--json")[1])["today"]
    (retro,) = mits.list_retros(ctx)
    assert retro.worked == "sprint before the stand-up"
    entries = json.loads(run("audit", "export", "--format", "json")[1])
    # one running entry at a time: no minute is booked twice (the pass stopped Documentation)
    spans = sorted(
        (dt.datetime.fromisoformat(e["start"]), dt.datetime.fromisoformat(e["end"])) for e in entries
    )
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)), spans
    focused = sum(e["seconds"] for e in entries if e["source"] in ("sprint", "reading"))
    # sprints and focused minutes: one 90-minute sprint (and a 15-minute reading pass) everywhere
    assert status["sprints"] == retro.numbers.sprints == 1
    assert status["focus_s"] == focused == retro.numbers.sprint_s == (90 + 15) * MIN
    # minutes by category: the report and the retro agree, the break apart from the nine
    assert report["categories"] == retro.numbers.by_category
    assert report["break_s"] == 20 * MIN
    cats = report["categories"]
    assert cats["meetings"] == 15 * MIN and cats["docs"] == 25 * MIN and cats["data"] == 60 * MIN
    # the sprint (its interruption included), then Model again for the 2 s the test's clock ran
    # past the break's end (two +1 s steps) before `w`
    assert cats["model"] == 90 * MIN + 2
    assert cats["research"] == 15 * MIN
