"""The journal as a table: one flat row per run (for ``cockpit jobs export`` and the runs
table), sorting and filtering rows, and two runs side by side (``cockpit jobs diff``). Pure."""

from __future__ import annotations

import difflib
import math
from typing import Any

from cockpit.core.text import clean

#: the columns of ``cockpit jobs export`` (then one ``metric:NAME`` column per metric)
COLUMNS = (
    "id",
    "host",
    "name",
    "state",
    "started",
    "ended",
    "duration_s",
    "exit_code",
    "note",
    "outcome_note",
    "command",
    "cwd",
    "git_commit",
    "git_dirty",
    "diff_stat",
    "configs",
    "data_version",
    "gpus",
    "gpu_names",
    "gpu_hours",
    "peak_gpu_mem_mib",
    "mean_util_pct",
    "shared",
    "cost",
    "tracker",
    "tracker_run",
    "link",
    "outcome_line",
)


def row(job: dict[str, Any]) -> dict[str, Any]:
    """A run's flat row: the job's fields, its journal's, and ``metrics`` (name -> value)."""
    j = job.get("journal") or {}
    usage = j.get("usage") or {}
    out = j.get("outcome") or {}
    dv = j.get("data_version") or {}
    slurm = j.get("slurm") or {}
    stat = (j.get("diff_stat") or "").strip().splitlines()
    metrics = out.get("metrics") if isinstance(out.get("metrics"), dict) else {}
    return {
        "id": job.get("id"),
        "host": job.get("host"),
        "name": job.get("name"),
        "state": job.get("state"),
        "started": job.get("started"),
        "ended": job.get("ended"),
        "duration_s": job.get("duration_s"),
        "exit_code": job.get("exit_code"),
        "note": job.get("note"),
        "outcome_note": j.get("outcome_note"),
        "command": job.get("command"),
        "cwd": job.get("cwd"),
        "git_commit": job.get("git_commit"),
        "git_dirty": job.get("git_dirty"),
        "diff_stat": stat[-1].strip() if stat else None,
        "configs": "; ".join(f"{c.get('path')}@{str(c.get('sha256'))[:12]}" for c in j.get("configs") or [])
        or None,
        "data_version": str(dv.get("sha256"))[:12] if dv.get("sha256") else None,
        "gpus": ",".join(str(g) for g in usage.get("gpus_seen") or job.get("gpus") or [])
        or (f"{slurm['gpus']}x" if isinstance(slurm.get("gpus"), int) and slurm["gpus"] > 0 else None),
        "gpu_names": ",".join(usage.get("gpu_names") or []) or None,
        "gpu_hours": j.get("gpu_hours"),
        "peak_gpu_mem_mib": usage.get("peak_gpu_mem_mib"),
        "mean_util_pct": j.get("mean_util_pct"),
        "shared": usage.get("shared"),
        "cost": j.get("cost"),
        "tracker": out.get("source"),
        "tracker_run": out.get("run"),
        "link": out.get("link"),
        "outcome_line": out.get("line"),
        "metrics": dict(metrics or {}),
    }


def metric_names(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for r in rows:
        for k in r.get("metrics") or {}:
            names[k] = None
    return sorted(names)


def csv_text(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV: the fixed columns, then ``metric:NAME`` ones; every cell cleaned."""
    import csv
    import io

    names = metric_names(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*COLUMNS, *(f"metric:{clean(n)}" for n in names)])
    for r in rows:
        cells = [r.get(c) for c in COLUMNS] + [(r.get("metrics") or {}).get(n) for n in names]
        w.writerow(["" if v is None else clean(str(v)) for v in cells])
    return buf.getvalue()


def sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers before text, missing values last."""
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, int | float) and not math.isnan(value):
        return (0, float(value), "")
    if value is None or value == "":
        return (2, 0.0, "")
    return (1, 0.0, str(value))


def sort_rows(rows: list[dict[str, Any]], by: str, descending: bool = False) -> list[dict[str, Any]]:
    """Rows sorted by a column or a metric (``metric:NAME`` or a metric's bare name); missing
    values last either way."""
    name = by.removeprefix("metric:")

    def value(r: dict[str, Any]) -> Any:
        if by in r and by != "metrics":
            return r[by]
        return (r.get("metrics") or {}).get(name)

    have = [r for r in rows if value(r) not in (None, "")]
    missing = [r for r in rows if value(r) in (None, "")]
    return sorted(have, key=lambda r: sort_key(value(r)), reverse=descending) + missing


def filter_rows(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Rows whose hypothesis (the note) or outcome note holds ``text`` (any case)."""
    t = text.strip().lower()
    if not t:
        return rows
    return [r for r in rows if t in f"{r.get('note') or ''}\n{r.get('outcome_note') or ''}".lower()]


def _v(v: Any, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return clean(str(v), max_len=200)


def entry_lines(job: dict[str, Any]) -> list[str]:
    """One run's journal entry as text lines, every value cleaned (``cockpit jobs show`` and
    the runs table's Enter)."""
    r = row(job)
    j = job.get("journal") or {}
    head = (
        f"{clean(str(job.get('id')))} {job.get('state') or ''} on {clean(job.get('host') or '')}: "
        f"{clean(job.get('name') or '', max_len=60)}"
    )
    mean = r["mean_util_pct"]
    fields = [
        ("hypothesis", r["note"]),
        ("outcome note", r["outcome_note"]),
        ("command", r["command"]),
        ("cwd", r["cwd"]),
        ("run id", j.get("run_id") or job.get("run_id")),
        ("git", f"{r['git_commit']}{' (dirty)' if r['git_dirty'] else ''}" if r["git_commit"] else None),
        ("diff", r["diff_stat"]),
        ("data version", r["data_version"]),
        ("started", r["started"]),
        ("ended", r["ended"]),
        ("exit", r["exit_code"]),
        ("slurm", _slurm_line(j.get("slurm"))),
        ("GPUs", f"{r['gpus']} {r['gpu_names'] or ''}".strip() if r["gpus"] else None),
        ("GPU-hours", r["gpu_hours"]),
        ("peak GPU memory", f"{r['peak_gpu_mem_mib']:.0f} MiB" if r["peak_gpu_mem_mib"] else None),
        (
            "mean utilisation",
            f"{mean}%" + (" (shared GPU)" if r["shared"] else "") if mean is not None else None,
        ),
        ("cost", r["cost"]),
        ("tracker", f"{r['tracker']} {r['tracker_run'] or ''}".strip() if r["tracker"] else None),
        ("link", r["link"]),
        ("last line", r["outcome_line"]),
    ]
    lines = [head]
    lines += [
        f"  {label + ':':18}{_v(value)}" for label, value in fields if value is not None and value != ""
    ]
    for c in j.get("configs") or []:
        lines.append(f"  {'config:':18}{_v(c.get('path'))} sha256 {_v(c.get('sha256'))[:16]}")
    for k, v in r["metrics"].items():
        lines.append(f"  {'metric:':18}{_v(k)} = {_v(v, 6)}")
    return lines


def _slurm_line(s: Any) -> str | None:
    """``job 42 COMPLETED on n1 (partition gpu)``: what Slurm said of a Slurm job."""
    if not isinstance(s, dict) or not s.get("job_id"):
        return None
    line = f"job {s.get('job_id')} {s.get('state') or ''}".rstrip()
    if s.get("signal"):
        line += f" signal {s['signal']}"
    if s.get("nodes"):
        line += f" on {s['nodes']}"
    if s.get("partition"):
        line += f" (partition {s['partition']})"
    return line


# ---------------------------------------------------------------- two runs side by side

SIDE_FIELDS = (
    "host",
    "state",
    "exit_code",
    "command",
    "note",
    "outcome_note",
    "cwd",
    "git_commit",
    "git_dirty",
    "diff_stat",
    "data_version",
    "gpus",
    "duration_s",
    "gpu_hours",
    "mean_util_pct",
    "peak_gpu_mem_mib",
    "cost",
    "tracker",
    "link",
)
MAX_DIFF_LINES = 200


def diff(
    a: dict[str, Any],
    b: dict[str, Any],
    configs: dict[str, tuple[bytes | None, bytes | None]],
) -> dict[str, Any]:
    """Two runs side by side: the fields that differ, the config files (by path: same, only in
    one, or a unified diff of their copies), the data version's outs, the params and metrics.

    ``a`` and ``b`` are ``row``s with ``_journal`` (the whole journal); ``configs`` maps a
    config's path to the contents of each run's private copy (None when it has none)."""
    fields = [(f, a.get(f), b.get(f)) for f in SIDE_FIELDS if a.get(f) != b.get(f)]
    cfg: list[dict[str, Any]] = []
    for path, (ca, cb) in sorted(configs.items()):
        if ca == cb:
            cfg.append({"path": path, "change": "same"})
        elif ca is None or cb is None:
            cfg.append({"path": path, "change": "only in " + ("B" if ca is None else "A")})
        else:
            lines = list(
                difflib.unified_diff(
                    ca.decode("utf-8", "replace").splitlines(),
                    cb.decode("utf-8", "replace").splitlines(),
                    f"A/{path}",
                    f"B/{path}",
                    lineterm="",
                )
            )
            cut = len(lines) > MAX_DIFF_LINES
            cfg.append({"path": path, "change": "changed", "diff": lines[:MAX_DIFF_LINES], "cut": cut})
    ja, jb = a.get("_journal") or {}, b.get("_journal") or {}
    outs_a = (ja.get("data_version") or {}).get("outs") or {}
    outs_b = (jb.get("data_version") or {}).get("outs") or {}
    data = [
        (p, outs_a.get(p), outs_b.get(p))
        for p in sorted({*outs_a, *outs_b})
        if outs_a.get(p) != outs_b.get(p)
    ]
    pa = ((ja.get("outcome") or {}).get("params")) or {}
    pb = ((jb.get("outcome") or {}).get("params")) or {}
    params = [(k, pa.get(k), pb.get(k)) for k in sorted({*pa, *pb}) if pa.get(k) != pb.get(k)]
    ma, mb = a.get("metrics") or {}, b.get("metrics") or {}
    metrics = []
    for k in sorted({*ma, *mb}):
        va, vb = ma.get(k), mb.get(k)
        num = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (va, vb))
        metrics.append((k, va, vb, round(vb - va, 6) if num else None))  # type: ignore[operator]
    return {
        "a": a.get("id"),
        "b": b.get("id"),
        "fields": fields,
        "configs": cfg,
        "data": data,
        "params": params,
        "metrics": metrics,
    }
