"""Slurm jobs: parse what squeue / sacct / the job-completion log print, and turn two
snapshots into the alerts a user wants ("job 42 failed with exit 7 after 3 min").

Pure: no I/O, no clock of its own. The remote side is built by ``cockpit.sources.slurm``
(``probe_script``), whose output ``parse_probe`` reads.

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
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

UTC = dt.UTC

# ---------------------------------------------------------------- states

#: Slurm's state words, grouped by what they mean for the user.
PENDING_STATES = frozenset(
    {"PENDING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD", "CONFIGURING"}
)
RUNNING_STATES = frozenset(
    {"RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING", "SPECIAL_EXIT"}
)
FINISHED_STATES = frozenset({"COMPLETED"})
FAILED_STATES = frozenset(
    {"FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED", "REVOKED"}
)
LOST_STATES = frozenset({"NODE_FAIL", "LOST"})
TERMINAL_STATES = FINISHED_STATES | FAILED_STATES | LOST_STATES

_SHORT_STATES = {
    "PD": "PENDING",
    "R": "RUNNING",
    "CG": "COMPLETING",
    "CD": "COMPLETED",
    "CF": "CONFIGURING",
    "CA": "CANCELLED",
    "F": "FAILED",
    "TO": "TIMEOUT",
    "OOM": "OUT_OF_MEMORY",
    "NF": "NODE_FAIL",
    "BF": "BOOT_FAIL",
    "DL": "DEADLINE",
    "PR": "PREEMPTED",
    "S": "SUSPENDED",
    "ST": "STOPPED",
    "SI": "SIGNALING",
    "SO": "STAGE_OUT",
    "SE": "SPECIAL_EXIT",
    "RQ": "REQUEUED",
    "RH": "REQUEUE_HOLD",
    "RF": "REQUEUE_FED",
    "RS": "RESIZING",
    "RD": "RESV_DEL_HOLD",
    "RV": "REVOKED",
}

_STATE_WORDS = {
    "COMPLETED": "completed",
    "FAILED": "failed",
    "CANCELLED": "cancelled",
    "TIMEOUT": "hit its time limit",
    "OUT_OF_MEMORY": "ran out of memory",
    "NODE_FAIL": "lost its node",
    "BOOT_FAIL": "failed to boot its node",
    "DEADLINE": "missed its deadline",
    "PREEMPTED": "was preempted",
    "REVOKED": "was revoked",
    "LOST": "is no longer reported by Slurm",
}


def normalize_state(text: str | Iterable[str] | None) -> tuple[str, str | None]:
    """``"CANCELLED by 0"`` -> ``("CANCELLED", "0")``; ``["RUNNING"]`` -> ``("RUNNING", None)``;
    ``"CA"`` -> ``"CANCELLED"``; ``"COMPLETED+"``/``"RUNNING*"`` lose their flag characters."""
    if text is None:
        return "UNKNOWN", None
    if not isinstance(text, str):
        words = [str(w) for w in text]
        text = words[0] if words else ""
    parts = text.strip().split()
    if not parts:
        return "UNKNOWN", None
    word = parts[0].upper().rstrip("+*")
    word = _SHORT_STATES.get(word, word)
    by = parts[2] if len(parts) >= 3 and parts[1].lower() == "by" else None
    return word, by


def lifecycle_of(state: str) -> str:
    """Slurm state -> the lifecycle word the GPU pane uses: pending, running, finished,
    failed or lost (``unknown`` for a state word this code has never seen)."""
    if state in PENDING_STATES:
        return "pending"
    if state in RUNNING_STATES:
        return "running"
    if state in FINISHED_STATES:
        return "finished"
    if state in FAILED_STATES:
        return "failed"
    if state in LOST_STATES:
        return "lost"
    return "unknown"


# ---------------------------------------------------------------- the job


@dataclass(frozen=True)
class SlurmJob:
    """One first-level job (an array task or a het component counts as one; steps do not).

    ``job_id`` is the id a user types: ``42``, ``42_3``, ``42_[5-9]`` (pending array rest),
    ``42+1`` (het component). Text fields are raw: clean them before showing them.
    """

    job_id: str
    name: str = ""
    user: str = ""
    state: str = "UNKNOWN"
    reason: str = ""
    elapsed_s: int | None = None
    time_limit_s: int | None = None  # None: unlimited or unknown
    nodes: str = ""  # the nodelist as Slurm prints it: n[1-3]
    node_count: int | None = None
    gpus: int | None = None
    gpu_ids: str = ""  # "0-3" when Slurm says which
    exit_code: int | None = None
    signal: int | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    submit: dt.datetime | None = None
    stdout_path: str = ""  # as submitted (may hold %j, %A, ...) or already expanded
    workdir: str = ""
    partition: str = ""
    raw_id: str = ""  # Slurm's internal numeric id (JobIDRaw)
    array_job_id: str = ""
    array_task: str = ""  # "3", or "[5-9]"/"5-9" for the pending rest of an array
    het_job_id: str = ""
    het_offset: str = ""
    cancelled_by: str = ""
    source: str = ""  # squeue | squeue-json | sacct | sacct-json | jobcomp

    @property
    def lifecycle(self) -> str:
        return lifecycle_of(self.state)

    def to_doc(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO UTC stamps), e.g. for the job history in the store."""
        doc: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            doc[f.name] = v.astimezone(UTC).isoformat() if isinstance(v, dt.datetime) else v
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> SlurmJob:
        """The inverse of ``to_doc``; unknown keys are ignored, missing ones get defaults."""
        kw: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in doc:
                continue
            v = doc[f.name]
            if f.name in ("start", "end", "submit") and isinstance(v, str):
                v = dt.datetime.fromisoformat(v).astimezone(UTC)
            kw[f.name] = v
        return cls(**kw)

    @property
    def active(self) -> bool:
        return self.lifecycle in ("pending", "running")

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def parent_id(self) -> str:
        """The array or het job this job belongs to, else its own id."""
        return self.array_job_id or self.het_job_id or self.job_id

    @property
    def outcome(self) -> str:
        """A short human phrase: ``exit 7``, ``signal 9``, ``hit its time limit``."""
        parts: list[str] = []
        if self.state not in ("COMPLETED", "FAILED"):
            parts.append(_STATE_WORDS.get(self.state, self.state.lower()))
            if self.cancelled_by:
                parts[-1] += f" by uid {self.cancelled_by}"
        if self.exit_code:
            parts.append(f"exit {self.exit_code}")
        if self.signal:
            parts.append(f"signal {self.signal}")
        if not parts:
            parts.append(_STATE_WORDS.get(self.state, self.state.lower()))
        return ", ".join(parts)


# ---------------------------------------------------------------- small parsers

_NONE_WORDS = frozenset({"", "N/A", "NONE", "NULL", "(NULL)", "UNKNOWN", "INVALID", "NOT_SET", "NOTSET"})


def parse_duration(text: str | None) -> int | None:
    """Slurm durations to seconds: ``M:SS``, ``MM:SS``, ``H:MM:SS``, ``D-HH``, ``D-HH:MM``,
    ``D-HH:MM:SS`` (and ``.fff`` fractions). ``UNLIMITED``, ``Partition_Limit``, ``N/A`` -> None."""
    if text is None:
        return None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS or s.upper() in ("UNLIMITED", "INFINITE", "PARTITION_LIMIT"):
        return None
    days = 0
    if "-" in s:
        d, _, s = s.partition("-")
        if not d.isdigit():
            return None
        days = int(d)
        fields = s.split(":")
        # D-HH, D-HH:MM, D-HH:MM:SS
        while len(fields) < 3:
            fields.append("0")
    else:
        fields = s.split(":")
        if len(fields) == 1:  # plain minutes (jobcomp TimeLimit=60)
            fields = ["0", fields[0], "0"]
        elif len(fields) == 2:  # M:SS
            fields = ["0", *fields]
    if len(fields) != 3:
        return None
    try:
        h, m = int(fields[0]), int(fields[1])
        sec = float(fields[2])
    except ValueError:
        return None
    if h < 0 or m < 0 or sec < 0:
        return None
    return days * 86400 + h * 3600 + m * 60 + int(sec)


def format_duration(seconds: int | None) -> str:
    """Seconds -> Slurm-like ``M:SS`` / ``H:MM:SS`` / ``D-HH:MM:SS``; None -> ``-``."""
    if seconds is None:
        return "-"
    seconds = max(0, int(seconds))
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    if d:
        return f"{d}-{h:02d}:{m:02d}:{s:02d}"
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def parse_exit_code(text: str | None) -> tuple[int | None, int | None]:
    """``"7:0"`` -> (7, 0); ``"0:15"`` -> (0, 15); ``""`` -> (None, None)."""
    if text is None:
        return None, None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS:
        return None, None
    rc, _, sig = s.partition(":")
    try:
        return int(rc), (int(sig) if sig else 0)
    except ValueError:
        return None, None


def split_wait_status(status: int) -> tuple[int, int]:
    """A raw wait status (what 22.05's ``squeue --json`` calls exit_code) -> (exit, signal)."""
    return (status >> 8) & 0xFF, status & 0x7F


def expand_nodelist(text: str | None) -> list[str]:
    """``n[1-3,7],gpu[01-02]`` -> ``[n1, n2, n3, n7, gpu01, gpu02]`` (zero padding kept)."""
    if not text or text.strip().upper() in _NONE_WORDS or text.strip().lower() == "none assigned":
        return []
    out: list[str] = []
    for item in _split_outside_brackets(text.strip()):
        out.extend(_expand_one(item))
    return out


def _split_outside_brackets(text: str) -> list[str]:
    items, depth, cur = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    items.append("".join(cur))
    return [i for i in (x.strip() for x in items) if i]


def _expand_one(item: str) -> list[str]:
    m = re.search(r"\[([^\[\]]*)\]", item)
    if not m:
        return [item]
    head, tail = item[: m.start()], item[m.end() :]
    values: list[str] = []
    for part in m.group(1).split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if sep and lo.isdigit() and hi.isdigit():
            width = len(lo) if lo.startswith("0") else 0
            a, b = int(lo), int(hi)
            if b - a > 100_000:  # a hostile or absurd range: do not explode
                values.append(part)
                continue
            values.extend(str(n).zfill(width) for n in range(a, b + 1))
        elif part:
            values.append(part)
    return [x for v in values for x in _expand_one(head + v + tail)]


_GPU_RE = re.compile(r"(?:^|[,/:\s])gpu(?::([A-Za-z][\w.-]*))?[:=](\d+)", re.IGNORECASE)
_IDX_RE = re.compile(r"IDX:([\d,\-]+)")


def gpu_count(*specs: str | None) -> int | None:
    """GPUs from the first spec that names any: TRES (``gres/gpu=4``, ``gres/gpu:a100=2``),
    gres (``gpu:h100:4(IDX:0-3)``, ``gres:gpu:2``, ``gres/gpu:4``). Per-node specs go through
    :func:`gpu_count_per_node`."""
    for spec in specs:
        n = _gpus_in(spec)
        if n is not None:
            return n
    return None


def gpu_count_per_node(spec: str | None, node_count: int | None) -> int | None:
    n = _gpus_in(spec)
    if n is None:
        return None
    return n * (node_count or 1)


def _gpus_in(spec: str | None) -> int | None:
    if not spec or spec.strip().upper() in _NONE_WORDS:
        return None
    untyped: int | None = None
    typed = 0
    found = False
    for m in _GPU_RE.finditer(spec):
        found = True
        if m.group(1):
            typed += int(m.group(2))
        else:
            untyped = (untyped or 0) + int(m.group(2))
    if not found:
        return None
    return untyped if untyped is not None else typed


def gpu_ids(spec: str | None) -> str:
    m = _IDX_RE.search(spec or "")
    return m.group(1) if m else ""


@dataclass(frozen=True)
class JobId:
    """The parts of a Slurm job id as sacct/squeue print it."""

    text: str  # first-level id: "42", "42_3", "42_[5-9]", "42+1"
    step: str | None  # "batch", "extern", "0", ... or None for the job itself
    array_job_id: str = ""
    array_task: str = ""
    het_job_id: str = ""
    het_offset: str = ""


_ID_RE = re.compile(r"^(\d+)(?:_(\[[^\]]*\]|[\d\-,]+))?(?:\+(\d+))?(?:\.(.+))?$")


def split_job_id(text: str) -> JobId | None:
    """``123`` / ``123_4`` / ``123_[5-1024]`` / ``123+0`` / ``123.batch`` / ``123+0.0``."""
    s = text.strip()
    m = _ID_RE.match(s)
    if not m:
        return None
    base, task, het, step = m.groups()
    first = s if step is None else s[: -(len(step) + 1)]
    return JobId(
        text=first,
        step=step,
        array_job_id=base if task is not None else "",
        array_task=task or "",
        het_job_id=base if het is not None else "",
        het_offset=het or "",
    )


def parse_time(text: str | int | float | None, tz: dt.tzinfo = UTC) -> dt.datetime | None:
    """Epoch seconds (``SLURM_TIME_FORMAT=%s``) or ISO local time (``2026-11-25T23:02:31``,
    read in ``tz``, the remote zone) -> aware UTC; ``Unknown``/``None``/``0`` -> None."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return dt.datetime.fromtimestamp(text, UTC) if text > 0 else None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS:
        return None
    if re.fullmatch(r"\d{9,11}", s):
        return dt.datetime.fromtimestamp(int(s), UTC)
    if s == "0":
        return None
    try:
        t = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=tz)
    return t.astimezone(UTC)


def parse_utc_offset(text: str | None) -> dt.tzinfo:
    """``date +%z`` output (``+0100``) -> a fixed offset; anything else -> UTC."""
    m = re.fullmatch(r"\s*([+-])(\d{2}):?(\d{2})\s*", text or "")
    if not m:
        return UTC
    sign = 1 if m.group(1) == "+" else -1
    return dt.timezone(sign * dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


def _str(v: Any) -> str:
    return "" if v is None else str(v)


def _int(text: str | int | None) -> int | None:
    if text is None:
        return None
    if isinstance(text, int):
        return text
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def _num(v: Any) -> int | float | None:
    """A JSON number in either shape: ``5`` / ``null`` (22.05) or ``{set, infinite, number}``."""
    if isinstance(v, Mapping):
        if not v.get("set", True) or v.get("infinite"):
            return None
        v = v.get("number")
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v


def _is_infinite(v: Any) -> bool:
    return isinstance(v, Mapping) and bool(v.get("infinite"))


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


def parse_json(
    text: str | Mapping[str, Any], user: str | None = None, now: dt.datetime | None = None
) -> list[SlurmJob]:
    """``squeue --json`` (22.05 and 23.02+), ``sacct --json`` and slurmrestd job lists.

    22.05's ``squeue --json`` ignores ``--me``/``-u``: pass ``user`` to keep that user's jobs.
    ``now`` (remote time) gives running jobs their elapsed time."""
    data = json.loads(text) if isinstance(text, str) else text
    if not isinstance(data, Mapping):
        raise ValueError("not a JSON object")
    raw_jobs = data.get("jobs")
    if not isinstance(raw_jobs, list):
        raise ValueError("no 'jobs' list")
    jobs = []
    for j in raw_jobs:
        if not isinstance(j, Mapping):
            continue
        job = _job_from_db_json(j) if isinstance(j.get("state"), Mapping) else _job_from_ctld_json(j, now)
        if job is not None and (user is None or not job.user or job.user == user):
            jobs.append(job)
    return jobs


def _ids_from_json(
    job_id: str, array_job: Any, array_task: Any, task_string: str, het_job: Any, het_off: Any
) -> JobId:
    aj = _num(array_job)
    at = _num(array_task)
    hj = _num(het_job)
    ho = _num(het_off)
    if aj:
        task = str(int(at)) if at is not None else (f"[{task_string}]" if task_string else "")
        text = f"{int(aj)}_{task}" if task else job_id
        return JobId(text, None, str(int(aj)), task)
    if hj:
        off = str(int(ho)) if ho is not None else "0"
        return JobId(f"{int(hj)}+{off}", None, het_job_id=str(int(hj)), het_offset=off)
    return JobId(job_id, None)


def _exit_from_json(v: Any) -> tuple[int | None, int | None]:
    if isinstance(v, Mapping):  # 23.02+: {status, return_code, signal: {id, name}}
        rc = _num(v.get("return_code"))
        sig_obj = v.get("signal")
        sig = _num(sig_obj.get("id")) if isinstance(sig_obj, Mapping) else _num(sig_obj)
        status = v.get("status")
        words = status if isinstance(status, list) else [status]
        if rc is None and sig is None and not any(w in ("SUCCESS", "ERROR", "SIGNALED") for w in words):
            return None, None
        return (int(rc) if rc is not None else 0), (int(sig) if sig is not None else 0)
    n = _num(v)
    if n is None:
        return None, None
    return split_wait_status(int(n))  # 22.05: the raw wait status


def _job_from_ctld_json(j: Mapping[str, Any], now: dt.datetime | None) -> SlurmJob | None:
    job_id = str(_num(j.get("job_id")) or "")
    if not job_id:
        return None
    ids = _ids_from_json(
        job_id,
        j.get("array_job_id"),
        j.get("array_task_id"),
        _str(j.get("array_task_string")),
        j.get("het_job_id"),
        j.get("het_job_offset"),
    )
    state, by = normalize_state(j.get("job_state"))
    rc, sig = _exit_from_json(j.get("exit_code"))
    start = parse_time(_num(j.get("start_time")))
    end = parse_time(_num(j.get("end_time")))
    active = lifecycle_of(state) in ("pending", "running")
    if state in PENDING_STATES:
        start = None
    limit = j.get("time_limit")
    limit_min = _num(limit)
    elapsed = None
    if start is not None:
        stop = end if not active else now
        if stop is not None:
            elapsed = max(0, int((stop - start).total_seconds()))
    nodes = _str(j.get("nodes"))
    node_count = _num(j.get("node_count"))
    gres = j.get("gres_detail") or []
    gres_text = ",".join(str(g) for g in gres) if isinstance(gres, list) else _str(gres)
    gpus = gpu_count(_str(j.get("tres_alloc_str")), _str(j.get("tres_per_job")), gres_text)
    if gpus is None:
        gpus = gpu_count_per_node(_str(j.get("tres_per_node")), int(node_count) if node_count else None)
    reason = _str(j.get("state_reason"))
    stdout = _str(j.get("stdout_expanded")) or _str(j.get("standard_output"))
    return SlurmJob(
        job_id=ids.text,
        name=_str(j.get("name")),
        user=_str(j.get("user_name")),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=elapsed,
        time_limit_s=None if limit_min is None or _is_infinite(limit) else int(limit_min) * 60,
        nodes=nodes,
        node_count=int(node_count) if node_count is not None else None,
        gpus=gpus,
        gpu_ids=gpu_ids(gres_text),
        exit_code=None if active else rc,
        signal=None if active else sig,
        start=start,
        end=None if active else end,
        submit=parse_time(_num(j.get("submit_time"))),
        stdout_path=stdout,
        workdir=_str(j.get("current_working_directory")),
        partition=_str(j.get("partition")),
        raw_id=job_id,
        array_job_id=ids.array_job_id,
        array_task=ids.array_task,
        het_job_id=ids.het_job_id,
        het_offset=ids.het_offset,
        cancelled_by=by or "",
        source="squeue-json",
    )


def _job_from_db_json(j: Mapping[str, Any]) -> SlurmJob | None:
    job_id = str(_num(j.get("job_id")) or "")
    if not job_id:
        return None
    arr = j.get("array") if isinstance(j.get("array"), Mapping) else {}
    het = j.get("het") if isinstance(j.get("het"), Mapping) else {}
    ids = _ids_from_json(
        job_id,
        arr.get("job_id"),
        arr.get("task_id"),
        _str(arr.get("task")),
        het.get("job_id"),
        het.get("job_offset"),
    )
    st = j.get("state") or {}
    state, by = normalize_state(st.get("current"))
    t = j.get("time") if isinstance(j.get("time"), Mapping) else {}
    rc, sig = _exit_from_json(j.get("exit_code"))
    limit = t.get("limit")
    limit_min = _num(limit)
    tres = j.get("tres") if isinstance(j.get("tres"), Mapping) else {}
    gpus = None
    for item in tres.get("allocated") or []:
        if (
            isinstance(item, Mapping)
            and item.get("type") == "gres"
            and str(item.get("name", "")).startswith("gpu")
        ):
            if item.get("name") == "gpu":
                gpus = int(item.get("count") or 0)
                break
            gpus = (gpus or 0) + int(item.get("count") or 0)
    reason = _str(st.get("reason"))
    nodes = _str(j.get("nodes"))
    return SlurmJob(
        job_id=ids.text,
        name=_str(j.get("name")),
        user=_str(j.get("user")),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=_num(t.get("elapsed")),
        time_limit_s=None if limit_min is None or _is_infinite(limit) else int(limit_min) * 60,
        nodes="" if nodes == "None assigned" else nodes,
        node_count=_num(j.get("allocation_nodes")),
        gpus=gpus,
        exit_code=rc,
        signal=sig,
        start=parse_time(_num(t.get("start"))),
        end=parse_time(_num(t.get("end"))),
        submit=parse_time(_num(t.get("submission"))),
        stdout_path=_str(j.get("stdout_expanded")) or _str(j.get("stdout")),
        workdir=_str(j.get("working_directory")),
        partition=_str(j.get("partition")),
        raw_id=job_id,
        array_job_id=ids.array_job_id,
        array_task=ids.array_task,
        het_job_id=ids.het_job_id,
        het_offset=ids.het_offset,
        cancelled_by=by or "",
        source="sacct-json",
    )


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


@dataclass(frozen=True)
class Probe:
    """Everything one probe said: the jobs, and why parts are missing."""

    jobs: list[SlurmJob]
    user: str = ""
    remote_now: dt.datetime | None = None
    accounting: bool | None = None  # None: sacct not asked this time
    history_source: str = ""  # sacct | jobcomp | squeue (only squeue --states=all)
    errors: list[str] = field(default_factory=list)
    slurm_version: str = ""
    live_ok: bool = False  # squeue answered: only then compare with state_changes (else all "lost")


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


# ---------------------------------------------------------------- transitions -> alerts


@dataclass(frozen=True)
class Transition:
    """A job that changed state between two probes (or several array/het members at once)."""

    job: SlurmJob
    old_state: str | None  # None: not seen before
    new_state: str
    lifecycle: str  # running | finished | failed | lost
    early: bool = False  # failed within the early-failure window
    members: tuple[str, ...] = ()  # the job ids folded into this one (arrays, het jobs)

    @property
    def alert(self) -> bool:
        """Worth a notification: a job that ended (started jobs are only shown)."""
        return self.lifecycle in ("finished", "failed", "lost")

    @property
    def urgency(self) -> str:
        if self.lifecycle == "finished":
            return "normal"
        if self.lifecycle == "running":
            return "low"
        return "critical" if self.early or self.lifecycle == "lost" else "normal"

    @property
    def title(self) -> str:
        j = self.job
        ident = j.parent_id if self.members else j.job_id
        what = {
            "finished": "Slurm job finished",
            "failed": "Slurm job failed",
            "lost": "Slurm job lost",
            "running": "Slurm job started",
        }.get(self.lifecycle, "Slurm job changed")
        if self.lifecycle == "failed":
            what = "Slurm job " + _FAILED_TITLES.get(self.new_state, "failed")
            if self.early:
                what += " early"
        return f"{what}: {ident} {j.name}".rstrip()

    @property
    def body(self) -> str:
        j = self.job
        if self.members:
            head = f"{len(self.members)} tasks: {_compact_ids(self.members)}; first {j.job_id}: {j.outcome}"
        else:
            head = j.outcome
        bits = [head]
        if j.elapsed_s is not None:
            bits.append(f"after {format_duration(j.elapsed_s)}")
        if j.nodes:
            bits.append(f"on {j.nodes}")
        return " ".join(bits)


def _compact_ids(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:5])
    return shown + (f" (+{len(ids) - 5})" if len(ids) > 5 else "")


def state_changes(
    old: Iterable[SlurmJob],
    new: Iterable[SlurmJob],
    since: dt.datetime | None = None,
    early_failure_s: int = 600,
    group: bool = True,
) -> list[Transition]:
    """What changed from ``old`` to ``new`` (two successful probes of one host).

    * a job seen active that is now terminal -> finished / failed / lost;
    * a job seen pending that now runs -> running (``alert`` is False);
    * a job seen active that no source reports any more -> lost (Slurm forgot it before we
      saw its end: MinJobAge passed and there is no accounting);
    * a job never seen that is already terminal raises an alert only when it ended at or
      after ``since`` (the previous probe's time): a fast job, not old history.

    Failures within ``early_failure_s`` of running get ``early`` (a louder alert).
    With ``group``, members of one array or het job ending the same way in the same step are
    folded into one Transition (``members`` lists their ids), so a 1000-task array does not
    raise 1000 alerts.
    """
    before = {j.job_id: j for j in old}
    after = {j.job_id: j for j in new}
    out: list[Transition] = []
    for jid, j in after.items():
        prev = before.get(jid)
        if prev is None:
            if j.terminal and since is not None and j.end is not None and j.end >= since:
                out.append(_transition(j, None, early_failure_s))
            continue
        if prev.state == j.state:
            continue
        if prev.active and j.terminal:
            out.append(_transition(j, prev.state, early_failure_s))
        elif prev.lifecycle == "pending" and j.lifecycle == "running":
            out.append(Transition(j, prev.state, j.state, "running"))
    for jid, prev in before.items():
        if jid in after or not prev.active:
            continue
        if prev.array_task.startswith("[") or "-" in prev.array_task:
            continue  # the pending rest of an array: it turns into tasks, it does not end
        if prev.lifecycle == "pending":
            continue  # a pending job that vanished was most likely cancelled before it ran
        lost = replace(prev, state="LOST", end=None)
        out.append(Transition(lost, prev.state, "LOST", "lost"))
    return _group(out) if group else out


#: Failures that count as a crash when they come early (a cancel or a short time limit is not).
EARLY_STATES = frozenset({"FAILED", "OUT_OF_MEMORY", "BOOT_FAIL"})

_FAILED_TITLES = {
    "CANCELLED": "cancelled",
    "TIMEOUT": "timed out",
    "OUT_OF_MEMORY": "ran out of memory",
    "PREEMPTED": "preempted",
}


def _transition(j: SlurmJob, old_state: str | None, early_s: int) -> Transition:
    life = j.lifecycle
    early = j.state in EARLY_STATES and j.elapsed_s is not None and j.elapsed_s < early_s
    return Transition(j, old_state, j.state, life, early=early)


def _group(ts: list[Transition]) -> list[Transition]:
    groups: dict[tuple[str, str], list[Transition]] = {}
    order: list[tuple[str, str]] = []
    for t in ts:
        parent = t.job.array_job_id or t.job.het_job_id
        key = (parent or f"job:{t.job.job_id}", t.lifecycle)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(t)
    out = []
    for key in order:
        g = groups[key]
        if len(g) == 1:
            out.append(g[0])
            continue
        first = sorted(g, key=lambda t: (t.job.exit_code is None, -(t.job.exit_code or 0)))[0]
        out.append(replace(first, early=any(t.early for t in g), members=tuple(t.job.job_id for t in g)))
    return out
