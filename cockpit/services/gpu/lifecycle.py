"""After a poll: advance the stored jobs (launched, discovered, Slurm), raise their alerts, book
finished training runs in the audit, advance idle cost, and write the status file.

``record_states`` runs these named steps in order; ``record`` is the same, returning the alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import jobs as jc
from cockpit.core.alerts import Alert
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.text import clean
from cockpit.services.gpu.idle import advance_idle
from cockpit.services.gpu.records import jobs_collection, open_launched

#: At most this many Slurm jobs that ended in one poll have their outcome read on the host;
#: the rest (a large array ending at once) get their GPU-hours and cost from Slurm alone.
SLURM_ENDS_READ = 8

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.gpu_records import HostState, JobView
    from cockpit.services.gpu.poller import Poller
    from cockpit.store import Collection


def record(
    ctx: Context,
    states: list[HostState],
    all_states: list[HostState] | None = None,
    poller: Poller | None = None,
) -> list[Alert]:
    """Advance jobs, idle records and the status section after a poll of ``states``' hosts; send
    the alerts. Returns them (``record_states`` also returns the advanced states)."""
    return record_states(ctx, states, all_states, poller)[1]


def record_states(
    ctx: Context,
    states: list[HostState],
    all_states: list[HostState] | None = None,
    poller: Poller | None = None,
) -> tuple[list[HostState], list[Alert]]:
    """As ``record``; returns the states with their jobs' new lifecycle and their idle cost. The
    status section counts ``all_states`` (default ``states``), the polled ones replaced. The
    journal then takes the poll's GPU use and the runs that started or ended (with ``poller``,
    the folders of found jobs and the outcome of ended runs are read on their hosts)."""
    now = ctx.clock.now()
    col = jobs_collection(ctx)
    alerts: list[Alert] = []
    found: list[dict[str, Any]] = []
    ended: list[dict[str, Any]] = []
    # One step under the store's lock: two pollers (the TUI, `cockpit gpu`) never both advance a
    # job from the same state (two records of one discovered job, two alerts for one end).
    with ctx.store.atomic():
        open_jobs = open_launched(ctx)
        for st in states:
            if st.observation is None:
                continue
            _advance_slurm_history(ctx, col, open_jobs, st, now, found, ended)
            alerts += _advance_discovered(ctx, col, open_jobs, st, now, found, ended)
        alerts += _slurm_alerts(states)
        states = _advance_launched(ctx, col, open_jobs, states, now, alerts, ended)
        states = advance_idle(ctx, states, now, alerts)
    # the end alert of a run waits for its outcome (metrics, GPU-hours, cost, link), so the
    # webhook's post of a 3 AM finish carries them
    ends = {f"job:{j.get('id')}:{j.get('state')}" for j in ended}
    _send(ctx, [a for a in alerts if a.key not in ends])
    outcomes = _journal(ctx, poller, states, found, ended)
    alerts = [_with_outcome(a, outcomes) if a.key in ends else a for a in alerts]
    _send(ctx, [a for a in alerts if a.key in ends])
    done = {s.name: s for s in states}
    update_status(ctx, [done.get(s.name, s) for s in all_states] if all_states is not None else states)
    return states, alerts


def _journal(
    ctx: Context,
    poller: Poller | None,
    states: list[HostState],
    found: list[dict[str, Any]],
    ended: list[dict[str, Any]],
) -> dict[str, str]:
    """The journal's step; the outcome line of each run that ended, by job id."""
    from cockpit.services.gpu import journal, outcome

    try:
        journal.step(ctx, poller, states, found, ended)
        return outcome.finish_runs(ctx, poller, ended) if ended else {}
    except Exception as e:  # noqa: BLE001 - the journal never stops the poller
        import logging

        logging.getLogger(__name__).warning("journal: %s", clean(repr(e), max_len=300))
        return {}


def _with_outcome(alert: Alert, outcomes: dict[str, str]) -> Alert:
    line = outcomes.get(alert.key.split(":")[1])
    return replace(alert, body=f"{alert.body}. {line}") if line else alert


def _advance_discovered(
    ctx: Context,
    col: Collection,
    open_jobs: list[dict[str, Any]],
    st: HostState,
    now: dt.datetime,
    found: list[dict[str, Any]],
    ended: list[dict[str, Any]],
) -> list[Alert]:
    """GPU jobs found by process ancestry: kept as history, their end alerts too."""
    known = [j for j in open_jobs if j.get("discovered") and j.get("host") == st.name]
    views = [v.as_dict() for v in st.jobs if not v.launched and not v.slurm_id]
    new, changes = jc.discovered_changes(known, views, st.ok, now)
    if new:
        for doc, jid in zip(new, col.insert_many(new), strict=True):
            found.append({**doc, "id": jid})
    alerts: list[Alert] = []
    for jid, fields in changes.items():
        col.update(jid, fields)
        if fields.get("state") in jc.END_STATES:
            done = {**next(j for j in known if j["id"] == jid), **fields}
            ended.append(done)
            a = jc.alert_for(done, now, ctx.config.gpu.early_failure_minutes)
            if a is not None:
                alerts.append(a)
    return alerts


def _advance_slurm_history(
    ctx: Context,
    col: Collection,
    open_jobs: list[dict[str, Any]],
    st: HostState,
    now: dt.datetime,
    found: list[dict[str, Any]],
    ended: list[dict[str, Any]],
) -> None:
    """Slurm jobs kept as history only: their alerts come from the transitions (``_slurm_alerts``),
    so one state change never raises two alerts. Their journal entry is what Slurm says, taken on
    a job's first sight and at its end only: a job first seen active has its folder read like a
    found job's (``found``), one that ends is finished like any run (``ended``, a few per poll);
    one first seen already ended (history) gets its GPU-hours and cost here, nothing read."""
    from cockpit.core import journal as cj

    known_slurm = [j for j in open_jobs if j.get("slurm_id") and j.get("host") == st.name]
    slurm_views = [v for v in st.jobs if v.slurm_id]
    if not known_slurm and not slurm_views:
        return
    s_new, s_changes = jc.slurm_changes(known_slurm, [v.as_dict() for v in slurm_views], st.ok, now)
    said = {v.slurm_id: v.slurm.to_doc() for v in slurm_views if v.slurm is not None}
    cph = next((h.cost_per_hour for h in ctx.config.hosts if h.name == st.name), 0.0)
    for doc in s_new:
        if doc["slurm_id"] in said:
            doc.update(cj.with_slurm(doc, said[doc["slurm_id"]]))
        if doc.get("state") in jc.END_STATES:
            doc["journal"] = cj.finish(doc, from_stamp(doc["ended"]), cph)
    if s_new:
        for doc, jid in zip(s_new, col.insert_many(s_new), strict=True):
            if doc.get("state") not in jc.END_STATES and doc.get("cwd"):
                found.append({**doc, "id": jid})
    seen = {v.slurm_id for v in slurm_views}
    for t in st.slurm_transitions:  # Slurm forgot a running job: its record ends as lost
        ids = t.members or (t.job.job_id,)
        for k in known_slurm:
            if t.lifecycle == "lost" and k["slurm_id"] in ids and k["slurm_id"] not in seen:
                s_changes[k["id"]] = {"state": jc.LOST, "ended": to_stamp(now)}
    finished = 0
    for k in known_slurm:
        fields = s_changes.get(k["id"])
        if fields is None:
            continue
        if fields.get("state") in jc.END_STATES and k["slurm_id"] in said:
            fields.update(cj.with_slurm(k, said[k["slurm_id"]]))
            done = {**k, **fields}
            if finished < SLURM_ENDS_READ:  # its tracker's outcome is read after the poll
                ended.append(done)
                finished += 1
            else:
                fields["journal"] = cj.finish(done, from_stamp(done["ended"]), cph)
        col.update(k["id"], fields)


def _slurm_alerts(states: list[HostState]) -> list[Alert]:
    """One alert per Slurm transition worth one (a job that ended), named with its host."""
    alerts: list[Alert] = []
    if not any(st.slurm_transitions for st in states):
        return alerts
    from cockpit.sources.slurm import alert_for

    for st in states:
        for t in st.slurm_transitions:
            if t.alert:
                a = alert_for(t)
                alerts.append(replace(a, title=f"{a.title} on {clean(st.name, max_len=40)}"))
    return alerts


def _advance_launched(
    ctx: Context,
    col: Collection,
    open_jobs: list[dict[str, Any]],
    states: list[HostState],
    now: dt.datetime,
    alerts: list[Alert],
    ended: list[dict[str, Any]],
) -> list[HostState]:
    """Jobs cockpit launched: running -> finished / failed / lost from the host's observation.
    Their views in ``states`` take the new state; a finished run may be booked as training."""
    by_host = {s.name: s for s in states}
    views: dict[str, list[JobView]] = {s.name: list(s.jobs) for s in states}
    for job in open_jobs:
        if job.get("discovered") or job.get("slurm_id"):
            continue
        st = by_host.get(job.get("host", ""))
        if st is None or st.observation is None:
            continue
        new_state, code = jc.next_state(job, st.observation)
        if new_state == job.get("state"):
            continue
        fields: dict[str, Any] = {"state": new_state, "exit_code": code}
        if new_state in jc.END_STATES:
            fields["ended"] = to_stamp(now)
            fields["duration_s"] = round((now - from_stamp(job["started"])).total_seconds())
        col.update(job["id"], fields)
        job.update(fields)
        rows = views[st.name]
        for i, view in enumerate(rows):
            if view.launched == job["id"]:
                rows[i] = replace(view, state=new_state)
        if new_state == jc.RUNNING:
            continue  # back from lost: no alert
        if new_state in jc.END_STATES:
            ended.append(dict(job))
        a = jc.alert_for(job, now, ctx.config.gpu.early_failure_minutes)
        if a is not None:
            alerts.append(a)
        if new_state in jc.END_STATES and ctx.config.audit.jobs_as_training:
            _book_training(ctx, job, now)
    return [replace(s, jobs=tuple(views[s.name])) if views[s.name] != list(s.jobs) else s for s in states]


def _book_training(ctx: Context, job: dict[str, Any], now: dt.datetime) -> None:
    """A launched job that ended becomes a training entry in the time audit."""
    from cockpit.services import audit

    audit.add_entry(
        ctx,
        start=from_stamp(job["started"]),
        end=now,
        category="training",
        source="job",
        note=clean(f"{job.get('name')} on {job.get('host')}", max_len=200),
    )


def _send(ctx: Context, alerts: list[Alert]) -> None:
    from cockpit.services.alerts import send_once

    for alert in alerts:
        send_once(ctx, alert)


def update_status(ctx: Context, states: list[HostState]) -> None:
    """The status file's gpu section: jobs running now, failed in the last day, idle cost."""
    from cockpit import status

    now = ctx.clock.now()
    recent = [j for j in jobs_collection(ctx).all(jobs_collection(ctx).parts()[-2:]) if j.get("ended")]
    failed = sum(
        1
        for j in recent
        if j.get("state") == jc.FAILED and (now - from_stamp(j["ended"])).total_seconds() < 86400
    )
    running = sum(1 for s in states for j in s.jobs if j.state == jc.RUNNING)
    value = {"running": running, "failed": failed, "idle_cost": round(sum(s.idle_cost for s in states), 2)}
    prev = status.read(ctx.paths.status_file).get("gpu")
    if prev != value:
        status.update_section(ctx.paths, "gpu", value)
