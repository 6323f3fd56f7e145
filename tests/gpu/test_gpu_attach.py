"""GPU ``a`` (attach) on a tmux server that is not the default one (``tmux -S SOCKET``): the job
that ``launch`` started on cockpit's own server is attached there, and a failure says why."""

from __future__ import annotations

import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = [pytest.mark.e2e, pytest.mark.needs_tools("tmux")]
CONFIG = "[gpu]\nlocal = true\npoll_seconds = 0.5\n"


@pytest.fixture
def private_default(tmp_path, monkeypatch):
    """No default tmux server anywhere: the default socket folder is an empty private one."""
    tt = tmp_path / "tt"
    tt.mkdir(mode=0o700)
    monkeypatch.setenv("TMUX_TMPDIR", str(tt))
    return tt


def _launch_on(screen, monkeypatch, ctx, name):
    """``launch`` as cockpit does it inside ``screen``'s tmux: ``$TMUX`` names that server."""
    monkeypatch.setenv("TMUX", f"{screen.socket},1,0")
    p = svc.Poller(ctx)
    try:
        return svc.launch(ctx, p, "local", ["sleep", "300"], name=name)
    finally:
        p.close()


def test_a_attaches_on_cockpits_own_tmux_server(
    home, clock, write_config, tmp_path, monkeypatch, private_default
):
    from cockpit.context import Context

    write_config(CONFIG)
    ctx = Context.open(home, clock=clock)
    env = {"COCKPIT_HOME": str(home), "TMUX_TMPDIR": str(private_default)}
    with TmuxScreen(cockpit_cmd(), 100, 30, env=env, sock_dir=tmp_path) as s:
        job = _launch_on(s, monkeypatch, ctx, "attjob")
        assert "attjob" in s.tmux("list-sessions", "-F", "#{session_name}")  # on the -S server
        s.wait_for("attjob:0.0")
        s.send("5")
        s.wait_for("k Kill job")
        s.send("a")
        deadline = time.monotonic() + 10
        while "attjob" not in s.tmux("list-clients", "-F", "#{client_session}"):
            windows = s.tmux("list-windows", "-a", "-F", "#{window_name} #{pane_start_command}")
            assert time.monotonic() < deadline, windows + s.screen()
            time.sleep(0.1)
        s.tmux("select-window", "-t", "app:0")
        assert "attach failed" not in s.screen()
        s.send("C-q")
        assert s.wait_exit() == 0
    assert job.session == "attjob"


def test_attach_to_a_missing_session_says_why(
    home, clock, write_config, tmp_path, monkeypatch, private_default
):
    with TmuxScreen("sleep 300", 80, 24, sock_dir=tmp_path) as s:
        monkeypatch.setenv("TMUX", f"{s.socket},1,0")
        before = s.tmux("list-windows", "-a", "-F", "#{window_id}")
        problem = svc.attach("local", "nosuchjob")
        assert problem is not None
        assert problem.startswith("attach failed: no tmux session 'nosuchjob'") and s.socket in problem
        assert s.tmux("list-windows", "-a", "-F", "#{window_id}") == before  # no window opened
