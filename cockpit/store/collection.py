"""Partitioned collections: one TinyDB file per partition (a month, an ISO week, ...).

A write locks the collection, reads only its partition, and rewrites only that file,
so its cost grows with recent data, not with all history. Record ids carry their
partition (``2026-11-42``), or the partition is derived from the id (``IdBuckets``: id
``4217`` lives in ``0042xx``), so a lookup by id opens one file.
"""

from __future__ import annotations

import copy
import os
import shutil
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cockpit.errors import BadRecordError, CockpitError, UsageError
from cockpit.paths import file_clock_now, make_private_dir
from cockpit.store.batch import Batch, IdBuckets
from cockpit.store.fs import StoreWriteError, atomic_write, ensure_dir, held, locked, write_error
from cockpit.store.records import checker, problem
from cockpit.store.storage import (
    TABLE,
    CorruptFileError,
    Loaded,
    dumps,
    dumps_after,
    make_document,
    open_table,
    parse,
    stamp_of,
)

Doc = dict[str, Any]
SINGLE = "all"
BACKUPS_KEPT = 5
BACKUP_EVERY_S = 6 * 3600
RACY_S = 2.0  # a cached stamp younger than this (at check time) is confirmed by content


class NotFound(UsageError):
    pass


class Part:
    """The records of one partition inside a locked read-modify-write."""

    def __init__(self, collection: Collection, part: str, table: Any, storage: Any) -> None:
        self._c, self.part, self._t, self._storage = collection, part, table, storage

    def _own(self, n: int) -> None:
        """Copy record ``n`` before TinyDB changes it in place (the original is shared with the cache)."""
        records = self._storage.data.get(TABLE)
        if records is not None and str(n) in records:
            records[str(n)] = copy.deepcopy(records[str(n)])

    def _id(self, doc_id: int) -> str:
        return self._c.make_id(self.part, doc_id)

    def all(self) -> list[Doc]:
        """Every record; nested values are shared with the cache, so change a record through
        ``get`` (a private copy) and ``put``/``update``, never in place."""
        return [{**d, "id": self._id(d.doc_id)} for d in self._t.all()]

    def get(self, id: str) -> Doc | None:
        """A private copy: change it freely, then ``put`` or ``update`` it."""
        d = self._t.get(doc_id=self._c.split_id(id)[1])
        return None if d is None else {**copy.deepcopy(dict(d)), "id": id}

    def insert(self, doc: Doc) -> str:
        if self._c.buckets is not None:
            raise TypeError(f"{self._c.name}: ids are numbered across files; insert through batch()")
        body = {k: v for k, v in doc.items() if k != "id"}
        return self._id(self._t.insert(body))

    def insert_many(self, docs: Iterable[Doc]) -> list[str]:
        """Insert several records in one table update (``insert`` per record costs O(records) each)."""
        if self._c.buckets is not None:
            raise TypeError(f"{self._c.name}: ids are numbered across files; insert through batch()")
        bodies = [{k: v for k, v in doc.items() if k != "id"} for doc in docs]
        return [self._id(n) for n in self._t.insert_multiple(bodies)] if bodies else []

    def put(self, id: str, doc: Doc) -> None:
        """Insert or replace the record with exactly this id (used by undo)."""
        n = self._c.split_id(id)[1]
        body = {k: v for k, v in doc.items() if k != "id"}
        if self._t.contains(doc_id=n):
            self._t.remove(doc_ids=[n])
        self._t.insert(make_document(body, n))

    def update(self, id: str, fields: Doc) -> Doc:
        n = self._c.split_id(id)[1]
        if not self._t.contains(doc_id=n):
            raise NotFound(f"no {self._c.label} with id {id}")
        self._own(n)
        self._t.update({k: v for k, v in fields.items() if k != "id"}, doc_ids=[n])
        return {**self._t.get(doc_id=n), "id": id}

    def remove(self, id: str) -> Doc:
        n = self._c.split_id(id)[1]
        d = self._t.get(doc_id=n)
        if d is None:
            raise NotFound(f"no {self._c.label} with id {id}")
        self._t.remove(doc_ids=[n])
        return {**d, "id": id}


class Collection:
    def __init__(
        self,
        root: Path,
        name: str,
        partition: Callable[[Doc], str] | IdBuckets | None = None,
        label: str | None = None,
        on_corrupt: Callable[[CorruptFileError], None] | None = None,
    ) -> None:
        self.name = name
        self.dir = root / name
        self.store_lock = root / ".lock"  # held (reentrantly) around every write: see Store.atomic
        self.partition = partition
        self.label = label or name.rstrip("s")
        self._backups = root / ".backups" / name
        self._cache: dict[str, Loaded] = {}
        self._paths: dict[str, Path] = {}
        self._cache_lock = threading.Lock()
        self._last_backup: dict[str, float] = {}
        self._on_corrupt = on_corrupt
        self.refuse_writes: str | None = None  # set when the store is newer than this cockpit
        self._check = checker(name)  # the typed record each record must build (store/records.py)

    @property
    def partition(self) -> Callable[[Doc], str] | IdBuckets | None:
        return self._partition

    @partition.setter
    def partition(self, value: Callable[[Doc], str] | IdBuckets | None) -> None:
        self._partition = value
        self._listed: tuple[list[str], list[str]] = ([], [])  # the folder's names, its partitions

    # ------------------------------------------------------------------ ids

    @property
    def buckets(self) -> IdBuckets | None:
        return self.partition if isinstance(self.partition, IdBuckets) else None

    def make_id(self, part: str, doc_id: int) -> str:
        return str(doc_id) if self.partition is None or self.buckets else f"{part}-{doc_id}"

    def split_id(self, id: str) -> tuple[str, int]:
        id = str(id).strip()
        buckets = self.buckets
        if buckets is not None:
            if not id.isdigit():
                raise NotFound(f"no {self.label} with id {id!r}")
            return buckets.part(int(id)), int(id)
        if self.partition is None:
            part, num = SINGLE, id
        else:
            part, _, num = id.rpartition("-")
        if not num.isdigit() or (self.partition is not None and not part):
            raise NotFound(f"no {self.label} with id {id!r}")
        return part, int(num)

    def part_of(self, doc: Doc) -> str:
        if self.partition is None:
            return SINGLE
        if isinstance(self.partition, IdBuckets):
            return self.split_id(doc["id"])[0]
        return self.partition(doc)

    # ------------------------------------------------------------------ files

    def path(self, part: str) -> Path:
        got = self._paths.get(part)  # a select stats every partition: spare it the Path building
        if got is None:
            if "/" in part or part.startswith("."):
                raise NotFound(f"no {self.label} partition {part!r}")
            got = self._paths[part] = self.dir / f"{part}.json"
        return got

    def parts(self) -> list[str]:
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return []
        seen, ordered = self._listed
        if names != seen:
            ordered = self.sort_parts(n[:-5] for n in names if n.endswith(".json") and not n.startswith("."))
            self._listed = (names, ordered)
        return list(ordered)

    def sort_parts(self, names: Iterable[str]) -> list[str]:
        """Partition names in order (an id-bucketed collection: its buckets only, by number)."""
        buckets = self.buckets
        if buckets is None:
            return sorted(names)
        return sorted((n for n in names if buckets.is_part(n)), key=buckets.order)

    def fingerprint(self) -> int:
        """Changes whenever any partition is replaced (by this or another process) or written
        in place (by another program, or a bad disk: then the next read reports the damage)."""
        try:
            folder = os.stat(self.dir).st_mtime_ns
            files = []
            with os.scandir(self.dir) as it:
                for e in it:
                    if e.name.endswith(".json"):
                        try:
                            st = e.stat()
                        except FileNotFoundError:
                            continue
                        files.append((e.name, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            return 0
        return hash((folder, *sorted(files)))

    def _load(self, part: str, verify: bool = False) -> Loaded | None:
        """The partition's current content, from the cache when it is provably current.

        A cached copy is trusted on its (inode, mtime, size) stamp alone only when the file
        had been quiet for RACY_S when it was last checked: two replacements inside one
        timestamp tick can reuse an inode number and keep the size, so a recent stamp is
        confirmed by comparing the bytes. ``verify`` (used under the write lock) always
        compares the bytes, so a read-modify-write never starts from a stale copy.
        """
        path = self.path(part)
        with self._cache_lock:
            hit = self._cache.get(part)
        if hit is not None and not verify:
            stamp = stamp_of(path)
            if stamp is None:
                return None
            if stamp == hit.stamp and hit.checked - stamp[1] / 1e9 > RACY_S:
                return hit
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                raw = f.read()
        except FileNotFoundError:
            return None
        except OSError as e:
            err = CorruptFileError(path, f"cannot read: {e.strerror}", self.latest_backup(part))
            self._report(err)
            raise err from None
        now = time.time()
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if hit is not None and hit.raw == raw:
            loaded = Loaded(stamp, hit.data, raw, now, hit.views)
        else:
            try:
                data = parse(path, raw)
            except CorruptFileError as e:
                err = CorruptFileError(path, e.detail, self.latest_backup(part))
                self._report(err)
                raise err from None
            self._check_records(part, path, data)
            loaded = Loaded(stamp, data, raw, now)
        with self._cache_lock:
            self._cache[part] = loaded
        return loaded

    def _check_records(self, part: str, path: Path, data: dict[str, Any]) -> None:
        """Every record of a freshly parsed file builds its typed record: else BadRecordError
        (the file is then treated as damaged: reported, never written over)."""
        document = self.name.startswith("doc-")
        for key, doc in data.get(TABLE, {}).items():
            rid = self.make_id(part, int(key))
            bad = problem(self._check, doc if document else {**doc, "id": rid}, document)
            if bad is not None:
                name = self.name[4:] if document else rid
                err = BadRecordError(path, repr(name), bad, self.latest_backup(part))
                self._report(err)
                raise err

    def _report(self, err: CorruptFileError) -> None:
        if self._on_corrupt is not None:
            self._on_corrupt(err)

    # ------------------------------------------------------------------ reads (no lock: files are replaced atomically)

    def read_part(self, part: str) -> list[Doc]:
        loaded = self._load(part)
        if loaded is None:
            return []
        table = loaded.data.get(TABLE, {})
        return [{**doc, "id": self.make_id(part, int(k))} for k, doc in table.items()]

    def all(self, parts: Iterable[str] | None = None) -> list[Doc]:
        out: list[Doc] = []
        for p in self.parts() if parts is None else parts:
            out.extend(self.read_part(p))
        return out

    def iter_parts(self, parts: Iterable[str] | None = None) -> Iterator[tuple[str, list[Doc]]]:
        for p in self.parts() if parts is None else parts:
            yield p, self.read_part(p)

    def select(
        self, key: Hashable, pred: Callable[[Doc], bool], parts: Iterable[str] | None = None
    ) -> list[Doc]:
        """The records for which ``pred`` holds. ``key`` names the test (same key, same test): the
        matches of each file's version are remembered, so asking again costs a stat per file."""
        out: list[Doc] = []
        for p in self.parts() if parts is None else parts:
            loaded = self._load(p)
            if loaded is None:
                continue
            hit = loaded.views.get(key)
            if hit is None:
                table = loaded.data.get(TABLE, {})
                hit = [{**d, "id": self.make_id(p, int(k))} for k, d in table.items() if pred(d)]
                loaded.views[key] = hit
            out.extend(dict(d) for d in hit)
        return out

    def get(self, id: str) -> Doc | None:
        part, n = self.split_id(id)
        loaded = self._load(part)
        if loaded is None:
            return None
        doc = loaded.data.get(TABLE, {}).get(str(n))
        return None if doc is None else {**doc, "id": self.make_id(part, n)}

    def require(self, id: str) -> Doc:
        doc = self.get(id)
        if doc is None:
            raise NotFound(f"no {self.label} with id {id}")
        return doc

    # ------------------------------------------------------------------ writes

    @contextmanager
    def transaction(self, part: str) -> Iterator[Part]:
        """Lock, load one partition, let the caller change it, write it atomically.

        The caller works on a private copy of the partition (tables copied, records
        copied on write), so an exception or a refused write leaves the cache and the
        file as they were. Cost: one read, one serialisation and one durable write of
        this partition only.
        """
        if self.refuse_writes is not None:
            raise StoreWriteError(self.refuse_writes)
        ensure_dir(self.dir)
        with held(self.store_lock, read_only_ok=True), locked(self.dir / ".lock"):
            loaded, p, storage = self.open_part(part)  # raises CorruptFileError: never written over
            try:
                yield p
                if storage.dirty:
                    self.write_part(part, loaded, storage)
            except BaseException:
                self.forget([part])
                raise

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Lock, let the caller read and change records of any partitions, write the changed ones
        (see ``Batch``). Cost: a stat per partition read through ``select``, one read, one
        serialisation and one durable write per partition changed."""
        if self.refuse_writes is not None:
            raise StoreWriteError(self.refuse_writes)
        ensure_dir(self.dir)
        with held(self.store_lock, read_only_ok=True), locked(self.dir / ".lock"):
            b = Batch(self)
            try:
                yield b
                b.commit()
            except BaseException:
                b.abandon()
                raise

    def open_part(self, part: str) -> tuple[Loaded | None, Part, Any]:
        """Under the lock: the partition, verified, as a private copy to change (see transaction)."""
        loaded = self._load(part, verify=True)  # raises CorruptFileError: never written over
        data = {name: dict(t) for name, t in loaded.data.items()} if loaded is not None else {}
        table, storage = open_table(data)
        return loaded, Part(self, part, table, storage), storage

    def write_part(self, part: str, loaded: Loaded | None, storage: Any) -> None:
        """Under the lock: write a changed partition (after its periodic backup) and cache it."""
        path = self.path(part)
        if loaded is not None:
            self._maybe_backup(part, path)
        raw = dumps_after(loaded.raw, loaded.data, storage.data) if loaded else dumps(storage.data)
        atomic_write(path, raw)
        stamp = stamp_of(path) or (0, 0, 0)
        with self._cache_lock:
            self._cache[part] = Loaded(stamp, storage.data, raw, time.time())

    def forget(self, parts: Iterable[str]) -> None:
        with self._cache_lock:
            for part in parts:
                self._cache.pop(part, None)

    def insert(self, doc: Doc, part: str | None = None) -> str:
        if self.buckets is not None:
            with self.batch() as b:
                return b.insert(doc)
        with self.transaction(part or self.part_of(doc)) as p:
            return p.insert(doc)

    def insert_many(self, docs: Iterable[Doc]) -> list[str]:
        if self.buckets is not None:
            with self.batch() as b:
                return [b.insert(d) for d in docs]
        by_part: dict[str, list[Doc]] = {}
        for d in docs:
            by_part.setdefault(self.part_of(d), []).append(d)
        ids: list[str] = []
        for part, items in sorted(by_part.items()):
            with self.transaction(part) as p:
                ids.extend(p.insert(d) for d in items)
        return ids

    def update(self, id: str, fields: Doc) -> Doc:
        part, _ = self.split_id(id)
        with self.transaction(part) as p:
            return p.update(id, fields)

    def remove(self, id: str) -> Doc:
        part, _ = self.split_id(id)
        with self.transaction(part) as p:
            return p.remove(id)

    def put(self, id: str, doc: Doc) -> None:
        part, _ = self.split_id(id)
        with self.transaction(part) as p:
            p.put(id, doc)

    # ------------------------------------------------------------------ backups

    def backup_dir(self, part: str) -> Path:
        return self._backups / part

    def backups(self, part: str) -> list[Path]:
        try:
            return sorted(self.backup_dir(part).glob("*.json"))
        except OSError:
            return []

    def latest_backup(self, part: str) -> Path | None:
        found = self.backups(part)
        return found[-1] if found else None

    def _maybe_backup(self, part: str, path: Path) -> None:
        now = file_clock_now()  # compared with the backups' file times
        last = self._last_backup.get(part)
        if last is None:
            newest = self.latest_backup(part)
            last = newest.stat().st_mtime if newest is not None else 0.0
        if now - last < BACKUP_EVERY_S:
            self._last_backup[part] = last
            return
        bdir = self.backup_dir(part)
        try:
            make_private_dir(bdir)
            stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1000) % 1000:03d}"
            atomic_write(bdir / f"{stamp}.json", path.read_bytes())
            for old in self.backups(part)[:-BACKUPS_KEPT]:
                old.unlink(missing_ok=True)
        except OSError as e:
            raise write_error(bdir, e) from e
        self._last_backup[part] = now

    def restore(self, part: str, backup: Path | None = None) -> Path:
        """Put a backup back in place; the unreadable file is kept beside it as ``*.corrupt-<time>``."""
        backup = backup or self.latest_backup(part)
        if backup is None:
            raise NotFound(f"no backup of {self.path(part)}")
        try:
            data = backup.read_bytes()
            parse(backup, data)  # refuse to restore a bad backup
        except OSError as e:
            raise CockpitError(
                f"cannot read the backup {backup}: {e.strerror}; nothing was restored"
            ) from None
        except CorruptFileError as e:
            raise CockpitError(
                f"the backup {backup} is unreadable too ({e.detail}); nothing was restored"
            ) from None
        path = self.path(part)
        with locked(self.dir / ".lock"):
            if path.exists():
                kept = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
                try:
                    shutil.copy2(path, kept)
                    kept.chmod(0o600)
                except OSError as e:
                    raise write_error(kept, e) from e
            atomic_write(path, data)
        with self._cache_lock:
            self._cache.pop(part, None)
        return backup
