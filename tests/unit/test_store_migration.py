"""Schema 2 moves the tasks out of their single file (tasks/all.json) into files of 100 ids, once.

The old store is built by the schema-1 code path itself: the ``tasks`` collection without
partitions (what ``schema.tasks`` was) writes tasks/all.json, and meta.json says schema 1. It
holds 5,000 tasks (with holes where tasks were deleted), time entries and focus records that
name tasks by id. The move is then killed with SIGKILL at each of its steps, in a real child
process, and the store is opened again through the real CLI: every task keeps its id, every
time entry and focus record still names the same task, and the old file is kept as a backup.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cockpit.context import Context
from cockpit.services import mits
from cockpit.store import Store, schema
from tests.harness.tmux import clean_env, cockpit_cli

N = 5_000
DELETED = ("17", "100", "2500", "4242")  # holes: the ids after them must not shift


def _task(i: int) -> dict:
    return {
        "title": f"task {i}",
        "notes": "",
        "impact": "high" if i % 2 else "low",
        "effort": "hours",
        "stage": None,
        "category": None,
        "estimate": 0,
        "project": "p",
        "created": "2024-01-01T09:00:00+00:00",
        "done": "2024-02-01T09:00:00+00:00" if i % 3 == 0 else None,
        "mit_date": None,
        "mit_order": 0,
        "mit_since": None,
        "mit_days": [],
        "focus_s": 0,
    }


def old_store(home: Path) -> Path:
    """A schema-1 store: 5,000 tasks in tasks/all.json, and records naming them by id."""
    root = home / "data" / "store"
    s = Store(root)
    single = s.collection("tasks")  # schema 1's tasks collection: no partitions, one file
    ids = single.insert_many([_task(i) for i in range(1, N + 1)])
    assert ids == [str(i) for i in range(1, N + 1)]
    for tid in DELETED:
        single.remove(tid)
    assert list((root / "tasks").glob("*.json")) == [root / "tasks" / "all.json"]
    live = [i for i in range(1, N + 1) if str(i) not in DELETED]
    schema.time_entries(s).insert_many(
        {
            "start": f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}T10:00:00+00:00",
            "end": f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}T10:25:00+00:00",
            "category": "model",
            "source": "focus",
            "note": "",
            "task": str(live[(k * 37) % len(live)]),
            "paper": None,
            "interruptions": 0,
        }
        for k in range(2_000)
    )
    schema.focus_sessions(s).insert_many(
        {
            "session": f"s{k}",
            "mode": "sprint",
            "phase": "focus",
            "round": 1,
            "start": f"2024-03-{1 + k % 28:02d}T10:00:00+00:00",
            "end": f"2024-03-{1 + k % 28:02d}T10:25:00+00:00",
            "planned_s": 1500,
            "active_s": 1500,
            "outcome": "completed",
            "task": str(live[(k * 101) % len(live)]),
        }
        for k in range(300)
    )
    (root / "meta.json").write_text(json.dumps({"schema": 1}))
    return root


def assert_moved(root: Path, old_bytes: bytes) -> None:
    """Every task kept its id; what names a task by id names the same task; nothing else left."""
    assert json.loads((root / "meta.json").read_text()) == {"schema": 2}
    assert not (root / "tasks" / "all.json").exists()
    assert (root / ".backups" / "tasks" / "all" / "before-schema-2.json").read_bytes() == old_bytes
    files = sorted(p.name for p in (root / "tasks").glob("*.json"))
    assert files == [f"{b:04d}xx.json" for b in range(N // 100 + 1)]
    for f in (root / "tasks").glob("*.json"):
        assert len(json.loads(f.read_bytes())["docs"]) <= 100
        assert f.stat().st_mode & 0o777 == 0o600
    s = Store(root)
    tasks = schema.tasks(s)
    by_id = {d["id"]: d["title"] for d in tasks.all()}
    assert len(by_id) == N - len(DELETED)
    assert all(title == f"task {tid}" for tid, title in by_id.items())
    assert not set(DELETED) & set(by_id)
    named = [e["task"] for e in schema.time_entries(s).all()] + [
        r["task"] for r in schema.focus_sessions(s).all()
    ]
    assert len(named) == 2_300
    assert all(tasks.get(tid)["title"] == f"task {tid}" for tid in named)


def test_old_tasks_file_moves_once_and_every_reference_still_holds(home, clock):
    root = old_store(home)
    old_bytes = (root / "tasks" / "all.json").read_bytes()
    ctx = Context.open(home, clock=clock)
    ctx.store  # noqa: B018  opening the store runs the move
    assert_moved(root, old_bytes)
    assert mits.get_task(ctx, "4243").title == "task 4243"
    assert mits.get_task(ctx, "4242") is None
    before = {p.name: p.stat().st_mtime_ns for p in (root / "tasks").glob("*.json")}
    Context.open(home, clock=clock).store  # noqa: B018  a second open moves nothing
    assert {p.name: p.stat().st_mtime_ns for p in (root / "tasks").glob("*.json")} == before
    added = mits.add_task(ctx, "after the move")
    assert added.id == "5001" and mits.get_task(ctx, "5001").title == "after the move"


# The child opens the store (which runs the move) and stops forever just before write number
# HANG of the move (1: the backup of the old file, 2..52: the 51 new files), or, with HANG 0,
# just before the schema number is written (the old file already removed); the test SIGKILLs it.
CHILD = """
import sys, time
from pathlib import Path
import cockpit.store as st
import cockpit.store.migrations as mig

hang, marker, root = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
calls = 0

def stop(path):
    marker.write_text(str(path))
    time.sleep(600)

def counted(path, data, durable=True, real=mig.atomic_write):
    global calls
    calls += 1
    if calls == hang:
        stop(path)
    real(path, data, durable)

mig.atomic_write = counted
if hang == 0:
    st.atomic_write = lambda path, data, durable=True: stop(path)
st.Store(root)
print("finished without a kill", flush=True)
"""


@pytest.mark.parametrize("hang", [1, 2, 27, 52, 0], ids=["backup", "first-file", "half", "last-file", "meta"])
def test_sigkill_during_the_move_then_the_next_start_completes_it(home, clock, tmp_path, hang):
    root = old_store(home)
    old = root / "tasks" / "all.json"
    old_bytes = old.read_bytes()
    marker = tmp_path / "stopped"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(hang), str(marker), str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), proc.communicate()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # Killed midway: the schema number is still 1, and the old file is whole until the very end.
    assert json.loads((root / "meta.json").read_text()) == {"schema": 1}
    written = sorted(p.name for p in (root / "tasks").glob("0*xx.json"))
    if hang:
        assert old.read_bytes() == old_bytes
        assert len(written) == max(0, hang - 2)
    else:
        assert not old.exists() and len(written) == N // 100 + 1

    r = cockpit_cli(home, "store", "check")  # the next start, through the real CLI
    assert r.returncode == 0 and "store ok" in r.stdout, r.stdout + r.stderr
    assert_moved(root, old_bytes)
    ctx = Context.open(home, clock=clock)
    assert len(mits.list_tasks(ctx, "all")) == N - len(DELETED)


def test_unreadable_old_tasks_file_stops_the_upgrade_with_one_line_and_is_kept(home):
    root = old_store(home)
    old = root / "tasks" / "all.json"
    old.write_bytes(b'{"docs": {"1": {"title": "cut')
    r = cockpit_cli(home, "task", "list")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and str(old) in r.stderr and "unreadable" in r.stderr, r.stderr
    assert old.read_bytes() == b'{"docs": {"1": {"title": "cut'
    assert json.loads((root / "meta.json").read_text()) == {"schema": 1}
    assert not list((root / "tasks").glob("0*xx.json"))
