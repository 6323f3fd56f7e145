"""``cockpit serve``: page open to first frame, keypress to frame in the browser against the same
key in tmux, and memory per connected browser.

The browser is Debian's Chromium, headless, driven by Playwright (tests/harness/browser.py).
A small script put in the page before it loads stamps each key (keydown) and each websocket
message with ``performance.now()``: keypress to frame is the key's stamp to the first message
after it (the repaint's bytes reaching the page; xterm.js then draws them). The same key, ``z``
(zoom, a whole-screen repaint), in a private tmux pane of the same size: ``send-keys`` to the
first byte of the app's output at ``pipe-pane``. Page open: ``goto`` to the page's first app
bytes (textual-serve's ``-first-byte`` mark). Memory: the server's and each tab's app process's
RSS with 1 and with 3 tabs open.
"""

from __future__ import annotations

import os
import shlex
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.harness.browser import CHROMIUM, DESKTOP, Served, focus_terminal, has_titles, read_until, rss_kib
from tests.harness.tmux import TmuxScreen, cockpit_cmd

STAMPS = """
window.__keys = []; window.__frames = [];
document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  ws.addEventListener('message', () => window.__frames.push(performance.now()));
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""


def _open_times(browser: object, url: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body.-first-byte", timeout=30_000)
        times.append((time.perf_counter() - t0) * 1000)
        page.close()
        time.sleep(0.5)
    return times


def _browser_keys(browser: object, url: str, presses: int, shot: Path) -> list[float]:
    page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)  # type: ignore[attr-defined]
    page.add_init_script(STAMPS)
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=30_000)
    read_until(page, shot, has_titles, "the five pane titles")
    focus_terminal(page)
    page.keyboard.press("1")
    time.sleep(1.0)
    out = []
    for _ in range(presses):
        page.keyboard.press("z")
        time.sleep(0.6)  # the repaint settles before the next key
        out.append(
            page.evaluate(
                "(() => { const k = window.__keys[window.__keys.length - 1];"
                " const f = window.__frames.find(t => t > k); return f === undefined ? null : f - k; })()"
            )
        )
    page.close()
    return [v for v in out if v is not None]


def _tmux_keys(home: str, presses: int, cols: int, rows: int) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "pane.bytes"
        with TmuxScreen(cockpit_cmd(), cols, rows, env={"COCKPIT_HOME": home}, sock_dir=tmp) as s:
            s.wait_for("Quit", timeout=30)
            s.send("1")
            time.sleep(1.0)
            s.tmux("pipe-pane", "-o", "-t", s.target, f"cat >> {shlex.quote(str(log))}")
            time.sleep(0.3)
            for _ in range(presses):
                before = log.stat().st_size if log.exists() else 0
                t0 = time.perf_counter()
                s.tmux("send-keys", "-t", s.target, "z")
                while (log.stat().st_size if log.exists() else 0) == before:
                    if time.perf_counter() - t0 > 5:
                        break
                    time.sleep(0.0005)
                else:
                    out.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.6)
            s.tmux("pipe-pane", "-t", s.target)
    return out


def _memory(browser: object, served: Served, tabs: int) -> tuple[float, float]:
    """(server RSS MiB, mean app-process RSS MiB) with ``tabs`` tabs open."""
    pages = []
    for _ in range(tabs):
        page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)  # type: ignore[attr-defined]
        page.goto(served.url)
        page.wait_for_selector("body.-first-byte", timeout=30_000)
        pages.append(page)
    time.sleep(4.0)  # the panes' first loads are done
    apps = served.apps()
    server = rss_kib(served.proc.pid) / 1024
    per_app = statistics.mean(rss_kib(pid) for pid in apps) / 1024 if apps else 0.0
    for page in pages:
        page.close()
    time.sleep(1.0)
    return server, per_app


def run(quick: bool) -> str:
    from playwright.sync_api import sync_playwright

    home = os.environ["COCKPIT_HOME"]
    presses = 10 if quick else 30
    served = Served(Path(home))
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            opens = _open_times(browser, served.url, 3 if quick else 8)
            page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
            sockets: list[str] = []
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.goto(served.url)
            page.wait_for_selector("body.-first-byte", timeout=30_000)
            page.close()
            query = parse_qs(urlsplit(sockets[0]).query)
            cols, rows = int(query["width"][0]), int(query["height"][0])  # the app's size in cells
            web = _browser_keys(browser, served.url, presses, Path(tmp) / "keys.png")
            mem1 = _memory(browser, served, 1)
            mem3 = _memory(browser, served, 3)
            browser.close()
    finally:
        served.stop()
    term = _tmux_keys(home, presses, cols, rows)

    def med(v: list[float]) -> str:
        return f"{statistics.median(v):.0f}" if v else "n/a"

    def p90(v: list[float]) -> str:
        return f"{statistics.quantiles(v, n=10)[-1]:.0f}" if len(v) >= 10 else "n/a"

    ratio = f"{statistics.median(web) / statistics.median(term):.1f}" if web and term else "n/a"
    return f"""`cockpit serve` in headless Chromium (Debian's, through Playwright), {DESKTOP["width"]}×{DESKTOP["height"]} page; the app sees {cols}×{rows} cells.

| what | median ms | p90 ms | runs |
|---|---|---|---|
| page open (`goto`) to the app's first frame at the page | {med(opens)} | {p90(opens)} | {len(opens)} |
| keypress `z` (zoom) to the repaint's first bytes at the page | {med(web)} | {p90(web)} | {len(web)} |
| baseline: the same key in tmux ({cols}×{rows}), `send-keys` to the first byte at `pipe-pane` | {med(term)} | {p90(term)} | {len(term)} |

Browser against tmux, keypress to frame: {ratio}×. Both include the app's own repaint. The
browser's clock starts at the page's keydown and adds the websocket hop and textual-serve's
relay; the tmux clock starts before `tmux send-keys` (a process start) and ends at the `cat`
that `pipe-pane` feeds, so tmux's figure carries more overhead of its own. Measured on a shared
2-core machine: read the two as "the same order", not as the browser being faster.

Memory per connected browser: each tab is one app process (textual-serve starts one per
websocket). Server (aiohttp, textual-serve) RSS {mem1[0]:.0f} MiB with one tab, {mem3[0]:.0f} MiB with
three; app process RSS {mem1[1]:.0f} MiB per tab with one tab, {mem3[1]:.0f} MiB per tab with three.
Chromium's own memory is the viewer's, not counted.
"""
