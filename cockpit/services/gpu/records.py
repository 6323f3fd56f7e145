"""The stored job records: the jobs collection, the open and recent ones, and the typed list the
CLI shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cockpit.core import jobs as jc
from cockpit.core.clock import from_stamp
from cockpit.core.gpu_records import Job
from cockpit.store import schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.store import Collection


def jobs_collection(ctx: Context) -> Collection:
    return schema.jobs(ctx.store)


def list_jobs(ctx: Context, all: bool = False) -> list[Job]:  # noqa: A002 - the CLI's --all
    """Every stored job (``all``) or the open ones (running, pending, lost), oldest first."""
    docs = jobs_collection(ctx).all()
    if not all:
        docs = [j for j in docs if j.get("state") not in jc.END_STATES]
    docs.sort(key=lambda j: j.get("started") or "")
    return [Job.from_doc(d) for d in docs]


def open_launched(ctx: Context) -> list[dict[str, Any]]:
    """Cockpit-launched jobs not yet finished or failed (running or lost), newest months only."""
    col = jobs_collection(ctx)
    parts = col.parts()[-3:]
    return [j for j in col.all(parts) if j.get("state") not in jc.END_STATES]


def recent_launched(ctx: Context, hours: float = 12.0) -> list[dict[str, Any]]:
    """Open launched jobs plus those that ended in the last ``hours`` (so "what just died" shows)."""
    now = ctx.clock.now()
    col = jobs_collection(ctx)
    out = []
    for j in col.all(col.parts()[-2:]):
        ended = j.get("ended")
        if j.get("discovered") or j.get("slurm_id"):
            continue  # found by ancestry or squeue: the poll sees them itself
        if j.get("state") not in jc.END_STATES or (
            ended and (now - from_stamp(ended)).total_seconds() < hours * 3600
        ):
            out.append(j)
    return out
