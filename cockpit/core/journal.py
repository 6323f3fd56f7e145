"""The experiment journal, pure part: what a run's entry holds and how it is computed.

A job's stored document carries a ``journal`` mapping (JSON) next to the fields the lifecycle
keeps (command, note, cwd, commit, times, exit):

* ``run_id``: the ``COCKPIT_RUN_ID`` the job's environment had (launched jobs, found ones that
  carried it);
* ``configs``: the config files named on the command line, each ``{path, sha256, size, copy}``
  (``copy``: the private copy's name under the data folder's ``journal/`` folder);
* ``data_version``: ``{file, sha256, outs}`` from ``dvc.lock`` (its out paths and their hashes);
* ``diff_stat``: ``git diff --stat HEAD`` at start; ``patch``: the private copy of that diff;
* ``usage``: ``{samples, util_sum, util_n, peak_gpu_mem_mib, gpus_seen, shared, host_gpus,
  gpu_names}``, accumulated from the polls cockpit already makes;
* ``gpu_hours``, ``cost``, ``mean_util_pct``: computed at the end (``finish``);
* ``outcome``: what the tracker (or the pane) said: ``{source, run, name, link, metrics,
  params}``; ``outcome_note``: the user's own words;
* ``slurm``: for a Slurm job, what Slurm said: ``{job_id, state, nodes, partition, gpus,
  gpu_ids, elapsed_s, signal}`` (``slurm_fields``).

No I/O: the capture script's answer is parsed in ``cockpit.sources.journal_probe``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shlex
from dataclasses import dataclass, field
from typing import Any

from cockpit.core.text import clean

CONFIG_EXTS = (".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".conf", ".jsonnet", ".gin")
MAX_CONFIGS = 16
MAX_OUTS = 200


def config_candidates(command: str) -> list[str]:
    """Paths on the command line that look like config files (``c.yaml``, ``--config=c.yaml``,
    ``key=c.yaml``; a quoted ``sh -c '...'`` line is split once more)."""

    def split(text: str) -> list[str]:
        try:
            return shlex.split(text)
        except ValueError:
            return text.split()

    toks: list[str] = []
    for t in split(command or ""):
        toks += split(t) if " " in t else [t]
    out: list[str] = []
    for t in toks:
        t = t.rstrip(";&|)")
        for part in (t.split("=", 1)[1] if "=" in t else t,):
            if part and not part.startswith("-") and part.lower().endswith(CONFIG_EXTS) and part not in out:
                out.append(part)
    return out[:MAX_CONFIGS]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dvc_outs(text: str) -> dict[str, str]:
    """``path -> hash`` of the deps and outs in a ``dvc.lock`` (md5, etag or checksum), read
    line by line: its ``- path: X`` items each followed by their hash."""
    out: dict[str, str] = {}
    path: str | None = None
    for raw in text.splitlines():
        line = raw.strip().removeprefix("- ").strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        value = value.strip().strip("'\"")
        if key == "path":
            path = value
        elif key in ("md5", "etag", "checksum") and path is not None and value:
            out[clean(path, max_len=300)] = clean(value, max_len=100)
            path = None
            if len(out) >= MAX_OUTS:
                break
    return out


def data_version(lock: bytes) -> dict[str, Any]:
    return {
        "file": "dvc.lock",
        "sha256": sha256(lock),
        "outs": dvc_outs(lock.decode("utf-8", errors="replace")),
    }


# ---------------------------------------------------------------- GPU use, from the polls


@dataclass
class Usage:
    """GPU use seen since the last write, in memory (``merge`` adds it to the stored one)."""

    samples: int = 0
    util_sum: float = 0.0
    util_n: int = 0
    peak_gpu_mem_mib: float | None = None
    gpus_seen: set[int] = field(default_factory=set)
    shared: bool = False
    host_gpus: int = 0
    gpu_names: set[str] = field(default_factory=set)

    def add(
        self, gpus: tuple[int, ...], utils: dict[int, float | None], mem_mib: float | None, shared: bool
    ) -> None:
        """One poll's sample: the mean utilisation of the GPUs the job held (unknown ones left
        out), its memory, whether another process used one of its GPUs."""
        self.samples += 1
        vals = [u for g in gpus if (u := utils.get(g)) is not None]
        if vals:
            self.util_sum += sum(vals) / len(vals)
            self.util_n += 1
        if mem_mib is not None:
            self.peak_gpu_mem_mib = max(self.peak_gpu_mem_mib or 0.0, mem_mib)
        self.gpus_seen.update(gpus)
        self.shared = self.shared or shared


def merge(stored: dict[str, Any] | None, u: Usage) -> dict[str, Any]:
    s = dict(stored or {})
    peak = [v for v in (s.get("peak_gpu_mem_mib"), u.peak_gpu_mem_mib) if isinstance(v, int | float)]
    seen = {g for g in s.get("gpus_seen") or [] if isinstance(g, int)} | u.gpus_seen
    return {
        "samples": int(s.get("samples") or 0) + u.samples,
        "util_sum": round(float(s.get("util_sum") or 0) + u.util_sum, 3),
        "util_n": int(s.get("util_n") or 0) + u.util_n,
        "peak_gpu_mem_mib": max(peak) if peak else None,
        "gpus_seen": sorted(seen),
        "shared": bool(s.get("shared")) or u.shared,
        "host_gpus": max(int(s.get("host_gpus") or 0), u.host_gpus),
        "gpu_names": sorted({*(s.get("gpu_names") or []), *u.gpu_names})[:8],
    }


def mean_util(usage: dict[str, Any] | None) -> float | None:
    if not usage or not usage.get("util_n"):
        return None
    return round(float(usage["util_sum"]) / int(usage["util_n"]), 1)


def gpu_count(job: dict[str, Any]) -> int:
    """The GPUs a run held: those the polls saw it on, else those Slurm allocated it, else
    those it was launched on."""
    j = job.get("journal") or {}
    seen = (j.get("usage") or {}).get("gpus_seen") or []
    slurm_gpus = (j.get("slurm") or {}).get("gpus")
    if not seen and isinstance(slurm_gpus, int) and not isinstance(slurm_gpus, bool) and slurm_gpus > 0:
        return slurm_gpus
    return len(seen) or len(job.get("gpus") or [])


def finish(job: dict[str, Any], end: dt.datetime, cost_per_hour: float) -> dict[str, Any]:
    """The journal with the run's GPU-hours, cost and mean utilisation up to ``end``.

    The cost is the host's ``cost_per_hour`` times the share of its GPUs the run held (all of
    them when the host's GPU count is unknown)."""
    from cockpit.core.clock import from_stamp

    j = dict(job.get("journal") or {})
    started = job.get("started")
    hours = max(0.0, (end - from_stamp(started)).total_seconds() / 3600) if started else None
    n = gpu_count(job)
    host_gpus = (j.get("usage") or {}).get("host_gpus") or 0
    j["mean_util_pct"] = mean_util(j.get("usage"))
    j["gpu_hours"] = round(hours * n, 4) if hours is not None else None
    if hours is not None and cost_per_hour > 0:
        share = min(1.0, n / host_gpus) if host_gpus and n else 1.0
        j["cost"] = round(hours * cost_per_hour * share, 2)
    else:
        j["cost"] = None
    return j


# ---------------------------------------------------------------- a Slurm job's entry


def slurm_fields(sj: dict[str, Any]) -> dict[str, Any]:
    """A Slurm job's stored fields from what Slurm said (``SlurmJob.to_doc()``): its working
    directory, its start and end (Slurm's own times; a pending job's start is only an estimate
    and is left out), its exit code, and the journal's ``slurm`` part (job id, state, nodes,
    partition, allocated GPUs from TRES/gres). Keys Slurm did not say are left out."""
    from cockpit.core.slurm import PENDING_STATES, TERMINAL_STATES

    state = str(sj.get("state") or "")
    out: dict[str, Any] = {}
    if sj.get("workdir"):
        out["cwd"] = clean(str(sj["workdir"]), max_len=500)
    if sj.get("start") and state not in PENDING_STATES:
        out["started"] = str(sj["start"])
    if sj.get("end") and state in TERMINAL_STATES:
        out["ended"] = str(sj["end"])
    if state in TERMINAL_STATES and isinstance(sj.get("exit_code"), int):
        out["exit_code"] = sj["exit_code"]
    gpus = sj.get("gpus")
    slurm = {
        "job_id": clean(str(sj.get("job_id") or ""), max_len=60),
        "state": clean(state, max_len=40),
        "nodes": clean(str(sj.get("nodes") or ""), max_len=200) or None,
        "partition": clean(str(sj.get("partition") or ""), max_len=60) or None,
        "gpus": gpus if isinstance(gpus, int) and not isinstance(gpus, bool) and gpus > 0 else 0,
        "gpu_ids": clean(str(sj.get("gpu_ids") or ""), max_len=60) or None,
        "elapsed_s": sj.get("elapsed_s") if isinstance(sj.get("elapsed_s"), int) else None,
        "signal": sj.get("signal") if isinstance(sj.get("signal"), int) else None,
    }
    out["journal"] = {"slurm": slurm}
    return out


def with_slurm(doc: dict[str, Any], sj: dict[str, Any]) -> dict[str, Any]:
    """The changes that give a stored Slurm job what Slurm says now: ``slurm_fields`` merged
    into its journal, and its duration from Slurm's start and end when both are known."""
    from cockpit.core.clock import from_stamp

    changes = slurm_fields(sj)
    changes["journal"] = {**(doc.get("journal") or {}), **changes["journal"]}
    start = changes.get("started") or doc.get("started")
    if start and changes.get("ended"):
        changes["duration_s"] = max(
            0, round((from_stamp(changes["ended"]) - from_stamp(start)).total_seconds())
        )
    return changes
