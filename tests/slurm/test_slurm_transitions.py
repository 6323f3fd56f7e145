"""state_changes: which job changes raise which alert (pure, with fixed times)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cockpit.core.slurm import SlurmJob, state_changes

T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def job(jid: str, state: str, **kw) -> SlurmJob:
    return SlurmJob(jid, name=kw.pop("name", "train"), state=state, **kw)


def test_running_to_each_end_state():
    old = [job(str(i), "RUNNING") for i in range(1, 8)]
    ends = {
        "1": ("COMPLETED", "finished", "normal"),
        "2": ("FAILED", "failed", "normal"),
        "3": ("CANCELLED", "failed", "normal"),
        "4": ("TIMEOUT", "failed", "normal"),
        "5": ("OUT_OF_MEMORY", "failed", "normal"),
        "6": ("NODE_FAIL", "lost", "critical"),
        "7": ("PREEMPTED", "failed", "normal"),
    }
    new = [job(k, v[0], elapsed_s=3600, exit_code=1 if v[0] == "FAILED" else 0) for k, v in ends.items()]
    got = {t.job.job_id: (t.new_state, t.lifecycle, t.urgency) for t in state_changes(old, new)}
    assert got == ends
    assert all(t.alert and t.old_state == "RUNNING" for t in state_changes(old, new))


def test_early_failure_is_louder_and_late_is_not():
    old = [job("1", "RUNNING"), job("2", "RUNNING")]
    new = [
        job("1", "FAILED", exit_code=7, elapsed_s=42, nodes="n1"),
        job("2", "FAILED", exit_code=7, elapsed_s=4000),
    ]
    t1, t2 = state_changes(old, new)
    assert t1.early and t1.urgency == "critical"
    assert t1.title == "Slurm job failed early: 1 train"
    assert t1.body == "exit 7 after 0:42 on n1"
    assert not t2.early and t2.urgency == "normal" and t2.title == "Slurm job failed: 2 train"
    # the window is configurable
    (t,) = state_changes(old[:1], new[:1], early_failure_s=30)
    assert not t.early


def test_finished_job_reads_well():
    (t,) = state_changes([job("9", "RUNNING")], [job("9", "COMPLETED", exit_code=0, elapsed_s=3725)])
    assert (t.title, t.body) == ("Slurm job finished: 9 train", "completed after 1:02:05")


def test_timeout_cancel_and_oom_read_well_and_only_crashes_are_early():
    old = [job(str(i), "RUNNING") for i in (1, 2, 3)]
    new = [
        job("1", "TIMEOUT", exit_code=0, elapsed_s=60),
        job("2", "CANCELLED", cancelled_by="1000", elapsed_s=30),
        job("3", "OUT_OF_MEMORY", exit_code=0, signal=9, elapsed_s=30),
    ]
    t1, t2, t3 = state_changes(old, new)
    assert (t1.title, t1.body, t1.early) == (
        "Slurm job timed out: 1 train",
        "hit its time limit after 1:00",
        False,
    )
    assert (t2.title, t2.body, t2.early) == (
        "Slurm job cancelled: 2 train",
        "cancelled by uid 1000 after 0:30",
        False,
    )
    assert (t3.title, t3.early, t3.urgency) == (
        "Slurm job ran out of memory early: 3 train",
        True,
        "critical",
    )
    assert t3.body == "ran out of memory, signal 9 after 0:30"
    assert all(t.lifecycle == "failed" for t in (t1, t2, t3))


def test_pending_to_running_is_shown_but_not_alerted():
    (t,) = state_changes([job("1", "PENDING", reason="Resources")], [job("1", "RUNNING")])
    assert (t.lifecycle, t.alert, t.urgency) == ("running", False, "low")


def test_pending_job_that_fails_to_start_alerts():
    (t,) = state_changes([job("1", "PENDING")], [job("1", "FAILED", exit_code=1)])
    assert t.lifecycle == "failed" and t.alert


def test_unchanged_and_already_ended_jobs_raise_nothing():
    jobs = [job("1", "RUNNING"), job("2", "COMPLETED"), job("3", "PENDING")]
    assert state_changes(jobs, jobs) == []
    # a terminal job changing its word (squeue CANCELLED, then sacct's view) is no new alert
    assert state_changes([job("2", "COMPLETED")], [job("2", "FAILED")]) == []


def test_first_poll_does_not_replay_history():
    history = [job("1", "FAILED", end=T0 - dt.timedelta(hours=3)), job("2", "COMPLETED", end=T0)]
    assert state_changes([], history) == []


def test_new_job_that_ended_between_polls_alerts_with_since():
    quick = job("5", "FAILED", exit_code=2, end=T0 + dt.timedelta(seconds=3), elapsed_s=1)
    old_news = job("4", "FAILED", exit_code=2, end=T0 - dt.timedelta(hours=1))
    ts = state_changes([job("1", "RUNNING")], [job("1", "RUNNING"), quick, old_news], since=T0)
    assert [(t.job.job_id, t.old_state, t.early) for t in ts] == [("5", None, True)]


def test_running_job_that_vanishes_is_lost():
    (t,) = state_changes([job("1", "RUNNING", nodes="n1")], [])
    assert (t.lifecycle, t.new_state, t.urgency, t.alert) == ("lost", "LOST", "critical", True)
    assert "no longer reported" in t.body
    # a pending job that vanished was most likely cancelled before it ran: nothing to say
    assert state_changes([job("2", "PENDING")], []) == []


def test_array_tasks_fold_into_one_alert_per_outcome():
    old = [job(f"7_{i}", "RUNNING", array_job_id="7", array_task=str(i)) for i in range(1, 6)]
    old.append(job("7_[6-1000]", "PENDING", array_job_id="7", array_task="[6-1000]"))
    new = [replace(j, state="COMPLETED", exit_code=0) for j in old[:3]]
    new += [replace(j, state="FAILED", exit_code=3 + i, elapsed_s=5) for i, j in enumerate(old[3:5])]
    new += [job("7_6", "RUNNING", array_job_id="7", array_task="6")]
    ts = state_changes(old, new)
    assert [(t.lifecycle, t.members) for t in ts] == [
        ("finished", ("7_1", "7_2", "7_3")),
        ("failed", ("7_4", "7_5")),
    ]
    failed = ts[1]
    assert failed.title == "Slurm job failed early: 7 train"
    assert failed.body.startswith("2 tasks: 7_4, 7_5; first 7_5: exit 4")
    ungrouped = state_changes(old, new, group=False)
    assert len(ungrouped) == 5 and all(not t.members for t in ungrouped)


def test_many_tasks_are_summarised():
    old = [job(f"9_{i}", "RUNNING", array_job_id="9", array_task=str(i)) for i in range(100)]
    new = [replace(j, state="COMPLETED", exit_code=0) for j in old]
    (t,) = state_changes(old, new)
    assert len(t.members) == 100 and "(+95)" in t.body


def test_alert_for_cleans_hostile_names():
    from cockpit.sources.slurm import alert_for

    evil = "\x1b]8;;http://x\x07[bold red]boom[/]\x00" + "n" * 10_000
    (t,) = state_changes(
        [job("3", "RUNNING", name=evil)], [job("3", "FAILED", name=evil, exit_code=7, elapsed_s=5)]
    )
    a = alert_for(t)
    assert (a.urgency, a.source) == ("critical", "gpu")
    assert a.title.startswith("Slurm job failed early: 3 [bold red]boom[/]")  # literal text, no escapes
    assert "\x1b" not in a.title and "\x00" not in a.title and len(a.title) <= 200
    assert a.body == "exit 7 after 0:05"


def test_job_round_trips_through_a_json_doc():
    import json

    j = job(
        "7_3",
        "FAILED",
        exit_code=7,
        signal=0,
        start=T0,
        end=T0 + dt.timedelta(seconds=5),
        elapsed_s=5,
        array_job_id="7",
        array_task="3",
        gpus=2,
        nodes="g[1-2]",
    )
    doc = json.loads(json.dumps(j.to_doc()))
    assert doc["start"] == "2026-11-25T12:00:00+00:00"
    assert SlurmJob.from_doc(doc) == j
    assert SlurmJob.from_doc({"job_id": "1", "unknown_key": 3}) == SlurmJob("1")
