"""The shell when the store fails under it: a corrupt file, a full disk, a read-only folder."""

from __future__ import annotations

import subprocess

import pytest
from textual.widgets import Static

from cockpit.context import Context
from cockpit.tui.app import CockpitApp
from tests.harness.fs import fill, small_tmpfs
from tests.harness.tmux import cockpit_cli


def banner(app: CockpitApp) -> Static:
    return app.main.query_one("#store-banner", Static)


def messages(app: CockpitApp) -> list[str]:
    return [n.message for n in app._notifications]


async def wait_until(pilot, cond, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if cond():
            return
        await pilot.pause(0.1)
    assert cond()


async def test_corrupt_file_while_running_shows_banner_and_app_keeps_working(ctx):
    settings = ctx.store.doc("settings")
    settings.set({"theme": "cockpit-dark"})
    settings.set({"theme": "cockpit-dark", "x": 1})  # the second write keeps a backup
    path = ctx.store.collection("doc-settings").path("all")
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert not banner(app).display
        path.write_bytes(b'{"docs": {"1": {"theme": "cock')  # torn by some other program
        app.theme = "cockpit-light"  # saving the choice reads the file
        await pilot.pause()
        assert banner(app).display
        text = str(banner(app).render())
        assert str(path) in text and f"cockpit store restore {path}" in text
        assert any("theme not saved" in m and str(path) in m for m in messages(app))
        assert path.read_bytes() == b'{"docs": {"1": {"theme": "cock'  # never written over
        # The rest keeps working.
        await pilot.press("3", "z")
        assert app.main.has_class("-zoom") and app.main.current_pane().PANE_ID == "audit"
        await pilot.press("z")
        # Restoring from another process clears the banner within a poll or two.
        r = cockpit_cli(ctx.paths.config_dir, "store", "restore", str(path))
        assert r.returncode == 0, r.stderr
        await wait_until(pilot, lambda: not banner(app).display)


async def test_corrupt_file_at_start_is_named_in_the_banner(home, clock):
    ctx = Context.open(home, clock=clock)
    ctx.store.doc("settings").set({"theme": "cockpit-light"})
    path = ctx.store.collection("doc-settings").path("all")
    path.write_bytes(b"\x00garbage")
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert banner(app).display and str(path) in str(banner(app).render())
        assert app.theme == "cockpit-dark"  # the default, since the choice cannot be read
        assert all(
            t in "\n".join(s.text for s in app.screen._compositor.render_strips()) for t in ("1 Focus",)
        )


@pytest.fixture
def tmpfs_home(tmp_path, monkeypatch):
    with small_tmpfs(tmp_path, "1m") as mnt:
        monkeypatch.setenv("COCKPIT_HOME", str(mnt))
        yield mnt


async def test_full_disk_while_running_toasts_and_loses_nothing(tmpfs_home, clock):
    ctx = Context.open(tmpfs_home, clock=clock)
    ctx.store.doc("settings").set({"theme": "cockpit-dark", "kept": True})
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        filler = fill(tmpfs_home)
        app.theme = "cockpit-light"
        await pilot.pause()
        assert any("theme not saved" in m and "disk is full" in m for m in messages(app)), messages(app)
        assert not banner(app).display  # a full disk is not a corrupt file
        await pilot.press("2")
        assert app.main.current_pane().PANE_ID == "mits"
        filler.unlink()
        app.theme = "cockpit-contrast"
        await pilot.pause()
    assert Context.open(tmpfs_home, clock=clock).store.doc("settings").read() == {
        "theme": "cockpit-contrast",
        "kept": True,
    }


async def test_read_only_data_folder_while_running_toasts_and_keeps_data(tmpfs_home, clock):
    ctx = Context.open(tmpfs_home, clock=clock)
    ctx.store.doc("settings").set({"theme": "cockpit-dark", "kept": True})
    before = ctx.store.collection("doc-settings").path("all").read_bytes()
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        r = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs_home)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only ({r.stderr.strip()})")
        app.theme = "cockpit-light"
        await pilot.pause()
        assert any("theme not saved" in m and "read-only" in m for m in messages(app)), messages(app)
        await pilot.press("z")
        assert app.main.has_class("-zoom")
    assert ctx.store.collection("doc-settings").path("all").read_bytes() == before
