"""Issue 14's wording, through the real CLI: the overlap error names the flag, an impossible date
says it does not exist, `notify test` says a channel does not apply here."""

from __future__ import annotations

import pytest

from tests.harness.tmux import cockpit_cli

pytestmark = pytest.mark.e2e


def test_overlap_error_names_the_adjust_flag(home):
    assert cockpit_cli(home, "audit", "add", "2026-01-05 09:00", "11:00", "m").returncode == 0
    r = cockpit_cli(home, "audit", "add", "2026-01-05 10:00", "12:00", "e")
    assert r.returncode != 0
    assert "--adjust" in r.stderr and "choose adjust" not in r.stderr
    assert cockpit_cli(home, "audit", "add", "2026-01-05 10:00", "12:00", "e", "--adjust").returncode == 0


def test_an_impossible_date_does_not_exist(home):
    r = cockpit_cli(home, "audit", "report", "--from", "2026-02-30", "--to", "2026-03-02")
    assert r.returncode == 2
    assert "date '2026-02-30' does not exist" in r.stderr
    r = cockpit_cli(home, "audit", "report", "--from", "30.2.2026", "--to", "2026-03-02")
    assert "date '30.2.2026' is not YYYY-MM-DD" in r.stderr


def test_notify_test_says_not_available_here_not_fail(home, write_config):
    write_config('[notify]\nchannels = ["webhook"]\n')
    r = cockpit_cli(home, "notify", "test")
    assert "FAIL" not in r.stdout
    assert r.stdout.split() == "-- webhook not available here: no webhook_url set".split()
