"""Issue 14 in a real tmux at 80x24: a long MIT title is cut with "…" and shown whole under the
list."""

from __future__ import annotations

import re

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cli, cockpit_cmd

pytestmark = [pytest.mark.e2e, pytest.mark.needs_tools("tmux")]

LONG = "Rerun the ablation on the long-context retrieval benchmark"


def test_mits_pane_ellipsises_a_long_title_at_80x24(home, tmp_path, write_config):
    write_config("[mits]\nmorning_plan = false\n")
    r = cockpit_cli(home, "task", "add", LONG, "--mit", "--estimate", "3")
    assert r.returncode == 0, r.stderr
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("2")
        screen = s.wait_for("retrieval benchmark")  # the detail line under the list
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    cells = [c.strip() for line in lines for c in line.split("│") if "Rerun the" in c]
    m = re.fullmatch(r"★ (.+…)", cells[0])
    assert m and len(m[1]) > 19 and LONG.startswith(m[1][:-1]), cells
    # the whole title, wrapped in the line under the list
    assert "the long-context" in screen and "retrieval benchmark" in screen
