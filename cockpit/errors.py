"""Errors that reach the user as one clear line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class CockpitError(Exception):
    """A runtime error the user can act on (exit code 1)."""

    exit_code = 1


class UsageError(CockpitError):
    """Bad arguments or an unknown name/id on the command line (exit code 2)."""

    exit_code = 2


class ConfigError(CockpitError):
    """An invalid config file: names the file, the key and the problem (exit code 2)."""

    exit_code = 2

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(where + problem)


class CorruptFileError(CockpitError):
    """A store file that cannot be read. It is never written over.

    Defined here, in the base layer, so that the TUI and the CLI can catch it without
    importing the store; ``cockpit.store`` exports it too."""

    def __init__(self, path: Path, detail: str, backup: Path | None = None) -> None:
        self.path, self.detail, self.backup = path, detail, backup
        if backup is not None:
            how = f"restore the last good copy with: cockpit store restore {path}  (backup {backup})"
        else:
            how = "no backup exists; fix the file by hand or move it away"
        super().__init__(f"store file {path} is unreadable ({detail}); it was left untouched; {how}")


class BadRecordError(CorruptFileError):
    """A well-formed store file with a record that does not fit its type (a wrong-typed value, a
    missing field, an empty record). Treated as damage: the file is named and never written over;
    ``detail`` names the record and the field."""

    def __init__(self, path: Path, record_id: str, detail: str, backup: Path | None = None) -> None:
        detail = detail if len(detail) <= 160 else detail[:159] + "…"
        super().__init__(path, f"record {record_id}: {detail}", backup)
        self.record_id = record_id
        if backup is not None:
            how = f"fix that value by hand, or restore the last good copy with: cockpit store restore {path}  (backup {backup})"
        else:
            how = "no backup exists; fix that value by hand or move the file away"
        self.args = (f"store file {path} has a bad record ({self.detail}); it was left untouched; {how}",)


class RecordError(CockpitError, ValueError):
    """A stored record that does not fit its type (a wrong-typed or missing field).

    The one error every record's ``from_doc`` raises; the message names the record and the field.
    """
