"""Errors that reach the user as one clear line."""

from __future__ import annotations


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
