"""Idle cost: how long a paid host's GPUs sat idle, the money burned, and its alert; also when
only some of its GPUs sit idle (the money of that share)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import jobs as jc
from cockpit.core.alerts import Alert
from cockpit.core.clock import from_stamp
from cockpit.core.text import clean
from cockpit.store import schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.gpu_records import HostState


def advance_idle(
    ctx: Context, states: list[HostState], now: dt.datetime, alerts: list[Alert]
) -> list[HostState]:
    """Advance each paid host's idle record; the states come back with their ``idle_cost``, and an
    alert is appended when a host has been idle long enough (and again every repeat period)."""
    cfg = ctx.config.gpu
    hosts = {h.name: h for h in ctx.config.hosts}
    idle_doc = schema.doc(ctx.store, schema.DOC_GPU_IDLE)
    idle = dict(idle_doc.read())
    changed = False
    out: list[HostState] = []
    for st in states:
        h = hosts.get(st.name)
        if h is None or h.cost_per_hour <= 0 or not st.ok:
            out.append(st)
            continue
        is_idle = jc.host_is_idle([g.util_pct for g in st.gpus], st.compute_procs, cfg.idle_util_pct)
        rec, burned = jc.idle_step(
            idle.get(st.name, {}), is_idle, now, h.cost_per_hour, cfg.idle_minutes, cfg.idle_repeat_minutes
        )
        if rec != idle.get(st.name, {}):
            idle[st.name] = rec
            changed = True
        out.append(replace(st, idle_cost=jc.idle_cost(rec, now, h.cost_per_hour)))
        changed = _partial(ctx, st, h.cost_per_hour, idle, now, alerts) or changed
        if burned is not None:
            mins = int((now - from_stamp(rec["since"])).total_seconds() // 60)
            alerts.append(
                Alert(
                    f"Idle GPUs on {clean(st.name, max_len=40)}: {burned:.2f} burned",
                    f"all GPUs idle for {mins} min at {h.cost_per_hour:g}/h",
                    "normal",
                    "gpu",
                )
            )
    if changed:
        idle_doc.set({k: v for k, v in idle.items() if v})
    return out


def _partial(
    ctx: Context,
    st: HostState,
    cost_per_hour: float,
    idle: dict[str, Any],
    now: dt.datetime,
    alerts: list[Alert],
) -> bool:
    """Some GPUs of a paid host idle past ``idle_minutes`` (not all: that is the host's alert):
    an alert with the money of the idle share, again every repeat period. Whether the record
    changed."""
    cfg = ctx.config.gpu
    key = f"partial:{st.name}"
    busy = {g for j in st.jobs for g in j.gpus}
    ids = jc.idle_gpus([(g.index, g.util_pct) for g in st.gpus], busy, cfg.idle_util_pct)
    rec, burned, count = jc.partial_idle_step(
        idle.get(key, {}), ids, len(st.gpus), now, cost_per_hour, cfg.idle_minutes, cfg.idle_repeat_minutes
    )
    changed = rec != idle.get(key, {})
    if changed:
        idle[key] = rec
    if burned is not None:
        alerts.append(
            Alert(
                f"Idle GPUs on {clean(st.name, max_len=40)}: {count} of {len(st.gpus)}, {burned:.2f} burned",
                f"{count} of {len(st.gpus)} GPUs idle past their idle time, at {cost_per_hour / len(st.gpus):g}/h each",
                "normal",
                "gpu",
            )
        )
    return changed
