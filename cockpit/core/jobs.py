"""Pure job logic: the pane, process and progress values, GPU pid -> pane by ancestry, the
running -> finished/failed/lost lifecycle, idle cost and alert decisions.

No I/O and no parsing here: sources fetch text and parse it (``cockpit.sources.parse_tmux``,
``parse_ps``); these functions turn the values into decisions. Time is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from cockpit.core.alerts import Alert
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.text import clean


@dataclass(frozen=True)
class Pane:
    pane_id: str
    pane_pid: int | None
    session: str
    window_index: str
    pane_index: str
    window_name: str = ""
    command: str = ""
    path: str = ""
    dead: bool = False
    dead_status: int | None = None

    @property
    def target(self) -> str:
        """Human form ``session:window.pane``; commands target ``pane_id`` (names get rewritten)."""
        return f"{self.session}:{self.window_index}.{self.pane_index}"


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    user: str
    etime_s: int | None
    args: str


@dataclass(frozen=True)
class Progress:
    pct: float | None = None
    rate: str | None = None
    eta_s: int | None = None


def pane_of(pid: int, procs: dict[int, Proc], pane_by_pid: dict[int, Pane]) -> Pane | None:
    """Walk ``pid``'s parents until one is a pane's process; None when it is not under tmux."""
    seen: set[int] = set()
    cur: int | None = pid
    while cur is not None and cur not in seen and len(seen) < 128:
        if cur in pane_by_pid:
            return pane_by_pid[cur]
        seen.add(cur)
        proc = procs.get(cur)
        cur = proc.ppid if proc is not None and proc.ppid > 0 else None
    return None


def map_to_panes(pids: list[int], procs: dict[int, Proc], panes: list[Pane]) -> dict[int, Pane]:
    live = {p.pane_pid: p for p in panes if p.pane_pid is not None and not p.dead}
    out = {}
    for pid in pids:
        pane = pane_of(pid, procs, live)
        if pane is not None:
            out[pid] = pane
    return out


# ---------------------------------------------------------------- lifecycle

RUNNING, FINISHED, FAILED, LOST = "running", "finished", "failed", "lost"
END_STATES = (FINISHED, FAILED)


@dataclass
class Observation:
    """What one poll of one host saw (for the lifecycle)."""

    ok: bool
    panes: list[Pane] = field(default_factory=list)
    procs: dict[int, Proc] = field(default_factory=dict)
    exits: dict[str, int] = field(default_factory=dict)  # run id -> exit status from the wrapper


def state_from_exit(code: int) -> str:
    return FINISHED if code == 0 else FAILED


def describe_exit(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code > 128:
        import signal

        try:
            return f"killed by {signal.Signals(code - 128).name}"
        except ValueError:
            return f"exit {code}"
    return f"exit {code}"


def next_state(job: dict[str, Any], obs: Observation) -> tuple[str, int | None]:
    """The state of a cockpit-launched job (keys ``run_id``, ``pane_id``, ``pid``, ``state``)
    after ``obs``.

    The exit-status file the wrapper wrote is the truth; tmux's pane_dead_status is not used
    (unreliable on Debian builds). When the wrapper could not write that file (its tmux server
    has another HOME, a full disk) the job still ends: its pane is dead, or its process (the
    wrapper, the pane's pid) is gone or a zombie. It ends ``finished`` with exit code None, the
    exit status unknown. A job whose pane vanished with no exit file is lost, as is every running
    job on a host that cannot be reached.
    """
    code = job.get("exit_code")
    if job.get("state") in END_STATES:
        return job["state"], code
    if not obs.ok:
        return LOST, None
    run_id = job.get("run_id")
    if run_id and run_id in obs.exits:
        code = obs.exits[run_id]
        return state_from_exit(code), code
    pane_id = job.get("pane_id")
    pane = next((p for p in obs.panes if p.pane_id == pane_id), None) if pane_id else None
    if pane is not None:
        if pane.dead or _process_gone(job.get("pid"), obs.procs):
            return FINISHED, None
        return RUNNING, None
    session = job.get("session")
    if not pane_id and session and any(p.session == session for p in obs.panes):
        return RUNNING, None
    return LOST, None


def _process_gone(pid: object, procs: dict[int, Proc]) -> bool:
    """The job's process is not in the host's process list (or only as a zombie); False when
    the list is empty (not read) or the job has no pid."""
    if not isinstance(pid, int) or pid <= 1 or not procs:
        return False
    proc = procs.get(pid)
    return proc is None or proc.args.rstrip().endswith("<defunct>")


def alert_for(job: dict[str, Any], now: dt.datetime, early_minutes: int) -> Alert | None:
    """The alert for a job that just changed state, or None; keyed by the job's id and state,
    so two processes that see the same end send it once (``services.alerts``)."""
    a = _job_alert(job, now, early_minutes)
    if a is None or not job.get("id"):
        return a
    return replace(a, key=f"job:{job['id']}:{job.get('state')}")


def _job_alert(job: dict[str, Any], now: dt.datetime, early_minutes: int) -> Alert | None:
    state = job.get("state")
    name = clean(str(job.get("name") or job.get("session") or job.get("command") or "job"), max_len=60)
    host = clean(str(job.get("host", "")), max_len=40)
    started = job.get("started")
    runtime = (now - from_stamp(started)).total_seconds() if started else None
    took = f" after {fmt_span(runtime)}" if runtime is not None else ""
    if state == FINISHED and job.get("exit_code") is None:
        why = "its wrapper could not write it" if job.get("run_id") else "not started by cockpit launch"
        return Alert(f"Job ended: {name} on {host}", f"exit status unknown ({why}){took}", "normal", "gpu")
    if state == FINISHED:
        return Alert(
            f"Job finished: {name} on {host}", f"{describe_exit(job.get('exit_code'))}{took}", "normal", "gpu"
        )
    if state == FAILED:
        body = f"{describe_exit(job.get('exit_code'))}{took}"
        if runtime is not None and runtime < early_minutes * 60:
            return Alert(f"Job CRASHED early: {name} on {host}", body + " - check it now", "critical", "gpu")
        return Alert(f"Job failed: {name} on {host}", body, "normal", "gpu")
    if state == LOST:
        return Alert(f"Job lost: {name} on {host}", "host unreachable or session gone", "low", "gpu")
    return None


def fmt_span(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(max(0, seconds))
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d}d{h:02d}h"
    if h:
        return f"{h}h{m:02d}m"
    return f"{m}m{s:02d}s"


def discovered_changes(
    known: list[dict[str, Any]], views: list[dict[str, Any]], host_ok: bool, now: dt.datetime
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """GPU jobs found on a host (not launched by cockpit) kept as history.

    ``known``: stored open records of this host; ``views``: what the poll saw (pid, command).
    Returns (new records, {stored id: changed fields}). A process is the same job while its pid
    and command stay the same; when it is gone it has ended (exit status unknown).
    """
    seen = {(v.get("pid"), v.get("command")): v for v in views if v.get("pid")}
    have = {(k.get("pid"), k.get("command")) for k in known}
    new = []
    for key, v in seen.items():
        if key in have:
            continue
        runtime = v.get("runtime_s")
        started = now - dt.timedelta(seconds=runtime) if isinstance(runtime, int) else now
        new.append(
            {
                "host": v.get("host"),
                "pid": v.get("pid"),
                "command": v.get("command"),
                "name": clean(str(v.get("command") or ""), max_len=40),
                "session": (v.get("tmux_target") or "").rsplit(":", 1)[0] or None,
                "tmux_target": v.get("tmux_target"),
                "gpus": v.get("gpus") or [],
                "started": to_stamp(started),
                "ended": None,
                "state": RUNNING,
                "exit_code": None,
                "discovered": True,
            }
        )
    changes: dict[str, dict[str, Any]] = {}
    for k in known:
        key = (k.get("pid"), k.get("command"))
        if not host_ok:
            if k.get("state") == RUNNING:
                changes[k["id"]] = {"state": LOST}
        elif key in seen:
            if k.get("state") != RUNNING:
                changes[k["id"]] = {"state": RUNNING}
        else:
            ended = {"state": FINISHED, "exit_code": None, "ended": to_stamp(now)}
            if k.get("started"):
                ended["duration_s"] = round((now - from_stamp(k["started"])).total_seconds())
            changes[k["id"]] = ended
    return new, changes


SLURM_FAILED = {
    "FAILED",
    "TIMEOUT",
    "CANCELLED",
    "OUT_OF_MEMORY",
    "NODE_FAIL",
    "BOOT_FAIL",
    "DEADLINE",
    "PREEMPTED",
}


def slurm_state(raw: str) -> str:
    """A Slurm state word (``CANCELLED by 0`` -> first word) as a cockpit job state."""
    word = raw.split()[0].upper() if raw.strip() else ""
    if word == "COMPLETED":
        return FINISHED
    if word in SLURM_FAILED:
        return FAILED
    if word == "PENDING":
        return "pending"
    return RUNNING


def slurm_changes(
    known: list[dict[str, Any]], views: list[dict[str, Any]], host_ok: bool, now: dt.datetime
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Slurm jobs kept as history: new ones, and state changes (which alert like tmux jobs)."""
    seen = {v["slurm_id"]: v for v in views if v.get("slurm_id")}
    have = {k.get("slurm_id"): k for k in known}
    new = []
    for sid, v in seen.items():
        if sid in have:
            continue
        state = v.get("state") or RUNNING
        new.append(
            {
                "host": v.get("host"),
                "slurm_id": sid,
                "name": v.get("command") or sid,
                "command": v.get("command"),
                "started": to_stamp(now),
                "ended": to_stamp(now) if state in END_STATES else None,
                "state": state,
                "exit_code": v.get("exit_code"),
                "stdout": v.get("stdout"),
            }
        )
    changes: dict[str, dict[str, Any]] = {}
    for sid, k in have.items():
        v = seen.get(sid)
        if not host_ok:
            if k.get("state") in (RUNNING, "pending"):
                changes[k["id"]] = {"state": LOST}
            continue
        if v is None:
            continue  # left squeue without a final record: keep the last known state
        state = v.get("state") or RUNNING
        if state != k.get("state"):
            fields: dict[str, Any] = {"state": state}
            if state in END_STATES:
                fields["ended"] = to_stamp(now)
                fields["exit_code"] = v.get("exit_code")
                if k.get("started"):
                    fields["duration_s"] = round((now - from_stamp(k["started"])).total_seconds())
            changes[k["id"]] = fields
    return new, changes


# ---------------------------------------------------------------- idle cost


def host_is_idle(utils: list[float | None], compute_procs: int, threshold_pct: float) -> bool | None:
    """True when every GPU is below the threshold and no compute process runs.

    A GPU whose utilisation is unknown (MIG, [N/A]) counts as idle only when no process uses
    it; a host with no GPU data at all is neither (None).
    """
    if not utils:
        return None
    if compute_procs > 0:
        return False
    return all(u is None or u < threshold_pct for u in utils)


def idle_step(
    state: dict[str, Any],
    idle: bool | None,
    now: dt.datetime,
    cost_per_hour: float,
    idle_minutes: int,
    repeat_minutes: int,
) -> tuple[dict[str, Any], float | None]:
    """Advance one host's idle record ``{"since", "alerted"}``.

    Returns the new record and, when an alert is due, the money burned so far.
    """
    if not idle or cost_per_hour <= 0:
        return {}, None
    since = state.get("since") or to_stamp(now)
    new = {"since": since, "alerted": state.get("alerted")}
    idle_s = (now - from_stamp(since)).total_seconds()
    if idle_s < idle_minutes * 60:
        return new, None
    last = state.get("alerted")
    if last is None or (now - from_stamp(last)).total_seconds() >= repeat_minutes * 60:
        new["alerted"] = to_stamp(now)
        return new, round(cost_per_hour * idle_s / 3600, 2)
    return new, None


def idle_cost(state: dict[str, Any], now: dt.datetime, cost_per_hour: float) -> float:
    since = state.get("since")
    if not since or cost_per_hour <= 0:
        return 0.0
    return round(cost_per_hour * (now - from_stamp(since)).total_seconds() / 3600, 2)


def idle_gpus(gpus: list[tuple[int, float | None]], busy: set[int], threshold_pct: float) -> list[int]:
    """The GPUs (indices) below the threshold that no process uses; unknown utilisation counts
    as idle only with no process on it."""
    return [i for i, u in gpus if i not in busy and (u is None or u < threshold_pct)]


def partial_idle_step(
    state: dict[str, Any],
    idle: list[int],
    n_gpus: int,
    now: dt.datetime,
    cost_per_hour: float,
    idle_minutes: int,
    repeat_minutes: int,
) -> tuple[dict[str, Any], float | None, int]:
    """Advance a host's record of its idle GPUs while some (not all) are idle:
    ``{"gpus": {index: since}, "alerted"}``.

    Returns the new record and, when an alert is due (some GPU idle past ``idle_minutes``, then
    again every ``repeat_minutes``), the money those GPUs burned (their share of the host's
    ``cost_per_hour``) and how many they are. All GPUs idle is the whole-host alert's case."""
    if cost_per_hour <= 0 or not idle or n_gpus <= 0 or len(idle) >= n_gpus:
        return {}, None, 0
    old = state.get("gpus") or {}
    since = {str(i): old.get(str(i)) or to_stamp(now) for i in idle}
    new: dict[str, Any] = {"gpus": since, "alerted": state.get("alerted")}
    idle_s = {i: (now - from_stamp(since[str(i)])).total_seconds() for i in idle}
    long = [i for i in idle if idle_s[i] >= idle_minutes * 60]
    if not long:
        return new, None, 0
    last = state.get("alerted")
    if last is not None and (now - from_stamp(last)).total_seconds() < repeat_minutes * 60:
        return new, None, 0
    new["alerted"] = to_stamp(now)
    burned = sum(cost_per_hour / n_gpus * idle_s[i] / 3600 for i in long)
    return new, round(burned, 2), len(long)
