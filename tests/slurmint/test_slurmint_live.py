"""Slurm jobs through the GPU poller: a real single-node Slurm reached over a real SSH login
node, without and with accounting. What a user sees: states, the pending reason, alerts (once,
louder for an early crash), tail of the job's stdout file, and Kill cancelling the job."""

from __future__ import annotations

import datetime as dt
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


def poll(
    ctx, poller: svc.Poller, journal: bool = False
) -> tuple[dict[str, svc.JobView], list[tuple[str, str, str]]]:
    """One poll and its record; with ``journal``, the poller too (as the pane and `cockpit gpu`
    pass it), so runs' folders and outcomes are read on the host."""
    (st,) = poller.poll()
    assert st.ok, st.error
    (st,), alerts = svc.record_states(ctx, [st], poller=poller if journal else None)
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


def test_a_slurm_job_gets_a_journal_entry_from_what_slurm_says(login: LoginNode, slurm_ctx, home) -> None:
    """A real job with its own --chdir: first seen running (its folder read on the login node
    like a found job's), then seen ended; its entry in jobs --json, jobs show and the runs rows.
    The test cluster has no GRES: the GPU fields are 0 / absent."""
    c = login.slurm
    work = c.out / f"exp-{'acct' if c.accounting else 'plain'}-{time.monotonic_ns()}"
    work.mkdir()
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / "train.py").write_text("print('x')\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    (work / "notes.txt").write_text("untracked: the tree is dirty\n")
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    jid = c.sbatch("-J", "journal-job", "--chdir", str(work), "-o", "%x-%j.out", wrap="sleep 3; exit 3")
    c.wait_state(jid, "RUNNING", timeout=60)

    ctx = slurm_ctx()
    poller = svc.Poller(ctx)
    poller.slurm_history_s = 0
    try:
        jobs, _ = poll(ctx, poller, journal=True)
        assert jobs[jid].state == "running"
        c.wait_state(jid, "FAILED", timeout=60)
        wait_sacct(login, jid)
        jobs, _ = poll(ctx, poller, journal=True)
        assert jobs[jid].state == "failed"
    finally:
        poller.close()

    r = cli(home, "jobs", "--all", "--json")
    assert r.returncode == 0, r.stderr
    (doc,) = [j for j in json.loads(r.stdout)["jobs"] if j.get("slurm_id") == jid]
    assert doc["host"] == HOST and doc["command"] == "journal-job"
    assert doc["cwd"] == str(work) and doc["git_commit"] == head and doc["git_dirty"] is True
    assert doc["state"] == "failed" and doc["exit_code"] == 3
    started, ended = (dt.datetime.fromisoformat(doc[k]) for k in ("started", "ended"))
    assert 2 <= (ended - started).total_seconds() <= 30  # Slurm's own start and end, not the polls'
    j = doc["journal"]
    assert j["slurm"]["job_id"] == jid and j["slurm"]["state"] == "FAILED"
    assert j["slurm"]["nodes"] == "localhost" and j["slurm"]["gpus"] == 0
    assert j["gpu_hours"] == 0.0 and j["cost"] is None  # no GRES on the test cluster, no cost_per_hour

    r = cli(home, "jobs", "show", doc["id"])
    assert r.returncode == 0, r.stderr
    assert f"job {jid} FAILED on localhost" in r.stdout and "cwd:" in r.stdout and str(work) in r.stdout
    assert "GPUs:" not in r.stdout

    r = cli(home, "jobs", "export", "--format", "json")
    assert r.returncode == 0, r.stderr
    (row,) = [x for x in json.loads(r.stdout)["runs"] if x["id"] == doc["id"]]  # the runs table's rows
    assert row["cwd"] == str(work) and row["exit_code"] == 3 and row["gpus"] is None
