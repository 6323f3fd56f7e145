"""Crash-safe file primitives: atomic durable writes and an inter-process lock."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cockpit.errors import CockpitError
from cockpit.paths import make_private_dir


class StoreWriteError(CockpitError):
    """The disk refused a write (full, read-only, no permission); nothing was changed."""


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def write_error(path: Path, e: OSError) -> StoreWriteError:
    reason = _REASONS.get(e.errno or 0, e.strerror or str(e))
    return StoreWriteError(f"cannot save {path}: {reason}; nothing was changed")


def ensure_dir(path: Path) -> None:
    """A private folder for the store (0700); a refusal becomes StoreWriteError."""
    try:
        make_private_dir(path)
    except OSError as e:
        raise write_error(path, e) from e


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_writer_alive(tmp: Path) -> bool:
    """Whether the process that writes ``tmp`` (``.NAME.PID.tmp``, see atomic_write) still runs."""
    try:
        pid = int(tmp.name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        return True  # not one of ours: leave it to the age rule
    if pid == os.getpid():
        return True  # a write in progress in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash at any instant leaves old or new, never torn.

    Temp file in the same folder -> write -> fsync -> os.replace -> fsync the folder.
    Files are created 0600. ``durable=False`` skips both fsyncs: readers still never see a torn
    file, but a power cut may undo the write (only for files derived from the store, which the
    next change writes again, such as the status file).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise write_error(path, e) from e


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Exclusive lock (flock) around a read-modify-write; works across processes and threads."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise write_error(lock_path.parent, e) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


_held = threading.local()


@contextmanager
def held(lock_path: Path, *, read_only_ok: bool = False) -> Iterator[None]:
    """``locked``, reentrant within a thread: a ``held`` of the same file inside it just passes.

    Other threads and processes wait, as with ``locked`` (each holder has its own open file, and
    flock excludes open files, not processes). With ``read_only_ok`` a folder that refuses the lock
    file (read-only, no permission) is read without the lock: nobody can write there, and a write
    inside fails with its own clear error.
    """
    key = os.path.abspath(lock_path)
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    fd: int | None
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        if not (read_only_ok and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM)):
            raise write_error(lock_path.parent, e) from e
        fd = None
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        depth[key] = 1
        yield
    finally:
        depth.pop(key, None)
        if fd is not None:
            os.close(fd)  # closing releases the flock
