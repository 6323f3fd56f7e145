"""The end of a run in the journal: its GPU-hours and cost, its outcome read from the tracker's
local files (MLflow, W&B) or else from its pane, and the outcome's alert (the webhook's post).

Nothing here stops the poller: a broken tracker file is skipped with a line in the log, and a
run whose host cannot be asked keeps its GPU numbers without an outcome.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cockpit.core import journal as cj
from cockpit.core import trackers as ct
from cockpit.core.clock import from_stamp
from cockpit.core.text import clean
from cockpit.services.gpu.journal import update_journal
from cockpit.services.gpu.records import jobs_collection

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.services.gpu.poller import Poller

log = logging.getLogger(__name__)


def finish_runs(ctx: Context, poller: Poller | None, ended: list[dict[str, Any]]) -> dict[str, str]:
    """Finish each ended run; its outcome line (for its end alert) by job id."""
    lines: dict[str, str] = {}
    for doc in ended:
        try:
            new = finish_run(ctx, poller, doc)
        except Exception as e:  # noqa: BLE001 - one run's end never stops the poller
            log.warning("journal: the end of job %s: %s", doc.get("id"), clean(repr(e), max_len=300))
            continue
        if new is not None:
            lines[str(doc.get("id"))] = outcome_line(new)
    return lines


def finish_run(ctx: Context, poller: Poller | None, doc: dict[str, Any]) -> dict[str, Any] | None:
    """Write the ended run's GPU-hours, cost, outcome; send the outcome's alert (once)."""
    cur = jobs_collection(ctx).get(doc["id"]) or doc
    host = cur.get("host") or ""
    cph = next((h.cost_per_hour for h in ctx.config.hosts if h.name == host), 0.0)
    end = from_stamp(cur["ended"]) if cur.get("ended") else ctx.clock.now()
    j = cj.finish(cur, end, cph)
    changes = {k: j[k] for k in ("gpu_hours", "cost", "mean_util_pct")}
    if poller is not None:
        outcome, problems = read_outcome(ctx, poller, cur)
        for p in problems:
            log.warning("journal: job %s: %s", cur.get("id"), p)
        if outcome is not None:
            changes["outcome"] = outcome
    new = update_journal(ctx, cur["id"], changes)
    if new is not None and ctx.config.audit.jobs_as_training and _found_gpu_run(cur, new):
        _book_found(ctx, new)
    return new


def _found_gpu_run(cur: dict[str, Any], new: dict[str, Any]) -> bool:
    """A GPU run cockpit found rather than launched (launched ones are booked on their own): a
    job found in a tmux pane, or a Slurm job that held GPUs."""
    if cur.get("discovered"):
        return True
    gpus = ((new.get("journal") or {}).get("slurm") or {}).get("gpus")
    return bool(cur.get("slurm_id")) and isinstance(gpus, int) and not isinstance(gpus, bool) and gpus > 0


def _book_found(ctx: Context, job: dict[str, Any]) -> None:
    """A found GPU job's time is training time too (as launched ones are)."""
    from cockpit.services import audit

    if not job.get("started") or not job.get("ended"):
        return
    audit.add_entry(
        ctx,
        start=from_stamp(job["started"]),
        end=from_stamp(job["ended"]),
        category="training",
        source="job",
        note=clean(f"{job.get('name')} on {job.get('host')}", max_len=200),
    )


def outcome_line(job: dict[str, Any]) -> str:
    """What the end alert adds: the tracker's metrics (or the pane's last metric line),
    GPU-hours, cost, the run's link."""
    j = job.get("journal") or {}
    out = j.get("outcome") or {}
    bits = []
    metrics = out.get("metrics") or {}
    for k, v in list(metrics.items())[:4]:
        bits.append(f"{clean(str(k), max_len=40)}={_num(v)}")
    if out.get("line"):
        bits.append(clean(str(out["line"]), max_len=120))
    if j.get("gpu_hours") is not None:
        bits.append(f"{j['gpu_hours']:.2f} GPU-h")
    if j.get("cost") is not None:
        bits.append(f"cost {j['cost']:.2f}")
    if out.get("link"):
        bits.append(clean(str(out["link"]), max_len=200))
    return ", ".join(bits)


def _num(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, int | float) and not isinstance(v, bool) else clean(str(v), max_len=40)


def read_outcome(
    ctx: Context, poller: Poller, job: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The run's outcome and the problems met on the way (each a line for the log)."""
    from cockpit.sources import journal_probe as jp

    problems: list[str] = []
    host, cwd = job.get("host") or "", job.get("cwd")
    runs: list[ct.TrackerRun] = []
    if cwd:
        nonce = jp.new_nonce()
        rc, out = poller.run(host, jp.outcome_script(nonce, cwd), backoff=False)
        if rc == 41:
            problems.append("its folder is gone")
        runs, db = tracker_runs(jp.parse(out, nonce), problems)
        if db is not None:
            runs = _sqlite_runs(db, cwd, problems) + runs
    run_id = (job.get("journal") or {}).get("run_id") or job.get("run_id")
    started = from_stamp(job["started"]).timestamp() if job.get("started") else None
    hit = ct.match(runs, run_id, started)
    if hit is not None:
        if cwd and hit.link and "://" not in hit.link and not hit.link.startswith("/"):
            hit.link = f"{cwd.rstrip('/')}/{hit.link}"
        return hit.outcome(), problems
    line = _pane_line(poller, job)
    if line:
        return {"source": "pane", "line": line, "metrics": {}}, problems
    return None, problems


def tracker_runs(pieces: list[Any], problems: list[str]) -> tuple[list[ct.TrackerRun], str | None]:
    """Tracker runs from the outcome script's pieces (a run header, then its files)."""
    runs: list[ct.TrackerRun] = []
    db: str | None = None
    current: tuple[str, str] | None = None
    files: dict[str, bytes] = {}

    def close() -> None:
        if current is None:
            return
        kind, folder = current
        r = (
            ct.mlflow_run(folder, files, problems)
            if kind == "mlflow"
            else ct.wandb_run(folder, files, problems)
        )
        if r is not None:
            runs.append(r)

    for p in pieces:
        if p.kind == "run":
            close()
            kind, _, folder = p.name.partition(":")
            current, files = (kind, folder), {}
        elif p.kind in ("mfile", "wfile") and current is not None:
            files[p.name] = p.data
        elif p.kind == "value" and p.name == "mlflow_db":
            db = p.data.decode("utf-8", "replace")
    close()
    return runs, db


def _sqlite_runs(answer: str, folder: str, problems: list[str]) -> list[ct.TrackerRun]:
    """Runs of MLflow's SQLite backend from the rows the host's Python printed as JSON."""
    import json

    try:
        rows = json.loads(answer)
    except ValueError:
        problems.append(f"mlflow.db unreadable ({clean(answer, max_len=120)}), skipped")
        return []
    if not isinstance(rows, dict) or not all(isinstance(v, list) for v in rows.values()):
        problems.append("mlflow.db: unexpected rows, skipped")
        return []
    try:
        return ct.mlflow_sqlite_runs(rows, clean(folder, max_len=300))
    except (TypeError, ValueError) as e:
        problems.append(f"mlflow.db: unexpected rows ({clean(str(e), max_len=80)}), skipped")
        return []


def _pane_line(poller: Poller, job: dict[str, Any]) -> str | None:
    pane = job.get("pane_id")
    if not pane:
        return None
    from cockpit.errors import CockpitError
    from cockpit.services.gpu.actions import tail

    try:
        text = tail(poller, job.get("host") or "", pane, 80)
    except CockpitError:
        return None
    return ct.last_metric_line(text)
