"""Slurm jobs through the GPU poller: a real single-node Slurm reached over a real SSH login
node, without and with accounting. What a user sees: states, the pending reason, alerts (once,
louder for an early crash), tail of the job's stdout file, and Kill cancelling the job."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.tmux import clean_env
from tests.slurmint.conftest import HOST, LoginNode

pytestmark = pytest.mark.infra


def cli(home, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], capture_output=True, text=True, env=env, timeout=120
    )


def poll(ctx, poller: svc.Poller) -> tuple[dict[str, svc.JobView], list[tuple[str, str, str]]]:
    (st,) = poller.poll()
    assert st.ok, st.error
    (st,), alerts = svc.record_states(ctx, [st])
    return {j.slurm_id: j for j in st.jobs if j.slurm_id}, alerts


def wait_sacct(login: LoginNode, *ids: str) -> None:
    """With accounting, slurmctld hands a finished job to slurmdbd a moment later."""
    if not login.slurm.accounting:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = login.slurm.run("sacct", "-X", "-n", "-P", "-o", "JobID,State", "-S", "now-1day", check=False)
        done = {
            ln.split("|")[0] for ln in r.stdout.splitlines() if "RUNNING" not in ln and "PENDING" not in ln
        }
        if set(ids) <= done:
            return
        time.sleep(0.5)
    raise TimeoutError("sacct never showed the finished jobs")


def test_slurm_jobs_states_alerts_tail_and_kill(login: LoginNode, slurm_ctx, home) -> None:
    c = login.slurm
    ok = c.sbatch("-J", "ok-job", "-o", "%x-%j.out", wrap="echo hello from the ok job; sleep 4")
    bad = c.sbatch("-J", "bad-job", "-o", "%x-%j.out", wrap="echo about to fail; sleep 4; exit 7")
    held = c.sbatch("-J", "held-job", "--hold", wrap="true")
    long = c.sbatch("-J", "long-job", "-o", "%x-%j.out", wrap="echo long job up; sleep 300")
    for jid in (ok, bad, long):
        c.wait_state(jid, "RUNNING", timeout=60)

    ctx = slurm_ctx()
    poller = svc.Poller(ctx)
    poller.slurm_history_s = 0  # history (sacct / completion log) on every poll of this test
    try:
        jobs, alerts = poll(ctx, poller)
        assert alerts == []  # the first look never replays history as alerts
        assert jobs[ok].state == "running" and jobs[bad].state == "running"
        assert jobs[held].state == "pending"
        assert jobs[held].last_line == "pending: JobHeldUser"
        assert jobs[long].nodes and jobs[long].time_limit_s is None  # partition: no limit

        # the CLI snapshot: the JSON shape, the Slurm jobs among the jobs
        r = cli(home, "gpu", "--json")
        assert r.returncode == 0, r.stderr
        (host,) = json.loads(r.stdout)["hosts"]
        assert host["name"] == HOST and host["ok"] is True
        rows = {j["command"]: j for j in host["jobs"]}
        assert set(rows["held-job"]) == set(svc.JOB_KEYS)
        assert rows["held-job"]["state"] == "pending" and "JobHeldUser" in rows["held-job"]["last_line"]
        assert rows["long-job"]["state"] == "running" and rows["long-job"]["pid"] is None

        # tail: the job's stdout file, read on the login node
        assert "long job up" in svc.tail_job(poller, jobs[long])

        c.wait_state(ok, "COMPLETED", timeout=60)
        c.wait_state(bad, "FAILED", timeout=60)
        wait_sacct(login, ok, bad)
        jobs, alerts = poll(ctx, poller)
        assert jobs[ok].state == "finished" and jobs[bad].state == "failed"
        assert jobs[bad].exit_code == 7  # from sacct, or the job-completion log without it
        titles = {a.title: (a.body, a.urgency) for a in alerts}
        assert titles[f"Slurm job finished: {ok} ok-job on {HOST}"][1] == "normal"
        body, urgency = titles[f"Slurm job failed early: {bad} bad-job on {HOST}"]
        assert urgency == "critical" and "exit 7" in body
        assert len(alerts) == 2  # one alert per change: nothing from the tmux lifecycle code too
        assert ctx.alerts == alerts  # through ctx.notifier
        assert "hello from the ok job" in svc.tail_job(poller, jobs[ok])

        # kill = scancel on the login node
        svc.kill(poller, HOST, jobs[long])
        c.wait_state(long, "CANCELLED", timeout=60)
        wait_sacct(login, long)
        jobs, alerts = poll(ctx, poller)
        assert jobs[long].state == "failed" and jobs[long].slurm_state == "CANCELLED"
        assert [(a.title, a.urgency) for a in alerts] == [
            (f"Slurm job cancelled: {long} long-job on {HOST}", "normal")
        ]
        _, alerts = poll(ctx, poller)
        assert alerts == []  # nothing changed, nothing said

        # the history: cockpit jobs --json
        r = cli(home, "jobs", "--all", "--json")
        assert r.returncode == 0, r.stderr
        hist = {j["slurm_id"]: j for j in json.loads(r.stdout)["jobs"] if j.get("slurm_id")}
        assert hist[ok]["state"] == "finished" and hist[bad]["state"] == "failed"
        assert hist[bad]["exit_code"] == 7 and hist[long]["state"] == "failed"
    finally:
        poller.close()
        c.run("scancel", held, long, check=False)


def test_kill_refuses_what_is_not_a_job_id(login: LoginNode, slurm_ctx) -> None:
    from cockpit.errors import UsageError

    ctx = slurm_ctx()
    poller = svc.Poller(ctx)
    try:
        with pytest.raises(UsageError, match="not a Slurm job id"):
            svc.kill(poller, HOST, svc.JobView(host=HOST, state="running", slurm_id="1; touch /tmp/x"))
    finally:
        poller.close()


@pytest.fixture
def counted_sacct(login: LoginNode):
    """sacct on the login node's PATH, counting its calls (and then running the real one)."""
    host = login.ssh.hosts[HOST]
    calls = host.dir / "sacct-calls"
    wrapper = host.bin / "sacct"
    wrapper.write_text(f'#!/bin/sh\necho x >> {calls}\nexec /usr/bin/sacct "$@"\n')
    wrapper.chmod(0o755)
    calls.unlink(missing_ok=True)
    yield lambda: len(calls.read_text().splitlines()) if calls.exists() else 0
    wrapper.unlink()


def test_history_is_asked_every_45_s_not_every_poll(
    login: LoginNode, slurm_ctx, clock, counted_sacct
) -> None:
    c = login.slurm
    quick = c.sbatch("-J", "quick", wrap="true")
    c.wait_state(quick, "COMPLETED", timeout=60)
    wait_sacct(login, quick)
    ctx = slurm_ctx()
    poller = svc.Poller(ctx)
    try:
        for _ in range(3):
            jobs, _ = poll(ctx, poller)
            assert jobs[quick].state == "finished"  # shown between history polls too
            clock.advance(10)
        assert counted_sacct() == 1
        clock.advance(20)  # 50 s after the first poll
        poll(ctx, poller)
        assert counted_sacct() == 2
    finally:
        poller.close()
