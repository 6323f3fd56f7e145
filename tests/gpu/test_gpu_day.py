"""Issue 14's GPU items: the launch form and `launch` run a command line as the user's shell would,
in the current directory; the table reaches its last row; `k` on an ended job; tqdm tails."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from cockpit.services import gpu as svc
from tests.gpu.test_gpu_hosts import wait_states
from tests.harness.tmux import REPO, clean_env

pytestmark = pytest.mark.infra
FAST = "connect_timeout_s = 2.0\npoll_seconds = 0.5"


async def until(pilot, cond, timeout=20.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.1)


async def test_launch_form_focuses_the_command_and_runs_it_through_the_shell(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h4"], gpu=FAST)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "l")
        await until(pilot, lambda: type(app.screen).__name__ == "LaunchForm")
        await pilot.press(*"sleep 0; exit 3")  # typed at once: no Tab, no click
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "MainScreen")
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["command"] == "sleep 0; exit 3"
    jobs = wait_states(ctx, {rec["session"]: "failed"})
    assert jobs[rec["session"]]["exit_code"] == 3  # not `sleep '0;' exit 3` (sleep fails: exit 1)


def test_cli_launch_one_string_is_a_shell_line_several_args_exec(gpu_ctx, fresh_hosts, home):
    ctx = gpu_ctx(hosts=["h2"])

    def launch(*args: str) -> None:
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", "launch", "h2", *args],
            env=clean_env({"COCKPIT_HOME": str(home)}),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr

    launch("--name", "line", "--", "sleep 0; exit 3")
    launch("--name", "args", "--", "sh", "-c", "exit 4", "ignored; exit 9")
    jobs = wait_states(ctx, {"line": "failed", "args": "failed"})
    assert jobs["line"]["exit_code"] == 3 and jobs["args"]["exit_code"] == 4
    assert jobs["args"]["command"] == "sh -c 'exit 4' 'ignored; exit 9'"


def test_cli_launch_on_local_runs_in_the_current_directory(write_config, home, tmp_path):
    write_config("[gpu]\nlocal = true\n")
    env = clean_env({"COCKPIT_HOME": str(home), "TMUX_TMPDIR": str(tmp_path), "HOME": str(tmp_path)})
    try:
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", "launch", "local", "--name", "here", "--", "pwd"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        assert f" at {commit[:10]}" in r.stdout  # the checkout's commit, not $HOME's (none)
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", "jobs", "--all", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        (job,) = json.loads(r.stdout)["jobs"]
        assert job["cwd"] == str(REPO) and job["git_commit"] == commit
    finally:
        subprocess.run(["tmux", "kill-server"], env=env, capture_output=True)


def start_jobs(ctx, host: str, names: list[str], cmd: str = "sleep 120") -> None:  # noqa: ANN001
    p = svc.Poller(ctx, only=[host])
    try:
        for name in names:
            svc.launch(ctx, p, host, cmd, name=name)
    finally:
        p.close()


async def test_end_goes_to_the_last_job_and_home_to_the_first(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h2"], gpu=FAST)
    start_jobs(ctx, "h2", ["ja", "jb", "jc", "jd"])
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        await pilot.press("5")
        await until(pilot, lambda: len(pane.rows) == 4)
        table = app.query_one("#gpu-jobs")
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 3
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


async def test_k_on_an_ended_job_says_so_instead_of_asking_to_kill(gpu_ctx, fresh_hosts):
    from cockpit.tui.app import CockpitApp

    ctx = gpu_ctx(hosts=["h2"], gpu=FAST)
    start_jobs(ctx, "h2", ["quick"], cmd="exit 0")
    wait_states(ctx, {"quick": "finished"})
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        await pilot.press("5")
        await until(pilot, lambda: any(r[2] == "finished" for r in pane.rows.values()))
        await pilot.press("k")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "MainScreen"  # no "Kill ...?" dialog
        assert any("has ended (finished): nothing to kill" in n.message for n in app._notifications)


def test_tail_of_a_tqdm_log_shows_each_bar_once_and_no_blank_rows(gpu_ctx, fresh_hosts):
    from cockpit.core.gpu_records import JobView

    ctx = gpu_ctx(hosts=["h2"])
    log = fresh_hosts.hosts["h2"].home / "train.log"
    bars = "".join(f"\r{i:3d}%|{'#' * (i // 10):<10}| {i}/100" for i in range(101))
    log.write_text("epoch 1\n" + bars + "\n" + "eval loss 0.42   \n" + "\n" * 40)
    p = svc.Poller(ctx, only=["h2"])
    try:
        out = svc.tail_job(p, JobView(host="h2", state="running", stdout=str(log)))
    finally:
        p.close()
    assert out.split("\n") == ["epoch 1", "100%|##########| 100/100", "eval loss 0.42"]
