"""``cockpit serve`` in a real browser: Debian's Chromium, headless, driven by Playwright.

The page's text is drawn on canvases, so these tests read it by OCR (tesseract) from
screenshots, or read the app's effect through the CLI. Without chromium, tesseract or the
playwright package they skip; under CI=true they fail (tests/harness/tools.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.browser import (
    CHROMIUM,
    DESKTOP,
    PHONE,
    TITLES,
    Served,
    focus_terminal,
    has_titles,
    need_browser,
    ocr,
    open_page,
    read_until,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    need_browser()
    home = tmp_path / "home"
    home.mkdir()
    s = Served(home)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = need_browser()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    return browser.new_page(viewport=viewport, device_scale_factor=1)


def test_without_the_key_page_and_socket_get_403_and_no_app_starts(served: Served, browser: Any) -> None:
    assert served.request("/") == 403
    assert served.request("/?key=wrong") == 403
    assert served.request("/?key=" + served.key[:-1]) == 403
    assert served.request("/static/js/textual.js") == 403
    assert served.websocket() == 403
    assert served.websocket("wrong") == 403
    # a browser with a wrong key: refused too, and nothing runs for it
    page = _page(browser, DESKTOP)
    response = page.goto(served.url.replace(served.key, "x" * len(served.key)))
    assert response.status == 403
    assert "needs the link with its key" in page.inner_text("body")
    assert served.apps() == []
    # the right key (as the start line shows it) is let in, and then one app process runs
    assert served.url.startswith(f"http://127.0.0.1:{served.port}/?key=")
    assert served.websocket(served.key) == 101
    wait_for(served.apps, 10, "the app process of the accepted socket")


def test_page_shows_the_five_panes_at_desktop_and_phone_width(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    shots = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = _page(browser, viewport)
        open_page(page, served.url)
        assert page.url == f"http://127.0.0.1:{served.port}/"  # the key left the address bar
        shot = tmp_path / f"cockpit-{name}.png"
        text = read_until(page, shot, has_titles, f"the five pane titles at {name} width")
        assert "No sprint running" in " ".join(text.split())
        shots[name] = shot
        page.close()
    for name, shot in shots.items():
        assert shot.stat().st_size > 10_000, name  # a real picture was saved
    target = _shots_dir()
    if target:
        for shot in shots.values():
            shutil.copy(shot, target / shot.name)


def test_number_keys_move_between_panes_and_z_zooms(served: Served, browser: Any, tmp_path: Path) -> None:
    page = _page(browser, DESKTOP)
    open_page(page, served.url)
    shot = tmp_path / "keys.png"
    read_until(page, shot, has_titles, "the five pane titles")
    focus_terminal(page)
    for key, title in zip("23451", (TITLES[1], TITLES[2], TITLES[3], TITLES[4], TITLES[0]), strict=True):
        page.keyboard.press(key)
        page.keyboard.press("z")
        others = tuple(t for t in TITLES if t != title)
        read_until(
            page,
            shot,
            lambda text, title=title, others=others: (
                has_titles(text, (title,)) and not any(has_titles(text, (o,)) for o in others)
            ),
            f"only the {title} pane, zoomed by {key} then z",
        )
        page.keyboard.press("z")
        read_until(page, shot, has_titles, f"all five panes again after z on {title}")


def test_s_in_the_browser_starts_a_sprint_that_the_cli_sees(served: Served, browser: Any) -> None:
    before = json.loads(served.cli("focus", "status", "--json").stdout)
    assert before["state"] == "idle"
    page = _page(browser, DESKTOP)
    open_page(page, served.url)
    read_until(page, Path(served.home / "s.png"), has_titles, "the five pane titles")
    focus_terminal(page)
    page.keyboard.press("1")
    page.keyboard.press("s")
    read_until(page, served.home / "s.png", lambda text: "Start a sprint" in text, "the sprint's start form")
    page.keyboard.press("Enter")  # its defaults: today's first MIT, the last category, the usual length

    def running() -> dict[str, Any] | None:
        status = json.loads(served.cli("focus", "status", "--json").stdout)
        return status if status["state"] == "running" else None

    try:
        status = wait_for(running, 30, "cockpit focus status --json to show a running sprint", step=0.5)
    except AssertionError as e:
        shot = served.home / "s-failed.png"
        page.screenshot(path=str(shot))
        raise AssertionError(f"{e}; the page reads:\n{ocr(shot)}") from None
    assert status["mode"] == "sprint"


def test_a_task_added_from_the_terminal_appears_in_the_browser(served: Served, browser: Any) -> None:
    page = _page(browser, DESKTOP)
    open_page(page, served.url)
    shot = served.home / "task.png"
    read_until(page, shot, has_titles, "the five pane titles")
    added = served.cli("task", "add", "Rebuttal draft for reviewer two")
    assert added.returncode == 0, added.stderr
    read_until(page, shot, lambda text: "Rebuttal draft" in text, "the new task in the MITs pane")


def test_command_palette_changes_the_theme_from_the_browser(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    page = _page(browser, DESKTOP)
    open_page(page, served.url)
    shot = tmp_path / "palette.png"
    read_until(page, shot, has_titles, "the five pane titles")
    focus_terminal(page)
    page.keyboard.press("Control+p")
    read_until(page, shot, lambda text: "Search for commands" in text, "the command palette")
    page.keyboard.type("theme", delay=50)
    read_until(page, shot, lambda text: "theme" in text.lower() and "Go to" not in text, "the theme command")
    page.keyboard.press("Enter")
    read_until(page, shot, lambda text: "for themes" in text, "the theme list")
    page.keyboard.type("cockpit-light", delay=30)
    page.keyboard.press("Enter")

    def saved() -> bool:
        return any('"cockpit-light"' in f.read_text() for f in served.home.rglob("*.json") if f.is_file())

    wait_for(saved, 20, "the chosen theme saved in the store")
    # and the page is still the cockpit, drawn in the new theme
    read_until(page, shot, has_titles, "the five pane titles after the theme change")


def _shots_dir() -> Path | None:
    """``COCKPIT_SHOTS=DIR`` keeps the screenshots (README's pictures are made this way)."""
    import os

    d = os.environ.get("COCKPIT_SHOTS")
    return Path(d) if d else None


def test_a_host_other_than_loopback_is_warned_about(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes, then the bind fails
    import subprocess
    import sys

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cockpit",
            "--home",
            str(tmp_path),
            "serve",
            "--host",
            "192.0.2.1",
            "--port",
            "8471",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert "warning: --host 192.0.2.1 is reachable from other machines" in r.stderr
    assert r.returncode == 1 and "cannot listen on 192.0.2.1:8471" in r.stderr
    assert "key=" not in r.stdout  # no link was shown for a server that never listened


def test_stopping_the_server_ends_the_tabs_cockpits(served: Served, browser: Any) -> None:
    import os
    import signal

    page = _page(browser, DESKTOP)
    open_page(page, served.url)
    apps = wait_for(served.apps, 10, "the tab's app process")
    served.proc.send_signal(signal.SIGTERM)
    wait_for(lambda: served.proc.poll() is not None, 20, "cockpit serve to stop on SIGTERM")
    assert served.proc.returncode == 0

    def gone() -> bool:
        return all(
            not os.path.exists(f"/proc/{pid}") or " Z " in Path(f"/proc/{pid}/stat").read_text()
            for pid in apps
        )

    wait_for(gone, 10, "the tab's cockpit process to end with the server")
