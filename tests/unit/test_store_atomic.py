"""Store.atomic (one lock around a read-decide-write across collections) and the record check
where a file is read (a bad record makes its file a problem, named and never written)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from cockpit.errors import BadRecordError
from cockpit.store import Store, schema


def test_atomic_nests_with_transactions_in_one_thread(tmp_path):
    store = Store(tmp_path / "store")
    with store.atomic(), store.atomic():
        tid = schema.tasks(store).insert({"title": "a"})
        schema.doc(store, schema.DOC_AUDIT_TRACK).set({"entry": tid})
    assert schema.doc(store, schema.DOC_AUDIT_TRACK).read() == {"entry": tid}


def test_a_write_of_another_thread_waits_for_an_atomic_block(tmp_path):
    store = Store(tmp_path / "store")
    other = Store(tmp_path / "store")  # another Context of the same data folder
    done = threading.Event()

    def write() -> None:
        schema.tasks(other).insert({"title": "from the other thread"})
        done.set()

    # no timed waits on thread primitives: under the suite's shifted clock (libfaketime) a
    # timed wait computes its deadline from the shifted clock and sleeps for weeks
    with store.atomic():
        t = threading.Thread(target=write)
        t.start()
        time.sleep(0.3)
        assert not done.is_set()  # blocked on the store's lock while the block runs
        assert schema.tasks(store).all() == []
    t.join()
    assert done.is_set() and len(schema.tasks(store).all()) == 1


@pytest.mark.parametrize(
    ("record", "named"),
    [({"title": "t", "mit_order": "x"}, "mit_order"), ({}, "empty record")],
)
def test_a_bad_record_makes_its_file_a_problem(tmp_path, record, named):
    store = Store(tmp_path / "store")
    col = schema.tasks(store)
    col.insert({"title": "fine"})
    (part,) = col.parts()  # the id bucket of task 1 (tasks/0000xx.json)
    path = col.path(part)
    data = json.loads(path.read_bytes())
    data["docs"]["2"] = record
    raw = json.dumps(data).encode()
    path.write_bytes(raw)
    fresh = Store(tmp_path / "store")
    with pytest.raises(BadRecordError) as err:
        schema.tasks(fresh).all()
    assert err.value.path == path and err.value.record_id == "'2'" and named in str(err.value)
    with pytest.raises(BadRecordError):
        schema.tasks(fresh).insert({"title": "refused: the file is never written over"})
    assert path.read_bytes() == raw
    assert [p.path for p in fresh.problems] == [path]
    assert [e.path for e in Store(tmp_path / "store").check()] == [path]


def test_an_emptied_document_is_fine(tmp_path):
    store = Store(tmp_path / "store")
    schema.doc(store, schema.DOC_AUDIT_TRACK).set({})
    assert schema.doc(Store(tmp_path / "store"), schema.DOC_AUDIT_TRACK).read() == {}
