"""Issue 14, seen in a real tmux: what the first frame and the forms show while the user types."""

from __future__ import annotations

import shlex

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = [pytest.mark.e2e, pytest.mark.needs_tools("tmux")]


@pytest.mark.parametrize(("width", "height"), [(80, 24), (160, 48)])
def test_task_form_shows_what_is_typed_before_tab(home, tmp_path, write_config, width, height):
    write_config("[mits]\nmorning_plan = false\n")
    with TmuxScreen(cockpit_cmd(), width, height, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("2")
        s.wait_for("a Add")
        s.send("a")
        s.wait_for("New task")
        s.type("Plot the loss curves")
        s.wait_for("Plot the loss curves")  # in the Title field, before any Tab
        for _ in range(6):  # Impact, Effort, Stage, Category, Estimate, Project
            s.send("Tab")
        s.type("thesis-ch3")
        s.wait_for("thesis-ch3")
        s.send("Tab")
        s.type("rerun with seed 7")
        s.wait_for("rerun with seed 7")
        s.send("Escape")
        s.wait_gone("New task")


@pytest.mark.parametrize("focus_events", ["off", "on"])
def test_footer_shows_the_keys_at_start_without_a_key_press(home, tmp_path, focus_events):
    """With tmux's ``focus-events on`` a pane of a detached (or unfocused) client reports "focus
    out" as soon as the app asks: Textual's footer then stayed empty until the first key."""
    go = tmp_path / "go"
    wait = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; exec {cockpit_cmd()}"
    with TmuxScreen(
        f"sh -c {shlex.quote(wait)}", 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path
    ) as s:
        s.tmux("set-option", "-g", "focus-events", focus_events)
        go.touch()  # the app starts only now, under this option
        s.wait_for("1 Focus")
        screen = s.wait_for("^q Quit", timeout=10)
        last = screen.splitlines()[-1]
        assert "^q Quit" in last and "s Sprint" in last and "? Help" in last
