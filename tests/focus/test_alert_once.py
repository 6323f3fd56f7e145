"""A focus phase's end is announced once, whichever process sees it first: the app, the CLI or
the tmux status line (the alert ledger under the store's lock)."""

from __future__ import annotations

import json
import multiprocessing
import re
import time

import pytest

from cockpit import status
from cockpit.core import focus as core
from cockpit.core.focus_stats import ALERT_WINDOW_S
from cockpit.services import alerts
from cockpit.services import focus as svc
from cockpit.store import ledger
from tests.harness.tmux import cockpit_cmd


def section(ctx):
    return status.read(ctx.paths.status_file)["focus"]


def test_status_line_and_app_compute_the_same_alert_for_a_sprint_end(ctx, clock):
    svc.start(ctx, "sprint", minutes=30)
    before = section(ctx)
    clock.advance(30 * 60 + 4)
    (from_line,) = core.status_alerts(before, clock.now())  # what the status line would announce
    svc.sync(ctx)  # what the app does on its next tick
    (from_app,) = svc.take_alerts(ctx)
    assert from_line == from_app
    assert from_app.title == "Sprint done" and from_app.body.startswith("30 min of focus. Break: ")
    assert from_app.key == f"focus:focus:{before['ends']}"


def test_status_line_names_the_next_pomodoro_round_after_a_break(ctx, clock):
    svc.start(ctx, "pomodoro", minutes=25)
    clock.advance(25 * 60 + 1)
    svc.sync(ctx)
    svc.take_alerts(ctx)
    brk = section(ctx)
    assert brk["state"] == "break"
    clock.advance(brk["planned_s"] + 2)
    (from_line,) = core.status_alerts(brk, clock.now())
    svc.sync(ctx)
    (from_app,) = svc.take_alerts(ctx)
    assert from_line == from_app
    assert (from_app.title, from_app.body) == ("Break over", "Pomodoro 2 starts now.")


def test_an_old_phase_end_is_not_announced(ctx, clock):
    svc.start(ctx, "sprint", minutes=30)
    before = section(ctx)
    clock.advance(30 * 60 + ALERT_WINDOW_S + 1)
    assert core.status_alerts(before, clock.now()) == []
    assert status.ALERT_WINDOW_S == ALERT_WINDOW_S  # the status line's cheap check uses the same window


def _claim(root, key, now, out):
    out.put(ledger.claim(root, key, now))


def test_the_ledger_lets_exactly_one_of_many_processes_claim_a_key(ctx, clock):
    root = ctx.store.root
    q: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
    procs = [
        multiprocessing.get_context("fork").Process(
            target=_claim, args=(root, "focus:focus:x", clock.now(), q)
        )
        for _ in range(8)
    ]
    for p in procs:
        p.start()
    got = [q.get(timeout=30) for _ in procs]
    for p in procs:
        while p.is_alive():  # no timed join (libfaketime)
            time.sleep(0.01)
    assert sorted(got) == [False] * 7 + [True]
    assert ledger.claim(root, "focus:focus:y", clock.now()) is True


def test_a_damaged_ledger_is_moved_aside_and_alerts_keep_working(ctx, clock):
    root = ctx.store.root
    root.mkdir(parents=True, exist_ok=True)
    (root / "alerts.json").write_text("{not json")
    assert ledger.claim(root, "k", clock.now()) is True
    assert (root / "alerts.json.damaged").read_text() == "{not json"
    assert json.loads((root / "alerts.json").read_text()).keys() == {"k"}


def test_the_status_line_helper_sends_once_and_the_app_then_only_toasts(home, clock, write_config):
    write_config('[notify]\nchannels = ["toast", "webhook"]\nwebhook_url = "http://127.0.0.1:9/x"\n')
    from cockpit.context import Context

    ctx = Context.open(home, clock=clock)
    svc.start(ctx, "sprint", minutes=30)
    clock.advance(30 * 60 + 3)
    sent = alerts.send_status_alerts(ctx)
    assert [(a.title, [r.channel for r in res or []]) for a, res in sent] == [("Sprint done", ["webhook"])]
    assert alerts.send_status_alerts(ctx) == []  # handled: the status line starts no second helper
    svc.sync(ctx)
    (alert,) = svc.take_alerts(ctx)
    assert alerts.send_once(ctx, alert) is None  # the app lost the claim: nothing sent twice


@pytest.mark.e2e
def test_status_line_alone_announces_a_sprint_end_once_on_the_users_terminal(home, tmp_path):
    """No app running: tmux's status line (status-interval 1) rings the outer terminal once."""
    from tests.harness.tmux_nested import NestedTmux

    (home / "config.toml").write_text('[notify]\nchannels = ["osc", "tmux"]\ntmux_display_ms = 700\n')
    with NestedTmux(tmp_path, env={"COCKPIT_HOME": str(home)}) as t:
        t.inner("set-option", "-g", "status-interval", "1")
        t.inner("set-option", "-g", "status-left-length", "60")
        t.inner("set-option", "-g", "status-left", f"#({cockpit_cmd('status', '--format', 'tmux')})")
        t.run(cockpit_cmd("focus", "start", "--minutes", "0.1") + " && echo STARTED")
        t.wait(lambda: "STARTED" in t.inner_screen(), "the sprint started", 30)
        osc9 = re.compile(rb"\x1b\]9;Sprint done: 0 min of focus\.\x07")
        t.wait(lambda: osc9.search(t.read_bytes("outer")), "the sprint's OSC 9 from the status line", 40)
        t.wait(lambda: "Sprint done: 0 min of focus." in t.outer_screen(), "display-message", 10)
        time.sleep(4)  # more status-line runs: none may announce it again
        out = t.read_bytes("outer")
        assert len(osc9.findall(out)) == 1
        assert out.count(b"\x1b]777;notify;Sprint done;0 min of focus.\x07") == 1
        assert b"Sprint done" not in t.read_bytes("inner")  # not through the pane: straight to the terminal
    keys = json.loads((home / "data" / "store" / "alerts.json").read_text())
    assert [k.split(":", 2)[1] for k in keys] == ["focus"]


@pytest.mark.e2e
def test_app_and_status_line_together_announce_a_sprint_end_once(home, tmp_path):
    from tests.harness.tmux_nested import NestedTmux

    (home / "config.toml").write_text('[notify]\nchannels = ["toast", "osc"]\n')
    with NestedTmux(tmp_path, env={"COCKPIT_HOME": str(home)}) as t:
        t.inner("set-option", "-g", "status-interval", "1")
        t.inner("set-option", "-g", "status-left", f"#({cockpit_cmd('status', '--format', 'tmux')})")
        t.run(cockpit_cmd("focus", "start", "--minutes", "0.15") + " && exec " + cockpit_cmd())
        osc9 = re.compile(rb"\x1b\]9;Sprint done: 0 min of focus\.\x07")
        t.wait(lambda: osc9.search(t.read_bytes("outer")), "the sprint's OSC 9", 40)
        t.wait(lambda: "No sprint running" in t.inner_screen(), "the app idle again", 15)
        time.sleep(4)
        assert len(osc9.findall(t.read_bytes("outer"))) == 1
