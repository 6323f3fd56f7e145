"""Store fault tests with real processes, real signals and real (small) file systems.

- writers SIGKILLed at random instants during 1,000 acknowledged inserts: no torn file,
  no acknowledged insert lost;
- several processes (and threads) doing read-modify-write on the same record: no lost update;
- corrupt files: a clear error naming the file, the bytes untouched, the rest working;
- a full disk and a read-only data folder: StoreWriteError with a clear message, old data intact.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from cockpit.store import CorruptFileError, Store, StoreWriteError, by_month
from cockpit.store.storage import parse
from tests.harness.fs import fill, small_tmpfs

REPO = Path(__file__).resolve().parents[2]

# A writer: inserts `count` entries spread over three months and prints "id n" after
# each insert returned (the acknowledgement).
WRITER = r"""
import sys
from cockpit.store import Store, by_month
root, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = Store(__import__("pathlib").Path(root)).collection("entries", by_month("start"))
months = ["2026-09", "2026-10", "2026-11"]
for n in range(count):
    doc = {"start": f"{months[n % 3]}-05T10:00:00+00:00", "w": tag, "n": n, "note": "x" * (n % 50)}
    new_id = c.insert(doc)
    print(new_id, n, flush=True)
"""

# An incrementer: `count` read-modify-writes of one doc and of one partitioned record.
INCREMENTER = r"""
import sys
from pathlib import Path
from cockpit.store import Store, by_month
root, rec_id, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = Store(root)
doc = store.doc("counter")
entries = store.collection("entries", by_month("start"))
for _ in range(count):
    doc.update(lambda cur: {**cur, "n": cur.get("n", 0) + 1})
    with entries.transaction(rec_id.rsplit("-", 1)[0]) as p:
        rec = p.get(rec_id)
        p.update(rec_id, {"hits": rec["hits"] + 1})
print("done", flush=True)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _acks(out: str) -> list[tuple[str, int]]:
    """Complete lines only: a line cut by the kill was not acknowledged."""
    acks = []
    for line in out.splitlines(keepends=True):
        if line.endswith("\n") and line.strip():
            new_id, n = line.split()
            acks.append((new_id, int(n)))
    return acks


# ---------------------------------------------------------------------------- (a) SIGKILL


def test_sigkilled_writers_never_tear_a_file_nor_lose_an_acknowledged_insert(tmp_path):
    root = tmp_path / "store"
    Store(root)
    rng = random.Random(20261125)
    acked: dict[str, tuple[str, int]] = {}  # id -> (writer tag, n)
    kills = 0
    live: list[tuple[str, subprocess.Popen[str]]] = []

    def reap(tag: str, proc: subprocess.Popen[str]) -> None:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), err
        for new_id, n in _acks(out):
            assert new_id not in acked, f"id {new_id} handed out twice"
            acked[new_id] = (tag, n)

    deadline = time.monotonic() + 240
    while len(acked) < 1000 or kills < 30:
        assert time.monotonic() < deadline, f"only {len(acked)} acknowledged inserts"
        while len(live) < 3:
            tag = uuid.uuid4().hex[:8]
            live.append((tag, _spawn(WRITER, str(root), tag, str(rng.randint(20, 200)))))
        time.sleep(rng.uniform(0.05, 0.3))
        tag, proc = live.pop(rng.randrange(len(live)))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        reap(tag, proc)
        for other in [x for x in live if x[1].poll() is not None]:
            live.remove(other)
            reap(*other)
    for tag, proc in live:
        proc.send_signal(signal.SIGKILL)
        reap(tag, proc)

    assert len(acked) >= 1000
    # Every file parses: no torn store.
    files = sorted((root / "entries").glob("*.json"))
    assert [f.name for f in files] == ["2026-09.json", "2026-10.json", "2026-11.json"]
    for f in files:
        parse(f, f.read_bytes())
    store = Store(root)
    assert store.check() == []
    # Every acknowledged insert is there, with its own content.
    c = store.collection("entries", by_month("start"))
    stored = {d["id"]: (d["w"], d["n"]) for d in c.all()}
    missing = [i for i in acked if i not in stored]
    assert not missing, f"{len(missing)} acknowledged inserts lost, e.g. {missing[:5]}"
    wrong = [i for i, v in acked.items() if stored[i] != v]
    assert not wrong, f"acknowledged ids hold another writer's data: {wrong[:5]}"
    # Leftover temp files of killed writers are hidden from the store, harmless, and swept at
    # once: their writers' processes are gone.
    assert all(not p.startswith(".") for p in c.parts())
    leftovers = list((root / "entries").glob(".*.tmp"))
    assert sorted(store.sweep_temp_files()) == sorted(leftovers)
    assert not list((root / "entries").glob(".*.tmp"))
    c.insert({"start": "2026-11-30T10:00:00+00:00", "w": "after", "n": 0})


# ---------------------------------------------------------------------------- (b) no lost update


def test_concurrent_processes_lose_no_update(tmp_path):
    root = tmp_path / "store"
    entries = Store(root).collection("entries", by_month("start"))
    rec = entries.insert({"start": "2026-11-05T10:00:00+00:00", "hits": 0})
    procs, count = 4, 150
    running = [_spawn(INCREMENTER, str(root), rec, str(count)) for _ in range(procs)]
    for p in running:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0 and out.strip() == "done", err
    store = Store(root)
    assert store.doc("counter").read() == {"n": procs * count}
    assert store.collection("entries", by_month("start")).get(rec)["hits"] == procs * count


def test_concurrent_processes_inserting_get_distinct_ids(tmp_path):
    root = tmp_path / "store"
    Store(root)
    running = [_spawn(WRITER, str(root), f"w{i}", "60") for i in range(4)]
    acked: dict[str, tuple[str, int]] = {}
    for i, p in enumerate(running):
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        for new_id, n in _acks(out):
            assert new_id not in acked, f"id {new_id} handed out twice"
            acked[new_id] = (f"w{i}", n)
    c = Store(root).collection("entries", by_month("start"))
    assert len(acked) == 240
    assert {d["id"]: (d["w"], d["n"]) for d in c.all()} == acked


def test_threads_with_separate_and_shared_stores_lose_no_update(tmp_path):
    root = tmp_path / "store"
    shared = Store(root)
    errors: list[BaseException] = []

    def bump(store: Store) -> None:
        try:
            for _ in range(100):
                store.doc("counter").update(lambda cur: {"n": cur.get("n", 0) + 1})
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=bump, args=(s,)) for s in (shared, shared, Store(root), Store(root))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Store(root).doc("counter").read() == {"n": 400}


def test_a_replace_within_one_timestamp_tick_is_not_missed(tmp_path):
    """Same size, same mtime (a coarse file-system clock), a reused inode: still noticed."""
    root = tmp_path / "store"
    a, b = Store(root).doc("counter"), Store(root).doc("counter")
    path = root / "doc-counter" / "all.json"
    tick = time.time_ns()

    def coarse() -> None:  # every write lands in the same timestamp tick
        os.utime(path, ns=(tick, tick))

    for i in range(50):
        a.set({"n": i % 10})
        coarse()
        assert b.read() == {"n": i % 10}
        for _ in range(2):  # two replaces: the inode number comes back, size and mtime match
            a.update(lambda cur: {"n": (cur["n"] + 1) % 10})
            coarse()
        assert b.read() == {"n": (i + 2) % 10}
        b.update(lambda cur: {"n": (cur["n"] + 1) % 10})  # a read-modify-write from b's side
        coarse()
        assert a.read() == {"n": (i + 3) % 10}


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    c = Store(tmp_path / "store").collection("tasks")
    tid = c.insert({"title": "keep", "tags": ["a"]})
    before = c.path("all").read_bytes()
    with pytest.raises(RuntimeError):
        with c.transaction("all") as p:
            doc = p.get(tid)
            doc["tags"].append("b")  # a private copy: the cache is not touched
            p.update(tid, {"title": "changed"})
            p.insert({"title": "new"})
            raise RuntimeError("caller changed its mind")
    assert c.path("all").read_bytes() == before
    assert [(d["title"], d["tags"]) for d in c.all()] == [("keep", ["a"])]
    c.update(tid, {"title": "kept"})
    assert [(d["title"], d["tags"]) for d in Store(tmp_path / "store").collection("tasks").all()] == [
        ("kept", ["a"])
    ]


# ---------------------------------------------------------------------------- (c) corrupt files

CORRUPTIONS = {
    "torn": b'{"docs": {"1": {"title": "x"}',
    "binary": b"\x00\xff\xfe garbage \x00",
    "empty": b"",
    "not a table": b"[1, 2, 3]",
    "bad record": b'{"docs": {"one": {"title": "x"}}}',
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_partition_clear_error_bytes_untouched_rest_works(tmp_path, kind):
    store = Store(tmp_path / "store")
    c = store.collection("entries", by_month("start"))
    good = c.insert({"start": "2026-10-01T09:00:00+00:00", "n": 1})
    bad_id = c.insert({"start": "2026-11-01T09:00:00+00:00", "n": 2})
    path = c.path("2026-11")
    path.write_bytes(CORRUPTIONS[kind])
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    fresh = Store(tmp_path / "store")
    fc = fresh.collection("entries", by_month("start"))
    for attempt in (
        lambda: fc.all(),
        lambda: fc.get(bad_id),
        lambda: fc.insert({"start": "2026-11-02T09:00:00+00:00"}),
        lambda: fc.update(bad_id, {"n": 3}),
        lambda: fc.remove(bad_id),
        lambda: fc.put(bad_id, {"start": "2026-11-01T09:00:00+00:00"}),
    ):
        with pytest.raises(CorruptFileError) as e:
            attempt()
        msg = str(e.value)
        assert str(path) in msg and "left untouched" in msg and "\n" not in msg
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert [e.path for e in fresh.check()] == [path]
    assert [p.path for p in fresh.problems] == [path]
    # The other partition and the other collections keep working.
    assert fc.get(good)["n"] == 1
    assert [d["n"] for d in fc.read_part("2026-10")] == [1]
    fc.insert({"start": "2026-10-03T09:00:00+00:00", "n": 4})
    fresh.collection("tasks").insert({"title": "still fine"})
    assert fresh.collection("tasks").all()[0]["title"] == "still fine"


def test_corrupt_doc_names_restore_command_when_a_backup_exists(tmp_path, monkeypatch):
    import cockpit.store.collection as coll

    monkeypatch.setattr(coll, "BACKUP_EVERY_S", 0)
    store = Store(tmp_path / "store")
    store.doc("settings").set({"theme": "a"})
    store.doc("settings").set({"theme": "b"})
    path = store.collection("doc-settings").path("all")
    path.write_bytes(b"{nope")
    with pytest.raises(CorruptFileError) as e:
        Store(tmp_path / "store").doc("settings").update(lambda cur: cur)
    assert f"cockpit store restore {path}" in str(e.value)
    assert path.read_bytes() == b"{nope"


def test_unreadable_partition_is_reported_not_crashed(tmp_path):
    store = Store(tmp_path / "store")
    c = store.collection("tasks")
    c.insert({"title": "x"})
    path = c.path("all")
    path.unlink()
    path.mkdir()  # reading it fails with an OSError (root ignores file modes)
    with pytest.raises(CorruptFileError) as e:
        Store(tmp_path / "store").collection("tasks").all()
    assert "cannot read" in str(e.value) and str(path) in str(e.value)


# ---------------------------------------------------------------------------- (d) full / read-only disk


@pytest.fixture
def small_fs(tmp_path):
    """A 1 MiB tmpfs of our own (needs root and mount permission; skipped otherwise)."""
    with small_tmpfs(tmp_path, "1m") as mnt:
        yield mnt


def test_full_disk_gives_store_write_error_and_keeps_old_data(small_fs):
    store = Store(small_fs / "store")
    c = store.collection("entries", by_month("start"))
    kept = c.insert({"start": "2026-11-01T09:00:00+00:00", "note": "before"})
    path = c.path("2026-11")
    before = path.read_bytes()
    filler = fill(small_fs, chunk=4096)
    for attempt in (
        lambda: c.insert({"start": "2026-11-02T09:00:00+00:00", "note": "y" * 20_000}),
        lambda: c.update(kept, {"note": "z" * 20_000}),
        lambda: store.collection("brand-new").insert({"x": 1}),
    ):
        with pytest.raises(StoreWriteError) as e:
            attempt()
        assert "disk is full" in str(e.value) and "nothing was changed" in str(e.value)
    assert path.read_bytes() == before
    assert [d["note"] for d in Store(small_fs / "store").collection("entries").all()] == ["before"]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    filler.unlink()
    c.insert({"start": "2026-11-02T09:00:00+00:00", "note": "after"})
    assert [d["note"] for d in c.all()] == ["before", "after"]


def test_read_only_data_folder_reads_fine_and_refuses_writes_clearly(small_fs):
    store = Store(small_fs / "store")
    c = store.collection("entries", by_month("start"))
    kept = c.insert({"start": "2026-11-01T09:00:00+00:00", "note": "before"})
    store.doc("settings").set({"theme": "cockpit-light"})
    before = c.path("2026-11").read_bytes()
    r = subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot remount read-only here ({r.stderr.strip()})")
    ro = Store(small_fs / "store")  # opening a read-only store works
    rc = ro.collection("entries", by_month("start"))
    assert rc.get(kept)["note"] == "before"
    assert ro.doc("settings").read() == {"theme": "cockpit-light"}
    for attempt in (
        lambda: rc.insert({"start": "2026-11-02T09:00:00+00:00"}),
        lambda: rc.update(kept, {"note": "x"}),
        lambda: ro.doc("settings").set({"theme": "x"}),
        lambda: ro.collection("brand-new").insert({"x": 1}),
    ):
        with pytest.raises(StoreWriteError) as e:
            attempt()
        assert "read-only" in str(e.value) and "nothing was changed" in str(e.value)
    assert c.path("2026-11").read_bytes() == before
    subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)
    rc.insert({"start": "2026-11-02T09:00:00+00:00", "note": "after"})
    assert [d["note"] for d in rc.all()] == ["before", "after"]


def test_newer_schema_store_is_read_but_never_written(tmp_path):
    root = tmp_path / "store"
    Store(root).collection("tasks").insert({"title": "x"})
    (root / "meta.json").write_text(json.dumps({"schema": 99}))
    s = Store(root)
    assert s.collection("tasks").all()[0]["title"] == "x"
    with pytest.raises(StoreWriteError) as e:
        s.collection("tasks").insert({"title": "y"})
    assert "newer cockpit" in str(e.value)
