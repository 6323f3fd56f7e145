"""Store faults end to end, per instrument: a corrupt file under the running app, a full disk and
a read-only data folder. Each gives a clear message in the app and the CLI; nothing saved is lost;
the other instruments keep working by their keys."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Static

from cockpit.context import Context
from cockpit.tui.app import CockpitApp
from tests.harness.clock import PinnedClock
from tests.harness.fs import fill, small_tmpfs
from tests.harness.tmux import cockpit_cli as cli
from tests.hostile.strings import control_bytes
from tests.papers import feeds


def seed(ctx: Context, tmp_path: Path) -> None:
    from cockpit.services import audit, focus, mits, papers
    from cockpit.services import gpu as gsvc

    mits.add_task(ctx, "write the report", mit=True)
    mits.add_task(ctx, "plot the curves")
    now = ctx.clock.now()
    audit.add_entry(ctx, start=now - dt.timedelta(hours=2), end=now - dt.timedelta(hours=1), category="model", source="manual", note="kept")  # fmt: skip
    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        feeds.rss([feeds.item("2611.00001", "A kept paper"), feeds.item("2611.00002", "Another")])
    )
    papers.ingest(ctx, [str(feed)])
    gsvc.jobs_collection(ctx).insert(
        {"host": "local", "name": "kept-job", "session": "kept-job", "command": "train", "note": "",
         "started": (now - dt.timedelta(hours=1)).isoformat(), "ended": None, "state": "lost", "exit_code": None}
    )  # fmt: skip
    focus.start(ctx)


def target(ctx: Context, which: str) -> Path:
    from cockpit.services import audit, mits, papers
    from cockpit.services import gpu as gsvc

    if which == "tasks":
        return mits.tasks(ctx).path("0000xx")  # the file of ids 0-99
    if which == "time_entries":
        return audit.entries(ctx).path(ctx.clock.now().strftime("%Y-%m"))
    if which == "papers":
        return papers.papers(ctx).path(papers.current_week(ctx))
    if which == "jobs":
        col = gsvc.jobs_collection(ctx)
        return col.path(col.parts()[-1])
    return ctx.store.collection("doc-focus").path("all")


# instrument file -> (its pane, its CLI command, another pane's number and a key that writes there,
#                     a check that the write happened)
# The calendar is pinned: the app runs on a clock that starts on the fixture feed's day (the papers
# file is that ISO week's) and the CLI is pointed at the same day and week.
DAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
CASES = {
    "tasks": ("mits", ("task", "list"), "3", "m"),
    "time_entries": ("audit", ("audit", "list", "--date", DAY.date().isoformat()), "2", "x"),
    "papers": ("papers", ("papers", "rank", "--week", "2026-W48"), "3", "m"),
    "jobs": ("gpu", ("jobs", "--all"), "3", "m"),
    "focus": ("focus", ("focus", "status"), "2", "x"),
}


def other_write_happened(ctx: Context, key: str) -> bool:
    from cockpit.services import audit, mits

    if key == "m":
        return audit.running(ctx) is not None
    return any(t.done for t in mits.list_tasks(ctx, "all"))


async def wait_until(pilot, cond, seconds: float = 6.0) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.1)):
        if cond():
            return
        await pilot.pause(0.1)
    assert cond()


@pytest.mark.parametrize("which", list(CASES))
async def test_corrupt_instrument_file_while_running(home, clock, tmp_path, write_config, which):
    write_config("[gpu]\npoll_seconds = 1.0\n")  # the GPU pane reads the jobs at each poll
    # a running clock (the GPU pane polls on its monotonic time) on the pinned day
    ctx = Context.open(home, clock=PinnedClock(DAY, tz="Europe/Berlin"))
    seed(ctx, tmp_path)
    path = target(ctx, which)
    assert path.exists()
    garbage = b'{"docs": {"1": {"title": "torn by another progr'
    pane_id, command, other, key = CASES[which]
    app = CockpitApp(Context.open(home, clock=PinnedClock(DAY, tz="Europe/Berlin")))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.5)
        banner = app.main.query_one("#store-banner", Static)
        assert not banner.display
        path.write_bytes(garbage)
        # the app notices the change within a poll or two and names the file
        await wait_until(pilot, lambda: banner.display and str(path) in str(banner.render()))
        text = str(banner.render())
        assert "left untouched" in text and ("cockpit store restore" in text or "fix or move it away" in text)
        # the broken instrument's own keys crash nothing
        number = {"focus": "1", "mits": "2", "audit": "3", "papers": "4", "gpu": "5"}[pane_id]
        await pilot.press(number, "z")
        await pilot.pause(0.3)
        await pilot.press("z")
        # another instrument keeps working by its keys
        await pilot.press(other, key)
        await wait_until(pilot, lambda: other_write_happened(ctx, key))
        assert app.is_running
        assert path.read_bytes() == garbage
        if which == "jobs":  # the GPUs are still polled (every second here) while the file is bad
            poller = app.main.pane("gpu").poller
            before = poller.polled_at.get("local", 0.0)
            await wait_until(pilot, lambda: poller.polled_at.get("local", 0.0) > before)
            assert [
                n.message for n in app._notifications if str(path) in n.message
            ] == []  # no toast per poll
    assert path.read_bytes() == garbage  # never written over, not even at exit
    r = cli(home, *command)
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "left untouched" in lines[0], r.stderr
    assert "Traceback" not in r.stderr and control_bytes(r.stderr) == []
    assert path.read_bytes() == garbage


@pytest.fixture
def tmpfs_home(tmp_path, monkeypatch):
    with small_tmpfs(tmp_path, "2m") as mnt:
        monkeypatch.setenv("COCKPIT_HOME", str(mnt))
        yield mnt


def snapshot(home: Path) -> dict[str, bytes]:
    store = home / "data" / "store"
    root = store if store.exists() else home
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*.json")) if p.is_file()}


WRITES = [
    (("task", "add", "one more"), "2", "a"),
    (("track", "start", "model"), "3", "m"),
    (("focus", "start", "--replace"), "1", "s"),
]


@pytest.mark.parametrize("fault", ["full", "read-only"])
async def test_full_disk_and_read_only_folder_in_app_and_cli(tmpfs_home, tmp_path, fault):
    ctx = Context.open(tmpfs_home)  # the real clock, as the CLI subprocesses have
    seed(ctx, tmp_path)
    from cockpit.services import focus

    focus.stop(ctx)  # the app's "s" starts a new sprint
    before = snapshot(tmpfs_home)
    words = "disk is full" if fault == "full" else "read-only"
    app = CockpitApp(Context.open(tmpfs_home))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.5)
        if fault == "full":
            filler = fill(tmpfs_home)
        else:
            r = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs_home)], capture_output=True, text=True)
            if r.returncode != 0:
                pytest.skip(f"cannot remount read-only ({r.stderr.strip()})")
        # keys that write: start tracking (audit), start a sprint (focus)
        for keys in (("3", "m"), ("1", "s", "enter")):
            app.clear_notifications()
            await pilot.press(*keys)
            await wait_until(pilot, lambda: any(words in n.message for n in app._notifications))
            msg = next(n.message for n in app._notifications if words in n.message)
            assert "nothing was changed" in msg and "\n" not in msg.strip()
            if app.screen is not app.main:
                await pilot.press("escape")
        assert app.is_running
        await pilot.press("2", "z")  # the app still moves and draws
        assert app.main.has_class("-zoom")
        await pilot.press("z")
        # the CLI says the same, one line, exit 1, for each instrument's write
        for args, _n, _k in WRITES:
            r = cli(tmpfs_home, *args)
            assert r.returncode == 1, (args, r.stdout, r.stderr)
            line = r.stderr.strip()
            assert words in line and "\n" not in line and "Traceback" not in r.stderr, (args, r.stderr)
        # reading still works
        r = cli(tmpfs_home, "task", "list")
        assert r.returncode == 0 and "write the report" in r.stdout
        if fault == "full":
            filler.unlink()
        else:
            subprocess.run(["mount", "-o", "remount,rw", str(tmpfs_home)], check=True)
    after = snapshot(tmpfs_home)
    for name, data in before.items():
        assert after.get(name) == data or name.endswith(("doc-focus/all.json", "status.json")), name


# instrument -> (a wrong-typed value written into its first record, the record's id as messages show it)
WRONG_TYPES = {
    "tasks": ("mit_order", "x"),
    "time_entries": ("note", 5),
    "papers": ("title", ["not", "text"]),
    "jobs": ("name", 7),
    "focus": ("last", {"task": None, "category": 7}),
}


def spoil(path: Path, which: str, empty: bool = False) -> tuple[bytes, str]:
    """Put a wrong-typed value (or ``{}``) into the first record of the well-formed file ``path``;
    returns the file's new bytes and the record as messages name it."""
    import json

    data = json.loads(path.read_bytes())
    key = sorted(data["docs"], key=int)[0]
    if empty:
        data["docs"][key] = {}
    else:
        field, value = WRONG_TYPES[which]
        data["docs"][key][field] = value
    raw = json.dumps(data).encode()
    path.write_bytes(raw)
    part = path.name.removesuffix(".json")
    # a record id names its partition, except in "all" and in the id buckets of tasks (0042xx)
    record = "focus" if which == "focus" else key if part == "all" or part.endswith("xx") else f"{part}-{key}"
    return raw, repr(record)


def assert_cli_names(home: Path, command: tuple[str, ...], path: Path, record: str) -> None:
    r = cli(home, *command)
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0] and f"record {record}" in lines[0] and "left untouched" in lines[0], r.stderr
    assert "Traceback" not in r.stderr and control_bytes(r.stderr) == []


@pytest.mark.parametrize("which", list(CASES))
async def test_wrong_typed_record_in_app_and_cli(home, tmp_path, write_config, which):
    """A well-formed file whose record holds a wrong-typed value: the CLI says so in one line (file,
    record, field) and exits 1; the app starts, names the file in the banner, and the other
    instruments keep working; the file is never written."""
    write_config("[gpu]\npoll_seconds = 1.0\n")
    ctx = Context.open(home, clock=PinnedClock(DAY, tz="Europe/Berlin"))
    seed(ctx, tmp_path)
    path = target(ctx, which)
    raw, record = spoil(path, which)
    field = WRONG_TYPES[which][0]
    pane_id, command, other, key = CASES[which]
    assert_cli_names(home, command, path, record)
    app = CockpitApp(Context.open(home, clock=PinnedClock(DAY, tz="Europe/Berlin")))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        banner = app.main.query_one("#store-banner", Static)
        await wait_until(pilot, lambda: banner.display and str(path) in str(banner.render()))
        assert field in str(banner.render()) or record in str(banner.render())
        number = {"focus": "1", "mits": "2", "audit": "3", "papers": "4", "gpu": "5"}[pane_id]
        await pilot.press(number, "z")
        await pilot.pause(0.3)
        await pilot.press("z")
        await pilot.press(other, key)
        await wait_until(pilot, lambda: other_write_happened(ctx, key))
        assert app.is_running
        assert path.read_bytes() == raw
    assert path.read_bytes() == raw
    assert_cli_names(home, command, path, record)
    assert path.read_bytes() == raw


@pytest.mark.parametrize("which", ["tasks", "time_entries"])
def test_empty_record_is_reported_not_dropped(home, tmp_path, which):
    """A ``{}`` record (no id, no fields) is named like a wrong-typed one; it does not vanish."""
    ctx = Context.open(home, clock=PinnedClock(DAY, tz="Europe/Berlin"))
    seed(ctx, tmp_path)
    path = target(ctx, which)
    raw, record = spoil(path, which, empty=True)
    assert_cli_names(home, CASES[which][1], path, record)
    assert path.read_bytes() == raw
