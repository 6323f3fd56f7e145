"""Values of the shell (the app around the five instruments): the user's settings and the
store's unreadable files, as the TUI shows them. Pure: built by cockpit.services.settings and
cockpit.services.storecheck."""

from __future__ import annotations

from typing import Any

from cockpit.core.record import record
from cockpit.errors import RecordError


@record
class Settings:
    """The choices the TUI remembers (the ``settings`` document); None: never chosen."""

    theme: str | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Settings:
        theme = doc.get("theme") or None
        if theme is not None and not isinstance(theme, str):
            raise RecordError(
                f"settings: theme must be a theme name, not {type(theme).__name__} {theme!r:.40}"
            )
        return cls(theme=theme)


@record
class StoreProblem:
    """One store file that cannot be read, left untouched until it is restored or fixed."""

    path: str
    detail: str
    has_backup: bool

    def banner_line(self) -> str:
        """One short line: which file, why, and the command that fixes it."""
        detail = self.detail if len(self.detail) <= 50 else self.detail[:49] + "…"
        if self.has_backup:
            fix = f"restore it: cockpit store restore {self.path}"
        else:
            fix = "no backup: fix or move it away"
        return f"⚠ {self.path} is unreadable ({detail}); left untouched; {fix}"
