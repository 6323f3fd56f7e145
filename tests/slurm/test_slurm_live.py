"""Against a real Slurm on loopback: submit jobs, run the probe through sh -c, parse, check
what the user would see (states, exit codes, reasons, tail output) and the alerts raised."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from cockpit.core.slurm import state_changes
from cockpit.sources.parse_slurm import DELIM, SACCT_FIELDS, parse_jobcomp, parse_sacct, split_sections
from cockpit.sources.slurm import cancel_command, tail_command

from .conftest import HOSTILE_NAME, Scenario, by_id, run_probe

pytestmark = pytest.mark.infra


def test_daemons_listen_on_loopback_only(scenario: Scenario):
    c = scenario.cluster
    listeners = c.listeners()
    assert listeners, "no listener found for the cluster's ports"
    assert all(addr.startswith("127.0.0.1:") for addr in listeners), listeners
    expected = 4 if c.accounting else 2  # slurmctld, slurmd (+ slurmdbd, mariadbd)
    assert len({a.rsplit(":", 1)[1] for a in listeners}) == expected


def test_running_and_pending_jobs_while_they_run(scenario: Scenario):
    jobs = by_id(scenario.before)
    ok = jobs[scenario.ids["ok"]]
    assert ok.name == HOSTILE_NAME  # the "|" in the name did not shift any column
    assert ok.state == "RUNNING" and ok.lifecycle == "running"
    assert ok.nodes == "localhost" and ok.node_count == 1
    assert ok.user == "root" and ok.partition == "debug"
    assert ok.time_limit_s is None  # unlimited
    assert ok.elapsed_s is not None and 0 <= ok.elapsed_s < 120
    assert ok.start is not None and ok.start >= scenario.submitted_at - dt.timedelta(seconds=5)
    assert ok.exit_code is None and ok.end is None

    slow = jobs[scenario.ids["timeout"]]
    assert slow.time_limit_s == 60

    held = jobs[scenario.ids["held"]]
    assert held.state == "PENDING" and held.lifecycle == "pending"
    assert held.reason == "JobHeldUser"
    later = jobs[scenario.ids["later"]]
    assert later.state == "PENDING" and later.reason == "BeginTime"
    assert later.start is None  # an estimate is not a start


def test_finished_jobs_states_exit_codes_and_reasons(scenario: Scenario):
    after = scenario.wait_done()
    jobs = by_id(after)
    ids = scenario.ids
    ok, bad = jobs[ids["ok"]], jobs[ids["bad"]]
    assert (ok.state, ok.lifecycle, ok.exit_code) == ("COMPLETED", "finished", 0)
    assert (bad.state, bad.lifecycle, bad.exit_code) == ("FAILED", "failed", 7)
    assert bad.end is not None and bad.elapsed_s is not None and bad.elapsed_s >= 3
    cancelled = jobs[ids["cancel"]]
    assert cancelled.state == "CANCELLED" and cancelled.lifecycle == "failed"
    slow = jobs[ids["timeout"]]
    assert slow.state == "TIMEOUT" and slow.lifecycle == "failed"
    assert slow.elapsed_s is not None and slow.elapsed_s >= 60
    tasks = {j.job_id: j for j in after.jobs if j.array_job_id == ids["array"]}
    assert set(tasks) == {f"{ids['array']}_{i}" for i in (1, 2, 3)}
    assert tasks[f"{ids['array']}_2"].state == "FAILED"
    assert tasks[f"{ids['array']}_2"].exit_code == 5
    assert tasks[f"{ids['array']}_1"].state == "COMPLETED"


def test_history_source_with_and_without_accounting(scenario: Scenario):
    after = scenario.wait_done()
    c = scenario.cluster
    assert after.errors == []
    if c.accounting:
        assert after.accounting is True and after.history_source == "sacct"
    else:
        assert after.accounting is False and after.history_source == "jobcomp"


def test_sacct_or_jobcomp_alone_has_the_outcomes(scenario: Scenario):
    """The history section by itself (what is left once squeue forgets, after MinJobAge)."""
    scenario.wait_done()
    text, probe = run_probe(scenario.cluster)
    secs = split_sections(text)
    ids = scenario.ids
    if scenario.cluster.accounting:
        hist = {j.job_id: j for j in parse_sacct(secs["sacct"].body, fields=SACCT_FIELDS, delimiter=DELIM)}
        assert hist[ids["cancel"]].cancelled_by == "0"  # "CANCELLED by 0"
        assert hist[ids["ok"]].name == HOSTILE_NAME
        assert not any("." in jid for jid in hist)  # no .batch / .extern steps
    else:
        assert secs["sacct"].rc != 0
        assert "accounting storage is disabled" in secs["sacct"].stderr.lower()
        hist = {j.job_id: j for j in parse_jobcomp(secs["jobcomp"].body)}
    assert (hist[ids["bad"]].state, hist[ids["bad"]].exit_code) == ("FAILED", 7)
    assert (hist[ids["ok"]].state, hist[ids["ok"]].exit_code) == ("COMPLETED", 0)
    assert hist[ids["timeout"]].state == "TIMEOUT"
    assert hist[ids["cancel"]].state == "CANCELLED"
    assert hist[f"{ids['array']}_2"].exit_code == 5


def test_transitions_raise_the_right_alerts(scenario: Scenario):
    after = scenario.wait_done()
    changes = state_changes(scenario.before.jobs, after.jobs)
    by = {t.job.parent_id if t.members else t.job.job_id: t for t in changes}
    ids = scenario.ids
    assert by[ids["ok"]].lifecycle == "finished" and by[ids["ok"]].urgency == "normal"
    bad = by[ids["bad"]]
    assert bad.lifecycle == "failed" and bad.alert
    assert bad.early and bad.urgency == "critical"  # died within 10 minutes
    assert "exit 7" in bad.body and "Slurm job failed early" in bad.title
    cancel = by[ids["cancel"]]
    assert (
        cancel.new_state == "CANCELLED" and cancel.title == f"Slurm job cancelled: {ids['cancel']} tocancel"
    )
    assert not cancel.early  # the user's own scancel is no crash
    slow = by[ids["timeout"]]
    assert slow.new_state == "TIMEOUT" and "time limit" in slow.body and not slow.early
    # pending jobs that stay pending raise nothing
    assert ids["held"] not in by and ids["later"] not in by
    # no alert for a second look at the same state
    assert [t for t in state_changes(after.jobs, after.jobs) if t.alert] == []


def test_tail_shows_the_jobs_stdout_file(scenario: Scenario):
    after = scenario.wait_done()
    jobs = by_id(after)
    for key, text in (("ok", "hello from ok"), ("bad", "about to fail"), ("timeout", "slow")):
        cmd = tail_command(jobs[scenario.ids[key]], lines=5)
        r = subprocess.run(
            ["sh", "-c", cmd], env=scenario.cluster.env, capture_output=True, text=True, timeout=30
        )
        assert r.returncode == 0, (cmd, r.stderr)
        assert text in r.stdout
    arr = jobs[f"{scenario.ids['array']}_1"]
    r = subprocess.run(
        ["sh", "-c", tail_command(arr)], env=scenario.cluster.env, capture_output=True, timeout=30
    )
    assert r.returncode == 0, r.stderr


def test_cancel_command_cancels_a_job(scenario: Scenario):
    c = scenario.cluster
    jid = c.sbatch("-J", "victim", wrap="sleep 300")
    c.wait_state(jid, "RUNNING", timeout=60)
    r = subprocess.run(
        ["sh", "-c", cancel_command(jid)], env=c.env, capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr
    assert c.wait_state(jid, "CANCELLED", timeout=60) == "CANCELLED"
    _, probe = run_probe(c, history=False)
    assert by_id(probe)[jid].state == "CANCELLED"


def test_probe_for_another_user_sees_none_of_roots_jobs(scenario: Scenario):
    _, probe = run_probe(scenario.cluster, user="nobody")
    assert probe.user == "nobody"
    assert probe.jobs == []


def test_json_probe_agrees_with_the_text_probe(scenario: Scenario):
    after = scenario.wait_done()
    _, pj = run_probe(scenario.cluster, json=True, history=False)
    assert pj.errors == []
    json_jobs = by_id(pj)
    for key, state, code in (("ok", "COMPLETED", 0), ("bad", "FAILED", 7), ("timeout", "TIMEOUT", None)):
        j = json_jobs[scenario.ids[key]]
        assert j.state == state
        if code is not None:
            assert j.exit_code == code
    assert json_jobs[scenario.ids["held"]].reason == "JobHeldUser"
    text_jobs = by_id(after)
    for key in ("ok", "bad", "cancel", "timeout", "held", "later"):
        jid = scenario.ids[key]
        assert (json_jobs[jid].state, json_jobs[jid].name) == (text_jobs[jid].state, text_jobs[jid].name)
    tasks = sorted(j for j in json_jobs if j.startswith(scenario.ids["array"] + "_"))
    assert tasks == [f"{scenario.ids['array']}_{i}" for i in (1, 2, 3)]


def test_dead_controller_is_a_clear_error(scenario: Scenario, tmp_path):
    """A SLURM_CONF pointing at a controller that is not there: an error line, no jobs, no hang."""
    conf = scenario.cluster.conf.read_text()
    port = scenario.cluster.ctld_port
    bad = tmp_path / "slurm.conf"
    bad.write_text(conf.replace(f"SlurmctldPort={port}", "SlurmctldPort=9").replace("MessageTimeout", "#"))
    env = dict(scenario.cluster.env, SLURM_CONF=str(bad))
    from cockpit.sources.parse_slurm import read_probe
    from cockpit.sources.slurm import probe_script

    r = subprocess.run(
        ["sh", "-c", probe_script(history=False)], env=env, capture_output=True, text=True, timeout=120
    )
    probe = read_probe(r.stdout, dt.datetime.now(dt.UTC))
    assert probe.jobs == []
    assert probe.errors and probe.errors[0].startswith("squeue failed")


def test_job_that_starts_and_ends_between_two_polls_alerts(scenario: Scenario):
    c = scenario.cluster
    _, first = run_probe(c, history=False)
    jid = c.sbatch("-J", "blink", wrap="exit 3")
    c.wait_state(jid, "FAILED", timeout=60)
    _, second = run_probe(c, history=False)
    assert first.remote_now is not None
    changes = [
        t for t in state_changes(first.jobs, second.jobs, since=first.remote_now) if t.job.job_id == jid
    ]
    assert [(t.old_state, t.lifecycle, t.early) for t in changes] == [(None, "failed", True)]
    assert changes[0].title == "Slurm job failed early: " + jid + " blink"
    # without `since` the same job is treated as history: no alert
    assert [t for t in state_changes(first.jobs, second.jobs) if t.job.job_id == jid] == []


def test_hung_controller_costs_one_timeout_and_says_so(tmp_path):
    """slurmctld stopped with SIGSTOP accepts connections and never answers: each client call is
    cut by `timeout`, the probe ends, and the error names the timeout."""
    import os
    import signal
    import tempfile
    from pathlib import Path

    from tests.harness.slurm import SlurmCluster, need_slurm

    need_slurm(False)
    root = Path(tempfile.mkdtemp(prefix="cockpit-slurm-hung-"))
    root.chmod(0o755)
    c = SlurmCluster(root, accounting=False, name="hung").start()
    ctld = c.pids()["slurmctld"]
    try:
        os.kill(ctld, signal.SIGSTOP)
        _, probe = run_probe(c, timeout_s=2)  # run_probe itself gives up after 120 s
        assert probe.jobs == [] and not probe.live_ok
        assert probe.errors == ["squeue failed (timed out, rc 124)"]
    finally:
        os.kill(ctld, signal.SIGCONT)
        c.stop()
        import shutil

        shutil.rmtree(root, ignore_errors=True)
