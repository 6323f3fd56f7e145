"""``cockpit serve`` driven by Debian's Chromium (headless, through Playwright) and read by OCR.

The app is drawn on xterm.js canvases, so its text is not in the page's DOM: what a test reads
is a screenshot through ``tesseract``, or the app's effect through the CLI. Playwright never
downloads a browser here: it launches ``/usr/bin/chromium``.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.harness.tools import need_tool, unavailable

CHROMIUM = "/usr/bin/chromium"
# The panes' border titles with their numbers ("MITs" alone is also in "No MITs: m picks one").
TITLES = ("1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def need_browser() -> Any:
    """Playwright's sync API, once chromium and tesseract are known to be there (else skip; fail
    under CI=true)."""
    need_tool(CHROMIUM, "tesseract")
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("the Python package playwright is not installed (the test extra has it)")
    return sync_api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry))
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_for(check: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    """Poll ``check`` until it returns something true (sleep and poll: no timed waits, which
    hang under libfaketime)."""
    end = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


class Served:
    """A ``cockpit serve`` process on a free loopback port, with the URL it printed."""

    def __init__(self, home: Path, *extra: str) -> None:
        self.home = home
        self.port = free_port()
        self.env = {**os.environ, "COCKPIT_HOME": str(home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cockpit", "serve", "--port", str(self.port), *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        assert self.proc.stdout is not None
        self.start_line = self.proc.stdout.readline()
        m = re.search(r"open (http://\S+/\?key=(\S+))", self.start_line)
        if not m:
            self.stop()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"no start line from cockpit serve: {self.start_line!r} {err}")
        self.url, self.key = m.group(1), m.group(2)
        wait_for(self._listening, 15, "cockpit serve to listen")

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def request(self, path: str, headers: dict[str, str] | None = None) -> int:
        """The status of one GET (a websocket upgrade when the headers ask for one)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers=headers or {})
            return conn.getresponse().status
        finally:
            conn.close()

    def websocket(self, cookie: str | None = None) -> int:
        headers = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        if cookie is not None:
            headers["Cookie"] = f"cockpit_key_{self.port}={cookie}"
        return self.request("/ws?width=80&height=24", headers)

    def apps(self) -> list[int]:
        return children(self.proc.pid)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cockpit", *args],
            capture_output=True,
            text=True,
            env=self.env,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )

    def stop(self) -> None:
        apps = self.apps()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                wait_for(lambda: self.proc.poll() is not None, 10, "cockpit serve to stop")
            except AssertionError:
                self.proc.kill()
        for pid in apps:  # app processes the server did not end (a tab still open)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def ocr(png: Path) -> str:
    """The text tesseract reads from a screenshot. Page segmentation 11 (sparse text) reads
    every pane's border title, the highlighted one included, which the default layout analysis
    drops at phone width."""
    r = subprocess.run(
        ["tesseract", str(png), "-", "--psm", "11"], capture_output=True, text=True, timeout=60
    )
    return r.stdout


def open_page(page: Any, url: str) -> float:
    """Load the page and wait for the app's first bytes; the seconds it took."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=30_000)
    return time.perf_counter() - t0


def focus_terminal(page: Any) -> None:
    """Keys reach the app only once the terminal has focus; a click gives it. The click lands in
    the first pane, away from the footer's keys (a click there would press one)."""
    vp = page.viewport_size
    page.mouse.click(vp["width"] // 10, vp["height"] // 8)


def read_until(page: Any, shot: Path, want: Callable[[str], bool], what: str, timeout: float = 30) -> str:
    """Screenshot and OCR until ``want(text)``; the last text read."""
    seen = [""]

    def check() -> bool:
        page.screenshot(path=str(shot))
        seen[0] = ocr(shot)
        return want(seen[0])

    try:
        wait_for(check, timeout, what, step=0.3)
    except AssertionError as e:
        raise AssertionError(f"{e}; last OCR text:\n{seen[0]}") from None
    return seen[0]


def has_titles(text: str, titles: tuple[str, ...] = TITLES) -> bool:
    flat = " ".join(text.split())
    return all(t in flat for t in titles)
