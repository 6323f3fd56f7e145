"""Slurm jobs, the domain side: state words and what they mean, the ``SlurmJob`` record, the
``Probe`` result, and the transitions between two snapshots that become the alerts a user wants
("job 42 failed with exit 7 after 3 min").

Pure: no I/O, no clock of its own. The parsers of squeue / sacct / jobcomp text and JSON live in
``cockpit.sources.parse_slurm`` (and its ``parse_slurm_*`` parts); the probe script in
``cockpit.sources.slurm``.
"""

from __future__ import annotations

import datetime as dt
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


# ---------------------------------------------------------------- the probe's result


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
