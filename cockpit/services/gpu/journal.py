"""The experiment journal: each run's entry (``cockpit.core.journal``) captured at its start,
its GPU use accumulated from the polls, and its end (GPU-hours, cost, outcome, the outcome's
alert).

* ``capture``: after ``launch`` (and for a GPU job found in a pane, or a Slurm job first seen
  pending or running, in its working directory on the login host), one script on the host
  reads the run's folder: git, diff, ``dvc.lock``, the config files named on its command line
  (a private copy of each under the data folder's ``journal/`` folder, 0600);
* ``Memory``: the GPU use of each running job since its last write, held by the ``Poller``.
  A poll only adds numbers there; a job's use is written when it is first seen, every
  ``FLUSH_S`` seconds, and when it is no longer seen (it ended);
* ``step``: run after each recorded poll; ``finish_runs``: the end of the runs that ended.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cockpit.core import jobs as jc
from cockpit.core import journal as cj
from cockpit.core.text import clean
from cockpit.services.gpu.records import jobs_collection

if TYPE_CHECKING:
    from pathlib import Path

    from cockpit.context import Context
    from cockpit.core.gpu_records import HostState, JobView
    from cockpit.services.gpu.poller import Poller

log = logging.getLogger(__name__)

FLUSH_S = 300.0  # a running job's GPU use is written at least this often (seconds)

Key = tuple[Any, ...]


def journal_dir(ctx: Context) -> Path:
    return ctx.paths.data_dir / "journal"


@dataclass
class Memory:
    """GPU use per job since its last write: ``("L", id)`` for a launched job, ``("D", host,
    pid, command)`` for a found one (how its stored record is known)."""

    pending: dict[Key, cj.Usage] = field(default_factory=dict)
    written: dict[Key, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, st: HostState) -> set[Key]:
        """Add one poll of a host; the keys of the jobs it saw on a GPU."""
        seen: set[Key] = set()
        if not st.ok or not st.gpus:
            return seen
        utils = {g.index: g.util_pct for g in st.gpus}
        names = {g.index: g.name for g in st.gpus}
        users: dict[int, int] = {}
        for v in st.jobs:
            for g in v.gpus:
                users[g] = users.get(g, 0) + 1
        with self.lock:
            for v in st.jobs:
                if not v.gpus or v.slurm_id:
                    continue
                k = key_of(v)
                shared = any(users.get(g, 0) > 1 for g in v.gpus)
                u = self.pending.setdefault(k, cj.Usage())
                u.add(v.gpus, utils, v.gpu_mem_mib, shared)
                u.host_gpus = len(st.gpus)
                u.gpu_names.update(clean(names.get(g) or "", max_len=40) for g in v.gpus if names.get(g))
                seen.add(k)
        return seen


def key_of(v: JobView) -> Key:
    return ("L", v.launched) if v.launched else ("D", v.host, v.pid, v.command)


# ---------------------------------------------------------------- the start of a run


def capture(ctx: Context, poller: Poller, job: dict[str, Any], pid: int | None = None) -> dict[str, Any]:
    """Read the run's folder on its host into its journal (stored, and returned). Nothing that
    fails here fails the run: a missing git or DVC is simply absent."""
    from cockpit.sources import journal_probe as jp

    nonce = jp.new_nonce()
    command = job.get("command") or ""
    script = jp.capture_script(
        nonce, job.get("cwd") if pid is None else None, pid, cj.config_candidates(command)
    )
    rc, out = poller.run(job["host"], script, backoff=False)
    j: dict[str, Any] = dict(job.get("journal") or {})
    fields: dict[str, Any] = {}
    configs = []
    folder = journal_dir(ctx)
    values: dict[str, bytes] = {}
    for piece in jp.parse(out, nonce):
        if piece.kind == "value":
            values[piece.name] = piece.data
        elif piece.kind == "file":
            digest = cj.sha256(piece.data)
            cut = piece.size is not None and piece.size > len(piece.data)
            jp.save_private(folder / "configs", digest, piece.data)
            configs.append(
                {
                    "path": clean(piece.name, max_len=300),
                    "sha256": digest,
                    "size": piece.size,
                    "copy": f"configs/{digest}",
                    "cut": cut,
                }
            )

    def text(name: str) -> str:
        return values.get(name, b"").decode("utf-8", "replace").strip()

    if rc == 41:
        j["capture_error"] = "the run's folder could not be read"
    if text("run_id"):
        j["run_id"] = clean(text("run_id"), max_len=100)
    elif job.get("run_id"):
        j["run_id"] = job["run_id"]
    if pid is not None or job.get("slurm_id"):  # a found or Slurm job: what its folder gives
        if text("cwd"):
            fields["cwd"] = clean(text("cwd"), max_len=500)
        if text("git_commit"):
            fields["git_commit"] = clean(text("git_commit"), max_len=64)
            fields["git_dirty"] = text("git_dirty") == "1"
    if "diff_stat" in values:
        j["diff_stat"] = clean(text("diff_stat"), max_len=4000, keep_newlines=True)
    patch = values.get("patch")
    if patch:
        digest = cj.sha256(patch)
        jp.save_private(folder / "patches", digest, patch)
        j["patch"] = f"patches/{digest}"
    if "dvc_lock" in values:
        j["data_version"] = cj.data_version(values["dvc_lock"])
    j["configs"] = configs
    fields["journal"] = j
    jobs_collection(ctx).update(job["id"], fields)
    return j


def capture_quietly(ctx: Context, poller: Poller, job: dict[str, Any], pid: int | None = None) -> None:
    try:
        capture(ctx, poller, job, pid)
    except Exception as e:  # noqa: BLE001 - the journal never stops a launch or a poll
        log.warning(
            "journal: could not read the folder of job %s: %s", job.get("id"), clean(str(e), max_len=200)
        )


# ---------------------------------------------------------------- after each poll


def step(
    ctx: Context,
    poller: Poller | None,
    states: list[HostState],
    found: list[dict[str, Any]],
    ended: list[dict[str, Any]],  # noqa: ARG001 - their use is written: no longer seen
) -> None:
    """After a recorded poll: add the GPU use, write what is due (the ended runs' use too), and
    read the folders of newly found jobs."""
    mem = poller.journal if poller is not None else Memory()
    now = ctx.clock.monotonic()
    seen: set[Key] = set()
    for st in states:
        seen |= mem.observe(st)
    polled = {st.name for st in states}
    due = [k for k in list(mem.pending) if k not in seen or now - mem.written.get(k, -1e18) >= FLUSH_S]
    due = [k for k in due if k[0] == "L" or k[1] in polled or k not in seen]
    if due:
        _write_usage(ctx, mem, due, now)
    if poller is not None:
        for doc in found[:8]:  # a burst of found jobs: the rest keep what ps gave
            capture_quietly(ctx, poller, doc, pid=doc.get("pid"))


def _write_usage(ctx: Context, mem: Memory, keys: list[Key], now: float) -> None:
    col = jobs_collection(ctx)
    found_ids: dict[Key, str] = {}
    if any(k[0] == "D" for k in keys):
        from cockpit.services.gpu.records import open_launched

        for d in open_launched(ctx):
            if d.get("discovered"):
                found_ids[("D", d.get("host"), d.get("pid"), d.get("command"))] = d["id"]
    with mem.lock:
        todo = [(k, mem.pending.pop(k)) for k in keys if k in mem.pending]
        for k, _ in todo:
            mem.written[k] = now
    with ctx.store.atomic():
        for k, usage in todo:
            jid = k[1] if k[0] == "L" else found_ids.get(k)
            if not jid:
                continue
            doc = col.get(jid)
            if doc is None:
                continue
            j = dict(doc.get("journal") or {})
            j["usage"] = cj.merge(j.get("usage"), usage)
            col.update(jid, {"journal": j})
    if len(mem.written) > 4096:  # jobs long gone
        mem.written = dict(list(mem.written.items())[-1024:])


def host_gpu_count(states: list[HostState], host: str) -> int:
    return next((len(s.gpus) for s in states if s.name == host), 0)


def update_journal(ctx: Context, jid: str, changes: dict[str, Any]) -> dict[str, Any] | None:
    """Set keys of a job's journal under the store's lock; the whole new document."""
    col = jobs_collection(ctx)
    with ctx.store.atomic():
        doc = col.get(jid)
        if doc is None:
            return None
        j = {**(doc.get("journal") or {}), **changes}
        return col.update(jid, {"journal": j})


def is_ended(doc: dict[str, Any]) -> bool:
    return doc.get("state") in jc.END_STATES
