"""The runs table of the GPU pane's zoom, driven by keys: three runs launched through cockpit on a
real sshd host and ended by real polls (their GPU-hours and cost from the lifecycle), their final
metric written by the journal's own outcome step. Then the time audit's training entry of a
found GPU job against its journal."""

from __future__ import annotations

import shutil
import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = pytest.mark.infra
UUID = "GPU-00000000-0000-0000-0000-000000000000"
FAST = "connect_timeout_s = 2.0\npoll_seconds = 0.5"

#: (name, hypothesis, hours run, val_loss), in launch order
RUNS = (
    ("c-run", "bigger lr helps", 1, 0.3),
    ("a-run", "warmup fixes it", 3, 0.1),
    ("b-run", "bigger batch helps", 2, 0.2),
)


def seed_runs(ctx, clock, fresh_hosts) -> dict[str, str]:
    """Launch each run (``true``, in a git repo, one commit each), let the clock run its hours,
    poll until it ended; then its outcome, as the journal's outcome step writes it. Returns the
    job ids by name."""
    from cockpit.services.gpu.journal import update_journal
    from tests.gpu.test_journal import git, make_repo

    shutil.rmtree(fresh_hosts.hosts["h2"].home / "runs", ignore_errors=True)
    repo = make_repo(fresh_hosts.hosts["h2"].home / "runs", "proj", "0.1")
    ids: dict[str, str] = {}
    p = svc.Poller(ctx, only=["h2"])
    try:
        for name, note, hours, loss in RUNS:
            git(repo, "commit", "-q", "--allow-empty", "-m", name)
            job = svc.launch(ctx, p, "h2", "true", name=name, note=note, gpus="0", cwd=str(repo))
            ids[name] = job.id
            clock.advance(hours * 3600)
            deadline = time.monotonic() + 30
            while svc.jobs_collection(ctx).get(job.id)["state"] != "finished":
                assert time.monotonic() < deadline
                svc.record_states(ctx, p.poll(), poller=p)
                time.sleep(0.2)
            update_journal(
                ctx, job.id, {"outcome": {"source": "mlflow", "run": name, "metrics": {"val_loss": loss}}}
            )
    finally:
        p.close()
    return ids


def make_ctx(gpu_ctx, fresh_hosts):
    ctx = gpu_ctx(hosts=["h2"], gpu=FAST, extra_host="cost_per_hour = 8.0")
    return ctx


async def until(pilot, cond, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.1)


def names(app) -> list[str]:
    table = app.query_one("#runs-table")
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def footer(app) -> str:
    from cockpit.tui.shell.footer import KeyFooter

    return " ".join(str(w.render()) for w in app.screen.query_one(KeyFooter).query("*"))


async def test_zoomed_gpu_pane_sorts_filters_and_opens_runs_by_keys(gpu_ctx, fresh_hosts, clock, monkeypatch):
    from cockpit.tui.app import CockpitApp
    from cockpit.tui.gpu import runs as runs_view

    ctx = make_ctx(gpu_ctx, fresh_hosts)
    seed_runs(ctx, clock, fresh_hosts)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause(0.3)
        # unzoomed: no runs table built, its keys neither active nor in the footer
        assert not app.query("#gpu-runs")
        assert "Sort runs" not in footer(app)
        await pilot.press("s")
        assert not app.query("#gpu-runs")
        await pilot.press("question_mark")  # ? lists the runs table's keys with their ids
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        ids = {w.binding_id: w.description for w in app.screen.query("HelpRow")}
        assert ids["gpu.runs_sort"] == "Sort runs" and ids["gpu.runs_filter"] == "Filter runs"
        assert {"gpu.runs_reverse", "gpu.runs_focus", "gpu.runs_filter_close", "gpu.entry_close"} <= set(ids)
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        await pilot.press("z")
        await until(
            pilot, lambda: bool(app.query("#runs-table")) and app.query_one("#runs-table").row_count == 3
        )
        assert "Sort runs" in footer(app)
        status = str(app.query_one("#runs-status").render())
        assert status == "Runs: 3 of 3, by started (newest first)"
        assert names(app) == ["b-run", "a-run", "c-run"]
        table = app.query_one("#runs-table")
        heads = [c.label.plain for c in table.columns.values()]
        row = dict(zip(heads, map(str, table.get_row(ctx_id(ctx, "a-run"))), strict=True))
        assert row["hypothesis"] == "warmup fixes it" and row["GPU-h"] == "3.00" and row["cost"] == "24.00"
        assert row["val_loss"] == "0.1" and row["status"] == "finished"
        commit = svc.jobs_collection(ctx).get(ctx_id(ctx, "a-run"))["git_commit"]
        assert len(commit) == 40 and row["git"] == commit[:7]
        # s: the next column (status, name, hypothesis, git, GPU-h, cost, then each metric)
        await pilot.press("s")
        assert names(app) == ["c-run", "a-run", "b-run"]  # all finished: launch order
        await pilot.press("s")
        assert names(app) == ["c-run", "b-run", "a-run"]  # by name, Z to A
        for _ in range(4):
            await pilot.press("s")
        assert str(app.query_one("#runs-status").render()).endswith("by cost (descending)")
        assert names(app) == ["a-run", "b-run", "c-run"]
        await pilot.press("S")  # the other way
        assert names(app) == ["c-run", "b-run", "a-run"]
        await pilot.press("s")  # the metric, still low to high
        assert names(app) == ["a-run", "b-run", "c-run"]
        assert "val_loss ▲" in [c.label.plain for c in table.columns.values()]
        # /: the filter narrows the rows to the hypotheses holding the text
        await pilot.press("slash")
        await pilot.press(*"bigger")
        assert names(app) == ["b-run", "c-run"]
        assert str(app.query_one("#runs-status").render()).startswith("Runs: 2 of 3 matching 'bigger'")
        await pilot.press("enter")  # the filter keeps; the table takes the focus
        assert app.query_one("#runs-table").has_focus
        await pilot.press("down", "enter")  # Enter on a run: its journal entry
        await until(pilot, lambda: type(app.screen).__name__ == "RunEntry")
        body = str(app.screen.query_one("#entry-body").render())
        assert body.startswith(f"{ctx_id(ctx, 'c-run')} finished on h2: c-run")
        assert "hypothesis:       bigger lr helps" in body and "metric:           val_loss = 0.3" in body
        assert "cost:             8" in body
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        assert names(app) == ["b-run", "c-run"]
        await pilot.press("escape")  # Esc on the main screen clears the filter
        assert names(app) == ["a-run", "b-run", "c-run"]
        # unzoomed: the table hides, its keys leave the footer
        await pilot.press("z")
        await pilot.pause(0.3)
        assert not app.query_one("#gpu-runs").display or not app.query_one("#gpu-runs").region.height
        assert "Sort runs" not in footer(app)
        # a long journal: every run sorted and filtered, the table holds the first MAX_SHOWN
        monkeypatch.setattr(runs_view, "MAX_SHOWN", 2)
        await pilot.press("z")
        await until(pilot, lambda: str(app.query_one("#runs-status").render()).endswith("shown"))
        assert str(app.query_one("#runs-status").render()).endswith(
            "by val_loss (ascending); the first 2 shown"
        )
        assert names(app) == ["a-run", "b-run"]
    fresh_hosts.hosts["h2"].kill_tmux()


def ctx_id(ctx, name: str) -> str:
    return next(d["id"] for d in svc.jobs_collection(ctx).all() if d["name"] == name)


@pytest.mark.e2e
def test_e2e_in_tmux_80x24_zoom_shows_the_runs_table_and_s_sorts_it(
    gpu_ctx, fresh_hosts, clock, home, tmp_path
):
    ctx = make_ctx(gpu_ctx, fresh_hosts)
    seed_runs(ctx, clock, fresh_hosts)

    def order(screen: str) -> list[str]:
        return [n for line in screen.splitlines() for n, _, _, _ in RUNS if f" {n} " in line]

    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("5")
        s.send("z")
        s.wait_for("Runs: 3 of 3")
        screen = s.wait_for("0.1")  # the table drawn
        assert "status" in screen and "hypothesis" in screen and "GPU-h" in screen and "val_loss" in screen
        s.wait_for("s Sort run")  # the footer shows the runs table's keys
        assert order(screen) == ["b-run", "a-run", "c-run"]  # newest first
        assert "warmup fixes it" in screen and "24.00" in screen
        s.send("S")
        s.wait_for("(oldest first)")
        assert order(s.screen()) == ["c-run", "a-run", "b-run"]
        s.send("C-q")
        assert s.wait_exit() == 0
    fresh_hosts.hosts["h2"].kill_tmux()


def test_a_found_jobs_training_time_in_the_audit_matches_its_journal(gpu_ctx, fresh_hosts, clock):
    """[audit] jobs_as_training: a GPU job found in a pane is booked as training over exactly the
    span its journal entry has (start, end, and so its GPU-hours)."""
    import datetime as dt

    from cockpit.core.clock import from_stamp
    from cockpit.services import audit
    from cockpit.services.gpu import runs

    h2 = fresh_hosts.hosts["h2"]
    h2.sh("tmux new-session -d -s mine 'sleep 300'")
    pid = int(h2.sh("tmux list-panes -t mine -F '#{pane_pid}'").split()[0])
    h2.set_apps([(pid, UUID, 100, "python")])
    ctx = gpu_ctx(hosts=["h2"], gpu="connect_timeout_s = 2.0\n[audit]\njobs_as_training = true")
    p = svc.Poller(ctx, only=["h2"])
    try:
        svc.record_states(ctx, p.poll(), poller=p)
        (rec,) = svc.jobs_collection(ctx).all()
        assert rec["discovered"] and rec["state"] == "running"
        assert audit.entries(ctx).all() == []  # booked when it ends
        clock.advance(1800)
        svc.record_states(ctx, p.poll(), poller=p)
        clock.advance(1800)
        h2.set_apps([])
        svc.record_states(ctx, p.poll(), poller=p)
    finally:
        p.close()
    job = runs.show(ctx, rec["id"])
    assert job.state == "finished"
    (entry,) = audit.entries(ctx).all()
    assert entry["category"] == "training" and entry["source"] == "job"
    assert (entry["start"], entry["end"]) == (job.started, job.ended)
    assert job.ended == "2026-11-25T10:00:00+00:00"
    hours = (from_stamp(entry["end"]) - from_stamp(entry["start"])) / dt.timedelta(hours=1)
    assert hours == 1.0 and job.journal["gpu_hours"] == 1.0  # one GPU for the hour
    h2.kill_tmux()
