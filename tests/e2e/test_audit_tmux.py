"""Time audit end to end in a real tmux: category keys, switch, stop, report; away on detach."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.harness.tmux import TmuxScreen, clean_env, cockpit_cmd

pytestmark = pytest.mark.e2e


def cli(home, *args: str) -> str:  # noqa: ANN001
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def test_track_switch_stop_and_report_by_keys(home, tmp_path):
    cli(home, "audit", "add", "2026-01-05 09:00", "10:00", "d", "--note", "[bold red]x[/] \x1b[31mred")
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("3")
        s.wait_for("s Stop")  # the footer shows the pane's keys once it has the focus
        s.send("m")
        s.wait_for("Model Dev")
        assert json.loads(cli(home, "track", "status", "--json"))["category"] == "model"
        s.send("e")
        s.wait_for("Evaluation/A")
        s.send("s")
        s.wait_for("Not tracking")
        s.send("o")
        screen = s.wait_for("tracked")
        assert screen.splitlines()[0].lstrip().startswith("Week ")
        # the names have the room first: whole at 80 columns, the bars take what is left
        assert "Model Development/Experimentation" in screen and "Evaluation/Analysis" in screen
        assert "\x1b[38;5;" in s.screen(escapes=True)  # category colours drawn in the 256-colour palette
        s.send("Escape")
        s.wait_for("3 Time audit")
        s.send("C-q")
        assert s.wait_exit() == 0
    rows = json.loads(cli(home, "audit", "export", "--format", "json"))
    assert [r["category"] for r in rows] == ["data", "model", "eval"]
    assert rows[1]["end"] == rows[2]["start"]
    assert json.loads(cli(home, "track", "status", "--json")) == {"tracking": False}


@pytest.mark.needs_tools("script")  # script(1) attaches a tmux client
def test_detach_then_attach_asks_how_to_book_the_away_time(home, tmp_path):
    (home / "config.toml").write_text("[audit]\naway_poll_seconds = 1.0\n")
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("3")
        s.wait_for("s Stop")
        s.send("r")
        s.wait_for("Research/L")
        time.sleep(2.5)  # the session has no client: cockpit notes that the user is away
        client = subprocess.Popen(
            ["script", "-qfc", f"tmux -S {s.socket} attach -t app", "/dev/null"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(),
        )  # fmt: skip
        try:
            screen = s.wait_for("Welcome back")
            assert "the tmux client was detached while" in screen and "tracking Research/Learning." in screen
            s.send("b")
            s.wait_for("Which category?")
            s.send("c")
            s.wait_gone("Welcome back")
        finally:
            client.terminate()
            client.wait(timeout=5)
        s.send("C-q")
        assert s.wait_exit() == 0
    rows = json.loads(cli(home, "audit", "export", "--format", "json"))
    booked = [r for r in rows if r["category"] == "meetings"]
    assert len(booked) == 1 and booked[0]["note"] == "away (detached)"
    assert (
        rows[-1]["category"] == "research" and rows[-1]["end"] is None
    )  # still tracking, from the return on
    assert rows[-1]["start"] == booked[0]["end"]
