"""The one rule for outside text on the screen: every widget and input of the TUI goes through here.

Outside text is anything cockpit did not write itself: store records (task titles, notes, time
entry notes, paper fields), feeds, imported files, job output, host names, Slurm fields, config
values, error messages that quote them. Before it reaches a widget it is

- cleaned by :func:`cockpit.core.text.clean`: escape sequences and control characters are
  removed, so it cannot set the window title, leave the alternate screen, write the clipboard
  (OSC 52) or move the cursor;
- wrapped in a :class:`Content` (or shown by a widget with ``markup=False``), so ``[bold]`` and
  ``[link=…]`` appear as typed, never as styling or links.

Inputs prefilled from stored text show it cleaned, and give the stored bytes back untouched while
the user leaves the field alone (:class:`SafeInput`), so opening and saving a form never rewrites
a stored value. cockpit's own OSC 8 links and OSC 52 copies around already cleaned text are made
by Textual from styles, never from the text itself.

No other TUI module imports ``cockpit.core.text`` or Textual's ``Input``: a lint test checks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual.content import Content
from textual.style import Style
from textual.widgets import Input

from cockpit.core.text import clean

__all__ = ["SafeInput", "clean_or", "safe", "safe_content", "safe_markup", "select_choices"]


def safe(text: object, max_len: int | None = None, newlines: bool = False) -> str:
    """``text`` cleaned for the screen (see the module docstring); ``None`` is the empty string.
    Give the result to a widget as :func:`safe_content` or with ``markup=False``."""
    return "" if text is None else clean(str(text), max_len, keep_newlines=newlines)


def clean_or(text: object, fallback: str, max_len: int | None = None) -> str:
    """:func:`safe` of ``text``, or ``fallback`` when nothing printable is left."""
    return safe(text, max_len) or safe(fallback, max_len)


def safe_content(
    text: object, max_len: int | None = None, style: str | Style = "", newlines: bool = False
) -> Content:
    """A :class:`Content` of cleaned ``text``: never parsed as markup, whatever brackets it holds."""
    s = safe(text, max_len, newlines)
    return Content.styled(s, style) if style else Content(s)


def safe_markup(text: object, max_len: int | None = None) -> str:
    """Cleaned ``text`` with its markup escaped: for the few Textual places that parse a plain
    string as markup and take no Content (the command palette's prompts and help)."""
    from textual.markup import escape

    return escape(safe(text, max_len))


class SafeInput(Input):
    """An Input for outside text. ``stored`` (the record's value) is shown cleaned; typed and
    pasted text is cleaned as it arrives. :meth:`result` is what to save: the stored bytes while
    the field shows what it was opened with, else the (clean) text the user left in it."""

    def __init__(self, stored: object = "", **kwargs: Any) -> None:
        self.stored = "" if stored is None else str(stored)
        self.shown = safe(self.stored)
        super().__init__(self.shown, **kwargs)

    def load(self, stored: object) -> None:
        """Show another stored value (cleaned), as if the input had been opened with it."""
        self.stored = "" if stored is None else str(stored)
        self.shown = safe(self.stored)
        self.value = self.shown

    @property
    def changed(self) -> bool:
        return self.value != self.shown

    def result(self) -> str:
        return self.value if self.changed else self.stored

    def validate_value(self, value: str) -> str:
        # Textual calls this for every new value: a key, a paste, or code setting ``value``.
        return safe(value)


def select_choices(
    choices: Iterable[tuple[str, str]], stored: object, fallback: str
) -> tuple[list[tuple[Content, str]], str]:
    """Options for a ``Select`` (labels as cleaned Content) and its value for ``stored``.

    A stored value that is not among ``choices`` (a category since removed from the config, a
    hand-edited record) is kept as an extra option that shows it cleaned, so the form opens, and
    saving it unchanged keeps the stored value."""
    options: Sequence[tuple[str, str]] = list(choices)
    out = [(safe_content(label, 60), value) for label, value in options]
    value = fallback if stored in (None, "") else str(stored)
    if value not in {v for _, v in options}:
        out.append((safe_content(f"{clean_or(value, '?', 40)} (stored)"), value))
    return out, value
