"""GPU jobs: poll cycle wall time for 1, 8 and 32 real sshd hosts, CPU per poll, and bytes per
second written to the terminal by the TUI with 4 hosts polled every 2 s and nothing changing.

Baselines, measured in the same run:
- poll cycle: one fresh OpenSSH ``ssh`` process per host per poll, all hosts in parallel
  (what a shell loop would do), running the same probe script;
- terminal bytes: the same app with no GPU hosts configured.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _cluster(root: Path, n: int):
    from tests.harness.sshd import Cluster

    addrs = [f"127.0.1.{10 + i}" for i in range(n)]
    return Cluster(root, addrs, names=[f"b{i}" for i in range(n)]).start()


def _ctx(home: Path, cluster, names: list[str], gpu: str = ""):
    from cockpit.context import Context

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(cluster.config_toml(hosts=names, gpu=gpu))
    return Context.open(home)


def _poll_cycles(ctx, cycles: int) -> tuple[float, float, int, int]:
    """(median wall s per cycle, CPU s per cycle, exec calls per host per cycle, errors)."""
    from cockpit.services import gpu as svc
    from cockpit.sources import ssh

    calls = {"n": 0}
    orig = ssh.Connection.run

    def counted(self, *a, **kw):  # noqa: ANN202
        calls["n"] += 1
        return orig(self, *a, **kw)

    ssh.Connection.run = counted  # type: ignore[method-assign]
    p = svc.Poller(ctx)
    try:
        first = p.poll()  # connects
        errors = sum(1 for s in first if not s.ok)
        calls["n"] = 0
        walls = []
        cpu0 = time.process_time()
        for _ in range(cycles):
            t0 = time.perf_counter()
            states = p.poll()
            walls.append(time.perf_counter() - t0)
            errors += sum(1 for s in states if not s.ok)
        cpu = (time.process_time() - cpu0) / cycles
    finally:
        p.close()
        ssh.Connection.run = orig  # type: ignore[method-assign]
    walls.sort()
    per_host = calls["n"] / (cycles * len(p.hosts))
    return (walls[len(walls) // 2], walls[0], walls[-1]), cpu, round(per_host, 2), errors


def _baseline_cycles(cluster, names: list[str], cycles: int) -> float:
    from cockpit.sources import probe

    walls = []
    for _ in range(cycles):
        nonce = probe.new_nonce()
        cmd = probe.remote_command(probe.build_script(nonce))
        t0 = time.perf_counter()
        procs = [
            subprocess.Popen(
                [
                    "ssh",
                    "-F",
                    str(cluster.ssh_config),
                    "-o",
                    f"UserKnownHostsFile={cluster.known_hosts}",
                    "-o",
                    "StrictHostKeyChecking=yes",
                    "-o",
                    "BatchMode=yes",
                    n,
                    cmd,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for n in names
        ]
        for pr in procs:
            out, _ = pr.communicate(timeout=60)
            probe.parse_output(out.decode(errors="replace"), nonce)
        walls.append(time.perf_counter() - t0)
    walls.sort()
    return walls[len(walls) // 2]


def _terminal_bytes(home: Path, seconds: float, settle: float, hosts=()) -> tuple[float, int, bytes, int]:
    """(bytes/s written to an 80x24 pty after ``settle`` s, start-up bytes, start-up output, polls)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")}
    env.update(COCKPIT_HOME=str(home), TERM="xterm-256color", PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit"], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    count = {"n": 0, "on": False}
    startup: list[bytes] = []

    def reader() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            if count["on"]:
                count["n"] += len(data)
            else:
                startup.append(data)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(settle)
    polls0 = sum(h.gpu_queries() for h in hosts)
    count["on"] = True
    time.sleep(seconds)
    count["on"] = False
    polls = sum(h.gpu_queries() for h in hosts) - polls0
    os.write(master, b"\x11")  # ctrl+q
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    os.close(master)
    first = b"".join(startup)
    return count["n"] / seconds, len(first), first, polls


def run(quick: bool) -> str:
    sizes = [1, 8] if quick else [1, 8, 32]
    cycles = 3 if quick else 15
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-gpu-") as tmp:
        root = Path(tmp)
        cluster = _cluster(root / "hosts", max(sizes))
        try:
            names_all = list(cluster.hosts)
            for n in sizes:
                names = names_all[:n]
                ctx = _ctx(root / f"home{n}", cluster, names)
                wall, cpu, calls, errors = _poll_cycles(ctx, cycles)
                base = _baseline_cycles(cluster, names, max(2, cycles // 2))
                rows.append((n, wall, base, cpu, calls, errors))
            # terminal bytes: 4 hosts every 2 s, nothing changing; baseline: no hosts
            four = names_all[:4]
            gpu_home = root / "tui4"
            _ctx(gpu_home, cluster, four, gpu="poll_seconds = 2.0")
            with_hosts = (gpu_home / "config.toml").read_text()
            (gpu_home / "config.toml").write_text(
                with_hosts.replace("[[hosts]]", "[[hosts]]\npoll_seconds = 2.0", 4)
            )
            base_home = root / "tui0"
            base_home.mkdir()
            (base_home / "config.toml").write_text("[gpu]\nlocal = false\n")
            secs = 10.0 if quick else 30.0
            bps_base, start_base, _, _ = _terminal_bytes(base_home, secs, 4.0)
            bps, start_gpu, first, polls = _terminal_bytes(
                gpu_home, secs, 6.0, [cluster.hosts[n] for n in four]
            )
            drawn = b"b3" in first and b"632W" in first
            # the same, with one GPU job whose tqdm line changes every second
            h0 = cluster.hosts[four[0]]
            h0.sh(
                "tmux new-session -d -s bench 'i=0; while :; do i=$((i+1)); "
                'printf "%s%%|#   | %s/100 [00:01<00:10, 1.00it/s]\\n" $((i % 100)) $((i % 100)); sleep 1; done\''
            )
            pane_pid = int(h0.sh("tmux list-panes -t bench -F '#{pane_pid}'").split()[0])
            h0.set_apps([(pane_pid, "GPU-00000000-0000-0000-0000-000000000000", 7484, "python")])
            bps_change, _, _, polls_change = _terminal_bytes(
                gpu_home, secs, 6.0, [cluster.hosts[n] for n in four]
            )
            # size of one host's probe answer
            from cockpit.services import gpu as svc
            from cockpit.sources import probe as probe_mod

            pctx = _ctx(root / "size", cluster, [four[0]])
            pp = svc.Poller(pctx)
            try:
                nonce = probe_mod.new_nonce()
                _, answer = pp.run(four[0], probe_mod.build_script(nonce))
            finally:
                pp.close()
            probe_bytes = len(answer.encode())
        finally:
            cluster.stop()
    out = [
        "Poll cycle over real sshd hosts on 127.0.1.x (stand-in nvidia-smi, the real probe script, "
        "real tmux and ps), persistent paramiko connections vs. the baseline of one fresh OpenSSH "
        "`ssh` per host per poll, all in parallel. Median of the cycles (fastest-slowest in brackets).",
        "",
        "| hosts | cockpit wall / cycle | baseline wall / cycle | speed-up | cockpit CPU / cycle | remote commands per host per cycle | failed polls | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, (wall, lo, hi), base, cpu, calls, errors in rows:
        goal = "≤ 0.3 s" if n == 32 else ""
        verdict = (" ✅" if wall <= 0.3 else " ❌") if n == 32 else ""
        out.append(
            f"| {n} | {wall * 1000:.0f} ms{verdict} ({lo * 1000:.0f}-{hi * 1000:.0f}) | {base * 1000:.0f} ms | {base / wall:.1f}x | "
            f"{cpu * 1000:.0f} ms ({cpu / n * 1000:.1f} ms/host) | {calls} | {errors} | {goal} |"
        )
    out += [
        "",
        "Bytes per second written to an 80x24 terminal by `cockpit` with 4 hosts polled every 2 s and "
        f"nothing changing ({secs:.0f} s window after start-up), vs. the same app with no GPU hosts:",
        "",
        "| | bytes/s while idle | bytes of the start-up frames | polls answered in the window |",
        "|---|---|---|---|",
        f"| 4 hosts, polled every 2 s | {bps:.1f} | {start_gpu} (hosts drawn: {'yes' if drawn else 'NO'}) | {polls} |",
        f"| baseline: no GPU hosts | {bps_base:.1f} | {start_base} | - |",
        f"| 4 hosts, one job's progress line changing every second | {bps_change:.1f} | - | {polls_change} |",
        "",
        "Goal: nothing changing means nothing written. Only host blocks or table cells whose text "
        "changed are updated; the last row is the cost of one job row changing on every poll "
        "(Textual repaints the table's visible rows; the table has no horizontal scrollbar, which "
        "would repaint too).",
        "",
        f"One host's probe answer (one GPU, one tmux job) is {probe_bytes} bytes: the whole process "
        "tree as pid/ppid pairs, full `ps` rows only for GPU and pane processes, the last 20 lines "
        "of each pane. The CPU column is the poller's own process time (SSH crypto, parsing) per cycle; "
        "the wall time includes the 32 sshd and probe shells running on the same 2 cores.",
        "",
        "The real NVML path and a real `nvidia-smi` are measured on GPU hardware by "
        "`python -m benchmarks.real_gpu` (below, outside this generated block).",
    ]
    return "\n".join(out)
