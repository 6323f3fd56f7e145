"""Slurm's output parsed: the probe's marked sections merged into one ``Probe`` (``read_probe``),
and the whole parser API re-exported (field values, delimited text, JSON, jobcomp).

Pure functions over text (no I/O, no clock of its own). The remote side is built by
``cockpit.sources.slurm`` (``probe_script``), whose output ``read_probe`` reads.

Formats handled (what users see: README.md, GPU jobs > Slurm):

* ``squeue -O`` with a ``|~|`` field suffix and ``SLURM_TIME_FORMAT=%s`` (what the probe uses),
  and ``squeue -o`` style delimited text in general (header line names the columns);
* ``squeue --json``: 22.05 (openapi v0.0.38: plain numbers, ``exit_code`` is the raw wait
  status, ``job_state`` a string) and 23.02+ (``{set, infinite, number}`` numbers,
  ``job_state`` a list, ``exit_code {status, return_code, signal}``, ``stdout_expanded``);
  22.05 gives an unlimited running job ``end_time`` = start + 1 year and leaves
  ``standard_output`` unexpanded;
* ``sacct --json`` / slurmrestd slurmdb jobs (``state.current``, ``time.elapsed``);
* ``sacct -P`` with any delimiter (``ExitCode`` ``rc:signal``, ``CANCELLED by 0``,
  steps ``.batch``/``.extern``/``.0`` dropped; a ``TIMEOUT`` job may say exit 0: the state
  decides that it failed);
* the ``jobcomp/filetxt`` log (``JobId=3 ... JobState=FAILED ... ExitCode=7:0``);
* the fixed-width default tables of squeue and sacct (only for pasted documentation output:
  the probe never relies on them, because they cut names to 8 characters).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from cockpit.core.slurm import Probe, SlurmJob
from cockpit.sources.parse_slurm_fields import (
    JobId,
    _int,
    expand_nodelist,
    gpu_count,
    gpu_count_per_node,
    gpu_ids,
    parse_duration,
    parse_exit_code,
    parse_time,
    parse_utc_offset,
    split_job_id,
    split_wait_status,
)
from cockpit.sources.parse_slurm_json import parse_json
from cockpit.sources.parse_slurm_text import (
    DELIM,
    SACCT_FIELDS,
    SQUEUE_FIELDS,
    parse_jobcomp,
    parse_sacct,
    parse_squeue_text,
    parse_table,
)

# the whole parser API, in one import for callers and tests
__all__ = [
    "DELIM",
    "MARK",
    "SACCT_FIELDS",
    "SQUEUE_FIELDS",
    "JobId",
    "Section",
    "expand_nodelist",
    "gpu_count",
    "gpu_count_per_node",
    "gpu_ids",
    "parse_duration",
    "parse_exit_code",
    "parse_jobcomp",
    "parse_json",
    "parse_probe",
    "parse_sacct",
    "parse_squeue_text",
    "parse_table",
    "parse_time",
    "parse_utc_offset",
    "read_probe",
    "split_job_id",
    "split_sections",
    "split_wait_status",
]

# ---------------------------------------------------------------- the probe's sections

MARK = "@@cockpit-slurm"
_MARK_RE = re.compile(r"^@@cockpit-slurm:(begin|end) ([\w.-]+)(?: rc=(\d+))?@@$")


@dataclass(frozen=True)
class Section:
    name: str
    body: str
    rc: int | None  # None: the end marker never came (cut output)
    stderr: str = ""


def split_sections(text: str) -> dict[str, Section]:
    """The probe's output -> {name: Section}. Text outside markers is ignored."""
    out: dict[str, Section] = {}
    cur: str | None = None
    buf: list[str] = []
    pending_err: str | None = None
    for line in text.splitlines():
        m = _MARK_RE.match(line.rstrip("\r"))
        if m is None:
            if cur is not None:
                buf.append(line)
            continue
        kind, name, rc = m.groups()
        if kind == "begin":
            if cur is not None:  # unterminated section
                _store(out, cur, buf, None, pending_err)
            cur, buf, pending_err = name, [], None
            continue
        if name.endswith(".stderr"):
            base = name[: -len(".stderr")]
            if base in out:
                out[base] = replace(out[base], stderr="\n".join(buf).strip())
            cur, buf = None, []
            continue
        if cur == name:
            _store(out, cur, buf, _int(rc), None)
            cur, buf = None, []
    if cur is not None and not cur.endswith(".stderr"):
        _store(out, cur, buf, None, None)
    return out


def _store(out: dict[str, Section], name: str, buf: list[str], rc: int | None, err: str | None) -> None:
    while buf and not buf[-1].strip():
        buf.pop()
    out[name] = Section(name, "\n".join(buf), rc, err or "")


def parse_probe(text: str, now: dt.datetime) -> list[SlurmJob]:
    """The jobs the probe saw, newest first. See :func:`read_probe` for errors and metadata."""
    return read_probe(text, now).jobs


def read_probe(text: str, now: dt.datetime) -> Probe:
    """Parse every section; merge squeue (live, authoritative), then sacct, then the
    job-completion log, filling fields the earlier source lacked (exit codes, GPUs)."""
    secs = split_sections(text)
    errors: list[str] = []
    meta: dict[str, str] = {}
    if "meta" in secs:
        for line in secs["meta"].body.splitlines():
            k, sep, v = line.partition("=")
            if sep:
                meta[k.strip()] = v.strip()
    user = meta.get("user", "")
    tz = parse_utc_offset(meta.get("tz"))
    remote_now = parse_time(meta.get("now")) or now
    if not secs:
        errors.append("no Slurm output (is the probe's output cut, or is this not the probe?)")

    live: list[SlurmJob] = []
    live_ok = False
    sq = secs.get("squeue")
    sqj = secs.get("squeue-json")
    if sq is not None:
        if sq.rc == 0:
            live = parse_squeue_text(sq.body, user=user or None, tz=tz)
            live_ok = True
        else:
            errors.append(_err("squeue", sq))
    elif sqj is not None:
        if sqj.rc == 0:
            try:
                live = parse_json(sqj.body, user=user or None, now=remote_now)
                live_ok = True
            except ValueError as e:
                errors.append(f"squeue --json: unreadable output ({e})")
        else:
            errors.append(_err("squeue --json", sqj))
    elif secs:
        errors.append("squeue: no output (slurm client not installed?)")

    accounting: bool | None = None
    history_source = "squeue" if live else ""
    history: list[SlurmJob] = []
    sa = secs.get("sacct")
    if sa is not None:
        accounting = sa.rc == 0
        if sa.rc == 0:
            history = parse_sacct(sa.body, fields=SACCT_FIELDS, delimiter=DELIM, tz=tz, user=user or None)
            history_source = "sacct"
        elif "accounting storage is disabled" not in (sa.stderr + sa.body).lower():
            errors.append(_err("sacct", sa))
    jc = secs.get("jobcomp")
    if jc is not None and jc.rc == 0 and not history:
        history = parse_jobcomp(jc.body, user=user or None, tz=tz)
        history_source = "jobcomp"

    merged: dict[str, SlurmJob] = {j.job_id: j for j in live}
    for h in history:
        cur = merged.get(h.job_id)
        merged[h.job_id] = h if cur is None else _fill(cur, h)
    jobs = sorted(merged.values(), key=_sort_key, reverse=True)
    return Probe(
        jobs=jobs,
        user=user,
        remote_now=remote_now,
        accounting=accounting,
        history_source=history_source,
        errors=errors,
        slurm_version=meta.get("version", ""),
        live_ok=live_ok,
    )


def _err(what: str, sec: Section) -> str:
    msg = (sec.stderr or sec.body).strip().splitlines()
    rc = {None: "cut off", 124: "timed out, rc 124", 127: "not installed, rc 127"}.get(sec.rc, f"rc {sec.rc}")
    return f"{what} failed ({rc})" + (f": {msg[-1][:200]}" if msg else "")


def _fill(primary: SlurmJob, other: SlurmJob) -> SlurmJob:
    """Fields ``primary`` lacks, taken from ``other`` (same job, another source)."""
    changes: dict[str, Any] = {}
    for f in ("exit_code", "signal", "gpus", "start", "end", "elapsed_s", "stdout_path", "workdir", "raw_id"):
        if getattr(primary, f) in (None, "") and getattr(other, f) not in (None, ""):
            changes[f] = getattr(other, f)
    if not primary.cancelled_by and other.cancelled_by:
        changes["cancelled_by"] = other.cancelled_by
    return replace(primary, **changes) if changes else primary


def _sort_key(j: SlurmJob) -> tuple[int, int]:
    raw = j.raw_id or (j.job_id.split("_")[0].split("+")[0])
    n = _int(raw) or 0
    return (1 if j.active else 0, n)
