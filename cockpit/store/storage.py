"""The TinyDB side of the store: one JSON file = one TinyDB database with a ``docs`` table."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cockpit.errors import CorruptFileError

TABLE = "docs"


@dataclass
class Loaded:
    """A parsed partition file and what identifies the version it was read from.

    ``stamp`` is (inode, mtime_ns, size); ``raw`` the exact bytes; ``checked`` the
    wall-clock time at which ``raw`` was last confirmed to be the file's content; ``views``
    what ``Collection.select`` found in ``data``, by the key of its test.
    """

    stamp: tuple[int, int, int]
    data: dict[str, Any]
    raw: bytes = b""
    checked: float = 0.0
    views: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)


def stamp_of(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def parse(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CorruptFileError(path, f"not valid JSON: {e}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise CorruptFileError(path, "not a cockpit store file (unexpected layout)")
    for table in data.values():
        for key, doc in table.items():
            if not key.isdigit() or not isinstance(doc, dict):
                raise CorruptFileError(path, f"not a cockpit store file (bad record {key!r})")
    return data


def dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_after(old_raw: bytes, old: dict[str, Any], new: dict[str, Any]) -> bytes:
    """The bytes of ``new``; when ``new`` only appends records to ``old`` (an insert), splice them
    into ``old_raw`` instead of serialising the whole partition again. Same result as ``dumps``."""
    if list(old) == list(new) == [TABLE] and old_raw.endswith(b"}}"):
        before, after = old[TABLE], new[TABLE]
        if before and len(after) > len(before):
            items = iter(after.items())
            if all(k == k2 and v is v2 for (k, v), (k2, v2) in zip(before.items(), items, strict=False)):
                tail = b"".join(b"," + dumps({k: v})[1:-1] for k, v in items)
                return old_raw[:-2] + tail + b"}}"
    return dumps(new)


# TinyDB is imported on the first write only: reads parse JSON directly, so opening the
# TUI (which only reads) does not pay for it.
_memory_storage: Any = None


def _storage_class() -> Any:
    global _memory_storage
    if _memory_storage is None:
        from tinydb.storages import Storage

        class MemoryStorage(Storage):
            """Hands TinyDB the data we loaded under the lock; collects what it writes."""

            def __init__(self, data: dict[str, Any]) -> None:
                self.data = data
                self.dirty = False

            def read(self) -> dict[str, Any]:
                return self.data

            def write(self, data: dict[str, dict[str, Any]]) -> None:
                self.data = data
                self.dirty = True

        _memory_storage = MemoryStorage
    return _memory_storage


def open_table(data: dict[str, Any]) -> tuple[Any, Any]:
    """A TinyDB table over ``data`` and the storage that collects what it writes."""
    from tinydb import TinyDB

    db = TinyDB(storage=_storage_class(), data=data)
    return db.table(TABLE, cache_size=0), db.storage


def make_document(doc: dict[str, Any], doc_id: int) -> Any:
    from tinydb.table import Document

    return Document(doc, doc_id=doc_id)
