import json
import os
import stat

import pytest

from cockpit.store import CorruptFileError, NotFound, Store, by_iso_week, by_month


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


def test_insert_get_update_remove_partitioned(store):
    c = store.collection("entries", by_month("start"))
    a = c.insert({"start": "2026-11-02T10:00:00+00:00", "cat": "model"})
    b = c.insert({"start": "2026-10-30T10:00:00+00:00", "cat": "data"})
    assert a.startswith("2026-11-") and b.startswith("2026-10-")
    assert c.get(a)["cat"] == "model"
    assert c.parts() == ["2026-10", "2026-11"]
    c.update(a, {"cat": "eval"})
    assert c.get(a)["cat"] == "eval"
    removed = c.remove(a)
    assert c.get(a) is None
    c.put(a, removed)  # undo puts it back under the same id
    assert c.get(a)["cat"] == "eval"
    with pytest.raises(NotFound):
        c.update("2026-11-999", {"x": 1})


def test_week_partition():
    assert by_iso_week("day")({"day": "2026-11-25"}) == "2026-W48"
    assert by_iso_week("day")({"day": "2027-01-01"}) == "2026-W53"


def test_files_are_private(store):
    c = store.collection("tasks")
    c.insert({"title": "x"})
    f = c.path("all")
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(c.dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700


def test_other_process_writes_are_seen(tmp_path):
    s1, s2 = Store(tmp_path / "s"), Store(tmp_path / "s")
    c1, c2 = s1.collection("tasks"), s2.collection("tasks")
    c1.insert({"title": "one"})
    assert [d["title"] for d in c2.all()] == ["one"]
    c2.insert({"title": "two"})
    assert sorted(d["title"] for d in c1.all()) == ["one", "two"]


def test_corrupt_file_is_never_written_over(store):
    c = store.collection("tasks")
    c.insert({"title": "x"})
    path = c.path("all")
    path.write_bytes(b'{"docs": {"1": {"title": "x"}')  # torn by some other tool
    before = path.read_bytes()
    with pytest.raises(CorruptFileError) as e:
        c.insert({"title": "y"})
    assert str(path) in str(e.value)
    assert "left untouched" in str(e.value)
    assert path.read_bytes() == before
    assert store.problems and store.problems[0].path == path
    # other collections keep working
    other = store.collection("papers")
    other.insert({"title": "p"})
    assert other.all()[0]["title"] == "p"


def test_restore_from_backup(tmp_path, monkeypatch):
    import cockpit.store.collection as coll

    monkeypatch.setattr(coll, "BACKUP_EVERY_S", 0)
    store = Store(tmp_path / "s")
    c = store.collection("tasks")
    c.insert({"title": "first"})
    c.insert({"title": "second"})  # backs up the one-task file first
    assert c.backups("all")
    c.path("all").write_text("garbage")
    with pytest.raises(CorruptFileError):
        c.all()
    store.restore(c.path("all"))
    assert [d["title"] for d in c.all()] == ["first"]
    kept = list(c.dir.glob("all.json.corrupt-*"))
    assert kept and kept[0].read_text() == "garbage"


def test_backups_rotate(tmp_path, monkeypatch):
    import cockpit.store.collection as coll

    monkeypatch.setattr(coll, "BACKUP_EVERY_S", 0)
    c = Store(tmp_path / "s").collection("tasks")
    for i in range(10):
        c.insert({"n": i})
    assert len(c.backups("all")) == coll.BACKUPS_KEPT


def test_doc_ref(store):
    d = store.doc("settings")
    assert d.read() == {}
    d.update(lambda cur: {**cur, "theme": "cockpit-light"})
    assert store.doc("settings").read() == {"theme": "cockpit-light"}


def test_schema_version_written_and_newer_store_flagged(tmp_path):
    from cockpit.store import SCHEMA_VERSION

    s = Store(tmp_path / "s")
    assert json.loads(s.meta_path.read_text()) == {"schema": SCHEMA_VERSION}
    s.meta_path.write_text('{"schema": 99}')
    s2 = Store(tmp_path / "s")
    assert s2.read_only_reason and "newer cockpit" in s2.read_only_reason


def test_migration_runs_once(tmp_path, monkeypatch):
    import cockpit.store as st

    root = tmp_path / "s"
    s = Store(root)
    s.collection("tasks").insert({"title": "old"})
    calls = []

    def upgrade(store):
        calls.append(1)
        c = store.collection("tasks")
        for d in c.all():
            c.update(d["id"], {"impact": "low"})

    nxt = st.SCHEMA_VERSION + 1
    monkeypatch.setattr(st, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(st.MIGRATIONS, nxt, upgrade)
    s2 = Store(root)
    assert s2.collection("tasks").all()[0]["impact"] == "low"
    Store(root)
    assert calls == [1]
    assert json.loads(s2.meta_path.read_text()) == {"schema": nxt}


def test_insert_splices_bytes_identical_to_a_full_rewrite(store):
    from cockpit.store.storage import dumps

    c = store.collection("entries", by_month("start"))
    ids = [
        c.insert({"start": "2026-11-01T09:00:00+00:00", "note": f'n{i} ünï "q" \\ {{}}'}) for i in range(5)
    ]
    c.update(ids[1], {"note": "changed"})
    c.remove(ids[3])
    ids.append(c.insert({"start": "2026-11-02T09:00:00+00:00", "nested": {"a": [1, 2, {"b": None}]}}))
    ids += c.insert_many([{"start": "2026-11-03T09:00:00+00:00", "k": k} for k in range(3)])
    raw = c.path("2026-11").read_bytes()
    assert raw == dumps(json.loads(raw))  # canonical, as a full rewrite would write it
    fresh = Store(store.root).collection("entries", by_month("start"))
    assert [d["id"] for d in fresh.all()] == [i for i in ids if i != ids[3]]
    assert fresh.get(ids[1])["note"] == "changed"
    assert fresh.get(ids[5])["nested"] == {"a": [1, 2, {"b": None}]}


def test_sweep_removes_only_old_temp_files(store):

    c = store.collection("tasks")
    c.insert({"title": "x"})
    # written by running processes (this one and its parent): only the age rule applies
    old, fresh = c.dir / f".all.json.{os.getpid()}.tmp", c.dir / f".all.json.{os.getppid()}.tmp"
    old.write_bytes(b"{")
    fresh.write_bytes(b"{")
    mtime = fresh.stat().st_mtime - 7200  # file times against file times (a shifted clock moves time.time())
    os.utime(old, (mtime, mtime))
    assert store.sweep_temp_files() == [old]
    assert fresh.exists() and not old.exists()
    assert [d["title"] for d in c.all()] == ["x"]


def test_sweep_removes_a_dead_writers_temp_file_at_once(store):
    import subprocess
    import sys

    c = store.collection("tasks")
    c.insert({"title": "x"})
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead, alive = c.dir / f".all.json.{int(gone.stdout)}.tmp", c.dir / f".all.json.{os.getppid()}.tmp"
    dead.write_bytes(b"{")  # a writer killed a moment ago: its process no longer runs
    alive.write_bytes(b"{")  # a write in progress in a running process
    assert store.sweep_temp_files() == [dead]
    assert alive.exists() and not dead.exists()
    assert [d["title"] for d in c.all()] == ["x"]
