"""The GPU pane with real sshd hosts: Pilot tests and one end-to-end run in a real tmux."""

from __future__ import annotations

import asyncio
import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = pytest.mark.infra
UUID = "GPU-00000000-0000-0000-0000-000000000000"
FAST = "connect_timeout_s = 2.0\npoll_seconds = 0.5"


async def until(pilot, cond, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.1)


def start_gpu_job(host, session="train", text="epoch 3 [bold red]x[/]"):
    host.sh(f'tmux new-session -d -s {session} \'printf "%s\\n" "{text}"; sleep 120\'')
    pane_pid = int(host.sh(f"tmux list-panes -t {session} -F '#{{pane_pid}}'").split()[0])
    host.set_apps([(pane_pid, UUID, 7484, "python")])
    return pane_pid


def launch(ctx, host, cmd, name):
    p = svc.Poller(ctx, only=[host])
    try:
        return svc.launch(ctx, p, host, cmd, name=name)
    finally:
        p.close()


async def test_pane_shows_hosts_gpus_jobs_errors_and_tails(gpu_ctx, fresh_hosts):
    from textual.widgets import DataTable

    from cockpit.tui.app import CockpitApp

    fresh_hosts.extra_config = (
        f"Host down\n  HostName 127.0.0.9\n  Port 9\n  IdentityFile {fresh_hosts.key}\n"
    )
    fresh_hosts.write_client_files()
    start_gpu_job(fresh_hosts.hosts["h2"])
    ctx = gpu_ctx(hosts=["h2", "down"], gpu=FAST)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        # the first frame: every configured host by name, no jobs table until a job shows up
        assert [str(w.render()) for w in pane.query(".gpu-host")] == ["h2  connecting…", "down  connecting…"]
        assert not app.query("#gpu-jobs")
        await pilot.press("5")
        await until(pilot, lambda: "h2|%0" in pane.rows and "down" in pane.rendered)
        assert "100%" in pane.rendered["h2"] and "632W" in pane.rendered["h2"]
        assert (
            "ERROR cannot reach 127.0.0.9:9" in pane.rendered["down"]
            and "never seen" in pane.rendered["down"]
        )
        host, where, state, gpus, _prog, last = pane.rows["h2|%0"]
        assert (host, where, state, gpus) == ("h2", "train:0.0", "running", "0")
        assert last == "epoch 3 [bold red]x[/]"  # markup shown literally
        table = app.query_one("#gpu-jobs", DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TailScreen")
        body = app.screen.query_one("#tail-body")
        await until(pilot, lambda: "epoch 3" in str(body.render()))
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MainScreen"
        assert not app.query_one("#gpu-nojobs").display
        fresh_hosts.hosts["h2"].kill_tmux()  # the job goes: the table gives way to the note again
        fresh_hosts.hosts["h2"].set_apps([])
        await pilot.press("r")  # poll now (the test's clock stands still)
        await until(pilot, lambda: not pane.rows)
        await pilot.pause(0.1)
        assert app.query_one("#gpu-nojobs").display and not table.display


async def test_kill_asks_first_then_the_job_fails_with_sigterm(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h3"], gpu=FAST)
    job = launch(ctx, "h3", ["sleep", "300"], "victim")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("5")
        pane = app.query_one("#gpu")
        key = f"h3|{job.pane_id}"
        await until(pilot, lambda: key in pane.rows)
        await pilot.press("k")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmKill")
        await pilot.press("n")
        await pilot.pause(1.0)
        assert pane.rows[key][2] == "running"
        await pilot.press("k")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmKill")
        await pilot.press("y")
        await until(pilot, lambda: pane.rows.get(key, ("",) * 3)[2] == "failed")
        # the app's toast channel (set by the Focus pane) shows the loud early-crash alert
        await until(
            pilot, lambda: any(n.title == "Job CRASHED early: victim on h3" for n in app._notifications)
        )
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["exit_code"] == 143 and rec["state"] == "failed"


async def test_launch_form_requires_the_preflight_checklist(gpu_ctx, fresh_hosts):
    from textual.widgets import Checkbox, Input

    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h4"], gpu=FAST + '\npreflight = ["seed fixed", "[red]logged[/] to wandb"]')
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "LaunchForm")
        form = app.screen
        assert [str(c.label) for c in form.query(Checkbox)] == ["seed fixed", "[red]logged[/] to wandb"]
        form.query_one("#launch-cmd", Input).value = "sleep 100"
        form.query_one("#launch-name", Input).value = "formjob"
        form.query_one("#launch-note", Input).value = "does warmup help?"
        form.submit()
        await pilot.pause(0.2)
        assert "tick every pre-flight item" in str(form.query_one("#launch-error").render())
        assert svc.jobs_collection(ctx).all() == []
        for c in form.query(Checkbox):
            c.value = True
        form.submit()
        await until(pilot, lambda: type(app.screen).__name__ == "MainScreen")
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["host"] == "h4" and rec["session"] == "formjob" and rec["note"] == "does warmup help?"


async def test_nothing_changing_means_no_widget_updates(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    start_gpu_job(fresh_hosts.hosts["h2"])
    ctx = gpu_ctx(hosts=["h2"], gpu=FAST + "\nhistory_points = 1")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        await until(pilot, lambda: pane.rows)
        await pilot.pause(1.0)
        before = pane.updates
        await pilot.pause(2.0)  # several polls with identical answers
        assert pane.updates == before


@pytest.mark.e2e
def test_e2e_in_tmux_pane_tail_and_kill_by_keys(gpu_ctx, fresh_hosts, home, tmp_path):
    ctx = gpu_ctx(hosts=["h2"], gpu=FAST)
    job = launch(ctx, "h2", ["sh", "-c", "echo 'step 1/10 loss 2.5'; sleep 300"], "e2ejob")
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.wait_for("e2ejob:0.0")  # polled
        s.send("5")
        s.wait_for("k Kill job")  # the pane's keys are in the footer once it has focus
        s.send("z")
        s.wait_gone("1 Focus")
        screen = s.wait_for("step 1/10 loss 2.5")
        assert "h2" in screen and "100%" in screen and "step 1/10 loss 2.5" in screen
        s.send("a")  # attach: a new window in this tmux session running ssh -t HOST tmux attach
        deadline = time.monotonic() + 10
        while "ssh -t h2 'tmux attach -t =e2ejob'" not in s.tmux(
            "list-windows", "-a", "-F", "#{pane_start_command}"
        ):
            assert time.monotonic() < deadline, s.tmux("list-windows", "-a", "-F", "#{pane_start_command}")
            time.sleep(0.1)
        s.tmux("select-window", "-t", "app:0")
        s.send("Enter")
        s.wait_for("tail e2ejob:0.0")
        s.send("Escape")
        s.wait_gone("tail e2ejob")
        s.send("k")
        s.wait_for("y: send SIGTERM")
        s.send("y")
        s.wait_for("failed")
        s.send("C-q")
        assert s.wait_exit() == 0
    rec = svc.jobs_collection(ctx).get(job.id)
    assert rec["state"] == "failed" and rec["exit_code"] == 143


_ = asyncio


async def test_hostile_job_output_keeps_the_80x24_layout(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    h2 = fresh_hosts.hosts["h2"]
    script = h2.home / "hostile.sh"
    script.write_text(
        "printf 'x%.0s' $(seq 1 10000); printf '\\n'\n"
        "printf '\\033]8;;http://evil\\033\\\\[link=http://x]click[/link] \\000NUL \\u202eRTL \\u5bbd\\u5bbd\\n'\n"
        "sleep 300\n"
    )
    h2.sh(f"tmux new-session -d -s hostile 'bash {script}'")
    pane_pid = int(h2.sh("tmux list-panes -t hostile -F '#{pane_pid}'").split()[0])
    h2.set_apps([(pane_pid, UUID, 1, "python")])
    ctx = gpu_ctx(hosts=["h2"], gpu=FAST)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        await until(pilot, lambda: "h2|%0" in pane.rows and "RTL" in pane.rows["h2|%0"][5])
        last = pane.rows["h2|%0"][5]
        assert "[link=http://x]click[/link]" in last and "\x1b" not in last and "\x00" not in last
        assert len(last) <= 120
        await pilot.press("5")
        await pilot.press("z")
        await pilot.pause(0.5)
        shot = app.export_screenshot()
        assert "click[/link]" in shot  # shown literally, not as a link
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TailScreen")
        body = app.screen.query_one("#tail-body")
        await until(pilot, lambda: "xxxxxxxx" in str(body.render()))
        assert "\x00" not in str(body.render())


async def test_a_stalled_host_never_holds_up_the_others_in_the_pane(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp
    from tests.harness.sshd import StallServer

    stall = StallServer("127.0.0.5")
    fresh_hosts.extra_config = f"Host stall\n  HostName 127.0.0.5\n  Port {stall.port}\n"
    fresh_hosts.write_client_files()
    ctx = gpu_ctx(hosts=["stall", "h2"], gpu="connect_timeout_s = 8.0\npoll_seconds = 0.5")
    app = CockpitApp(ctx)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            pane = app.query_one("#gpu")
            await until(pilot, lambda: "h2" in pane.rendered)
            assert "stall" not in pane.rendered  # still waiting for its banner
            await pilot.press("r")  # more polls meanwhile: the stalled host is not asked again
            await pilot.pause(0.5)
            assert app.query_one("#gpu").poller.in_flight <= {"stall"}
            await until(pilot, lambda: "stall" in pane.rendered, timeout=20)
            assert "sent no SSH banner within 8 s" in pane.rendered["stall"]
    finally:
        stall.close()


async def test_o_sets_the_selected_runs_outcome_note(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h3"], gpu=FAST)
    job = launch(ctx, "h3", ["sleep", "300"], "noted")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("5")
        pane = app.query_one("#gpu")
        await until(pilot, lambda: f"h3|{job.pane_id}" in pane.rows)
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "NoteForm")
        await pilot.press(*"lr too high")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ != "NoteForm")
    doc = svc.jobs_collection(ctx).get(job.id)
    assert doc["journal"]["outcome_note"] == "lr too high"
    fresh_hosts.hosts["h3"].kill_tmux()
