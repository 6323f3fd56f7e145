"""End to end in a real tmux, by the keys a user presses; kill -9 and restart mid-sprint."""

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from cockpit.core.clock import from_stamp
from tests.harness.tmux import REPO, TmuxScreen, clean_env, cockpit_cmd

pytestmark = pytest.mark.e2e


def cli(home, *args):
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        env=clean_env({"COCKPIT_HOME": str(home)}),
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    return r


def status_json(home):
    r = cli(home, "focus", "status", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_sprint_by_keys_start_pause_interrupt_extend_finish(home, tmp_path):
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("s")
        s.wait_for("Start a sprint")
        s.send("Enter")
        s.wait_for("left")
        st = status_json(home)
        assert st["state"] == "running" and st["planned_s"] == 5400
        s.send("Space")
        s.wait_for("paused")
        assert status_json(home)["state"] == "paused"
        s.send("Space")
        s.wait_gone("paused")
        s.send("i")
        s.wait_for("Where did it come from")
        s.send("i")
        s.wait_for("A note")
        s.type("slack ping")
        s.send("Enter")
        s.wait_for("1 int.")
        s.send("e")
        s.wait_for("1:39:")  # 90 minutes + 10, less the seconds gone
        assert status_json(home)["planned_s"] == 6000
        s.send("d")
        s.wait_for("No sprint running")  # seconds of focus: no break under 5 focused minutes
        assert status_json(home)["state"] == "idle"
        assert cli(home, "status", "--format", "tmux").stdout.strip() == "cockpit: idle"  # tracking ended
        s.send("C-q")
        assert s.wait_exit() == 0
    r = cli(home, "focus", "status")
    assert "0/3 sprints" in r.stdout and "1 internal" in r.stdout


def _cockpit_pids(pane_pid):
    """The python process running cockpit in the pane (the pane's shell may exec it or not)."""
    out = []
    for pid in [pane_pid] + [
        int(p)
        for p in subprocess.run(["pgrep", "-P", str(pane_pid)], capture_output=True, text=True).stdout.split()
    ]:
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if b"cockpit" in cmd and b"python" in cmd:
            out.append(pid)
    return out


def _wait_dead(s, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not s.pane_info()["dead"]:
        assert time.monotonic() < deadline, "the killed app's pane never died"
        # Debian's tmux may miss the pane's SIGCHLD (libutempter); nudge the server
        os.kill(int(s.tmux("display-message", "-p", "#{pid}").strip()), signal.SIGCHLD)
        time.sleep(0.1)


def _shown_remaining(screen):
    m = re.search(r"(\d+):(\d\d) left", screen)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def test_kill_9_mid_sprint_and_restart_resumes_with_the_right_time(home, tmp_path):
    assert cli(home, "focus", "start", "--minutes", "30").returncode == 0
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.wait_for("left")
        time.sleep(2)
        for pid in _cockpit_pids(s.pane_info()["pid"]):
            os.kill(pid, signal.SIGKILL)
        _wait_dead(s)
        time.sleep(2)  # cockpit is down for a while; the sprint goes on
        s.tmux("respawn-pane", "-k", "-t", s.target, "-c", str(REPO), cockpit_cmd())
        s.wait_for("Quit")
        s.wait_for("left")
        assert "Unclean stop" not in s.screen()  # a short gap asks nothing
        start = from_stamp(status_json(home)["ends"]) - dt.timedelta(seconds=1800)
        best = None
        for _ in range(6):  # the pane ticks once a second: compare a few readings
            shown = _shown_remaining(s.screen())
            truth = 1800 - (dt.datetime.now(dt.UTC) - start).total_seconds()
            if shown is not None:
                diff = abs(shown - truth)
                best = diff if best is None else min(best, diff)
            time.sleep(0.3)
        assert best is not None and best <= 1.0, best
        s.send("C-q")
        assert s.wait_exit() == 0
    assert status_json(home)["state"] == "running"


def test_app_alerts_reach_the_outer_terminal_when_a_sprint_ends(home, tmp_path):
    """The running app, inside tmux over 'SSH', announces the sprint's end on the user's terminal."""
    from tests.harness.tmux_nested import NestedTmux

    # tmux holds back a pane's output while it shows a message, escapes included: keep it short
    (home / "config.toml").write_text(
        '[notify]\nchannels = ["toast", "osc", "tmux"]\ntmux_display_ms = 500\n'
    )
    # 6 s: under 5 focused minutes there is no break, so the sprint's end is the last alert
    assert cli(home, "focus", "start", "--minutes", "0.1").returncode == 0
    with NestedTmux(tmp_path, env={"COCKPIT_HOME": str(home)}) as t:
        t.run("exec " + cockpit_cmd())
        last = b"\x1b]9;Sprint done: 0 min of focus.\x07"
        out = t.wait(
            lambda: last in t.read_bytes("outer") and t.read_bytes("outer"), "the sprint's OSC 9", 30
        )
        assert b"\x1b]777;notify;Sprint done;0 min of focus.\x07" in out
        assert b"\x1bPtmux;\x1b\x1b]777;notify;Sprint done;" in t.read_bytes("inner")  # wrapped by cockpit
        t.wait(lambda: "Sprint done: 0 min of focus." in t.outer_screen(), "display-message")
        t.wait(lambda: "No sprint running" in t.outer_screen(), "idle again")
    assert status_json(home)["state"] == "idle"


def test_two_instances_show_the_same_session(home, tmp_path):
    env = {"COCKPIT_HOME": str(home)}
    with (
        TmuxScreen(cockpit_cmd(), 80, 24, env=env, sock_dir=tmp_path) as a,
        TmuxScreen(cockpit_cmd(), 80, 24, env=env, sock_dir=tmp_path) as b,
    ):
        a.wait_for("Quit")
        b.wait_for("Quit")
        a.send("o")  # a pomodoro, started in the first
        a.wait_for("Start a pomodoro")
        a.send("Enter")
        a.wait_for("Pomodoro 1/4")
        b.wait_for("Pomodoro 1/4", timeout=5)  # the second shows it within a second or two
        b.send("Space")  # paused from the second
        a.wait_for("paused", timeout=5)
        for s in (a, b):
            s.send("C-q")
            assert s.wait_exit() == 0


def test_unclean_stop_asks_keep_or_discard_by_keys(home, tmp_path):
    assert cli(home, "focus", "start", "--minutes", "60").returncode == 0
    # the sprint began 20 minutes ago; the app's last sign of life was 5 s into it (then: kill -9)
    subprocess.run(
        [sys.executable, "-c", SHIFT_START, str(home), "-1200"], check=True, cwd=REPO, env=clean_env()
    )
    started = from_stamp(status_json(home)["ends"]) - dt.timedelta(minutes=60)
    beat = {"beat": (started + dt.timedelta(seconds=5)).isoformat(), "clean": False, "pid": 1}
    (home / "state" / "focus-heartbeat.json").write_text(json.dumps(beat))
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Unclean stop")
        s.wait_for("discard")
        s.send("d")
        s.wait_gone("Unclean stop")
        s.wait_for("left")
        remaining = status_json(home)["remaining_s"]
        assert 3580 <= remaining <= 3595, remaining  # only the 5 s before the crash counted
        s.send("C-q")
        assert s.wait_exit() == 0


SHIFT_START = """
import sys
from cockpit.context import Context
from cockpit.core import focus as core
ctx = Context.open(sys.argv[1])
ctx.store.doc("focus").update(
    lambda d: {**d, "session": core.shift(core.Session.from_doc(d["session"]), float(sys.argv[2])).to_doc()}
)
"""
