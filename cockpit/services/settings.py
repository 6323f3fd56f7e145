"""The TUI's remembered choices (today: the theme), kept in the store's ``settings`` document.

Unknown keys of the document are kept as they are: a newer cockpit may have written them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.core.shell import Settings
from cockpit.store import schema

if TYPE_CHECKING:
    from cockpit.context import Context


def load(ctx: Context) -> Settings:
    """The saved settings. Raises CorruptFileError (an unreadable document, which the store
    also notes as a problem) or RecordError (a value of the wrong type)."""
    return Settings.from_doc(schema.doc(ctx.store, schema.DOC_SETTINGS).read())


def save_theme(ctx: Context, name: str) -> None:
    """Remember ``name`` as the theme; raises what the store raises (an unreadable document, a
    full disk, a read-only store)."""
    schema.doc(ctx.store, schema.DOC_SETTINGS).update(lambda cur: {**cur, "theme": name})
