"""The poller: one persistent connection per host, every host polled concurrently in worker
threads. Each host has its own deadline, so a dead or stalled host shows its error and last-seen
time and never delays the others. A poll hands back one typed ``HostState`` per host.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cockpit.config import LOCAL_HOST, HostConfig
from cockpit.core import jobs as jc
from cockpit.core.clock import to_stamp
from cockpit.core.gpu_records import HostState, JobView
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.services.gpu.journal import Memory
from cockpit.services.gpu.records import recent_launched
from cockpit.services.gpu.views import build_jobs, slurm_view
from cockpit.sources import probe as probe_mod

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.slurm import Transition

LOCAL = LOCAL_HOST
MAX_OUTPUT = 1024 * 1024  # more than this from one poll is refused
SLURM_MISSING = "slurm support not installed"

#: Slurm history (sacct, or the job-completion log) is asked for on at most one poll in this
#: many seconds per host; the polls between only run squeue (docs: 30-60 s, not every poll).
SLURM_HISTORY_S = 45.0

#: a caller's timer may fire a little before a deadline; a host this close to it counts as due
DUE_SLACK_S = 0.01


def _slurm() -> ModuleType | None:
    """``cockpit.sources.slurm``, or None when Slurm support is not installed."""
    try:
        from cockpit.sources import slurm as src_slurm
    except ImportError:
        return None
    return src_slurm


@dataclass
class SlurmRead:
    """What one Slurm probe of a host gave: job views, notes, transitions since the last one."""

    views: list[JobView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)


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
        self.polled_at: dict[str, float] = {}  # monotonic start of each host's last poll
        self.next_due: dict[str, float] = {}  # monotonic deadline of each host's next poll
        # Slurm, per host: the last probe whose squeue answered (compared with the next one),
        # when history was last asked for, and the ended jobs that history reported
        self.slurm_history_s = SLURM_HISTORY_S
        self.slurm_prev: dict[str, Any] = {}
        self.slurm_history_at: dict[str, float] = {}
        self.slurm_ended: dict[str, list[Any]] = {}
        # the experiment journal's GPU use of each running job since its last write
        self.journal = Memory()

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
        polled_at = to_stamp(now)
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
            slurm_snippet = slurm.probe_script(history=history, timeout_s=max(1, int(timeout)))
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
            return HostState(
                name=h.name,
                ok=False,
                polled_at=polled_at,
                error=clean(str(e), max_len=300),
                last_seen=self.last_seen.get(h.name),
                observation=jc.Observation(ok=False),
            )
        if local:
            p.gpus, p.apps = local_gpus
            p.gpu_error = local_error
        self.last_seen[h.name] = polled_at
        error = None
        notes: list[str] = []
        if p.gpu_error and h.kind != "slurm":
            notes.append(p.gpu_error)
        if p.tmux_error and h.kind != "slurm":
            notes.append(p.tmux_error)
        if h.kind in ("slurm", "both") and slurm is None:
            notes.append(SLURM_MISSING)
            if h.kind == "slurm":
                error = SLURM_MISSING
        slurm_read = SlurmRead()
        if slurm is not None and p.slurm_text is not None:
            try:
                slurm_read = self._slurm_jobs(h.name, p.slurm_text, now, history)
            except Exception as e:  # noqa: BLE001 - a Slurm parse problem is a note, not a crash
                notes.append(f"slurm: {clean(str(e), max_len=120)}")
        notes += slurm_read.notes
        return HostState(
            name=h.name,
            ok=True,
            error=error,
            gpus=tuple(p.gpus),
            jobs=tuple(build_jobs(h.name, p, launched or []) + slurm_read.views),
            notes=tuple(notes),
            last_seen=polled_at,
            polled_at=polled_at,
            compute_procs=len(p.apps),
            observation=jc.Observation(ok=True, panes=p.panes, procs=p.procs, exits=p.exits),
            slurm_transitions=tuple(slurm_read.transitions),
        )

    def _slurm_jobs(self, host: str, text: str, now: dt.datetime, history: bool) -> SlurmRead:
        """Job views from one Slurm probe, its notes, and the transitions against the host's
        previous probe (both must have had squeue answer, else every job would look lost)."""
        from dataclasses import replace

        from cockpit.core.slurm import state_changes
        from cockpit.sources import slurm as src
        from cockpit.sources.parse_slurm import read_probe

        out = SlurmRead()
        probe = read_probe(text, now)
        for err in probe.errors:
            out.notes.append(clean(f"slurm: {err}", max_len=200))
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
                out.transitions = state_changes(
                    prev.jobs,
                    jobs,
                    since=prev.remote_now,
                    early_failure_s=int(self.ctx.config.gpu.early_failure_minutes * 60),
                )
            self.slurm_prev[host] = replace(probe, jobs=jobs)
        out.views = [slurm_view(host, j, src.stdout_path) for j in jobs]
        return out

    # ------------------------------------------------------------ scheduling
    #
    # Each host has its own deadline. A poll that starts at ``now`` for a deadline ``due`` sets the
    # next one to ``due + interval`` (a late start keeps the host's rhythm: no drift), or to
    # ``now + interval`` when it started early (a forced poll) or more than an interval late (no
    # burst of catch-up polls). So the next poll is due at most one interval after the last start,
    # whatever a slow poll of another host or a busy caller did; a host in flight is never due.

    def due(self, now: float) -> list[HostConfig]:
        """Hosts whose deadline has come (monotonic seconds) and that are not in flight."""
        return [
            h
            for h in self.hosts
            if h.name not in self.in_flight and now >= self.next_due.get(h.name, -1e18) - DUE_SLACK_S
        ]

    def next_wake(self) -> float | None:
        """The earliest deadline of a host not in flight (monotonic), or None when every host is
        in flight (each one's end is the next moment to look again)."""
        return min(
            (self.next_due.get(h.name, -1e18) for h in self.hosts if h.name not in self.in_flight),
            default=None,
        )

    def claim(self, hosts: list[HostConfig], now: float | None = None) -> list[HostConfig]:
        """Mark ``hosts`` in flight and set their next deadlines; those already in flight are left
        out (never two polls of one host at once). Poll the result with ``poll(claimed=True)``."""
        now = self.ctx.clock.monotonic() if now is None else now
        with self._lock:
            free = [h for h in hosts if h.name not in self.in_flight]
            for h in free:
                self.in_flight.add(h.name)
                due = self.next_due.get(h.name, now)
                start = due if due - DUE_SLACK_S <= now < due + h.poll_seconds else now
                self.next_due[h.name] = start + h.poll_seconds
        return free

    def release(self, hosts: list[HostConfig]) -> None:
        with self._lock:
            self.in_flight.difference_update(h.name for h in hosts)

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
        claimed: bool = False,
    ) -> list[HostState]:
        """Poll ``hosts`` (default all) concurrently; a host still answering the previous poll is
        not asked again. ``claimed``: the caller has claimed them already (``claim``)."""
        hosts = hosts if hosts is not None else self.hosts
        from cockpit.store import CorruptFileError

        if not claimed:
            hosts = self.claim(hosts)
        try:
            try:
                launched = recent_launched(self.ctx)
            except CorruptFileError:
                launched = []  # the store reports the file; the GPUs are still watched meanwhile
            futures = [
                self._pool.submit(self._safe_poll, h, [j for j in launched if j.get("host") == h.name])
                for h in hosts
            ]
        except BaseException:
            self.release(hosts)  # nothing was started: the hosts are free for the next poll
            raise
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
