"""The remote side of Slurm polling: shell text only, nothing runs here.

``probe_script()`` is one POSIX ``sh`` snippet that prints delimited sections (read by
``cockpit.core.slurm.read_probe``); the GPU poller appends it to its one command per host,
or runs it locally with ``sh -c``. ``tail_command`` and ``cancel_command`` build the
commands behind the pane's Tail and Kill actions. Every value that reaches the shell goes
through ``shlex.quote``.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import TYPE_CHECKING

from cockpit.core.slurm import SlurmJob, Transition
from cockpit.sources.parse_slurm import DELIM, MARK, SACCT_FIELDS, SQUEUE_FIELDS, split_job_id

if TYPE_CHECKING:
    from cockpit.core.alerts import Alert

#: Each Slurm client call is cut after this many seconds (when ``timeout`` exists remotely),
#: so a hung slurmctld costs one poll, not the host's whole connection.
COMMAND_TIMEOUT_S = 20

# A shell function that runs "$@" as section $1: stdout goes straight out, stderr is kept and
# printed after the end marker as its own section, the exit status rides on the end marker.
_RUN = (
    "_ckrun() { _n=$1; shift; "
    f"echo '{MARK}:begin '\"$_n\"'@@'; "
    '{ _e=$( { "$@" 2>&1 1>&3 3>&-; printf \'rc=%s\' "$?"; } ); } 3>&1; '
    "_rc=${_e##*rc=}; _e=${_e%rc=*}; "
    f'printf \'\\n{MARK}:end %s rc=%s@@\\n\' "$_n" "$_rc"; '
    f"if [ -n \"$_e\" ]; then printf '{MARK}:begin %s.stderr@@\\n%s\\n{MARK}:end %s.stderr@@\\n' "
    '"$_n" "$_e" "$_n"; fi; '
    'return "$_rc"; }'
)


def probe_script(
    user: str | None = None,
    history: bool = True,
    json: bool = False,
    jobcomp_lines: int = 2000,
    timeout_s: int = COMMAND_TIMEOUT_S,
) -> str:
    """The snippet for one Slurm poll of ``user``'s jobs (default: the remote login user).

    Sections: ``meta`` (user, remote epoch and UTC offset, Slurm version); ``squeue``
    (``--states=all``, so jobs that ended within MinJobAge still show, ``-O`` fields with the
    ``|~|`` delimiter and epoch times) or ``squeue-json`` with ``json=True`` (note: 22.05's
    ``squeue --json`` ignores ``-u`` and dumps every user's jobs); with ``history``: ``sacct``
    (first-level jobs of the last day) and, only when sacct fails (no accounting), the user's
    lines of the job-completion log when it is a readable ``jobcomp/filetxt`` file.
    """
    qu = shlex.quote(user) if user else '"$(id -un 2>/dev/null || echo "${USER:-}")"'
    squeue_fmt = ",".join(f"{f}:{DELIM}" for f in SQUEUE_FIELDS[:-1]) + f",{SQUEUE_FIELDS[-1]}:"
    sacct_fmt = ",".join(SACCT_FIELDS)
    lines = [
        "(",
        "LC_ALL=C; export LC_ALL; SLURM_TIME_FORMAT=%s; export SLURM_TIME_FORMAT",
        f"_cku={qu}",
        f"_ckt=; command -v timeout >/dev/null 2>&1 && _ckt='timeout {max(1, int(timeout_s))}'",
        _RUN,
        f'_ckjc() {{ tail -n {int(jobcomp_lines)} "$1" | awk -v u="UserId=$2(" \'index($0, u)\'; }}',
        f"echo '{MARK}:begin meta@@'",
        'echo "user=$_cku"; echo "now=$(date +%s)"; echo "tz=$(date +%z)"',
        'echo "version=$(squeue --version 2>/dev/null)"',
        f"echo '{MARK}:end meta rc=0@@'",
    ]
    if json:
        # -u is ignored by 22.05's --json (the parser filters by user); later versions honour it
        lines.append(
            'if _ckrun squeue-json $_ckt squeue -u "$_cku" --states=all --json; then _cksq=0; else _cksq=$?; fi'
        )
    else:
        lines.append(
            f'if _ckrun squeue $_ckt squeue -u "$_cku" --states=all -O {shlex.quote(squeue_fmt)}; '
            "then _cksq=0; else _cksq=$?; fi"
        )
    if history:
        lines += [
            f"if _ckrun sacct $_ckt sacct -X -n -P --delimiter={shlex.quote(DELIM)} -o {sacct_fmt} "
            '-S now-1day -u "$_cku"; then :; else',
            # no accounting: the job-completion log, when it is a file this user can read
            # (not when squeue just timed out: scontrol would wait for the same hung slurmctld)
            '  _ckc=; [ "$_cksq" = 124 ] || _ckc=$($_ckt scontrol show config 2>/dev/null)',
            "  _ckjt=$(printf '%s\\n' \"$_ckc\" | sed -n 's/^JobCompType *= *//p')",
            "  _ckjl=$(printf '%s\\n' \"$_ckc\" | sed -n 's/^JobCompLoc *= *//p')",
            '  if [ "$_ckjt" = jobcomp/filetxt ] && [ -r "$_ckjl" ]; then',
            '    _ckrun jobcomp _ckjc "$_ckjl" "$_cku"',
            "  else",
            f"    echo '{MARK}:begin jobcomp@@'; "
            'echo "job-completion log not readable (JobCompType=${_ckjt:-?} JobCompLoc=${_ckjl:-?})"; '
            f"echo '{MARK}:end jobcomp rc=1@@'",
            "  fi",
            "fi",
        ]
    lines.append(")")
    return "\n".join(lines) + "\n"


def probe_command(
    user: str | None = None, history: bool = True, json: bool = False, timeout_s: int = COMMAND_TIMEOUT_S
) -> str:
    """``probe_script`` wrapped as ``sh -c '...'``: safe to hand to any login shell (tcsh,
    fish and zsh do not read POSIX sh the same way) as one SSH command."""
    return "sh -c " + shlex.quote(probe_script(user=user, history=history, json=json, timeout_s=timeout_s))


# ---------------------------------------------------------------- stdout path

_NO_VAL = "4294967294"  # what Slurm puts for %a/%s when the job has no array task / step
_PLACEHOLDER = re.compile(r"%(\d*)([%AaJjNnstuxb])")


def stdout_path(job: SlurmJob) -> str | None:
    """The job's stdout file with Slurm's ``%`` placeholders expanded, absolute when the job's
    working directory is known; None when it cannot be worked out here."""
    pattern = job.stdout_path
    jid = split_job_id(job.job_id)
    raw = job.raw_id or (jid.text if jid and not jid.array_task and not jid.het_job_id else "")
    if not pattern:
        if not job.workdir:
            return None
        pattern = "slurm-%A_%a.out" if job.array_task else "slurm-%j.out"
    if "\\" in pattern:  # Slurm: a backslash turns expansion off
        path = pattern.replace("\\", "")
    else:
        values = {
            "%": "%",
            "A": job.array_job_id or raw,
            "a": job.array_task if job.array_task.isdigit() else _NO_VAL,
            "j": raw,
            "J": raw,
            "x": job.name,
            "u": job.user,
            "N": _first_node(job.nodes),
            "n": "0",
            "t": "0",
            "s": "batch",
            "b": str(int(job.array_task) % 10) if job.array_task.isdigit() else "0",
        }
        missing = False

        def sub(m: re.Match[str]) -> str:
            nonlocal missing
            width, key = m.groups()
            v = values[key]
            if not v:
                missing = True
            return v.zfill(int(width)) if width and v.isdigit() else v

        path = _PLACEHOLDER.sub(sub, pattern)
        if missing:
            return None
    if not path.startswith("/"):
        if not job.workdir:
            return None
        path = posixpath.join(job.workdir, path)
    return path


def _first_node(nodes: str) -> str:
    from cockpit.sources.parse_slurm import expand_nodelist

    names = expand_nodelist(nodes)
    return names[0].split(".")[0] if names else ""


def tail_command(job: SlurmJob, lines: int = 200) -> str:
    """Shell command printing the last ``lines`` lines of the job's stdout file. When the path
    cannot be worked out from what squeue/sacct said, ask ``scontrol show job`` on the host."""
    n = max(1, int(lines))
    path = stdout_path(job)
    if path is not None:
        return f"tail -n {n} -- {shlex.quote(path)}"
    ident = shlex.quote(job.raw_id or job.job_id)
    msg = shlex.quote(f"cockpit: the stdout file of Slurm job {job.job_id} is not known (job purged?)")
    return (
        f"_p=$(scontrol show job {ident} 2>/dev/null | sed -n 's/^ *StdOut=//p' | head -n 1); "
        f'if [ -n "$_p" ]; then tail -n {n} -- "$_p"; else echo {msg} >&2; exit 1; fi'
    )


_CANCEL_ID = re.compile(r"^\d+(?:_(?:\d+|\[[\d,\-]+\]))?(?:\+\d+)?$")


def cancel_command(job_id: str) -> str:
    """``scancel`` for one job id (``42``, ``42_3``, ``42_[1-5]``, ``42+1``); anything else is
    refused with ValueError, so no stray text ever reaches the remote shell."""
    if not _CANCEL_ID.match(job_id or ""):
        raise ValueError(f"not a Slurm job id: {job_id!r}")
    return f"scancel {shlex.quote(job_id)}"


def alert_for(t: Transition, source: str = "gpu") -> Alert:
    """The notification for a job transition; job names and nodes are untrusted text."""
    from cockpit.core.alerts import Alert
    from cockpit.core.text import clean

    urgency = t.urgency if t.urgency in ("low", "normal", "critical") else "normal"
    return Alert(
        title=clean(t.title, max_len=200), body=clean(t.body, max_len=500), urgency=urgency, source=source
    )
