"""The poller's Slurm wiring without a cluster: recorded probe answers (the section format of
sources.slurm.probe_script) fed through Poller._slurm_jobs and record(), with a FakeClock."""

from __future__ import annotations

import pytest

from cockpit.core import jobs as jc
from cockpit.services import gpu as svc
from tests.harness.slurm_text import E0, SQUEUE_HEADER, probe_text, row

EVIL = "\x1b[31m[bold red]x[/]\x00 train"


def squeue(*rows: str) -> str:
    return "\n".join([SQUEUE_HEADER, *rows])


def job(jid: str, state: str, reason: str = "None", elapsed: str = "0:10", name: str = EVIL) -> str:
    return row(
        *f"{jid} {jid} {jid} N/A N/A N/A ana {state} {reason} {elapsed} 1:00:00 1".split(),
        "node1",
        "cpu=1,gres/gpu=2",
        "N/A",
        "N/A",
        "debug",
        E0 - 60,
        E0 - 10,
        E0,
        "/w",
        "%x-%j.out",
        name,
    )


@pytest.fixture
def slurm_poller(write_config, home, clock):
    from cockpit.context import Context

    write_config('[gpu]\nlocal = false\n[[hosts]]\nname = "c"\nkind = "slurm"\n')
    ctx = Context.open(home, clock=clock)
    ctx.alerts = []  # type: ignore[attr-defined]
    ctx.notifier.toast = ctx.alerts.append  # type: ignore[attr-defined]
    p = svc.Poller(ctx)
    yield ctx, p
    p.close()


def step(ctx, p: svc.Poller, text: str, history: bool = True):
    read = p._slurm_jobs("c", text, ctx.clock.now(), history)
    st = svc.HostState(
        name="c",
        ok=True,
        jobs=tuple(read.views),
        notes=tuple(read.notes),
        observation=jc.Observation(ok=True),
        slurm_transitions=tuple(read.transitions),
    )
    (st,), alerts = svc.record_states(ctx, [st])
    return st, alerts


def test_one_alert_per_change_early_failure_is_critical(slurm_poller) -> None:
    ctx, p = slurm_poller
    st, alerts = step(ctx, p, probe_text(squeue(job("3", "RUNNING"), job("4", "PENDING", "Priority"))))
    assert alerts == []
    views = {j.slurm_id: j for j in st.jobs}
    assert views["4"].last_line == "pending: Priority" and views["4"].state == "pending"
    assert views["3"].state == "running" and "\x1b" not in views["3"].last_line
    assert views["3"].last_line.startswith("running 0:10/1:00:00 on node1")
    assert views["3"].gpu_count == 2 and views["3"].pid is None

    text = probe_text(squeue(job("3", "FAILED", "NonZeroExitCode"), job("4", "PENDING", "Priority")))
    st, alerts = step(ctx, p, text)
    assert len(alerts) == 1
    title, urgency = alerts[0].title, alerts[0].urgency
    assert (
        title.startswith("Slurm job failed early: 3 ") and title.endswith(" on c") and urgency == "critical"
    )
    assert [a.title for a in ctx.alerts] == [title]
    (rec,) = [r for r in svc.jobs_collection(ctx).all() if r["slurm_id"] == "3"]
    assert rec["state"] == jc.FAILED
    # the same answer again: nothing new
    assert step(ctx, p, text)[1] == []


def test_a_failed_squeue_is_no_comparison(slurm_poller) -> None:
    ctx, p = slurm_poller
    step(ctx, p, probe_text(squeue(job("5", "RUNNING"))))
    broken = probe_text("").replace("end squeue rc=0", "end squeue rc=1")
    st, alerts = step(ctx, p, broken)
    assert alerts == [] and st.jobs == () and any("squeue failed" in n for n in st.notes)
    # compared with the last good answer: the end is seen once, not "lost" then "finished"
    _, alerts = step(ctx, p, probe_text(squeue(job("5", "COMPLETED", elapsed="0:40"))))
    assert [(a.title.split(":")[0], a.urgency) for a in alerts] == [("Slurm job finished", "normal")]


def test_ended_jobs_from_history_stay_listed_between_history_polls(slurm_poller) -> None:
    from tests.harness.slurm_text import JOBCOMP

    ctx, p = slurm_poller
    disabled = (1, "", "sacct: error: Slurm accounting storage is disabled")
    st, _ = step(ctx, p, probe_text(squeue(), disabled, (0, JOBCOMP)), history=True)
    ended = {j.slurm_id for j in st.jobs}
    assert ended and all(j.state in jc.END_STATES for j in st.jobs)
    st, alerts = step(ctx, p, probe_text(squeue()), history=False)
    assert {j.slurm_id for j in st.jobs} == ended and alerts == []


def test_a_running_job_slurm_forgot_is_lost_once(slurm_poller) -> None:
    ctx, p = slurm_poller
    step(ctx, p, probe_text(squeue(job("6", "RUNNING"))))
    _, alerts = step(ctx, p, probe_text(squeue()))
    assert [(a.title.split(":")[0], a.urgency) for a in alerts] == [("Slurm job lost", "critical")]
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["slurm_id"] == "6" and rec["state"] == jc.LOST
    assert step(ctx, p, probe_text(squeue()))[1] == []
