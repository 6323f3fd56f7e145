"""Id buckets: plain numeric ids, record n in the file of its hundred; a batch changes several."""

import pytest

from cockpit.store import NotFound, Store, by_id


@pytest.fixture
def c(tmp_path):
    return Store(tmp_path / "store").collection("things", by_id())


def test_ids_are_numbers_and_the_file_follows_from_the_id(c):
    assert c.insert_many({"n": i} for i in range(1, 206)) == [str(i) for i in range(1, 206)]
    assert c.parts() == ["0000xx", "0001xx", "0002xx"]
    assert c.split_id("150") == ("0001xx", 150)
    assert c.get("150")["n"] == 150 and c.get("150")["id"] == "150"
    assert c.get("999") is None
    for bad in ("0001xx", "1-2", "", "x"):
        with pytest.raises(NotFound):
            c.split_id(bad)
    c.update("99", {"n": -1})
    c.remove("205")
    assert c.insert({"n": "again"}) == "205"  # next after the highest, as TinyDB numbers


def test_a_transaction_cannot_number_a_record_inside_one_file(c):
    c.insert({"n": 1})
    with pytest.raises(TypeError), c.transaction("0000xx") as p:
        p.insert({"n": 2})
    assert [d["id"] for d in c.all()] == ["1"]


def test_a_failed_batch_writes_no_file(c):
    c.insert_many({"n": i} for i in range(1, 150))
    before = {p: c.path(p).read_bytes() for p in c.parts()}
    with pytest.raises(RuntimeError), c.batch() as b:
        b.update("5", {"n": "changed"})
        b.update("120", {"n": "changed"})
        b.insert({"n": "new"})
        raise RuntimeError("the caller changed its mind")
    assert {p: c.path(p).read_bytes() for p in c.parts()} == before
    assert c.get("5")["n"] == 5 and c.get("150") is None


def test_select_remembers_matches_per_file_version(c):
    c.insert_many({"hot": i % 50 == 0} for i in range(1, 301))
    calls = []

    def hot(d):
        calls.append(1)
        return d["hot"]

    assert [d["id"] for d in c.select("hot", hot)] == ["50", "100", "150", "200", "250", "300"]
    n = len(calls)
    assert [d["id"] for d in c.select("hot", hot)] == ["50", "100", "150", "200", "250", "300"]
    assert len(calls) == n  # nothing tested again: each file is unchanged
    c.update("7", {"hot": True})
    assert [d["id"] for d in c.select("hot", hot)][:2] == ["7", "50"]
    assert len(calls) == n + 99  # only the changed file was tested again
    with c.batch() as b:
        b.update("250", {"hot": False})
        assert "250" not in [d["id"] for d in b.select("hot", hot)]  # the change in progress
    assert "250" not in [d["id"] for d in c.select("hot", hot)]
