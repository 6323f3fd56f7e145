"""A private D-Bus session bus with a notification server, for desktop-notification tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"  # has python3-dbus and python3-gi


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


class PrivateBus:
    """``dbus-daemon --session`` on a socket under ``root``; ``with_notifyd`` adds a server."""

    def __init__(self, root: Path, with_notifyd: bool = True) -> None:
        self.root = root
        self.socket = root / "bus.sock"
        self.address = f"unix:path={self.socket}"
        self.log = root / "notifications.jsonl"
        self.with_notifyd = with_notifyd
        self.pids: list[int] = []
        self._notifyd: subprocess.Popen[str] | None = None

    def start(self) -> PrivateBus:
        out = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1", f"--address={self.address}"],
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
        self.pids.append(int(out.stdout.split()[-1]))
        if self.with_notifyd:
            env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.address}
            self._notifyd = subprocess.Popen(
                [SYSTEM_PYTHON, str(HERE / "notifyd.py"), str(self.log)],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert self._notifyd.stdout is not None
            line = self._notifyd.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"notifyd did not start: {line!r} {self._notifyd.stderr.read()}")
        return self

    def notifications(self, timeout: float = 5.0, at_least: int = 1) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log.read_text().splitlines() if self.log.exists() else []
            if len(lines) >= at_least or time.monotonic() > deadline:
                return [json.loads(x) for x in lines]
            time.sleep(0.05)

    def stop(self) -> None:
        if self._notifyd is not None:
            self._notifyd.terminate()
            self._notifyd.wait(timeout=5)
        for pid in self.pids:
            _stop(pid)

    def __enter__(self) -> PrivateBus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
