"""The store: the only code that imports TinyDB.

Layout under the data folder::

    store/meta.json                 schema version
    store/<collection>/<part>.json  one TinyDB file per partition (month, ISO week, id bucket
                                    such as tasks/0042xx.json for ids 4200-4299, or "all")
    store/.lock                     flock held around every write and every Store.atomic() block
    store/<collection>/.lock        flock held around each read-modify-write of the collection
    store/.backups/<collection>/<part>/<time>.json   rotating backups (5 kept)

Every write is atomic and durable; a corrupt file is never written over.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from cockpit.errors import CockpitError, UsageError
from cockpit.store import migrations
from cockpit.store.batch import Batch, IdBuckets, by_id
from cockpit.store.collection import SINGLE, Collection, Doc, NotFound, Part
from cockpit.store.fs import StoreWriteError, atomic_write, ensure_dir, held
from cockpit.store.storage import CorruptFileError

__all__ = [
    "Batch",
    "Collection",
    "CorruptFileError",
    "Doc",
    "DocRef",
    "IdBuckets",
    "NotFound",
    "Part",
    "Store",
    "StoreWriteError",
    "by_id",
    "by_iso_week",
    "by_month",
]

SCHEMA_VERSION = 2

# version -> function upgrading a store from (version - 1) to version, run under the store's lock
# before anything else reads it. Each must be restartable: a kill midway leaves the old version
# in meta.json, so the next open runs it again over what the killed run left.
MIGRATIONS: dict[int, Callable[[Store], None]] = {2: migrations.tasks_by_id}


def by_month(field: str) -> Callable[[Doc], str]:
    """Partition on the month of an ISO-8601 UTC stamp field: ``2026-11``."""

    def part(doc: Doc) -> str:
        return str(doc[field])[:7]

    return part


def by_iso_week(field: str) -> Callable[[Doc], str]:
    """Partition on the ISO week of an ISO date/stamp field: ``2026-W48``."""

    def part(doc: Doc) -> str:
        y, w, _ = dt.date.fromisoformat(str(doc[field])[:10]).isocalendar()
        return f"{y}-W{w:02d}"

    return part


class DocRef:
    """One small JSON document (settings, the running session, ...), updated atomically."""

    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def read(self) -> dict[str, Any]:
        """A private copy of the document ({} when it was never written)."""
        doc = self._c.get("1")
        if doc is None:
            return {}
        doc.pop("id", None)
        return copy.deepcopy(doc)

    def update(self, fn: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any]:
        """Apply ``fn`` to the current value under the lock; it may mutate or return a new dict."""
        with self._c.transaction(SINGLE) as p:
            cur = p.get("1") or {}
            cur.pop("id", None)
            new = fn(cur)
            new = cur if new is None else new
            p.put("1", new)
            return new

    def set(self, value: dict[str, Any]) -> None:
        self.update(lambda _cur: dict(value))

    def fingerprint(self) -> int:
        return self._c.fingerprint()


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        ensure_dir(root)
        self.problems: list[CorruptFileError] = []
        self._collections: dict[str, Collection] = {}
        self._lock = threading.Lock()
        self.read_only_reason: str | None = None
        self._migrate()

    # ------------------------------------------------------------------ collections

    def collection(
        self, name: str, partition: Callable[[Doc], str] | IdBuckets | None = None, label: str | None = None
    ) -> Collection:
        with self._lock:
            c = self._collections.get(name)
            if c is None:
                c = Collection(self.root, name, partition, label, on_corrupt=self.note_problem)
                c.refuse_writes = self.read_only_reason
                self._collections[name] = c
            elif partition is not None and c.partition is None:
                c.partition = partition
            if label is not None:
                c.label = label
            return c

    def doc(self, name: str) -> DocRef:
        return DocRef(self.collection(f"doc-{name}"))

    def note_problem(self, err: CorruptFileError) -> None:
        """Remember an unreadable file (once per path) until it reads fine again."""
        if all(p.path != err.path for p in self.problems):
            self.problems.append(err)

    def recheck_problems(self) -> None:
        """Forget the problems whose file reads fine again (restored by this or another process)."""
        still: list[CorruptFileError] = []
        for problem in self.problems:
            try:
                c, part = self.locate(problem.path)
                c.read_part(part)
            except CorruptFileError as e:
                still.append(e)
            except CockpitError:
                still.append(problem)
        self.problems = still

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """What changes when any program changes the store: each collection folder's mtime (a
        file replaced: the store's own writes) and each data file's mtime and size (a file
        written in place: another program, a bad disk). Cheap: stat calls only."""
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except FileNotFoundError:
            return ()
        out: list[tuple[str, int, int]] = []
        for e in entries:
            if not e.is_dir() or e.name[0] == ".":
                continue
            try:
                out.append((e.name, e.stat().st_mtime_ns, 0))
                for f in os.scandir(e.path):
                    if f.name.endswith(".json"):
                        st = f.stat()
                        out.append((f"{e.name}/{f.name}", st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                continue
        return tuple(out)

    def claim_alert(self, key: str, now: dt.datetime) -> bool:
        """True for the first process to claim the alert ``key`` (see ``store.ledger``)."""
        from cockpit.store import ledger

        return ledger.claim(self.root, key, now)

    # ------------------------------------------------------------------ atomic blocks

    def atomic(self) -> AbstractContextManager[None]:
        """One read-decide-write across any documents and collections, as one step.

        Holds the store's lock (``store/.lock``), which every write of every collection also takes:
        so no other process or thread writes anything while the block reads, decides and writes.
        Reentrant within a thread (blocks and transactions nest). Keep blocks short: no network or
        user input inside. On a read-only data folder the block runs unlocked (nobody can write
        there; a write inside fails with its own error).
        """
        return held(self.root / ".lock", read_only_ok=True)

    # ------------------------------------------------------------------ schema

    @property
    def meta_path(self) -> Path:
        return self.root / "meta.json"

    def schema_version(self) -> int:
        try:
            meta = json.loads(self.meta_path.read_bytes())
            return int(meta["schema"])
        except FileNotFoundError:
            return 0
        except (ValueError, KeyError, TypeError):
            raise CockpitError(
                f"store file {self.meta_path} is unreadable; it was left untouched; "
                'restore it by hand (it holds {"schema": N})'
            ) from None

    def _migrate(self) -> None:
        try:
            with held(self.root / ".lock"):
                self._migrate_locked()
        except StoreWriteError as e:
            # A read-only data folder can still be read; writes will fail with a clear error.
            version = self._written_version()
            if version > SCHEMA_VERSION:
                self.read_only_reason = self._newer(version)
            elif 0 < version < SCHEMA_VERSION:
                raise StoreWriteError(f"the store needs an upgrade it cannot write: {e}") from None

    @staticmethod
    def _newer(version: int) -> str:
        return f"the store was written by a newer cockpit (schema {version}); upgrade cockpit to change it"

    def _migrate_locked(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            self.read_only_reason = self._newer(version)
            return
        if version == 0 and not any(p.is_dir() and not p.name.startswith(".") for p in self.root.iterdir()):
            version = SCHEMA_VERSION  # a new store starts at the current schema
        while version < SCHEMA_VERSION:
            version += 1
            if version in MIGRATIONS:
                MIGRATIONS[version](self)
        if version != self._written_version():
            atomic_write(self.meta_path, json.dumps({"schema": version}).encode())

    def _written_version(self) -> int:
        try:
            return self.schema_version()
        except CockpitError:
            return -1

    # ------------------------------------------------------------------ repair

    def locate(self, path: Path) -> tuple[Collection, str]:
        path = Path(path).absolute()
        try:
            rel = path.relative_to(self.root.absolute())
        except ValueError:
            raise UsageError(f"{path} is not a file of the store at {self.root}") from None
        if len(rel.parts) != 2 or not rel.name.endswith(".json"):
            raise UsageError(f"{path} is not a store partition file")
        return self.collection(rel.parts[0]), rel.name[:-5]

    def restore(self, path: Path, backup: Path | None = None) -> Path:
        c, part = self.locate(path)
        used = c.restore(part, backup)
        self.problems = [p for p in self.problems if p.path != c.path(part)]
        return used

    def sweep_temp_files(self, older_than_s: float = 3600) -> list[Path]:
        """Remove the temp files killed writers left behind: at once when the writer's process is
        gone, else once older than ``older_than_s`` (a live write takes milliseconds)."""
        from cockpit.paths import file_clock_now
        from cockpit.store.fs import temp_writer_alive

        removed: list[Path] = []
        cutoff = file_clock_now() - older_than_s
        for tmp in self.root.glob("**/.*.tmp"):
            try:
                if tmp.is_file() and (not temp_writer_alive(tmp) or tmp.stat().st_mtime < cutoff):
                    tmp.unlink()
                    removed.append(tmp)
            except OSError:
                pass
        return removed

    def check(self) -> list[CorruptFileError]:
        """Read every file of every collection; return those that cannot be read."""
        bad: list[CorruptFileError] = []
        for d in sorted(self.root.iterdir()):
            if not d.is_dir() or d.name.startswith("."):
                continue
            c = self.collection(d.name)
            for part in c.parts():
                try:
                    c.read_part(part)
                except CorruptFileError as e:
                    bad.append(e)
        return bad
