"""`cockpit audit report` uses the terminal's width, and cuts nothing when piped (issue 14)."""

from __future__ import annotations

import shlex

import pytest

from tests.harness.tmux import TmuxScreen, clean_env, cockpit_cli, cockpit_cmd

pytestmark = pytest.mark.e2e
ENTRIES = [
    ("2026-01-05 09:00", "12:00", "d"),
    ("2026-01-06 09:00", "11:00", "m"),
    ("2026-01-07 09:00", "10:30", "e"),
    ("2026-01-12 09:00", "10:00", "d"),
    ("2026-01-13 09:00", "15:00", "m"),
    ("2026-01-14 09:00", "13:00", "e"),
    ("2026-01-15 09:00", "13:00", "w"),
]
REPORT = ("audit", "report", "--from", "2026-01-12", "--to", "2026-01-18")
LAST = "vs previous period: +8h30 total (Documentation +4h00, Model Development +4h00, Evaluation +2h30)"


@pytest.fixture
def tracked(home):  # noqa: ANN001, ANN201
    for start, end, cat in ENTRIES:
        assert cockpit_cli(home, "audit", "add", start, end, cat).returncode == 0
    return home


def test_piped_report_cuts_no_line(tracked):
    import subprocess
    import sys

    for columns in (None, "200"):
        env = clean_env({"COCKPIT_HOME": str(tracked), **({"COLUMNS": columns} if columns else {})})
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", *REPORT], env=env, capture_output=True, text=True, timeout=60
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[-1] == LAST  # 96 characters, whole


@pytest.mark.needs_tools("tmux")
def test_report_on_a_terminal_uses_its_width(tracked, tmp_path):
    cmd = f"sh -c {shlex.quote(cockpit_cmd(*REPORT) + '; sleep 60')}"
    with TmuxScreen(cmd, 100, 30, env={"COCKPIT_HOME": str(tracked)}, sock_dir=tmp_path) as s:
        screen = s.wait_for("vs previous period")
    lines = screen.splitlines()
    assert LAST in lines
    bars = [ln for ln in lines if ln.startswith("Model Development/Expe ")]
    assert bars and len(bars[0].rstrip()) > 80  # the bars fill the 100 columns
