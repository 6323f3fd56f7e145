"""Typed records of the GPU instrument, handed by ``cockpit.services.gpu`` to the TUI and the CLI:

* ``Job``: one stored job (launched by cockpit, found by process ancestry, or seen in Slurm),
  built from the store's document in one place (``Job.from_doc``) and turned back into the same
  document (``to_doc``: same keys, same order, so ``cockpit jobs --json`` keeps its shape);
* ``JobView``: one row of a host's poll (a GPU process, a launched job, or a Slurm job);
* ``HostState``: what one poll of one host saw.

Pure values: no I/O, no store. A document whose field has the wrong type raises
``RecordError`` naming the record and the field.
"""

from __future__ import annotations

from dataclasses import field, fields
from typing import TYPE_CHECKING, Any

from cockpit.core.record import record
from cockpit.errors import RecordError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cockpit.core.gpu import Gpu
    from cockpit.core.jobs import Observation
    from cockpit.core.slurm import SlurmJob, Transition


def _check(record: str, name: str, value: Any, kinds: tuple[type, ...]) -> None:
    if value is None or (isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)):
        return
    want = " or ".join(k.__name__ for k in kinds)
    raise RecordError(
        f"{record}: field {name!r} must be {want} or null, got {type(value).__name__} {value!r:.60}"
    )


_STR, _INT, _NUM, _BOOL = (str,), (int,), (int, float), (bool,)

#: The keys of a job in ``cockpit gpu --json`` (users script them: keep this shape).
JOB_KEYS = (
    "host",
    "tmux_target",
    "pid",
    "user",
    "command",
    "gpus",
    "gpu_mem_mib",
    "state",
    "last_line",
    "progress_pct",
)


@record
class Job:
    """One stored job. ``id`` is the store's id; absent fields are None."""

    id: str
    host: str | None = None
    name: str | None = None
    session: str | None = None
    run_id: str | None = None
    pane_id: str | None = None
    pid: int | None = None
    command: str | None = None
    note: str | None = None
    cwd: str | None = None
    git_commit: str | None = None
    git_dirty: bool | None = None
    gpus: tuple[int, ...] | None = None
    started: str | None = None
    ended: str | None = None
    state: str | None = None
    exit_code: int | None = None
    duration_s: int | float | None = None
    discovered: bool | None = None
    tmux_target: str | None = None
    slurm_id: str | None = None
    stdout: str | None = None
    journal: dict[str, Any] | None = None  # the experiment journal's entry (core.journal)
    # the document's own keys, in order, and any key this record does not know (kept as is)
    doc_keys: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Job:
        kinds = _JOB_KINDS
        kw: dict[str, Any] = {}
        extra: list[tuple[str, Any]] = []
        for k, v in doc.items():
            if k not in kinds:
                extra.append((k, v))
                continue
            if k == "gpus" and v is not None:
                if not isinstance(v, list | tuple) or not all(
                    isinstance(g, int) and not isinstance(g, bool) for g in v
                ):
                    raise RecordError(f"Job: field 'gpus' must be a list of ints, got {v!r:.60}")
                v = tuple(v)
            else:
                _check("Job", k, v, kinds[k])
            kw[k] = v
        if not isinstance(kw.get("id"), str):
            raise RecordError(f"Job: field 'id' must be str, got {doc.get('id')!r:.60}")
        return cls(**kw, doc_keys=tuple(doc), extra=tuple(extra))

    def to_doc(self) -> dict[str, Any]:
        """The document this record came from (same keys, same order)."""
        extra = dict(self.extra)
        out: dict[str, Any] = {}
        for k in self.doc_keys:
            if k in extra:
                out[k] = extra[k]
            else:
                v = getattr(self, k)
                out[k] = list(v) if k == "gpus" and v is not None else v
        return out

    @property
    def is_ended(self) -> bool:
        return self.state in ("finished", "failed")


_JOB_KINDS: dict[str, tuple[type, ...]] = {
    "id": _STR,
    "host": _STR,
    "name": _STR,
    "session": _STR,
    "run_id": _STR,
    "pane_id": _STR,
    "pid": _INT,
    "command": _STR,
    "note": _STR,
    "cwd": _STR,
    "git_commit": _STR,
    "git_dirty": _BOOL,
    "gpus": (list,),
    "started": _STR,
    "ended": _STR,
    "state": _STR,
    "exit_code": _INT,
    "duration_s": _NUM,
    "discovered": _BOOL,
    "tmux_target": _STR,
    "slurm_id": _STR,
    "stdout": _STR,
    "journal": (dict,),
}


@record
class JobView:
    """One job as a host's poll saw it: a GPU process (grouped by tmux pane), a job launched by
    cockpit, or a Slurm job (then ``slurm`` holds what Slurm said)."""

    host: str
    state: str
    tmux_target: str | None = None
    pane_id: str | None = None
    pid: int | None = None
    user: str | None = None
    command: str | None = None
    gpus: tuple[int, ...] = ()
    gpu_mem_mib: float | None = None
    runtime_s: int | None = None
    launched: str | None = None  # the stored Job's id, for a job cockpit launched
    name: str | None = None
    note: str | None = None
    started: str | None = None
    last_line: str | None = None
    progress_pct: float | None = None
    eta_s: int | None = None
    rate: str | None = None
    slurm_id: str | None = None
    slurm_state: str | None = None
    reason: str | None = None
    elapsed_s: int | None = None
    time_limit_s: int | None = None
    nodes: str | None = None
    gpu_count: int | None = None
    exit_code: int | None = None
    stdout: str | None = None
    slurm: SlurmJob | None = None

    @property
    def session(self) -> str | None:
        """The tmux session this job runs in (``train`` of ``train:0.0``)."""
        return (self.tmux_target or "").rsplit(":", 1)[0] or None

    def as_dict(self) -> dict[str, Any]:
        """The plain view the pure lifecycle functions of ``cockpit.core.jobs`` read."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "slurm"}
        out["gpus"] = list(self.gpus)
        out["slurm"] = self.slurm.to_doc() if self.slurm is not None else None
        return out

    def to_json(self, keys: tuple[str, ...] = JOB_KEYS) -> dict[str, Any]:
        return {k: list(self.gpus) if k == "gpus" else getattr(self, k) for k in keys}


@record
class HostState:
    """What one poll of one host saw, as the TUI and the CLI get it."""

    name: str
    ok: bool
    error: str | None = None
    gpus: tuple[Gpu, ...] = ()
    jobs: tuple[JobView, ...] = ()
    notes: tuple[str, ...] = ()  # partial problems: no nvidia-smi, no tmux, ...
    last_seen: str | None = None
    polled_at: str | None = None
    idle_cost: float = 0.0
    compute_procs: int = 0
    # for the services' bookkeeping (job lifecycle, Slurm alerts), not for display
    observation: Observation | None = field(default=None, compare=False, repr=False)
    slurm_transitions: tuple[Transition, ...] = ()

    def to_json(self, job_keys: tuple[str, ...] = JOB_KEYS) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "error": self.error,
            "gpus": [
                {
                    "index": g.index,
                    "uuid": g.uuid,
                    "name": g.name,
                    "util_pct": g.util_pct,
                    "mem_used_mib": g.mem_used_mib,
                    "mem_total_mib": g.mem_total_mib,
                    "temp_c": g.temp_c,
                    "power_w": g.power_w,
                }
                for g in self.gpus
            ],
            "jobs": [j.to_json(job_keys) for j in self.jobs],
        }
