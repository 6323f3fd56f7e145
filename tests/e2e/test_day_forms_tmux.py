"""Issue 14, seen in a real tmux: what the first frame and the forms show while the user types."""

from __future__ import annotations

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
