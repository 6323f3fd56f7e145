"""End to end in a real tmux, by the keys a user presses: morning plan, add/complete/undo, shutdown,
and the README's quick-capture popup command."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.harness.tmux import REPO, TmuxScreen, clean_env, cockpit_cmd

pytestmark = pytest.mark.e2e


def cli(home, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def tasks_json(home, *flags: str) -> list[dict]:  # noqa: ANN001
    r = cli(home, "task", "list", "--json", *flags)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_morning_plan_add_complete_undo_and_shutdown_by_keys(home, tmp_path):
    cli(home, "task", "add", "Rerun the baseline", "--effort", "quick")
    cli(home, "task", "add", "Write related work", "--effort", "hours")
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Morning plan")  # first start of the day, open tasks: the plan opens by itself
        s.wait_for("[ ] Rerun the baseline")
        s.send("Space")
        s.wait_for("[x] Rerun the baseline")
        s.send("Down", "Space")
        s.wait_for("[x] Write related work")
        s.wait_for("2 of at most 3 picked")
        s.send("Enter")
        s.wait_gone("Morning plan")
        s.send("z")  # the MITs pane has the focus after the plan
        screen = s.wait_for("MITs 0/2 done")
        assert "★ Rerun the baseline" in screen and "★ Write related work" in screen
        assert [t["title"] for t in tasks_json(home, "--today")] == [
            "Rerun the baseline",
            "Write related work",
        ]

        s.send("a")
        s.wait_for("New task")
        s.type("Plot the loss curves [red]now[/]")
        s.send("Enter")
        s.wait_for("· Plot the loss curves [red]now[/]")
        s.send("x")  # completes the first MIT (the cursor is on it)
        s.wait_for("MITs 1/2 done")
        s.wait_for("✓ Rerun the baseline")
        s.send("u")
        s.wait_for("MITs 0/2 done")
        assert not any(t["done"] for t in tasks_json(home, "--all"))
        s.send("x")
        s.wait_for("MITs 1/2 done")

        s.send("s")
        s.wait_for("Evening shutdown")
        s.wait_for("MITs done: 1 of 2")
        s.wait_for("Tomorrow's candidates:")
        s.wait_for("Write related work (carries over)")
        s.send("Enter")
        s.wait_for("Workday closed")
        s.send("C-q")
        assert s.wait_exit() == 0
    done = [t["title"] for t in tasks_json(home, "--all") if t["done"]]
    assert done == ["Rerun the baseline"]
    assert "Plot the loss curves [red]now[/]" in [t["title"] for t in tasks_json(home)]
    status = json.loads(cli(home, "status", "--format", "json").stdout)
    assert status["mits"] == {"current": "Write related work", "done": 1, "total": 2}


def popup_command() -> str:
    """The shell command of the README's quick-capture binding."""
    readme = (REPO / "README.md").read_text()
    m = re.search(r"^bind T display-popup .*? '(.+)'$", readme, re.M)
    assert m, "README lacks the `bind T display-popup ...` quick-capture line"
    return m.group(1)


def test_readme_quick_capture_popup_adds_the_task(home, tmp_path):
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "cockpit").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m cockpit "$@"\n')
    (shim / "cockpit").chmod(0o755)
    env = {"COCKPIT_HOME": str(home)}
    path = f"{shim}{os.pathsep}{os.environ['PATH']}"
    title = "-x [bold]grab[/] $(touch pwned) `id` 'q' \"dq\""
    cmd = f"PATH={shlex.quote(path)} sh -c {shlex.quote(popup_command())}"
    with TmuxScreen(cmd, 80, 6, env=env, sock_dir=tmp_path, cwd=str(tmp_path)) as s:
        s.wait_for("New task:")
        s.tmux("send-keys", "-t", s.target, "-l", "--", title)  # the title starts with a dash
        s.send("Enter")
        assert s.wait_exit(30) == 0, s.screen()
        assert "added task 1" in s.screen(), s.screen()
    assert [t["title"] for t in tasks_json(home)] == [title]
    assert not (tmp_path / "pwned").exists()
