"""A real single-node Slurm cluster on loopback for tests: munged, slurmctld, slurmd, and
optionally accounting (a private mariadbd + slurmdbd) so that ``sacct`` works.

Everything lives in one folder: munge key and socket, slurm.conf, state, logs, job output.
Every daemon listens on 127.0.0.1 only. Clients find the cluster through ``SLURM_CONF``
(``cluster.env``). Needs root (SlurmUser=root) and the Debian packages slurmctld, slurmd,
slurm-client, munge (+ slurmdbd, mariadb-server for accounting); ``skip_reason()`` says what
is missing. ``running_cluster()`` is the one way the Slurm tiers (tests/slurm, tests/slurmint)
start a cluster: each tier keeps its own clusters, made by the same factory.

Traps handled here (measured on Debian 12, Slurm 22.05.8):
* munged wants its socket folder mode 755 and its key folder 700;
* without ``CommunicationParameters=NoCtldInAddrAny,NoInAddrAny`` the daemons bind 0.0.0.0;
* slurmdbd has no ``-f``: it reads slurmdbd.conf next to SLURM_CONF, which must be mode 600;
  with NoInAddrAny it binds the address of gethostname(), so it runs under ``unshare --uts``
  with hostname ``localhost``; connections to it need ``AccountingStoragePass=<munge socket>``;
* a daemon that died can linger as a zombie (``kill -0`` succeeds): /proc state is checked;
* ports are fixed per cluster (a free-port picker races under parallel fixtures).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.harness.tools import unavailable

DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue")
ACCT_DAEMONS = ("slurmdbd", "mariadbd", "mariadb-install-db", "unshare")

# Fixed port blocks, one per cluster name; overridable with COCKPIT_TEST_SLURM_PORT_BASE.
_PORT_BASE = int(os.environ.get("COCKPIT_TEST_SLURM_PORT_BASE", "46810"))
_BLOCKS = {"plain": 0, "acct": 10}


def skip_reason(accounting: bool = False) -> str | None:
    if os.geteuid() != 0:
        return "the Slurm test cluster needs root (SlurmUser=root)"
    names = DAEMONS + (ACCT_DAEMONS if accounting else ())
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        return "not installed: " + ", ".join(missing)
    return None


def need_slurm(accounting: bool = False) -> None:
    """Skip the test (fail it under ``CI=true``) where the test cluster cannot run here."""
    reason = skip_reason(accounting)
    if reason:
        unavailable(reason)


@contextmanager
def running_cluster(
    accounting: bool = False, name: str | None = None, prefix: str = "cockpit-slurm-"
) -> Iterator[SlurmCluster]:
    """A started cluster in a folder of its own, stopped and removed afterwards; the test is
    skipped (failed under ``CI=true``) where it cannot run. munged insists that every folder
    above its socket is world-searchable; pytest's tmp_path is 0700, so the cluster's folder is
    a fresh one under /tmp, mode 755."""
    need_slurm(accounting)
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    cluster = SlurmCluster(root, accounting, name=name)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def alive(pid: int) -> bool:
    """Running and not a zombie (a zombie answers kill -0)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("State:"):
            return "Z" not in line.split(":", 1)[1].split()[0]
    return True


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports(name: str, count: int) -> list[int]:
    """A fixed block of ports for this cluster; moves on by 100 if one is taken."""
    base = _PORT_BASE + _BLOCKS.get(name, 20)
    for shift in range(0, 2000, 100):
        ports = [base + shift + i for i in range(count)]
        if all(_port_free(p) for p in ports):
            return ports
    raise RuntimeError("no free port block for the Slurm test cluster")


class SlurmCluster:
    def __init__(self, root: Path, accounting: bool = False, name: str | None = None, cpus: int = 8) -> None:
        self.dir = root.resolve()
        self.accounting = accounting
        self.name = name or ("acct" if accounting else "plain")
        self.cpus = cpus
        self.conf = self.dir / "slurm.conf"
        self.out = self.dir / "out"
        self.ctld_port = self.slurmd_port = self.dbd_port = self.db_port = 0

    # ------------------------------------------------------------ client side
    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["SLURM_CONF"] = str(self.conf)
        env.pop("SLURM_TIME_FORMAT", None)
        return env

    def run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        r = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} -> rc {r.returncode}: {r.stderr.strip()}")
        return r

    def sbatch(self, *args: str, wrap: str | None = None) -> str:
        """Submit; returns the job id sbatch printed (``--parsable``: ``42`` or ``42;cluster``)."""
        cmd = ["sbatch", "--parsable", "--chdir", str(self.out), *args]
        if wrap is not None:
            cmd += ["--wrap", wrap]
        return self.run(*cmd).stdout.strip().split(";")[0]

    def job_state(self, job_id: str) -> str:
        """State from scontrol (finished jobs stay there for MinJobAge)."""
        r = self.run("scontrol", "-o", "show", "job", job_id, check=False)
        for tok in r.stdout.split():
            if tok.startswith("JobState="):
                return tok.split("=", 1)[1]
        return "UNKNOWN"

    def wait_state(self, job_id: str, *states: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            state = self.job_state(job_id)
            if state in states:
                return state
            if state in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY"):
                break  # ended some other way: no point waiting
            time.sleep(0.3)
        raise TimeoutError(f"job {job_id} still {state}, wanted {states}")

    # ------------------------------------------------------------ daemons
    def _pid(self, name: str) -> int | None:
        try:
            return int((self.dir / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def pids(self) -> dict[str, int]:
        names = ["munged", "slurmctld", "slurmd"] + (["slurmdbd", "mariadbd"] if self.accounting else [])
        return {n: p for n in names if (p := self._pid(n)) is not None}

    def start(self) -> SlurmCluster:
        for sub in ("munge", "munge-key", "state", "spool", "log", "out"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "munge").chmod(0o755)  # munged: "Socket is inaccessible" otherwise
        (self.dir / "munge-key").chmod(0o700)
        self.out.chmod(0o755)
        ports = _ports(self.name, 4)
        self.ctld_port, self.slurmd_port, self.dbd_port, self.db_port = ports
        try:
            self._start_munge()
            if self.accounting:
                self._start_mariadb()
            self._write_conf()
            if self.accounting:
                self._start_slurmdbd()
            self._start_slurm()
        except BaseException:
            self.stop()
            raise
        return self

    def _log_tail(self, *names: str) -> str:
        out = []
        for n in names:
            p = self.dir / "log" / n
            if p.exists():
                out.append(f"--- {n}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-15:]))
        return "\n".join(out)

    def _wait(self, what: str, ok: object, timeout: float, logs: tuple[str, ...] = ()) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ok():  # type: ignore[operator]
                    return
            except (OSError, subprocess.SubprocessError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{what} did not come up in {timeout:.0f} s\n{self._log_tail(*logs)}")

    def _start_munge(self) -> None:
        key = self.dir / "munge-key" / "munge.key"
        if not key.exists():
            key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        sock = self.dir / "munge" / "munge.socket"
        subprocess.run(
            [
                "munged",
                f"--key-file={key}",
                f"--socket={sock}",
                f"--pid-file={self.dir / 'munged.pid'}",
                f"--log-file={self.dir / 'log' / 'munged.log'}",
                f"--seed-file={self.dir / 'munge-key' / 'munged.seed'}",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )  # daemonizes once ready

    def _start_mariadb(self) -> None:
        db = self.dir / "db"
        db.mkdir(exist_ok=True)
        log = self.dir / "log"
        if not (db / "mysql").exists():
            with open(log / "mariadb-install.log", "w") as f:
                subprocess.run(
                    [
                        "mariadb-install-db",
                        "--no-defaults",
                        f"--datadir={db}",
                        "--user=root",
                        "--auth-root-authentication-method=socket",
                        "--skip-test-db",
                    ],
                    check=True,
                    stdout=f,
                    stderr=subprocess.STDOUT,
                    timeout=120,
                )
        sock = self.dir / "mysql.sock"
        subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={db}",
                f"--socket={sock}",
                "--bind-address=127.0.0.1",
                f"--port={self.db_port}",
                f"--pid-file={self.dir / 'mariadbd.pid'}",
                f"--log-error={log / 'mariadbd.err'}",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=64M",
                "--innodb-lock-wait-timeout=900",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # mariadbd does not daemonize itself
        )
        admin = ["mariadb-admin", "--no-defaults", f"--socket={sock}", "ping"]
        self._wait(
            "mariadbd",
            lambda: (
                subprocess.run(admin, capture_output=True, timeout=10).returncode == 0
                and self._pid("mariadbd") is not None
            ),
            90,
        )
        subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                f"--socket={sock}",
                "-e",
                "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmtest';"
                " GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def _write_conf(self) -> None:
        d = self.dir
        munge_sock = d / "munge" / "munge.socket"
        lines = [
            "ClusterName=cockpittest",
            "SlurmctldHost=localhost(127.0.0.1)",
            f"SlurmctldPort={self.ctld_port}",
            f"SlurmdPort={self.slurmd_port}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={munge_sock}",
            # without both, slurmctld/slurmd listen on 0.0.0.0
            "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny",
            f"StateSaveLocation={d / 'state'}",
            f"SlurmdSpoolDir={d / 'spool'}/slurmd-%n",
            f"SlurmctldPidFile={d / 'slurmctld.pid'}",
            f"SlurmdPidFile={d / 'slurmd.pid'}",
            f"SlurmctldLogFile={d / 'log' / 'slurmctld.log'}",
            f"SlurmdLogFile={d / 'log' / 'slurmd.log'}",
            "SlurmctldDebug=info",
            "SlurmdDebug=info",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "SchedulerType=sched/backfill",
            "MpiDefault=none",
            "ReturnToService=2",
            "JobCompType=jobcomp/filetxt",
            f"JobCompLoc={d / 'jobcomp.txt'}",
            "MinJobAge=600",
            "KillWait=2",
            "OverTimeLimit=0",
            "SlurmctldTimeout=30",
            "SlurmdTimeout=30",
            "SchedulerParameters=sched_interval=2",
            # more CPUs than the machine has, so that test jobs do not queue behind each other
            "SlurmdParameters=config_overrides",
            f"NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs={self.cpus} State=UNKNOWN",
            "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        ]
        if self.accounting:
            lines += [
                "AccountingStorageType=accounting_storage/slurmdbd",
                "AccountingStorageHost=127.0.0.1",
                f"AccountingStoragePort={self.dbd_port}",
                # slurmdbd connections ignore AuthInfo; without this they try /run/munge
                f"AccountingStoragePass={munge_sock}",
            ]
            dbd = d / "slurmdbd.conf"
            dbd.write_text(
                "\n".join(
                    [
                        "AuthType=auth/munge",
                        f"AuthInfo=socket={munge_sock}",
                        "DbdHost=localhost",
                        "DbdAddr=127.0.0.1",
                        f"DbdPort={self.dbd_port}",
                        "CommunicationParameters=NoInAddrAny",
                        "SlurmUser=root",
                        "DebugLevel=info",
                        f"LogFile={d / 'log' / 'slurmdbd.log'}",
                        f"PidFile={d / 'slurmdbd.pid'}",
                        "StorageType=accounting_storage/mysql",
                        "StorageHost=127.0.0.1",
                        f"StoragePort={self.db_port}",
                        "StorageUser=slurm",
                        "StoragePass=slurmtest",
                        "StorageLoc=slurm_acct_db",
                    ]
                )
                + "\n"
            )
            dbd.chmod(0o600)  # slurmdbd refuses a readable one
        else:
            lines.append("AccountingStorageType=accounting_storage/none")
        self.conf.write_text("\n".join(lines) + "\n")

    def _start_slurmdbd(self) -> None:
        # NoInAddrAny makes slurmdbd bind gethostname()'s address: give it a private UTS
        # namespace named "localhost" so that is 127.0.0.1. It daemonizes.
        subprocess.run(
            ["unshare", "--uts", "sh", "-c", "hostname localhost && exec slurmdbd"],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        self._wait(
            "slurmdbd",
            lambda: self.run("sacctmgr", "-n", "list", "cluster", check=False, timeout=15).returncode == 0,
            60,
            ("slurmdbd.log",),
        )
        # register the cluster before slurmctld starts, or its first connection is refused
        self.run("sacctmgr", "-i", "add", "cluster", "cockpittest", check=False)

    def _start_slurm(self) -> None:
        subprocess.run(["slurmctld", "-f", str(self.conf), "-i"], env=self.env, check=True, timeout=30)
        subprocess.run(
            ["slurmd", "-f", str(self.conf), "-N", "localhost"], env=self.env, check=True, timeout=30
        )

        def ready() -> bool:
            r = self.run("sinfo", "-h", "-N", "-o", "%T", check=False, timeout=15)
            return r.stdout.strip().rstrip("*") in ("idle", "mixed", "allocated")

        self._wait("the Slurm node", ready, 60, ("slurmctld.log", "slurmd.log"))

    def stop(self) -> None:
        """Cancel every job, then slurmd (it ends its job steps), slurmctld, slurmdbd, mariadbd,
        munged; last, any process still carrying this cluster's SLURM_CONF (a job step whose
        slurmd died first would otherwise outlive the test)."""
        if self._pid("slurmctld") is not None:
            try:
                self.run("scancel", "--full", "--partition=debug", check=False, timeout=15)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and self._leftovers(steps_only=True):
                    time.sleep(0.2)
            except (OSError, subprocess.SubprocessError):
                pass
        for name in ("slurmd", "slurmctld", "slurmdbd", "mariadbd", "munged"):
            pid = self._pid(name)
            if pid is None:
                continue
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                deadline = time.monotonic() + 15
                while alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)
                if alive(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            (self.dir / f"{name}.pid").unlink(missing_ok=True)
        for pid in self._leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _leftovers(self, steps_only: bool = False) -> list[int]:
        """Processes (job steps and their children) started by this cluster's daemons."""
        marker = f"SLURM_CONF={self.conf}".encode()
        daemons = set(self.pids().values())
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            pid = int(entry.name)
            if pid in daemons or not alive(pid):
                continue
            try:
                environ = (entry / "environ").read_bytes()
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if marker in environ.split(b"\0") and (not steps_only or comm == "slurmstepd"):
                found.append(pid)
        return found

    def listeners(self) -> list[str]:
        """Local addresses of this cluster's listening TCP sockets (from /proc/net/tcp)."""
        ports = {self.ctld_port, self.slurmd_port} | (
            {self.dbd_port, self.db_port} if self.accounting else set()
        )
        found = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                rows = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                cols = row.split()
                local, st = cols[1], cols[3]
                if st != "0A":  # LISTEN
                    continue
                addr_hex, port_hex = local.split(":")
                port = int(port_hex, 16)
                if port not in ports:
                    continue
                if len(addr_hex) == 8:
                    addr = socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr_hex)[::-1])
                else:
                    raw = bytes.fromhex(addr_hex)
                    addr = socket.inet_ntop(
                        socket.AF_INET6, b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    )
                found.append(f"{addr}:{port}")
        return sorted(found)
