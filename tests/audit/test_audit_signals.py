"""The away-detection adapters that read the terminal and tmux."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from cockpit.paths import file_clock_now
from cockpit.sources.presence import tmux_away_signals, tty_input_time
from tests.harness.tmux import TmuxScreen


def test_tty_access_time_moves_when_input_is_read():
    master, slave = os.openpty()
    try:
        # an hour-old atime, by the file clock (the process clock may be shifted: see
        # tty_input_time), reads as an hour before this process's now
        old = file_clock_now() - 3600
        os.utime(os.ttyname(slave), (old, old))
        seen = tty_input_time(slave)
        hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        assert seen is not None and abs((seen - hour_ago).total_seconds()) < 5
        os.write(master, b"k\n")
        os.read(slave, 10)
        seen = tty_input_time(slave)
        assert seen is not None and seen > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    finally:
        os.close(master)
        os.close(slave)


def test_no_terminal_no_tty_time(tmp_path):
    with open(tmp_path / "f", "w") as f:
        assert tty_input_time(f.fileno()) is None


def test_outside_tmux_there_are_no_tmux_signals():
    assert tmux_away_signals({"PATH": os.environ.get("PATH", "")}) == (None, None)


@pytest.mark.e2e
def test_a_detached_tmux_session_reads_as_not_attached(tmp_path):
    with TmuxScreen("sleep 60", 80, 24, sock_dir=tmp_path) as s:
        s.wait_for("")
        pane = s.tmux("display-message", "-p", "-t", s.target, "#{pane_id}").strip()
        env = {"TMUX": f"{s.socket},0,0", "TMUX_PANE": pane, "PATH": os.environ.get("PATH", "")}
        last, attached = tmux_away_signals(env)
        assert (last, attached) == (None, False)
