"""The journal's runs for the CLI and the pane: one run (``show``), its outcome note, every
run as rows (``export``, the runs table), two runs side by side (``diff``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cockpit.core import journal as cj
from cockpit.core import journal_table as jt
from cockpit.core.gpu_records import Job
from cockpit.errors import UsageError
from cockpit.services.gpu.journal import journal_dir, update_journal
from cockpit.services.gpu.records import jobs_collection

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.gpu_records import JobView


def find(ctx: Context, ref: str) -> dict[str, Any]:
    """A stored job by its id, else the newest one whose run id, session or name is ``ref``."""
    from cockpit.store import NotFound

    col = jobs_collection(ctx)
    try:
        doc = col.get(ref)
    except (NotFound, ValueError):
        doc = None
    if doc is not None:
        return doc
    hits = [d for d in col.all() if ref in (d.get("run_id"), d.get("session"), d.get("name"))]
    if not hits:
        raise UsageError(f"no job {ref!r} (see cockpit jobs --all)")
    return max(hits, key=lambda d: d.get("started") or "")


def live(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    """The job with its journal's GPU-hours, cost and mean utilisation so far (a running job's
    are computed up to now; an ended one keeps what its end wrote)."""
    j = doc.get("journal") or {}
    if doc.get("state") in ("finished", "failed") and "gpu_hours" in j:
        return doc
    cph = next((h.cost_per_hour for h in ctx.config.hosts if h.name == doc.get("host")), 0.0)
    from cockpit.core.clock import from_stamp

    end = from_stamp(doc["ended"]) if doc.get("ended") else ctx.clock.now()
    return {**doc, "journal": cj.finish(doc, end, cph)}


def show(ctx: Context, ref: str) -> Job:
    return Job.from_doc(live(ctx, find(ctx, ref)))


def entry(ctx: Context, ref: str) -> list[str]:
    """The run's journal entry as cleaned text lines (``cockpit jobs show``, the runs table)."""
    return jt.entry_lines(Job.from_doc(live(ctx, find(ctx, ref))).to_doc())


def note(ctx: Context, ref: str, text: str) -> Job:
    """Set the run's outcome note (the user's own words about how it went)."""
    doc = find(ctx, ref)
    new = update_journal(ctx, doc["id"], {"outcome_note": text.strip()})
    assert new is not None
    return Job.from_doc(new)


def id_of_view(ctx: Context, view: JobView) -> str | None:
    """The stored job of a pane's row: the launched job, or the found one (host, pid, command)."""
    if view.launched:
        return view.launched
    from cockpit.services.gpu.records import open_launched

    for d in open_launched(ctx):
        if d.get("discovered") and (d.get("host"), d.get("pid"), d.get("command")) == (
            view.host,
            view.pid,
            view.command,
        ):
            return str(d["id"])
    return None


def outcome_note(ctx: Context, ref: str) -> str:
    doc = jobs_collection(ctx).get(ref)
    return str(((doc or {}).get("journal") or {}).get("outcome_note") or "")


def rows(ctx: Context) -> list[dict[str, Any]]:
    """Every stored run as a flat row, oldest first."""
    docs = sorted(jobs_collection(ctx).all(), key=lambda d: d.get("started") or "")
    return [jt.row(live(ctx, d)) for d in docs]


def diff(ctx: Context, a_ref: str, b_ref: str) -> dict[str, Any]:
    """Two runs side by side (``core.journal_table.diff``), their configs read from the
    private copies."""
    from cockpit.sources.journal_probe import read_private

    a, b = (live(ctx, find(ctx, r)) for r in (a_ref, b_ref))
    folder = journal_dir(ctx)
    copies: dict[str, list[bytes | None]] = {}
    for i, doc in enumerate((a, b)):
        for c in (doc.get("journal") or {}).get("configs") or []:
            slot = copies.setdefault(str(c.get("path")), [None, None])
            copy = str(c.get("copy") or "")
            data = read_private(folder, copy) if copy.startswith("configs/") and ".." not in copy else None
            slot[i] = data if data is not None else str(c.get("sha256")).encode()
    ra = {**jt.row(a), "_journal": a.get("journal") or {}}
    rb = {**jt.row(b), "_journal": b.get("journal") or {}}
    return jt.diff(ra, rb, {p: (v[0], v[1]) for p, v in copies.items()})
