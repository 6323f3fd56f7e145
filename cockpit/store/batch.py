"""Id buckets and the locked change of several partitions of one collection at once.

``IdBuckets`` partitions a collection on the record id itself: ids stay plain numbers
(``4217``) and record n lives in the file of its hundred (``0042xx.json``), so a lookup by
id opens one small file and a write rewrites one small file, whatever the history holds.

``Batch`` is what ``Collection.batch()`` yields: under the collection's lock, each partition
is loaded (its bytes verified) the first time the change touches it, and every partition the
change made dirty is written (atomically, durably) when the block ends. Partitions the change
only reads through ``select`` come from the cache, which is provably current (see
``Collection._load``), so deciding on a few records of every partition costs a stat per file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from cockpit.store.storage import TABLE

if TYPE_CHECKING:
    from cockpit.store.collection import Collection, Part

Doc = dict[str, Any]

BUCKET = 100
_BUCKET_NAME = re.compile(r"^[0-9]{4,}xx$")


class IdBuckets:
    """Partition on the id: record ``n`` lives in bucket ``n // 100`` named ``0042xx`` (ids 4200-4299)."""

    size = BUCKET

    def part(self, n: int) -> str:
        return f"{n // self.size:04d}xx"

    def is_part(self, name: str) -> bool:
        return bool(_BUCKET_NAME.match(name))

    def order(self, name: str) -> int:
        return int(name[:-2])


def by_id() -> IdBuckets:
    return IdBuckets()


class Batch:
    """One locked read-modify-write over any partitions of a collection (see the module doc).

    A change that spans several files (the morning plan, a carry-over) writes them one after
    the other: each file is replaced whole, so a crash between two leaves each file old or new.
    """

    def __init__(self, collection: Collection) -> None:
        self._c = collection
        self._open: dict[str, tuple[Any, Part, Any]] = {}  # part -> (loaded, Part, storage)
        self._next: int | None = None
        self._seen: dict[tuple[Hashable, str], list[Doc]] = {}  # select's matches of unopened parts

    def part(self, name: str) -> Part:
        got = self._open.get(name)
        if got is None:
            got = self._open[name] = self._c.open_part(name)
        return got[1]

    def _part_of_id(self, id: str) -> Part:
        return self.part(self._c.split_id(id)[0])

    def get(self, id: str) -> Doc | None:
        return self._part_of_id(id).get(id)

    def update(self, id: str, fields: Doc) -> Doc:
        return self._part_of_id(id).update(id, fields)

    def remove(self, id: str) -> Doc:
        return self._part_of_id(id).remove(id)

    def put(self, id: str, doc: Doc) -> None:
        self._part_of_id(id).put(id, doc)

    def insert(self, doc: Doc) -> str:
        """Add a record; in an id-bucketed collection it gets the next number after the highest."""
        buckets = self._c.buckets
        if buckets is None:
            return self.part(self._c.part_of(doc)).insert(doc)
        n = self._next_number()
        self._next = n + 1
        id = str(n)
        self.part(buckets.part(n)).put(id, doc)
        return id

    def _next_number(self) -> int:
        if self._next is not None:
            return self._next
        for name in reversed(self._names()):
            ids = [int(d["id"]) for d in self.part(name).all()]
            if ids:
                return max(ids) + 1
        return 1

    def _names(self) -> list[str]:
        names = self._c.parts()
        if all(name in names for name in self._open):
            return names
        return self._c.sort_parts({*names, *self._open})

    def select(self, key: Hashable, pred: Callable[[Doc], bool]) -> list[Doc]:
        """The records of every partition for which ``pred`` holds, as this change leaves them so
        far. ``key`` names ``pred`` (same key, same test) so each file's matches are remembered:
        the lock keeps the files as they are, so asking again within the batch stats nothing."""
        out: list[Doc] = []
        for name in self._names():
            got = self._open.get(name)
            if got is not None:  # TinyDB keeps the partition's current state in its storage's data
                table = got[2].data.get(TABLE, {})
                out.extend({**d, "id": self._c.make_id(name, int(k))} for k, d in table.items() if pred(d))
                continue
            seen = self._seen.get((key, name))
            if seen is None:
                seen = self._seen[key, name] = self._c.select(key, pred, parts=[name])
            out.extend(dict(d) for d in seen)
        return out

    def commit(self) -> None:
        for name in sorted(self._open):
            loaded, _part, storage = self._open[name]
            if storage.dirty:
                self._c.write_part(name, loaded, storage)

    def abandon(self) -> None:
        self._c.forget(self._open)
