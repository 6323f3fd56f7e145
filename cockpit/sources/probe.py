"""The one remote command per host per poll, and the parser of its delimited output.

The script prints sections introduced by ``==<nonce>== <name>`` lines; the nonce is fresh
for every poll, so a job printing marker-like text cannot forge a section. Every value that
goes into the script is quoted with shlex.quote.
"""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass, field

from cockpit.core import gpu as gpu_core
from cockpit.core import jobs as jobs_core
from cockpit.sources import parse_nvidia_smi as smi
from cockpit.sources import parse_ps, parse_tmux

RUNS_DIR = "$HOME/.cache/cockpit/runs"  # expanded by the remote shell; each launch has a subfolder
CAPTURE_LINES = 20
MAX_SECTION_CHARS = 256 * 1024
PANE_PREFIX = "#{pane_id}:#{pane_pid}:"


def nvidia_smi_gpu_args(fields: tuple[str, ...] = smi.GPU_FIELDS) -> list[str]:
    return ["--query-gpu=" + ",".join(fields), "--format=csv,noheader,nounits"]


def nvidia_smi_app_args() -> list[str]:
    return ["--query-compute-apps=" + ",".join(smi.APP_FIELDS), "--format=csv,noheader,nounits"]


_PREFIX = re.compile(r"^%\d+:\d*:")


def _q(args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in args)


def build_script(
    nonce: str, gpus: bool = True, slurm: str | None = None, gpu_pids: list[int] | None = None
) -> str:
    """The shell script (POSIX sh) of one poll. ``slurm``: a snippet printing the slurm section.

    ``gpus=False`` (the local host, read through NVML): ``gpu_pids`` are the GPU processes NVML
    saw, so that ``ps`` details them as it does the pids nvidia-smi reports on remote hosts.
    """
    lines = [
        f"N={shlex.quote(nonce)}",
        "LC_ALL=C; export LC_ALL",
        'm() { printf \'\\n==%s== %s\\n\' "$N" "$*"; }',
        'has() { command -v "$1" >/dev/null 2>&1; }',
    ]
    if gpus:
        lines += [
            f"G=; if has nvidia-smi; then G=$(nvidia-smi {_q(nvidia_smi_gpu_args())} 2>&1); r=$?; else r=127; fi",
            # an old driver refuses the whole query over one newer field: ask the basic set too
            'case "$r:$G" in 0:*|127:*) ;; *"alid field"*) m gpubasic; '
            f"nvidia-smi {_q(nvidia_smi_gpu_args(smi.GPU_FIELDS_BASIC))} 2>&1; m rc $?;; esac",
            'm gpu; [ -n "$G" ] && printf \'%s\\n\' "$G"; m rc $r',
            # kept in $A: its pids select the processes whose details are sent (see ps below)
            f"A=; if has nvidia-smi; then A=$(nvidia-smi {_q(nvidia_smi_app_args())} 2>&1); r=$?; else r=127; fi",
            'm apps; [ -n "$A" ] && printf \'%s\\n\' "$A"; m rc $r',
        ]
    else:
        pids = "".join(f"{int(p)},\n" for p in gpu_pids or [])
        lines.append(f"A={shlex.quote(pids)}")
    # each pane line starts with "%ID:PID:" so the shell can pick panes without another tmux call
    fmt = shlex.quote(PANE_PREFIX + parse_tmux.TMUX_FORMAT)
    lines += [
        f"T=; if has tmux; then T=$(tmux -u list-panes -a -F {fmt} 2>&1); r=$?; else r=127; fi",
        'm tmux; [ -n "$T" ] && printf \'%s\\n\' "$T"; m rc $r',
        "P=; IDS=",
        "while IFS=, read -r p _; do case $p in ''|*[!0-9]*) ;; *) P=\"$P,$p\";; esac; done <<EOF\n$A\nEOF",
        'if [ "$r" = 0 ]; then while IFS= read -r l; do case $l in %*:*:*) i=${l%%:*}; t=${l#*:}; '
        'pp=${t%%:*}; IDS="$IDS $i"; case $pp in \'\'|*[!0-9]*) ;; *) P="$P,$pp";; esac;; esac; '
        "done <<EOF\n$T\nEOF\nfi",
        # the whole process tree is small (pid, ppid); details only for GPU and pane processes
        "m tree; ps -e -o pid= -o ppid= 2>&1; m rc $?",
        'm ps; if [ -n "$P" ]; then ps -ww -o pid= -o ppid= -o user:32= -o etimes= -o args= -p "${P#,}" 2>&1; fi; m rc 0',
        f'm exits; for f in "{RUNS_DIR}"/*/exit_code; do [ -f "$f" ] || continue; d=${{f%/exit_code}}; c=; '
        'read -r c < "$f"; printf \'%s %s\\n\' "${d##*/}" "$c"; done; m rc 0',
        # every pane, dead ones too: a failed job's last line is what the user wants to see
        f'for p in $IDS; do m pane "$p"; tmux -u capture-pane -p -J -t "$p" -S -{CAPTURE_LINES} 2>&1; done',
    ]
    if slurm is not None:
        lines.append("m slurm; {\n" + slurm + "\n} 2>&1; m rc $?")
    lines.append("m end")
    return "\n".join(lines) + "\n"


def new_nonce() -> str:
    return secrets.token_hex(6)


def remote_command(script: str) -> str:
    """Run the script under sh whatever the user's login shell is."""
    return "exec sh -c " + shlex.quote(script)


@dataclass
class Sections:
    text: dict[str, str] = field(default_factory=dict)
    rc: dict[str, int] = field(default_factory=dict)
    panes: dict[str, str] = field(default_factory=dict)  # pane id -> captured text
    complete: bool = False


def split_sections(output: str, nonce: str) -> Sections:
    marker = f"=={nonce}== "
    out = Sections()
    current: str | None = None
    buf: list[str] = []

    def flush() -> None:
        if current is not None:
            text = "\n".join(buf).strip("\n")[-MAX_SECTION_CHARS:]
            if current.startswith("pane "):
                out.panes[current[5:]] = text
            else:
                out.text[current] = text

    for line in output.split("\n"):
        if line.startswith(marker):
            word = line[len(marker) :].strip()
            if word.startswith("rc "):
                if current is not None:
                    try:
                        out.rc[current] = int(word[3:])
                    except ValueError:
                        pass
                continue
            flush()
            buf = []
            if word == "end":
                out.complete = True
                current = None
                break
            current = word
        elif current is not None:
            buf.append(line)
    flush()
    return out


@dataclass
class HostProbe:
    gpus: list[gpu_core.Gpu] = field(default_factory=list)
    apps: list[gpu_core.GpuProcess] = field(default_factory=list)
    gpu_error: str | None = None
    panes: list[jobs_core.Pane] = field(default_factory=list)
    tmux_error: str | None = None
    procs: dict[int, jobs_core.Proc] = field(default_factory=dict)
    exits: dict[str, int] = field(default_factory=dict)
    captures: dict[str, str] = field(default_factory=dict)
    slurm_text: str | None = None
    slurm_rc: int | None = None


class ProbeError(Exception):
    """The output is not a probe answer at all (garbage, truncated)."""


def _first_line(text: str) -> str:
    from cockpit.core.text import clean

    for line in text.splitlines():
        if line.strip():
            return clean(line.strip(), max_len=120)
    return ""


def parse_output(output: str, nonce: str, gpus: bool = True) -> HostProbe:
    s = split_sections(output, nonce)
    if not s.text and not s.panes:
        raise ProbeError(f"unexpected output from host (no probe sections): {_first_line(output)!r}")
    if not s.complete:
        raise ProbeError("probe output was cut short")
    p = HostProbe()
    if gpus:
        rc = s.rc.get("gpu")
        text = s.text.get("gpu", "")
        fields = smi.GPU_FIELDS
        if rc != 0 and smi.is_unknown_field(text) and s.rc.get("gpubasic") == 0:
            rc, text, fields = 0, s.text.get("gpubasic", ""), smi.GPU_FIELDS_BASIC
        if rc == 127:
            p.gpu_error = "nvidia-smi not found"
        elif smi.is_no_devices(text):
            p.gpu_error = "no NVIDIA GPU (" + _first_line(text) + ")"
        elif rc != 0:
            p.gpu_error = f"nvidia-smi failed (rc {rc}): {_first_line(text)}"
        else:
            try:
                p.gpus = smi.parse_gpus(text, fields=fields)
                if s.rc.get("apps") == 0:
                    p.apps = smi.parse_apps(s.text.get("apps", ""))
            except ValueError as e:
                p.gpu_error = f"unreadable nvidia-smi output: {e}"
    rc = s.rc.get("tmux")
    text = s.text.get("tmux", "")
    if rc == 127:
        p.tmux_error = "tmux not found"
    elif rc == 0:
        p.panes = parse_tmux.parse_panes("\n".join(_PREFIX.sub("", ln) for ln in text.splitlines()))
    elif "no server running" in text or "error connecting" in text:
        p.panes = []  # tmux installed, no sessions
    else:
        p.tmux_error = f"tmux failed: {_first_line(text)}"
    p.procs = parse_ps.parse_tree(s.text.get("tree", ""), s.text.get("ps", ""))
    for line in s.text.get("exits", "").splitlines():
        run_id, _, code = line.strip().rpartition(" ")
        if run_id and code.lstrip("-").isdigit():
            p.exits[run_id] = int(code)
    p.captures = dict(s.panes)
    if "slurm" in s.text:
        p.slurm_text = s.text["slurm"]
        p.slurm_rc = s.rc.get("slurm")
    return p
