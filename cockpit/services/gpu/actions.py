"""Actions on jobs and hosts: launch a command in tmux, tail, kill (or scancel), attach, and the
host check."""

from __future__ import annotations

import os
import re
import shlex
from typing import TYPE_CHECKING, Any

from cockpit.config import HostConfig
from cockpit.core import jobs as jc
from cockpit.core.clock import to_stamp
from cockpit.core.gpu_records import Job
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.services.gpu import poller as poller_mod
from cockpit.services.gpu.poller import LOCAL, SLURM_MISSING, Poller
from cockpit.services.gpu.records import jobs_collection
from cockpit.sources.parse_tmux import as_shown

if TYPE_CHECKING:
    import datetime as dt

    from cockpit.context import Context
    from cockpit.core.gpu_records import JobView


_SESSION_OK = re.compile(r"[^A-Za-z0-9_-]+")


def session_name(name: str | None, now: dt.datetime) -> str:
    base = _SESSION_OK.sub("-", name or "").strip("-")[:40]
    return base or "job-" + now.strftime("%Y%m%d-%H%M%S")


def launch(
    ctx: Context,
    poller: Poller,
    host: str,
    command: list[str] | str,
    name: str | None = None,
    note: str = "",
    gpus: str | None = None,
    cwd: str | None = None,
) -> Job:
    """Start ``command`` in a detached tmux session through the exit-status wrapper; record it.

    A command line given as one string (the TUI form, or one argument after ``--``) runs through
    the user's shell on the host (``$SHELL -c``), as ``ssh host 'cmd; cmd'`` would; a list of
    arguments keeps exec semantics (each argument quoted). Without ``cwd`` the job runs in the
    current directory on the local machine and in the home directory on an SSH host."""
    if isinstance(command, str):
        if not command.strip():
            raise UsageError("launch: give the command after --")
        cmdline, run = command, f'"${{SHELL:-/bin/sh}}" -c {shlex.quote(command)}'
    else:
        if not command:
            raise UsageError("launch: give the command after --")
        cmdline = run = shlex.join(command)
    if cwd is None and host == LOCAL:
        cwd = os.getcwd()
    if gpus is not None and not re.fullmatch(r"\d+(,\d+)*", gpus):
        raise UsageError(f"launch: --gpus must look like 0,1 (got {gpus!r})")
    now = ctx.clock.now()
    session = session_name(name, now)
    run_id = f"{session}-{int(now.timestamp())}"
    run_dir = f'"$HOME/.cache/cockpit/runs/"{shlex.quote(run_id)}'
    env = f"COCKPIT_RUN_ID={shlex.quote(run_id)}; export COCKPIT_RUN_ID; "
    env += f"CUDA_VISIBLE_DEVICES={shlex.quote(gpus)}; export CUDA_VISIBLE_DEVICES; " if gpus else ""
    wrapper = f'R={run_dir}; {env}{run}\nc=$?; echo $c > "$R/exit_code.tmp" && mv "$R/exit_code.tmp" "$R/exit_code"; exit $c'
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
    from cockpit.services.gpu import journal

    journal.capture_quietly(ctx, poller, doc)
    return Job.from_doc(jobs_collection(ctx).get(doc["id"]) or doc)


def tail_job(poller: Poller, job: JobView, lines: int = 200) -> str:
    """The last lines of a job: its tmux pane, or the stdout file of a Slurm job."""
    if job.pane_id:
        return tail(poller, job.host, job.pane_id, lines)
    slurm = poller_mod._slurm()
    if job.slurm is not None and slurm is not None:
        script = slurm.tail_command(job.slurm, lines)
    elif job.stdout:
        script = f"tail -n {int(lines)} -- {shlex.quote(str(job.stdout))}"
    else:
        raise UsageError("this job has no tmux pane or output file to tail")
    rc, out = poller.run(job.host, script)
    if rc != 0:
        raise CockpitError(f"tail on {job.host} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")
    return as_shown(out)


def tail(poller: Poller, host: str, pane_id: str, lines: int = 200) -> str:
    if not re.fullmatch(r"%\d+", pane_id or ""):
        raise UsageError(f"not a tmux pane id: {pane_id!r}")
    rc, out = poller.run(host, f"tmux -u capture-pane -p -J -t {shlex.quote(pane_id)} -S -{int(lines)}")
    if rc != 0:
        raise CockpitError(f"tail on {host} failed: {clean(out.strip(), max_len=200)}")
    return "\n".join(as_shown(out).splitlines()[-lines:])


def kill(poller: Poller, host: str, job: JobView) -> None:
    """SIGTERM the job: for a launched job the wrapper's children (so it records the status);
    a Slurm job is cancelled with scancel on its host."""
    if job.slurm_id:
        slurm = poller_mod._slurm()
        if slurm is None:
            raise CockpitError(SLURM_MISSING)
        try:
            script = slurm.cancel_command(str(job.slurm_id))
        except ValueError as e:
            raise UsageError(str(e)) from None
        rc, out = poller.run(host, script)
        if rc != 0:
            raise CockpitError(f"scancel on {host} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")
        return
    pid = job.pid
    if not isinstance(pid, int) or pid <= 1:
        raise UsageError("this job has no process to kill")
    if job.launched:
        script = f"pkill -TERM -P {pid} || kill -TERM {pid}"
    else:
        script = f"kill -TERM {pid}"
    rc, out = poller.run(host, script)
    if rc != 0:
        raise CockpitError(f"kill on {host} failed: {clean(out.strip(), max_len=200) or f'rc {rc}'}")


def attach_command(host: str, session: str) -> list[str]:
    """The tmux command that opens the job in a new window of the user's current session; a local
    job is attached on the tmux server cockpit runs in (``$TMUX``'s, where ``launch`` put it)."""
    from cockpit.sources.tmux import attach_command as cmd
    from cockpit.sources.tmux import current_server

    return cmd(None if host == LOCAL else host, session, current_server())


def attach_line(host: str, session: str) -> str:
    """The shell line a user types to attach to the job (``cockpit serve`` copies it)."""
    from cockpit.sources.tmux import attach_line as line
    from cockpit.sources.tmux import current_server

    return line(None if host == LOCAL else host, session, current_server())


def attach(host: str, session: str) -> str | None:
    """Open the job's tmux session in a new window of the user's session; a problem, or None.

    A local session is looked up first on ``$TMUX``'s server (``tmux -S``/``-L`` included), so a
    missing one is a message here rather than a window that closes with no word."""
    from cockpit.sources.tmux import current_server, has_session, open_window

    if host == LOCAL and current_server() is not None:
        problem = has_session(session, current_server())
        if problem:
            return f"attach failed: {problem}"
    return open_window(attach_command(host, session))


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
