"""Focus use cases on a real store: booking, task time, status file, clock steps, unclean stops."""

import json

import pytest

from cockpit import status
from cockpit.context import Context
from cockpit.errors import UsageError
from cockpit.services import audit, mits
from cockpit.services import focus as svc


def add_mit(ctx, title="Train the baseline", category="model", order=0):
    today = ctx.clock.now().astimezone(ctx.clock.tz).date().isoformat()
    return mits.tasks(ctx).insert(
        {
            "title": title,
            "category": category,
            "mit_date": today,
            "mit_order": order,
            "done": None,
            "focus_s": 0,
        }
    )


def entries(ctx):
    return sorted(audit.entries(ctx).all(), key=lambda e: e["start"])


def test_start_defaults_to_first_open_mit_and_its_category(ctx):
    add_mit(ctx, "Write the eval", "eval", order=1)
    first = add_mit(ctx, "Train the baseline", "model", order=0)
    v = svc.start(ctx)
    assert v.task == first and v.category == "model" and v.task_title == "Train the baseline"
    assert v.state == "running" and v.planned_s == 90 * 60


def test_finished_sprint_and_break_become_time_entries_and_task_focus_time(ctx, clock):
    task = add_mit(ctx)
    svc.start(ctx, minutes=60, task=task, category="Model Development/Experimentation")
    clock.advance(10 * 60)
    svc.interrupt(ctx, "external", "colleague")
    clock.advance(55 * 60)
    v = svc.current(ctx)
    assert v.state == "break" and v.remaining_s == round(60 * 20 / 90 * 60) - 5 * 60
    clock.advance(20 * 60)
    assert svc.current(ctx) is None
    e = entries(ctx)
    # the sprint was tracking's running entry; the break is its own; tracking then resumes
    assert [(x["source"], x["category"], x["task"], x["end"]) for x in e] == [
        ("sprint", "model", task, "2026-11-25T10:00:00+00:00"),  # the planned end, not when noticed
        ("break", "model", task, "2026-11-25T10:13:20+00:00"),
        ("manual", "model", None, None),
    ]
    assert [i.note for i in svc.records_for_day(ctx)[0].interruptions] == ["colleague"]
    assert mits.get_task(ctx, task).focus_s == 3600
    day = svc.today(ctx)
    assert day.sprints == 1 and day.external == 1 and day.focus_s == 3600


def test_pauses_split_the_booked_time(ctx, clock):
    svc.start(ctx, minutes=30, category="d")
    clock.advance(600)
    svc.pause(ctx)
    clock.advance(900)
    svc.resume(ctx)
    clock.advance(1080)
    svc.stop(ctx)
    spans = [(x["start"][11:16], x["end"][11:16]) for x in entries(ctx)]
    assert spans == [("09:00", "09:10"), ("09:25", "09:43")]
    assert all(x["category"] == "data" for x in entries(ctx))


def test_starting_while_one_runs_is_refused_or_replaces(ctx, clock):
    svc.start(ctx, minutes=25)
    clock.advance(300)
    with pytest.raises(UsageError, match="is running .*--replace"):
        svc.start(ctx)
    v = svc.start(ctx, mode="timebox", minutes=120, replace=True)
    assert v.mode == "timebox"
    # the replaced sprint's 5 minutes are kept; tracking runs on for the time-box
    assert [(x["source"], x["end"] is None) for x in entries(ctx)] == [("sprint", False), ("sprint", True)]


def test_paper_session_books_reading_time_in_research(ctx, clock):
    v = svc.start(ctx, mode="timebox", minutes=30, paper="2401.00001")
    assert v.category == "research" and v.task is None
    clock.advance(1800)
    svc.stop(ctx)
    (e,) = entries(ctx)
    assert e["source"] == "reading" and e["paper"] == "2401.00001" and e["category"] == "research"


def test_unknown_category_and_task_are_usage_errors(ctx):
    with pytest.raises(UsageError, match="unknown category 'nope'.*model \\(m\\)"):
        svc.start(ctx, category="nope")
    with pytest.raises(UsageError, match="no task with id 42"):
        svc.start(ctx, task="42")
    with pytest.raises(svc.FocusStateError, match="no session is running"):
        svc.pause(ctx)


def test_status_file_follows_every_change(ctx, clock):
    svc.start(ctx, minutes=30)
    data = status.read(ctx.paths.status_file)
    assert data["focus"]["state"] == "running"
    assert status.render("text", data, clock.now()) == "30:00 sprint | Data Preprocessing/Clea…"
    svc.pause(ctx)
    clock.advance(300)
    data = status.read(ctx.paths.status_file)
    assert status.render("text", data, clock.now()) == "30:00 sprint paused"  # tracking paused too
    svc.resume(ctx)
    clock.advance(31 * 60)
    # nobody touched the session: the status line rolls into the break by itself
    assert status.render("text", status.read(ctx.paths.status_file), clock.now()).endswith("break")
    svc.stop(ctx)
    assert status.read(ctx.paths.status_file)["focus"] == {"state": "idle"}


def test_wall_clock_step_does_not_change_remaining_time(ctx, clock):
    svc.start(ctx, minutes=90)
    clock.advance(600)
    clock.jump_wall(-3600)  # NTP steps the clock back an hour
    assert svc.current(ctx).remaining_s == 80 * 60
    clock.advance(60)
    clock.jump_wall(7200)  # and two hours forward
    assert svc.current(ctx).remaining_s == 79 * 60
    clock.advance(79 * 60 + 1)
    svc.current(ctx)
    (e,) = entries(ctx)
    assert e["source"] == "sprint"


def test_two_instances_share_one_session_and_book_once(home, clock):
    a = Context.open(home, clock=clock)
    b = Context.open(home, clock=clock)
    svc.start(a, minutes=20)
    assert svc.current(b).id == svc.current(a).id
    clock.advance(21 * 60)
    svc.current(b)
    svc.current(a)
    assert [x["source"] for x in entries(a)] == ["sprint"]
    assert len(svc.take_alerts(b)) == 1 and svc.take_alerts(a) == []  # b closed it; only b alerts


def test_unclean_stop_gap_keep_or_discard(ctx, clock):
    svc.start(ctx, minutes=90)
    clock.advance(600)
    svc.heartbeat(ctx)  # the app was alive at 10 min, then killed
    clock.advance(3600)
    since, gap = svc.unclean_gap(ctx)
    assert gap == 3600
    s = svc.resolve_gap(ctx, keep=False, since=since)
    assert svc.view(ctx, s).remaining_s == 80 * 60
    assert svc.unclean_gap(ctx) is None  # answered: the heartbeat is fresh


def test_unclean_stop_keep_closes_the_sprint_at_its_planned_end(ctx, clock):
    svc.start(ctx, minutes=30)
    clock.advance(60)
    svc.heartbeat(ctx)
    clock.advance(3 * 3600)
    since, _ = svc.unclean_gap(ctx)
    assert svc.resolve_gap(ctx, keep=True, since=since) is None
    ends = [x["end"] and x["end"][11:16] for x in entries(ctx)]
    assert ends == ["09:30", "09:36", None]  # a 400 s break (30 * 20/90 min), then tracking resumes


def test_clean_exit_asks_nothing(ctx, clock):
    svc.start(ctx)
    svc.heartbeat(ctx, clean_exit=True)
    clock.advance(3600)
    assert svc.unclean_gap(ctx) is None


def test_timebox_alerts_once_when_it_runs_out(ctx, clock):
    svc.start(ctx, mode="timebox", minutes=10)
    clock.advance(601)
    v = svc.current(ctx)
    assert v.state == "overrun"
    (alert,) = svc.take_alerts(ctx)
    assert alert.title == "Time-box is up" and alert.urgency == "critical"
    clock.advance(60)
    svc.current(ctx)
    assert svc.take_alerts(ctx) == []
    svc.extend(ctx, 5)
    clock.advance(5 * 60)
    svc.current(ctx)
    assert len(svc.take_alerts(ctx)) == 1  # extended past its end: alerts again


def test_hostile_task_title_is_cleaned(ctx):
    task = add_mit(ctx, "\x1b]0;pwned\x07[bold red]x[/] \x00" + "y" * 10000)
    v = svc.start(ctx, task=task)
    assert "\x1b" not in v.task_title and "\x00" not in v.task_title
    assert v.task_title.startswith("[bold red]x[/]") and len(v.task_title) <= 200
    line = status.render("tmux", status.read(ctx.paths.status_file), ctx.clock.now())
    assert "\x1b" not in line


def test_cli_start_status_json_and_errors(home, capsys):
    from cockpit.cli import main

    assert main(["focus", "start", "--mode", "pomodoro", "--category", "R"]) == 0
    assert main(["focus", "status", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()[-1]
    data = json.loads(out)
    assert {k: data[k] for k in ("state", "mode", "planned_s", "task", "category")} == {
        "state": "running",
        "mode": "pomodoro",
        "planned_s": 1500,
        "task": None,
        "category": "research",
    }
    assert 1490 <= data["remaining_s"] <= 1500
    assert main(["focus", "start"]) == 2
    assert "is running" in capsys.readouterr().err
    assert main(["focus", "interrupt", "--internal", "--note", "slack"]) == 0
    assert main(["focus", "abandon", "--reason", "fire drill"]) == 0
    assert main(["focus", "resume"]) == 1
    assert "no session is running" in capsys.readouterr().err


def test_hostile_note_and_reason_are_cleaned_and_kept(ctx, clock):
    svc.start(ctx, minutes=30)
    clock.advance(60)
    svc.interrupt(ctx, "internal", "\x1b]52;c;eA==\x07[red]x[/]\x00" + "n" * 10000)
    clock.advance(60)
    (r,) = svc.abandon(ctx, "\x1b[2Jwhy\r\nnot")
    note = r.interruptions[0].note
    assert note.startswith("[red]x[/]n") and "\x1b" not in note and "\x00" not in note and len(note) <= 500
    assert r.reason == "why not" and r.outcome == "abandoned"
    (e,) = entries(ctx)
    assert "abandoned: why not" in e["note"]
