"""The shell's services and records: settings, the store's fingerprint and its problems."""

from __future__ import annotations

import os

import pytest

from cockpit.context import Context
from cockpit.core.shell import Settings, StoreProblem
from cockpit.errors import CorruptFileError, RecordError
from cockpit.services import settings, storecheck
from cockpit.store import CorruptFileError as StoreCorruptFileError
from cockpit.store import Store


@pytest.fixture
def ctx(tmp_path):
    return Context.open(tmp_path / "home")


def test_corrupt_file_error_is_one_class_for_every_layer():
    assert StoreCorruptFileError is CorruptFileError


def test_settings_record_from_doc():
    assert Settings.from_doc({}) == Settings(theme=None)
    assert Settings.from_doc({"theme": ""}) == Settings(theme=None)
    assert Settings.from_doc({"theme": "cockpit-light", "other": 1}).theme == "cockpit-light"
    with pytest.raises(RecordError, match=r"settings: theme must be a theme name, not int 5"):
        Settings.from_doc({"theme": 5})


def test_settings_service_saves_the_theme_and_keeps_unknown_keys(ctx):
    assert settings.load(ctx) == Settings()
    ctx.store.doc("settings").set({"theme": "cockpit-dark", "kept": True})
    settings.save_theme(ctx, "cockpit-light")
    assert settings.load(ctx).theme == "cockpit-light"
    assert ctx.store.doc("settings").read() == {"theme": "cockpit-light", "kept": True}


def test_store_problem_banner_line():
    short = StoreProblem(path="/s/tasks/all.json", detail="not valid JSON", has_backup=True)
    assert short.banner_line() == (
        "⚠ /s/tasks/all.json is unreadable (not valid JSON); left untouched; "
        "restore it: cockpit store restore /s/tasks/all.json"
    )
    long = StoreProblem(path="/s/x.json", detail="d" * 80, has_backup=False)
    assert (
        long.banner_line()
        == f"⚠ /s/x.json is unreadable ({'d' * 49}…); left untouched; no backup: fix or move it away"
    )


def test_fingerprint_sees_the_stores_writes_and_writes_in_place(tmp_path):
    store = Store(tmp_path / "store")
    assert store.fingerprint() == ()
    c = store.collection("tasks")
    c.insert({"title": "x"})
    first = store.fingerprint()
    assert [name for name, _, _ in first] == ["tasks", "tasks/all.json"]
    path = c.path("all")
    st = path.stat()
    with open(path, "ab") as f:  # another program appends in place; the folder does not change
        f.write(b" ")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old mtime
    assert store.fingerprint() != first  # the size changed
    (store.root / ".backups").mkdir(exist_ok=True)
    (store.root / "tasks" / "notes.txt").write_text("not a data file")
    again = store.fingerprint()
    assert all(not n.startswith(".") and not n.endswith(".txt") for n, _, _ in again)
    assert Store(tmp_path / "gone").fingerprint() == ()  # an empty store


def test_storecheck_notes_rechecks_and_restores(ctx):
    c = ctx.store.collection("tasks")
    c.insert({"title": "x"})
    c.insert({"title": "y"})  # the second write keeps a backup
    path = c.path("all")
    assert storecheck.fingerprint(ctx) == ctx.store.fingerprint()
    good = path.read_bytes()
    path.write_bytes(b'{"docs": {"1": ')
    err = CorruptFileError(path, "torn", backup=None)
    storecheck.note_problem(ctx, err)
    storecheck.note_problem(ctx, err)  # once per file
    assert storecheck.problems(ctx) == [StoreProblem(path=str(path), detail="torn", has_backup=False)]
    storecheck.recheck(ctx)  # still unreadable: the problem stays, as the store now sees it
    assert [p.path for p in storecheck.problems(ctx)] == [str(path)]
    swept, bad = storecheck.check(ctx)
    assert swept == [] and [e.path for e in bad] == [path]
    used = storecheck.restore(ctx, path)
    assert used.exists() and storecheck.problems(ctx) == []
    assert c.all() and path.read_bytes() != b'{"docs": {"1": '
    path.write_bytes(good)
    storecheck.recheck(ctx)
    assert storecheck.problems(ctx) == []
