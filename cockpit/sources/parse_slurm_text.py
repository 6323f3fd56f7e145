"""Parsers of Slurm's delimited text: ``squeue -O/-o``, ``sacct -P``, the fixed-width default
tables, and the ``jobcomp/filetxt`` log. Each returns ``cockpit.core.slurm.SlurmJob`` values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace

from cockpit.core.slurm import PENDING_STATES, SlurmJob, lifecycle_of, normalize_state
from cockpit.sources.parse_slurm_fields import (
    _int,
    gpu_count,
    gpu_count_per_node,
    parse_duration,
    parse_exit_code,
    parse_time,
    split_job_id,
)

UTC = dt.UTC

# ---------------------------------------------------------------- delimited text (squeue -O/-o)

#: The delimiter the probe puts between fields. Three characters, so that a job name holding
#: one "|" does not shift columns; the name column also comes last and absorbs any extras.
DELIM = "|~|"

# squeue column header (as -O prints it, or -o's default headers) -> SlurmJob field
_SQUEUE_COLS = {
    "JOBID": "display_id",
    "JOBARRAYID": "display_id",
    "ARRAY_JOB_ID": "array_job_id",
    "ARRAYJOBID": "array_job_id",
    "ARRAY_TASK_ID": "array_task",
    "ARRAYTASKID": "array_task",
    "HET_JOB_ID": "het_job_id",
    "HETJOBID": "het_job_id",
    "HET_JOB_OFFSET": "het_offset",
    "HETJOBOFFSET": "het_offset",
    "JOB_ID": "raw_id",
    "JOBIDRAW": "raw_id",
    "USER": "user",
    "USERNAME": "user",
    "STATE": "state",
    "ST": "state",
    "REASON": "reason",
    "TIME": "elapsed",
    "TIMEUSED": "elapsed",
    "TIME_LIMIT": "time_limit",
    "TIMELIMIT": "time_limit",
    "NODES": "node_count",
    "NUMNODES": "node_count",
    "NODELIST": "nodes",
    "NODELIST(REASON)": "nodelist_reason",
    "TRES_ALLOC": "tres_alloc",
    "TRES_PER_NODE": "tres_per_node",
    "TRES_PER_JOB": "tres_per_job",
    "PARTITION": "partition",
    "SUBMIT_TIME": "submit",
    "START_TIME": "start",
    "END_TIME": "end",
    "WORK_DIR": "workdir",
    "STDOUT": "stdout",
    "NAME": "name",
}

#: What the probe asks squeue for, in this order (``-O`` names; the header line comes back in
#: upper case with ``_`` and is matched through ``_SQUEUE_COLS``). Name last: see DELIM.
SQUEUE_FIELDS = (
    "JobArrayID",
    "JobID",
    "ArrayJobID",
    "ArrayTaskID",
    "HetJobID",
    "HetJobOffset",
    "UserName",
    "State",
    "Reason",
    "TimeUsed",
    "TimeLimit",
    "NumNodes",
    "NodeList",
    "tres-alloc",
    "tres-per-job",
    "tres-per-node",
    "Partition",
    "SubmitTime",
    "StartTime",
    "EndTime",
    "WorkDir",
    "STDOUT",
    "Name",
)


def parse_squeue_text(
    text: str, user: str | None = None, tz: dt.tzinfo = UTC, delimiter: str | None = None
) -> list[SlurmJob]:
    """Delimited squeue output with its header line (``-O 'JobArrayID:|~|,...'`` or
    ``-o '%i|%j|...'``). The delimiter is guessed (``|~|``, ``|``, tab) unless given.
    Lines that do not have the header's column count are skipped."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    delim = delimiter or _guess_delim(lines[0])
    header = [h.strip().upper() for h in lines[0].split(delim)]
    if header and header[-1] == "":  # -O puts the suffix after the last column too
        header = header[:-1]
    keys: list[str] = []
    for h in header:
        key = _SQUEUE_COLS.get(h, h.lower())
        if key == "display_id" and key in keys:  # -O JobArrayID and JobID both say JOBID
            key = "raw_id"
        keys.append(key)
    if "display_id" not in keys and "raw_id" not in keys:
        return []
    jobs: list[SlurmJob] = []
    for line in lines[1:]:
        values = _split_row(line, delim, len(keys), name_last=keys[-1] == "name")
        if values is None:
            continue
        row = dict(zip(keys, values, strict=True))
        job = _job_from_squeue_row(row, tz)
        if job is not None and (user is None or not job.user or job.user == user):
            jobs.append(job)
    return jobs


def _guess_delim(header: str) -> str:
    for d in (DELIM, "|", "\t"):
        if d in header:
            return d
    return DELIM


def _split_row(line: str, delim: str, n: int, name_last: bool) -> list[str] | None:
    parts = line.split(delim)
    if parts and parts[-1] == "" and len(parts) == n + 1:
        parts = parts[:-1]
    if len(parts) == n:
        return parts
    if name_last and len(parts) > n:  # the name held the delimiter
        return [*parts[: n - 1], delim.join(parts[n - 1 :])]
    return None


def _job_from_squeue_row(row: dict[str, str], tz: dt.tzinfo) -> SlurmJob | None:
    ident = row.get("display_id") or row.get("raw_id") or ""
    jid = split_job_id(ident)
    if jid is None or jid.step is not None:
        return None
    state, by = normalize_state(row.get("state"))
    nodes = _clean_na(row.get("nodes", ""))
    reason = _clean_na(row.get("reason", ""))
    if "nodelist_reason" in row:  # the default -o layout: "(Resources)" or "n[1-3]"
        nr = row["nodelist_reason"].strip()
        if nr.startswith("(") and nr.endswith(")"):
            reason = reason or nr[1:-1]
        else:
            nodes = nodes or nr
    node_count = _int(row.get("node_count"))
    active = lifecycle_of(state) in ("pending", "running")
    job = SlurmJob(
        job_id=jid.text,
        name=row.get("name", ""),
        user=_clean_na(row.get("user", "")),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=parse_duration(row.get("elapsed")),
        time_limit_s=parse_duration(row.get("time_limit")),
        nodes=nodes,
        node_count=node_count,
        gpus=gpu_count(row.get("tres_alloc"), row.get("tres_per_job"))
        if "tres_alloc" in row or "tres_per_job" in row
        else None,
        start=None if state in PENDING_STATES else parse_time(row.get("start"), tz),
        end=None if active else parse_time(row.get("end"), tz),
        submit=parse_time(row.get("submit"), tz),
        stdout_path=_clean_na(row.get("stdout", "")),
        workdir=_clean_na(row.get("workdir", "")),
        partition=_clean_na(row.get("partition", "")),
        raw_id=_clean_na(row.get("raw_id", "")),
        array_job_id=jid.array_job_id,
        array_task=jid.array_task or "",
        het_job_id=jid.het_job_id,
        het_offset=jid.het_offset,
        cancelled_by=by or "",
        source="squeue",
    )
    if job.gpus is None:
        per_node = gpu_count_per_node(row.get("tres_per_node"), node_count)
        if per_node is not None:
            job = replace(job, gpus=per_node)
    return job


def _clean_na(v: str | None) -> str:
    v = (v or "").strip()
    return "" if v.upper() in ("N/A", "(NULL)", "NONE") else v


# ---------------------------------------------------------------- sacct -P

#: What the probe asks sacct for (``-o``), JobName last (see DELIM).
SACCT_FIELDS = (
    "JobID",
    "JobIDRaw",
    "User",
    "State",
    "ExitCode",
    "Elapsed",
    "Timelimit",
    "Submit",
    "Start",
    "End",
    "NNodes",
    "NodeList",
    "AllocTRES",
    "Partition",
    "Reason",
    "WorkDir",
    "JobName",
)


def parse_sacct(
    text: str,
    fields: Iterable[str] | None = None,
    delimiter: str | None = None,
    tz: dt.tzinfo = UTC,
    user: str | None = None,
) -> list[SlurmJob]:
    """``sacct -P`` / ``--parsable2`` output. With a header line (no ``-n``) the columns come from
    it; otherwise pass ``fields`` (the ``-o`` list). Steps (``.batch``, ``.extern``, ``.0``) are
    dropped: only first-level jobs are returned."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    delim = delimiter or _guess_delim(lines[0])
    if fields is None:
        names = [h.strip() for h in lines[0].split(delim)]
        lines = lines[1:]
    else:
        names = list(fields)
    keys = [n.strip().lower() for n in names]
    jobs: list[SlurmJob] = []
    for line in lines:
        values = _split_row(line, delim, len(keys), name_last=keys[-1] == "jobname")
        if values is None:
            continue
        row = dict(zip(keys, values, strict=True))
        job = _job_from_sacct_row(row, tz)
        if job is not None and (user is None or not job.user or job.user == user):
            jobs.append(job)
    return jobs


def _job_from_sacct_row(row: dict[str, str], tz: dt.tzinfo) -> SlurmJob | None:
    jid = split_job_id(row.get("jobid", ""))
    if jid is None or jid.step is not None:
        return None
    state, by = normalize_state(row.get("state"))
    rc, sig = parse_exit_code(row.get("exitcode"))
    node_count = _int(row.get("nnodes"))
    nodes = _clean_na(row.get("nodelist", ""))
    if nodes.lower() == "none assigned":
        nodes = ""
    reason = _clean_na(row.get("reason", ""))
    return SlurmJob(
        job_id=jid.text,
        name=row.get("jobname", ""),
        user=row.get("user", "").strip(),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=parse_duration(row.get("elapsed")),
        time_limit_s=parse_duration(row.get("timelimit")),
        nodes=nodes,
        node_count=node_count,
        gpus=gpu_count(row.get("alloctres"), row.get("reqtres")),
        exit_code=rc,
        signal=sig,
        start=parse_time(row.get("start"), tz),
        end=parse_time(row.get("end"), tz),
        submit=parse_time(row.get("submit"), tz),
        workdir=row.get("workdir", "").strip(),
        partition=row.get("partition", "").strip(),
        raw_id=row.get("jobidraw", "").strip(),
        array_job_id=jid.array_job_id,
        array_task=jid.array_task,
        het_job_id=jid.het_job_id,
        het_offset=jid.het_offset,
        cancelled_by=by or "",
        source="sacct",
    )


# ---------------------------------------------------------------- fixed-width tables


def parse_table(text: str) -> list[SlurmJob]:
    """The default whitespace-aligned output of ``squeue`` or ``sacct`` (documentation pastes).

    Names are cut to 8 characters there and columns must not contain spaces; use this only
    for output someone pasted, never for polling."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not set(ln.strip()) <= {"-", " "}]
    if not lines:
        return []
    header = lines[0].split()
    upper = [h.upper() for h in header]
    if "NODELIST(REASON)" in upper or "ST" in upper:  # squeue
        return parse_squeue_text("\n".join("|".join(ln.split()) for ln in lines), delimiter="|")
    rows = ["|".join(ln.split()) for ln in lines[1:]]
    # sacct's "CANCELLED by 0" has spaces; re-join when a row has too many fields
    fixed = []
    for row in rows:
        parts = row.split("|")
        extra = len(parts) - len(header)
        if extra > 0 and "State" in header:
            i = header.index("State")
            parts[i : i + extra + 1] = [" ".join(parts[i : i + extra + 1])]
        fixed.append("|".join(parts))
    return parse_sacct("\n".join(fixed), fields=header, delimiter="|")


# ---------------------------------------------------------------- JSON (squeue, sacct, slurmrestd)


# ---------------------------------------------------------------- jobcomp/filetxt

_KV_SPLIT = re.compile(r" (?=[A-Za-z]+=)")


def parse_jobcomp(text: str, user: str | None = None, tz: dt.tzinfo = UTC) -> list[SlurmJob]:
    """Lines of the ``jobcomp/filetxt`` log. Times in it are slurmctld's local time: pass its
    zone as ``tz``. The latest line per job wins (a requeued job is logged more than once)."""
    by_id: dict[str, SlurmJob] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("JobId="):
            continue
        kv: dict[str, str] = {}
        for tok in _KV_SPLIT.split(line):
            k, _, v = tok.partition("=")
            kv[k] = v.strip()
        raw = kv.get("JobId", "")
        if not raw.isdigit():
            continue
        uname = re.sub(r"\(\d+\)$", "", kv.get("UserId", ""))
        if user is not None and uname and uname != user:
            continue
        aj, at = kv.get("ArrayJobId", ""), kv.get("ArrayTaskId", "")
        hj, ho = kv.get("HetJobId", ""), kv.get("HetJobOffset", "")
        if aj and at:
            job_id, het_job, het_off = f"{aj}_{at}", "", ""
        elif hj and hj != "0" and ho:
            job_id, het_job, het_off = f"{hj}+{ho}", hj, ho
            aj = at = ""
        else:
            job_id, het_job, het_off = raw, "", ""
            aj = at = ""
        state, by = normalize_state(kv.get("JobState"))
        rc, sig = parse_exit_code(kv.get("ExitCode"))
        start, end = parse_time(kv.get("StartTime"), tz), parse_time(kv.get("EndTime"), tz)
        by_id[job_id] = SlurmJob(
            job_id=job_id,
            name=kv.get("Name", ""),
            user=uname,
            state=state,
            elapsed_s=int((end - start).total_seconds()) if start and end else None,
            time_limit_s=parse_duration(kv.get("TimeLimit")),
            nodes=_clean_na(kv.get("NodeList", "")),
            node_count=_int(kv.get("NodeCnt")),
            gpus=gpu_count(kv.get("Tres")),
            exit_code=rc,
            signal=sig,
            start=start,
            end=end,
            submit=parse_time(kv.get("SubmitTime"), tz),
            workdir=kv.get("WorkDir", ""),
            partition=kv.get("Partition", ""),
            raw_id=raw,
            array_job_id=aj,
            array_task=at,
            het_job_id=het_job,
            het_offset=het_off,
            cancelled_by=by or "",
            source="jobcomp",
        )
    return list(by_id.values())
