"""Job views: what a host's poll shows per job (GPU processes grouped by tmux pane, jobs cockpit
launched, Slurm jobs), as typed ``JobView`` rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cockpit.core import jobs as jc
from cockpit.core.gpu_records import JOB_KEYS, JobView
from cockpit.core.text import clean
from cockpit.sources import parse_tmux

if TYPE_CHECKING:
    from cockpit.core.slurm import SlurmJob
    from cockpit.sources.probe import HostProbe

__all__ = ["JOB_KEYS", "build_jobs", "slurm_view"]


def build_jobs(host: str, p: HostProbe, launched: list[dict[str, Any]]) -> list[JobView]:
    """Job views: GPU processes grouped by tmux pane, plus cockpit-launched jobs with no GPU."""
    index_of = {g.uuid: g.index for g in p.gpus}
    panes = {pn.pane_id: pn for pn in p.panes}
    pane_for = jc.map_to_panes([a.pid for a in p.apps], p.procs, p.panes)
    by_key: dict[str, dict[str, Any]] = {}
    for a in p.apps:
        pane = pane_for.get(a.pid)
        key = pane.pane_id if pane else f"pid:{a.pid}"
        proc = p.procs.get(a.pid)
        job = by_key.get(key)
        if job is None:
            job = by_key[key] = {
                "host": host,
                "tmux_target": pane.target if pane else None,
                "pane_id": pane.pane_id if pane else None,
                "pid": a.pid,
                "user": proc.user if proc else None,
                "command": clean(proc.args if proc else a.name, max_len=300),
                "gpus": [],
                "gpu_mem_mib": None,
                "state": jc.RUNNING,
                "runtime_s": proc.etime_s if proc else None,
                "launched": None,
            }
        gi = index_of.get(a.gpu_uuid)
        if gi is not None and gi not in job["gpus"]:
            job["gpus"].append(gi)
        if a.used_mib is not None:
            job["gpu_mem_mib"] = (job["gpu_mem_mib"] or 0) + a.used_mib
    for lj in launched:
        pane = panes.get(lj.get("pane_id") or "")
        key = pane.pane_id if pane else f"run:{lj.get('run_id')}"
        job = by_key.get(key)
        if job is None:
            proc = p.procs.get(pane.pane_pid) if pane and pane.pane_pid else None
            job = by_key[key] = {
                "host": host,
                "tmux_target": pane.target if pane else None,
                "pane_id": pane.pane_id if pane else None,
                "pid": lj.get("pid"),
                "user": proc.user if proc else None,
                "command": clean(lj.get("command", ""), max_len=300),
                "gpus": [],
                "gpu_mem_mib": None,
                "runtime_s": None,
            }
        job["state"] = lj.get("state", jc.RUNNING)
        job["launched"] = lj.get("id")
        job["name"] = lj.get("name")
        job["note"] = lj.get("note")
        if lj.get("started"):
            job["started"] = lj["started"]
    for job in by_key.values():
        text = p.captures.get(job.get("pane_id") or "", "")
        line = parse_tmux.last_line(text) if text else ""
        prog = parse_tmux.parse_progress(line) if line else None
        job["last_line"] = line or None
        job["progress_pct"] = prog.pct if prog else None
        job["eta_s"] = prog.eta_s if prog else None
        job["rate"] = prog.rate if prog else None
        job["gpus"].sort()
    rows = sorted(by_key.values(), key=lambda j: (j.get("tmux_target") or "~", j.get("pid") or 0))
    return [JobView(**{**j, "gpus": tuple(j["gpus"])}) for j in rows]


def _slurm_line(sj: SlurmJob) -> str:
    """What the pane shows for a Slurm job instead of a tmux pane's last line."""
    from cockpit.core.slurm import format_duration, lifecycle_of

    life = lifecycle_of(sj.state)
    fmt = format_duration
    if life == "pending":
        return f"{sj.state.lower()}: {sj.reason or '?'}"
    bits = [sj.outcome] if life not in ("running", "unknown") else [sj.state.lower()]
    if sj.elapsed_s is not None:
        limit = fmt(sj.time_limit_s) if sj.time_limit_s is not None else "-"
        bits.append(f"{fmt(sj.elapsed_s)}/{limit}")
    if sj.nodes:
        bits.append(f"on {sj.nodes}")
    if sj.name:
        bits.append(sj.name)
    return " ".join(bits)


def slurm_view(host: str, sj: SlurmJob, stdout_path: Callable[[SlurmJob], str]) -> JobView:
    """A job view (the same fields as a tmux job) from a ``core.slurm.SlurmJob``."""
    from cockpit.core.slurm import lifecycle_of

    state = lifecycle_of(sj.state)
    if state == "unknown":
        state = jc.slurm_state(sj.state)
    gpus: list[int] = []
    for part in (sj.gpu_ids or "").split(","):
        a, _, b = part.partition("-")
        if a.isdigit() and (not b or b.isdigit()):
            gpus += list(range(int(a), int(b or a) + 1))
    try:
        stdout = stdout_path(sj)
    except Exception:  # noqa: BLE001 - no file name: tail asks scontrol
        stdout = None
    return JobView(
        host=host,
        tmux_target=None,
        pid=None,
        user=sj.user or None,
        command=clean(sj.name, max_len=200),
        gpus=tuple(gpus),
        gpu_mem_mib=None,
        state=state,
        last_line=clean(_slurm_line(sj), max_len=200),
        progress_pct=None,
        slurm_id=sj.job_id,
        slurm_state=sj.state,
        reason=sj.reason or None,
        elapsed_s=sj.elapsed_s,
        time_limit_s=sj.time_limit_s,
        nodes=sj.nodes or None,
        gpu_count=sj.gpus,
        runtime_s=sj.elapsed_s,
        exit_code=sj.exit_code,
        stdout=stdout,
        slurm=sj,
    )
