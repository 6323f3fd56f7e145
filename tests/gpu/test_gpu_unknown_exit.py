"""A launched job whose wrapper cannot write its exit status (its tmux server was started with
another HOME) still ends when its pane dies, with the exit status said to be unknown."""

from __future__ import annotations

import subprocess
import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.tmux import clean_env

pytestmark = [pytest.mark.e2e, pytest.mark.needs_tools("tmux")]


def test_job_ends_with_unknown_status_when_the_wrapper_cannot_write_it(
    write_config, home, clock, tmp_path, monkeypatch
):
    from cockpit.context import Context

    tt, mine, other = tmp_path / "tt", tmp_path / "user-home", tmp_path / "other-home"
    tt.mkdir(mode=0o700)
    mine.mkdir()
    monkeypatch.setenv("TMUX_TMPDIR", str(tt))
    monkeypatch.setenv("HOME", str(mine))
    monkeypatch.delenv("TMUX", raising=False)
    # the user's tmux server, started with another HOME: panes get it, so $HOME/.cache/... fails
    server_env = clean_env({"TMUX_TMPDIR": str(tt), "HOME": str(other)})
    tmux = ["tmux", "-f", "/dev/null"]
    subprocess.run([*tmux, "new-session", "-d", "-s", "keep", "sleep 300"], env=server_env, check=True)
    write_config("[gpu]\nlocal = true\n")
    ctx = Context.open(home, clock=clock)
    alerts: list = []
    ctx.notifier.toast = alerts.append  # type: ignore[method-assign]
    p = svc.Poller(ctx)
    try:
        job = svc.launch(ctx, p, "local", ["sh", "-c", "echo nowhere-to-write; exit 3"], name="nohome")
        assert (mine / ".cache/cockpit/runs" / job.run_id).is_dir()  # launch made it in our HOME
        deadline = time.monotonic() + 20
        while svc.jobs_collection(ctx).get(job.id)["state"] == "running":
            assert time.monotonic() < deadline, "the job stays running with no exit status file"
            svc.record(ctx, p.poll())
            time.sleep(0.2)
        assert not (mine / ".cache/cockpit/runs" / job.run_id / "exit_code").exists()
    finally:
        p.close()
        subprocess.run([*tmux, "kill-server"], env=server_env, capture_output=True)
    rec = svc.jobs_collection(ctx).get(job.id)
    assert rec["state"] == "finished" and rec["exit_code"] is None and rec["ended"]
    (alert,) = alerts
    assert alert.title == "Job ended: nohome on local"
    assert alert.body.startswith("exit status unknown (its wrapper could not write it)")
