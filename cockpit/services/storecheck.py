"""The store's health, for the shell and ``cockpit store``: what changed on disk, which files
cannot be read, and their repair."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.core.shell import StoreProblem

if TYPE_CHECKING:
    from pathlib import Path

    from cockpit.context import Context
    from cockpit.errors import CorruptFileError

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(ctx: Context) -> Fingerprint:
    """Changes whenever any program writes the store (stat calls only: cheap to poll)."""
    return ctx.store.fingerprint()


def problem(err: CorruptFileError) -> StoreProblem:
    return StoreProblem(path=str(err.path), detail=err.detail, has_backup=err.backup is not None)


def problems(ctx: Context) -> list[StoreProblem]:
    """The unreadable files found so far by any read of this process."""
    return [problem(e) for e in ctx.store.problems]


def note_problem(ctx: Context, err: CorruptFileError) -> None:
    """Keep an unreadable file found by a caller in the list of problems."""
    ctx.store.note_problem(err)


def recheck(ctx: Context) -> None:
    """Forget the problems whose file reads fine again."""
    ctx.store.recheck_problems()


def check(ctx: Context) -> tuple[list[Path], list[CorruptFileError]]:
    """Sweep the temp files left by killed writers, then read every file of the store:
    (the temp files removed, the files that cannot be read)."""
    swept = ctx.store.sweep_temp_files()
    return swept, ctx.store.check()


def restore(ctx: Context, path: Path, backup: Path | None = None) -> Path:
    """Put the newest good backup (or ``backup``) of the store file ``path`` back in place;
    returns the backup used."""
    return ctx.store.restore(path, backup)
