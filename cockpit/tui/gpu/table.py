"""The GPU pane's jobs table: a row-cursor DataTable whose Home and End go to the first and last row
(Textual's DataTable scrolls them sideways)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

__all__ = ["JobsTable"]


class JobsTable(DataTable[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]
