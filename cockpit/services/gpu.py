"""GPU jobs use cases shared by the CLI and the TUI: poll hosts, build snapshots, keep job
history, raise alerts, launch / kill / tail jobs.

Polling runs every host concurrently in worker threads; each host has its own deadline, so a
dead or stalled host shows its error and last-seen time and never delays the others.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cockpit.config import LOCAL_HOST, HostConfig
from cockpit.core import jobs as jc
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.gpu import Gpu
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.sources import probe as probe_mod
from cockpit.store import schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.store import Collection

LOCAL = LOCAL_HOST
MAX_OUTPUT = 1024 * 1024  # more than this from one poll is refused
SLURM_MISSING = "slurm support not installed"


def jobs_collection(ctx: Context) -> Collection:

    return schema.jobs(ctx.store)


# ---------------------------------------------------------------- slurm integration (item 9)


#: Slurm history (sacct, or the job-completion log) is asked for on at most one poll in this
#: many seconds per host; the polls between only run squeue (docs: 30-60 s, not every poll).
SLURM_HISTORY_S = 45.0


def _slurm() -> tuple[Any, Any] | None:
    """(sources.slurm, core.slurm), or None when they are not installed."""
    try:
        from cockpit.core import slurm as core_slurm
        from cockpit.sources import slurm as src_slurm
    except ImportError:
        return None
    return src_slurm, core_slurm


# ---------------------------------------------------------------- snapshots


@dataclass
class HostState:
    name: str
    ok: bool
    error: str | None = None
    gpus: list[Gpu] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # partial problems: no nvidia-smi, no tmux, ...
    last_seen: str | None = None
    polled_at: str | None = None
    idle_cost: float = 0.0
    compute_procs: int = 0
    observation: jc.Observation | None = None
    # Slurm: what changed since this host's previous successful squeue (core.slurm.Transition)
    slurm_transitions: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
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
            "jobs": [{k: j.get(k) for k in JOB_KEYS} for j in self.jobs],
        }


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


def build_jobs(host: str, p: probe_mod.HostProbe, launched: list[dict[str, Any]]) -> list[dict[str, Any]]:
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
        line = jc.last_line(text) if text else ""
        prog = jc.parse_progress(line) if line else None
        job["last_line"] = line or None
        job["progress_pct"] = prog.pct if prog else None
        job["eta_s"] = prog.eta_s if prog else None
        job["rate"] = prog.rate if prog else None
        job["gpus"].sort()
    return sorted(by_key.values(), key=lambda j: (j.get("tmux_target") or "~", j.get("pid") or 0))


# ---------------------------------------------------------------- the poller


class Poller:
    """Holds one persistent connection per host; ``poll`` runs every host concurrently."""

    def __init__(self, ctx: Context, only: list[str] | None = None) -> None:
        from cockpit.sources.ssh import Link

        self.ctx = ctx
        cfg = ctx.config
        self.hosts: list[HostConfig] = []
        if cfg.gpu.local:
            self.hosts.append(HostConfig(name=LOCAL, poll_seconds=cfg.gpu.poll_seconds))
        self.hosts += list(cfg.hosts)
        if only:
            names = {h.name for h in self.hosts}
            unknown = [n for n in only if n not in names]
            if unknown:
                known = ", ".join(sorted(names)) or "none configured"
                raise UsageError(f"unknown host {unknown[0]!r} (hosts: {known})")
            self.hosts = [h for h in self.hosts if h.name in only]
        self.links = {
            h.name: Link(
                h.name,
                cfg.gpu.ssh_config,
                cfg.gpu.known_hosts,
                trust_on_first_use=h.trust_on_first_use,
                timeout=cfg.gpu.connect_timeout_s,
            )
            for h in self.hosts
            if h.name != LOCAL
        }
        self.last_seen: dict[str, str] = {}
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, min(64, len(self.hosts))), thread_name_prefix="gpu-poll"
        )
        self._lock = threading.Lock()
        self.in_flight: set[str] = set()
        self.polled_at: dict[str, float] = {}
        # Slurm, per host: the last probe whose squeue answered (compared with the next one),
        # when history was last asked for, and the ended jobs that history reported
        self.slurm_history_s = SLURM_HISTORY_S
        self.slurm_prev: dict[str, Any] = {}
        self.slurm_history_at: dict[str, float] = {}
        self.slurm_ended: dict[str, list[Any]] = {}

    def host(self, name: str) -> HostConfig:
        for h in self.hosts:
            if h.name == name:
                return h
        raise UsageError(f"unknown host {name!r}")

    # ------------------------------------------------------------ running commands

    def run(
        self, host: str, script: str, timeout: float | None = None, backoff: bool = True
    ) -> tuple[int | None, str]:
        """Run a POSIX sh script on a host; output is stdout and stderr together."""
        timeout = timeout or self.ctx.config.gpu.command_timeout_s
        if host == LOCAL:
            from cockpit.sources.tmux import LocalError, run_local

            try:
                return run_local(script, timeout)
            except LocalError as e:
                raise CockpitError(str(e)) from None
        from cockpit.sources.ssh import SshError

        link = self.links.get(host)
        if link is None:
            raise UsageError(f"unknown host {host!r}")
        try:
            rc, out = link.run(probe_mod.remote_command(script), timeout, MAX_OUTPUT, backoff=backoff)
        except SshError as e:
            raise CockpitError(str(e)) from None
        return rc, out.decode(errors="replace")

    # ------------------------------------------------------------ polling

    def poll_one(self, h: HostConfig, launched: list[dict[str, Any]] | None = None) -> HostState:
        now = self.ctx.clock.now()
        state = HostState(name=h.name, ok=False, polled_at=to_stamp(now))
        nonce = probe_mod.new_nonce()
        slurm = _slurm() if h.kind in ("slurm", "both") else None
        timeout = self.ctx.config.gpu.command_timeout_s
        slurm_snippet = None
        history = False
        if slurm:
            mono = self.ctx.clock.monotonic()
            history = mono - self.slurm_history_at.get(h.name, -1e18) >= self.slurm_history_s - 0.05
            # each Slurm client call (squeue, sacct, scontrol) is cut at the command timeout;
            # the whole probe already runs under sh -c (remote_command), whatever the login shell
            slurm_snippet = slurm[0].probe_script(history=history, timeout_s=max(1, int(timeout)))
            timeout = timeout * 3 + 5
        local = h.name == LOCAL
        local_gpus: tuple[list[Any], list[Any]] = ([], [])
        local_error = None
        if local:  # NVML first: its pids go into the script, so ps details them
            from cockpit.sources import nvml

            try:
                local_gpus = nvml.read()
            except nvml.NvmlUnavailable as e:
                local_error = str(e)
        script = probe_mod.build_script(
            nonce, gpus=not local, slurm=slurm_snippet, gpu_pids=[a.pid for a in local_gpus[1]]
        )
        try:
            rc, out = self.run(h.name, script, timeout=timeout)
            p = probe_mod.parse_output(out, nonce, gpus=not local)
        except (CockpitError, probe_mod.ProbeError) as e:
            state.error = clean(str(e), max_len=300)
            state.last_seen = self.last_seen.get(h.name)
            state.observation = jc.Observation(ok=False)
            return state
        if local:
            p.gpus, p.apps = local_gpus
            p.gpu_error = local_error
        state.ok = True
        self.last_seen[h.name] = state.polled_at or ""
        state.last_seen = state.polled_at
        state.gpus = p.gpus
        state.compute_procs = len(p.apps)
        if p.gpu_error and h.kind != "slurm":
            state.notes.append(p.gpu_error)
        if p.tmux_error and h.kind != "slurm":
            state.notes.append(p.tmux_error)
        if h.kind in ("slurm", "both") and slurm is None:
            state.notes.append(SLURM_MISSING)
            if h.kind == "slurm":
                state.error = SLURM_MISSING
        if slurm is not None and p.slurm_text is not None:
            try:
                state.jobs += self._slurm_jobs(h.name, p.slurm_text, now, history, state)
            except Exception as e:  # noqa: BLE001 - a Slurm parse problem is a note, not a crash
                state.notes.append(f"slurm: {clean(str(e), max_len=120)}")
        state.jobs = build_jobs(h.name, p, launched or []) + state.jobs
        state.observation = jc.Observation(ok=True, panes=p.panes, procs=p.procs, exits=p.exits)
        return state

    def _slurm_jobs(
        self, host: str, text: str, now: dt.datetime, history: bool, state: HostState
    ) -> list[dict[str, Any]]:
        """Job views from one Slurm probe; sets ``state.slurm_transitions`` against the host's
        previous probe (both must have had squeue answer, else every job would look lost)."""
        from dataclasses import replace

        src, core = _slurm() or (None, None)
        probe = core.read_probe(text, now)
        for err in probe.errors:
            state.notes.append(clean(f"slurm: {err}", max_len=200))
        jobs = list(probe.jobs)
        if history:
            if probe.live_ok:  # a hung controller: ask again next poll
                self.slurm_history_at[host] = self.ctx.clock.monotonic()
            self.slurm_ended[host] = [j for j in jobs if j.terminal]
        else:  # between history polls, keep showing what the last one said had ended
            have = {j.job_id for j in jobs}
            jobs += [j for j in self.slurm_ended.get(host, []) if j.job_id not in have]
        if probe.live_ok:
            prev = self.slurm_prev.get(host)
            if prev is not None:
                state.slurm_transitions = core.state_changes(
                    prev.jobs,
                    jobs,
                    since=prev.remote_now,
                    early_failure_s=int(self.ctx.config.gpu.early_failure_minutes * 60),
                )
            self.slurm_prev[host] = replace(probe, jobs=jobs)
        return [_slurm_view(host, j, src, core) for j in jobs]

    def due(self, now: float) -> list[HostConfig]:
        """Hosts whose own poll interval has passed (monotonic seconds) and that are not in flight."""
        return [
            h
            for h in self.hosts
            if h.name not in self.in_flight
            and now - self.polled_at.get(h.name, -1e18) >= h.poll_seconds - 0.05
        ]

    def _safe_poll(self, h: HostConfig, launched: list[dict[str, Any]]) -> HostState:
        try:
            self.polled_at[h.name] = self.ctx.clock.monotonic()
            return self.poll_one(h, launched)
        except Exception as e:  # noqa: BLE001 - one host's bug must not take the others down
            return HostState(
                name=h.name,
                ok=False,
                error=clean(f"internal error: {e!r}", max_len=300),
                last_seen=self.last_seen.get(h.name),
                observation=jc.Observation(ok=False),
            )
        finally:
            with self._lock:
                self.in_flight.discard(h.name)

    def poll(
        self,
        on_result: Callable[[HostState], None] | None = None,
        hosts: list[HostConfig] | None = None,
    ) -> list[HostState]:
        hosts = hosts if hosts is not None else self.hosts
        from cockpit.store import CorruptFileError

        try:
            launched = recent_launched(self.ctx)
        except CorruptFileError:
            launched = []  # the store reports the file; the GPUs are still watched meanwhile
        with self._lock:  # a host still answering the previous poll is not asked again
            hosts = [h for h in hosts if h.name not in self.in_flight]
            self.in_flight.update(h.name for h in hosts)
        futures = [
            self._pool.submit(self._safe_poll, h, [j for j in launched if j.get("host") == h.name])
            for h in hosts
        ]
        from concurrent.futures import as_completed

        done: dict[int, HostState] = {}
        index = {f: i for i, f in enumerate(futures)}
        for f in as_completed(futures):  # each host's result as soon as it is there
            st = f.result()
            done[index[f]] = st
            if on_result is not None:
                on_result(st)
        return [done[i] for i in range(len(futures))]

    def close(self) -> None:
        for link in self.links.values():
            link.close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _slurm_line(sj: Any, core: Any) -> str:
    """What the pane shows for a Slurm job instead of a tmux pane's last line."""
    life = core.lifecycle_of(sj.state)
    fmt = core.format_duration
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


def _slurm_view(host: str, sj: Any, src: Any, core: Any) -> dict[str, Any]:
    """A job view (the same keys as a tmux job) from a ``core.slurm.SlurmJob``."""
    state = core.lifecycle_of(sj.state)
    if state == "unknown":
        state = jc.slurm_state(sj.state)
    gpus: list[int] = []
    for part in (sj.gpu_ids or "").split(","):
        a, _, b = part.partition("-")
        if a.isdigit() and (not b or b.isdigit()):
            gpus += list(range(int(a), int(b or a) + 1))
    try:
        stdout = src.stdout_path(sj)
    except Exception:  # noqa: BLE001 - no file name: tail asks scontrol
        stdout = None
    return {
        "host": host,
        "tmux_target": None,
        "pid": None,
        "user": sj.user or None,
        "command": clean(sj.name, max_len=200),
        "gpus": gpus,
        "gpu_mem_mib": None,
        "state": state,
        "last_line": clean(_slurm_line(sj, core), max_len=200),
        "progress_pct": None,
        "slurm_id": sj.job_id,
        "slurm_state": sj.state,
        "reason": sj.reason or None,
        "elapsed_s": sj.elapsed_s,
        "time_limit_s": sj.time_limit_s,
        "nodes": sj.nodes or None,
        "gpu_count": sj.gpus,
        "runtime_s": sj.elapsed_s,
        "exit_code": sj.exit_code,
        "stdout": stdout,
        "slurm": sj.to_doc(),
    }


# ---------------------------------------------------------------- lifecycle, alerts, idle


def open_launched(ctx: Context) -> list[dict[str, Any]]:
    """Cockpit-launched jobs not yet finished or failed (running or lost), newest months only."""
    col = jobs_collection(ctx)
    parts = col.parts()[-3:]
    return [j for j in col.all(parts) if j.get("state") not in jc.END_STATES]


def recent_launched(ctx: Context, hours: float = 12.0) -> list[dict[str, Any]]:
    """Open launched jobs plus those that ended in the last ``hours`` (so "what just died" shows)."""
    now = ctx.clock.now()
    col = jobs_collection(ctx)
    out = []
    for j in col.all(col.parts()[-2:]):
        ended = j.get("ended")
        if j.get("discovered") or j.get("slurm_id"):
            continue  # found by ancestry or squeue: the poll sees them itself
        if j.get("state") not in jc.END_STATES or (
            ended and (now - from_stamp(ended)).total_seconds() < hours * 3600
        ):
            out.append(j)
    return out


def record(
    ctx: Context, states: list[HostState], all_states: list[HostState] | None = None
) -> list[tuple[str, str, str]]:
    """Advance jobs, idle records and the status section (from ``all_states``, default ``states``)
    after a poll of ``states``' hosts; send the alerts. Returns them."""
    from cockpit.core.alerts import Alert

    now = ctx.clock.now()
    cfg = ctx.config.gpu
    by_host = {s.name: s for s in states}
    col = jobs_collection(ctx)
    alerts: list[tuple[str, str, str]] = []
    open_jobs = open_launched(ctx)
    # GPU jobs found by process ancestry: kept as history, their end alerts too
    for st in states:
        if st.observation is None:
            continue
        known = [j for j in open_jobs if j.get("discovered") and j.get("host") == st.name]
        views = [v for v in st.jobs if not v.get("launched") and not v.get("slurm_id")]
        new, changes = jc.discovered_changes(known, views, st.ok, now)
        known_slurm = [j for j in open_jobs if j.get("slurm_id") and j.get("host") == st.name]
        slurm_views = [v for v in st.jobs if v.get("slurm_id")]
        if known_slurm or slurm_views:
            # kept as history only: Slurm alerts come from st.slurm_transitions below, so one
            # state change never raises two alerts
            s_new, s_changes = jc.slurm_changes(known_slurm, slurm_views, st.ok, now)
            starts = {v["slurm_id"]: (v.get("slurm") or {}).get("start") for v in slurm_views}
            for doc in s_new:
                start = starts.get(doc["slurm_id"])
                if start:
                    doc["started"] = to_stamp(dt.datetime.fromisoformat(start))
            if s_new:
                col.insert_many(s_new)
            seen = {v["slurm_id"] for v in slurm_views}
            for t in st.slurm_transitions:  # Slurm forgot a running job: its record ends as lost
                ids = t.members or (t.job.job_id,)
                for k in known_slurm:
                    if t.lifecycle == "lost" and k["slurm_id"] in ids and k["slurm_id"] not in seen:
                        s_changes[k["id"]] = {"state": jc.LOST, "ended": to_stamp(now)}
            for jid, fields in s_changes.items():
                col.update(jid, fields)
        if new:
            col.insert_many(new)
        for jid, fields in changes.items():
            col.update(jid, fields)
            if fields.get("state") in jc.END_STATES:
                done = {**next(j for j in known if j["id"] == jid), **fields}
                a = jc.alert_for(done, now, cfg.early_failure_minutes)
                if a is not None:
                    alerts.append(a)
    slurm = _slurm()
    for st in states:
        for t in st.slurm_transitions if slurm else []:
            if t.alert:
                a = slurm[0].alert_for(t)
                alerts.append((f"{a.title} on {clean(st.name, max_len=40)}", a.body, a.urgency))
    for job in open_jobs:
        if job.get("discovered") or job.get("slurm_id"):
            continue
        st = by_host.get(job.get("host", ""))
        if st is None or st.observation is None:
            continue
        new_state, code = jc.next_state(job, st.observation)
        if new_state == job.get("state"):
            continue
        fields: dict[str, Any] = {"state": new_state, "exit_code": code}
        if new_state in jc.END_STATES:
            fields["ended"] = to_stamp(now)
            started = from_stamp(job["started"])
            fields["duration_s"] = round((now - started).total_seconds())
        col.update(job["id"], fields)
        job.update(fields)
        for view in st.jobs:
            if view.get("launched") == job["id"]:
                view["state"] = new_state
        if new_state == jc.RUNNING:
            continue  # back from lost: no alert
        a = jc.alert_for(job, now, cfg.early_failure_minutes)
        if a is not None:
            alerts.append(a)
        if new_state in jc.END_STATES and ctx.config.audit.jobs_as_training:
            from cockpit.services import audit

            audit.add_entry(
                ctx,
                start=from_stamp(job["started"]),
                end=now,
                category="training",
                source="job",
                note=clean(f"{job.get('name')} on {job.get('host')}", max_len=200),
            )
    # idle cost
    hosts = {h.name: h for h in ctx.config.hosts}
    idle_doc = schema.doc(ctx.store, schema.DOC_GPU_IDLE)
    idle = dict(idle_doc.read())
    changed = False
    for st in states:
        h = hosts.get(st.name)
        if h is None or h.cost_per_hour <= 0 or not st.ok:
            continue
        is_idle = jc.host_is_idle([g.util_pct for g in st.gpus], st.compute_procs, cfg.idle_util_pct)
        rec, burned = jc.idle_step(
            idle.get(st.name, {}), is_idle, now, h.cost_per_hour, cfg.idle_minutes, cfg.idle_repeat_minutes
        )
        if rec != idle.get(st.name, {}):
            idle[st.name] = rec
            changed = True
        st.idle_cost = jc.idle_cost(rec, now, h.cost_per_hour)
        if burned is not None:
            mins = int((now - from_stamp(rec["since"])).total_seconds() // 60)
            alerts.append(
                (
                    f"Idle GPUs on {clean(st.name, max_len=40)}: {burned:.2f} burned",
                    f"all GPUs idle for {mins} min at {h.cost_per_hour:g}/h",
                    "normal",
                )
            )
    if changed:
        idle_doc.set({k: v for k, v in idle.items() if v})
    for title, body, urgency in alerts:
        ctx.notifier.send(Alert(title=title, body=body, urgency=urgency, source="gpu"))  # type: ignore[arg-type]
    update_status(ctx, all_states if all_states is not None else states)
    return alerts


def update_status(ctx: Context, states: list[HostState]) -> None:
    from cockpit import status

    now = ctx.clock.now()
    recent = [j for j in jobs_collection(ctx).all(jobs_collection(ctx).parts()[-2:]) if j.get("ended")]
    failed = sum(
        1
        for j in recent
        if j.get("state") == jc.FAILED and (now - from_stamp(j["ended"])).total_seconds() < 86400
    )
    running = sum(1 for s in states for j in s.jobs if j.get("state") == jc.RUNNING)
    value = {"running": running, "failed": failed, "idle_cost": round(sum(s.idle_cost for s in states), 2)}
    prev = status.read(ctx.paths.status_file).get("gpu")
    if prev != value:
        status.update_section(ctx.paths, "gpu", value)


# ---------------------------------------------------------------- actions

_SESSION_OK = re.compile(r"[^A-Za-z0-9_-]+")


def session_name(name: str | None, now: dt.datetime) -> str:
    base = _SESSION_OK.sub("-", name or "").strip("-")[:40]
    return base or "job-" + now.strftime("%Y%m%d-%H%M%S")


def launch(
    ctx: Context,
    poller: Poller,
    host: str,
    command: list[str],
    name: str | None = None,
    note: str = "",
    gpus: str | None = None,
    cwd: str | None = None,
) -> dict[str, Any]:
    """Start ``command`` in a detached tmux session through the exit-status wrapper; record it."""
    if not command:
        raise UsageError("launch: give the command after --")
    if gpus is not None and not re.fullmatch(r"\d+(,\d+)*", gpus):
        raise UsageError(f"launch: --gpus must look like 0,1 (got {gpus!r})")
    now = ctx.clock.now()
    session = session_name(name, now)
    run_id = f"{session}-{int(now.timestamp())}"
    cmdline = shlex.join(command)
    run_dir = f'"$HOME/.cache/cockpit/runs/"{shlex.quote(run_id)}'
    env = f"CUDA_VISIBLE_DEVICES={shlex.quote(gpus)}; export CUDA_VISIBLE_DEVICES; " if gpus else ""
    wrapper = f'R={run_dir}; {env}{cmdline}\nc=$?; echo $c > "$R/exit_code.tmp" && mv "$R/exit_code.tmp" "$R/exit_code"; exit $c'
    cd = f"cd {shlex.quote(cwd)} || exit 41" if cwd else 'cd "$HOME" || exit 41'
    script = "\n".join(
        [
            cd,
            f'R={run_dir}; mkdir -p "$R" || exit 42',
            'has() { command -v "$1" >/dev/null 2>&1; }',
            "has tmux || { echo 'tmux not found on host'; exit 43; }",
            f"if tmux has-session -t ={shlex.quote(session)} 2>/dev/null; then echo 'tmux session exists: '{shlex.quote(session)}; exit 44; fi",
            "C=; D=; if has git && git rev-parse --git-dir >/dev/null 2>&1; then "
            'C=$(git rev-parse HEAD 2>/dev/null); [ -n "$(git status --porcelain 2>/dev/null | head -c1)" ] && D=1 || D=0; fi',
            f"tmux new-session -d -s {shlex.quote(session)} -x 200 -y 50 "
            f"-P -F '#{{pane_id}} #{{pane_pid}}' sh -c {shlex.quote(wrapper)} "
            # in the same tmux command, so even a job that exits at once keeps its pane (and output)
            f'\\; set-option -t {shlex.quote(session)} remain-on-exit on > "$R/pane" || exit 45',
            'printf "ok %s|%s|%s|%s\\n" "$(cat "$R/pane")" "$C" "$D" "$(pwd)"',
        ]
    )
    rc, out = poller.run(host, script, backoff=False)
    line = next((ln for ln in out.splitlines() if ln.startswith("ok ")), None)
    if rc != 0 or line is None:
        msg = clean(out.strip().splitlines()[-1] if out.strip() else f"rc {rc}", max_len=200)
        if rc == 41:
            msg = f"no such directory on {host}: {cwd}"
        raise CockpitError(f"launch on {host} failed: {msg}")
    pane_part, commit, dirty, real_cwd = (line[3:].split("|") + ["", "", ""])[:4]
    pane_id, _, pid = pane_part.partition(" ")
    doc = {
        "host": host,
        "name": name or session,
        "session": session,
        "run_id": run_id,
        "pane_id": pane_id or None,
        "pid": int(pid) if pid.isdigit() else None,
        "command": cmdline,
        "note": note,
        "cwd": real_cwd or cwd,
        "git_commit": commit or None,
        "git_dirty": None if dirty == "" else dirty == "1",
        "gpus": [int(g) for g in gpus.split(",")] if gpus else [],
        "started": to_stamp(now),
        "ended": None,
        "state": jc.RUNNING,
        "exit_code": None,
    }
    doc["id"] = jobs_collection(ctx).insert(doc)
    return doc


def tail_job(poller: Poller, job: dict[str, Any], lines: int = 200) -> str:
    """The last lines of a job: its tmux pane, or the stdout file of a Slurm job."""
    if job.get("pane_id"):
        return tail(poller, job["host"], job["pane_id"], lines)
    slurm = _slurm()
    if job.get("slurm") and slurm is not None:
        script = slurm[0].tail_command(slurm[1].SlurmJob.from_doc(job["slurm"]), lines)
    elif job.get("stdout"):
        script = f"tail -n {int(lines)} -- {shlex.quote(str(job['stdout']))}"
    else:
        raise UsageError("this job has no tmux pane or output file to tail")
    rc, out = poller.run(job["host"], script)
    if rc != 0:
        raise CockpitError(f"tail on {job['host']} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")
    return out


def tail(poller: Poller, host: str, pane_id: str, lines: int = 200) -> str:
    if not re.fullmatch(r"%\d+", pane_id or ""):
        raise UsageError(f"not a tmux pane id: {pane_id!r}")
    rc, out = poller.run(host, f"tmux -u capture-pane -p -J -t {shlex.quote(pane_id)} -S -{int(lines)}")
    if rc != 0:
        raise CockpitError(f"tail on {host} failed: {clean(out.strip(), max_len=200)}")
    return "\n".join(out.rstrip("\n").splitlines()[-lines:])


def kill(poller: Poller, host: str, job: dict[str, Any]) -> None:
    """SIGTERM the job: for a launched job the wrapper's children (so it records the status);
    a Slurm job is cancelled with scancel on its host."""
    if job.get("slurm_id"):
        slurm = _slurm()
        if slurm is None:
            raise CockpitError(SLURM_MISSING)
        try:
            script = slurm[0].cancel_command(str(job["slurm_id"]))
        except ValueError as e:
            raise UsageError(str(e)) from None
        rc, out = poller.run(host, script)
        if rc != 0:
            raise CockpitError(f"scancel on {host} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")
        return
    pid = job.get("pid")
    if not isinstance(pid, int) or pid <= 1:
        raise UsageError("this job has no process to kill")
    if job.get("launched"):
        script = f"pkill -TERM -P {pid} || kill -TERM {pid}"
    else:
        script = f"kill -TERM {pid}"
    rc, out = poller.run(host, script)
    if rc != 0:
        raise CockpitError(f"kill on {host} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")


def attach_command(host: str, session: str) -> list[str]:
    """The tmux command that opens the job in a new window of the user's current session."""
    from cockpit.sources.tmux import attach_command as cmd

    return cmd(None if host == LOCAL else host, session)


def check_host(poller: Poller, h: HostConfig) -> dict[str, Any]:
    """Reachability, host key, nvidia-smi, tmux and Slurm presence of one host."""
    script = (
        "for c in nvidia-smi tmux squeue sacct; do if command -v $c >/dev/null 2>&1; "
        'then echo "$c yes"; else echo "$c no"; fi; done'
    )
    try:
        rc, out = poller.run(h.name, script, backoff=False)
    except CockpitError as e:
        return {"name": h.name, "reachable": False, "error": str(e)}
    found = dict(line.split(" ", 1) for line in out.splitlines() if line.count(" ") == 1)
    return {
        "name": h.name,
        "reachable": True,
        "error": None,
        "host_key": "local" if h.name == LOCAL else "verified",
        "nvidia_smi": found.get("nvidia-smi") == "yes",
        "tmux": found.get("tmux") == "yes",
        "slurm": found.get("squeue") == "yes",
        "sacct": found.get("sacct") == "yes",
    }
