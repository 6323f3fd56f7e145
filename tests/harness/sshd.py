"""Real OpenSSH servers on 127.0.0.x as separate "GPU hosts" for tests and benchmarks.

Each host gets its own sshd (foreground ``-D``, its own host key), its own HOME, its own tmux
socket folder and its own PATH with a stand-in ``nvidia-smi`` (set with sshd's ``SetEnv``:
sshd's default PATH has no test folders, and SHLVL=1 keeps bash from reading ~/.bashrc).
The client side is an ``ssh_config`` with one alias per host, a key and a ``known_hosts``.

The stand-in nvidia-smi is the only fake: it answers exactly the queries cockpit's probe sends
(built from ``cockpit.sources.parse_nvidia_smi`` field lists) with CSV rows recorded from real GPUs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from cockpit.sources.parse_nvidia_smi import APP_FIELDS, GPU_FIELDS, GPU_FIELDS_BASIC
from cockpit.sources.probe import nvidia_smi_app_args, nvidia_smi_gpu_args

SSHD = "/usr/sbin/sshd"

# Recorded from a real H100 80GB HBM3 under gpu-burn, driver 590.48.01 (order = GPU_FIELDS).
H100_BUSY = "0, GPU-00000000-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, 00000000:00:09.0, 100, 11, 19818, 81559, 59, 631.95, 700.00, Disabled"
# The same card with MIG enabled: utilisation is [N/A], memory and power are still reported.
H100_MIG = "0, GPU-00000000-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, 00000000:00:09.0, [N/A], [N/A], 11125, 81559, 53, 433.78, 700.00, Enabled"
# An idle card (Tesla P100, driver 510, passively cooled: values recorded idle).
P100_IDLE = "0, GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6, Tesla P100-PCIE-16GB, 00000000:04:00.0, 0, 0, 0, 16384, 37, 28.16, 250.00, [N/A]"

assert len(H100_BUSY.split(", ")) == len(GPU_FIELDS)


def free_port(addr: str) -> int:
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def _keygen(path: Path, comment: str) -> None:
    if not path.exists():
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True
        )


def standin_script(data_dir: Path) -> str:
    gpu_q, fmt = nvidia_smi_gpu_args()
    basic_q, _ = nvidia_smi_gpu_args(GPU_FIELDS_BASIC)
    app_q, _ = nvidia_smi_app_args()
    d = shlex.quote(str(data_dir))
    n = len(GPU_FIELDS_BASIC)
    return f"""#!/bin/sh
# stand-in for nvidia-smi (tests only): replays recorded values for cockpit's exact queries
D={d}
if [ -f "$D/fail" ]; then cat "$D/fail"; exit 9; fi
case "$1" in
  {shlex.quote(gpu_q)})
    echo q >> "$D/calls"
    # an old driver (the marker file names the field it lacks) refuses the whole query
    if [ -f "$D/old" ]; then printf 'Field "%s" is not a valid field to query.\n\n' "$(cat "$D/old")"; exit 2; fi
    f=gpus.csv ;;
  {shlex.quote(basic_q)})
    [ "$2" = {shlex.quote(fmt)} ] || exit 2
    cut -d, -f1-{n} "$D/gpus.csv"; exit 0 ;;
  {shlex.quote(app_q)}) f=apps.csv ;;
  *) echo "stand-in nvidia-smi: unsupported query: $*" >&2; exit 2 ;;
esac
if [ "$2" != {shlex.quote(fmt)} ]; then echo "stand-in nvidia-smi: unsupported format: $2" >&2; exit 2; fi
cat "$D/$f"
"""


def shifted_clock_env() -> str:
    """The shifted clock of the suite's second run (tests/run: libfaketime) for the remote
    sessions too, as on one real machine where every process shares the clock: sshd clears a
    session's environment, so the variables go on its ``SetEnv`` line."""
    keys = ("LD_PRELOAD", "FAKETIME", "TZ")
    if not os.environ.get("FAKETIME"):
        return ""
    return "".join(f" {k}={os.environ[k]}" for k in keys if os.environ.get(k))


class SshHost:
    def __init__(self, root: Path, name: str, addr: str, client_key: Path) -> None:
        self.name, self.addr = name, addr
        self.force_command: str | None = None  # e.g. a host whose every command prints garbage
        self.log_level = "ERROR"  # DEBUG1 logs each forwarded (ProxyJump) connection: see forwards()
        self.dir = root / name
        self.home = self.dir / "home"
        self.bin = self.dir / "bin"
        self.data = self.dir / "nvsmi"
        self.tmux_tmpdir = self.dir / "tmux"
        self.client_key = client_key
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        for d in (self.home, self.bin, self.data, self.tmux_tmpdir):
            d.mkdir(parents=True, exist_ok=True)
        _keygen(self.dir / "host_ed25519", f"host-{name}")
        self.set_gpus([H100_BUSY])
        self.set_apps([])
        self.install_nvidia_smi()

    # ---------------------------------------------------------------- GPU stand-in data

    def set_gpus(self, rows: list[str]) -> None:
        (self.data / "gpus.csv").write_text("".join(r + "\n" for r in rows))

    def set_apps(self, rows: list[tuple[int, str, int, str]]) -> None:
        """(pid, gpu uuid, MiB, name) rows."""
        assert all(len(r) == len(APP_FIELDS) for r in rows)
        (self.data / "apps.csv").write_text("".join(", ".join(map(str, r)) + "\n" for r in rows))

    def set_nvsmi_failure(self, text: str | None) -> None:
        f = self.data / "fail"
        if text is None:
            f.unlink(missing_ok=True)
        else:
            f.write_text(text)

    def set_old_driver(self, missing_field: str | None) -> None:
        """Make the stand-in refuse the full query as a driver without ``missing_field`` does."""
        f = self.data / "old"
        if missing_field is None:
            f.unlink(missing_ok=True)
        else:
            f.write_text(missing_field)

    def gpu_queries(self) -> int:
        """How many --query-gpu calls the stand-in answered (one per poll)."""
        try:
            return len((self.data / "calls").read_text().splitlines())
        except FileNotFoundError:
            return 0

    def install_nvidia_smi(self) -> None:
        standin = self.bin / "nvidia-smi"
        standin.write_text(standin_script(self.data))
        standin.chmod(0o755)

    def remove_nvidia_smi(self) -> None:
        (self.bin / "nvidia-smi").unlink(missing_ok=True)

    # ---------------------------------------------------------------- sshd

    @property
    def path_env(self) -> str:
        return f"{self.bin}:/usr/local/bin:/usr/bin:/bin"

    def config_text(self) -> str:
        user = (
            os.environ.get("USER")
            or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        )
        return f"""ListenAddress {self.addr}:{self.port}
HostKey {self.dir}/host_ed25519
PidFile none
AuthorizedKeysFile {self.dir}/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
AllowUsers {user}
MaxStartups 200:30:400
MaxSessions 100
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
AllowTcpForwarding yes
LogLevel {self.log_level}
{f"ForceCommand {self.force_command}" if self.force_command else ""}
# COLUMNS=80 as many login shells leave it: procps then cuts ps output at 80 columns unless -ww
SetEnv SHLVL=1 HOME={self.home} PATH={self.path_env} TMUX_TMPDIR={self.tmux_tmpdir} COLUMNS=80{shifted_clock_env()}
"""

    def start(self) -> SshHost:
        if Path("/run").is_dir() and os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        shutil.copy(str(self.client_key) + ".pub", self.dir / "authorized_keys")
        os.chmod(self.dir / "authorized_keys", 0o600)
        if not self.port:
            self.port = free_port(self.addr)
        cfg = self.dir / "sshd_config"
        cfg.write_text(self.config_text())
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-f", str(cfg), "-E", str(self.dir / "sshd.log")],
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.addr, self.port), timeout=0.5) as s:
                    s.settimeout(2)
                    if s.recv(4).startswith(b"SSH-"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(
            f"sshd on {self.addr}:{self.port} did not start: {(self.dir / 'sshd.log').read_text()}"
        )

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None
        # per-connection sshd children of a terminated listener exit when their client goes

    def forwards(self) -> list[tuple[str, int]]:
        """(host, port) of each forwarded connection (a ProxyJump through this host) it opened;
        needs ``log_level = "DEBUG1"`` before ``start``."""
        log = self.dir / "sshd.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        rx = r"server_request_direct_tcpip: originator \S+ port \d+, target (\S+) port (\d+)"
        return [(m[1], int(m[2])) for m in re.finditer(rx, text)]

    def host_key_line(self) -> str:
        kind, key = (self.dir / "host_ed25519.pub").read_text().split()[:2]
        return f"[{self.addr}]:{self.port} {kind} {key}"

    # ---------------------------------------------------------------- the host's own tmux

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        env.update(HOME=str(self.home), PATH=self.path_env, TMUX_TMPDIR=str(self.tmux_tmpdir))
        return env

    def sh(self, script: str, check: bool = True) -> str:
        """Run a shell command as it would run on this host (same HOME, PATH, tmux socket)."""
        r = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=self.env(), timeout=20)
        if check and r.returncode != 0:
            raise AssertionError(f"{script!r} failed ({r.returncode}): {r.stdout}{r.stderr}")
        return r.stdout

    def kill_tmux(self) -> None:
        subprocess.run(["tmux", "kill-server"], env=self.env(), capture_output=True, timeout=10)


class StallServer:
    """Accepts TCP connections on 127.0.0.x and never says a word."""

    def __init__(self, addr: str) -> None:
        self.addr = addr
        self.sock = socket.socket()
        self.sock.bind((addr, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                continue

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        for c in self.conns:
            c.close()
        self.sock.close()


class Cluster:
    """Several SshHost's plus the client files: ``ssh_config`` and ``known_hosts``."""

    def __init__(self, root: Path, addrs: list[str], names: list[str] | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.key = root / "id_ed25519"
        _keygen(self.key, "cockpit-test-client")
        names = names or [f"h{a.rsplit('.', 1)[1]}" for a in addrs]
        self.hosts = {n: SshHost(root, n, a, self.key) for n, a in zip(names, addrs, strict=True)}
        self.ssh_config = root / "ssh_config"
        self.known_hosts = root / "known_hosts"
        self.extra_config = ""

    def start(self) -> Cluster:
        threads = [threading.Thread(target=h.start) for h in self.hosts.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.write_client_files()
        return self

    def write_client_files(self, skip_known: tuple[str, ...] = ()) -> None:
        blocks = []
        for h in self.hosts.values():
            blocks.append(
                f"Host {h.name}\n  HostName {h.addr}\n  Port {h.port}\n  User {os.environ.get('USER', 'root')}\n"
                f"  IdentityFile {self.key}\n  IdentitiesOnly yes\n"
            )
        self.ssh_config.write_text(self.extra_config + "".join(blocks))
        self.known_hosts.write_text(
            "".join(h.host_key_line() + "\n" for h in self.hosts.values() if h.name not in skip_known)
        )

    def config_toml(self, hosts: list[str] | None = None, extra_host: str = "", gpu: str = "") -> str:
        lines = [
            "[gpu]",
            "local = false",
            f'ssh_config = "{self.ssh_config}"',
            f'known_hosts = "{self.known_hosts}"',
            gpu,
        ]
        for n in hosts if hosts is not None else list(self.hosts):
            lines += ["[[hosts]]", f'name = "{n}"', extra_host]
        return "\n".join(lines) + "\n"

    def stop(self) -> None:
        for h in self.hosts.values():
            h.kill_tmux()
            h.stop()
