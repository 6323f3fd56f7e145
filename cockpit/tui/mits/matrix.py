"""The impact x effort matrix: four quadrants; Shift+arrows (or H J K L) move the task."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.content import Content
from textual.widgets import Static

from cockpit.core import tasks as core
from cockpit.tui.mits import messages
from cockpit.tui.mits.lists import GroupedTasksScreen
from cockpit.tui.mits.rows import TaskList
from cockpit.tui.shell.footer import KeyFooter


class MatrixScreen(GroupedTasksScreen):
    GROUPS = core.QUADRANTS
    LIST_PREFIX = "list"
    FIRST = "do"

    DEFAULT_CSS = """
    MatrixScreen #matrix { grid-size: 2 2; height: 1fr; }
    MatrixScreen .quadrant { border: round $panel-lighten-2; height: 1fr; }
    MatrixScreen TaskList.quadrant.-active { border: round $accent; }
    MatrixScreen #matrix-hint { height: 1; color: $text-muted; }
    MatrixScreen .tasks-detail { height: auto; max-height: 3; }
    """
    BINDINGS: ClassVar = [
        Binding("escape,q", "close", "Close", id="mits.matrix_close"),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("ctrl+up", "focus_quadrant('up')", "Quadrant up", show=False),
        Binding("ctrl+down", "focus_quadrant('down')", "Quadrant down", show=False),
        Binding("left,h", "focus_quadrant('left')", "Quadrant left", id="mits.matrix_left", show=False),
        Binding("right,l", "focus_quadrant('right')", "Quadrant right", id="mits.matrix_right", show=False),
        Binding("shift+left,H", "move('left')", "Move left", id="mits.matrix_move_left"),
        Binding("shift+right,L", "move('right')", "Move right", id="mits.matrix_move_right"),
        Binding("shift+up,K", "move('up')", "Move up", id="mits.matrix_move_up"),
        Binding("shift+down,J", "move('down')", "Move down", id="mits.matrix_move_down"),
        Binding("x", "done", "Done", id="mits.matrix_done"),
        Binding("m", "mit", "MIT", id="mits.matrix_mit"),
        Binding("u", "undo", "Undo", id="mits.matrix_undo"),
    ]

    def compose(self) -> ComposeResult:
        with Grid(id="matrix"):
            for q in core.QUADRANTS:
                lst = TaskList("empty", id=f"list-{q}", classes="quadrant", focusable=False)
                lst.border_title = Content(core.QUADRANT_NAMES[q])
                yield lst
        yield Static("", classes="tasks-detail", markup=False)
        yield Static(
            "Shift+arrows or H/J/K/L move the task · ←/→, Ctrl+↑/↓ change quadrant",
            id="matrix-hint",
            markup=False,
        )
        yield KeyFooter()

    def group_of(self, entry: Any) -> str | None:
        return entry.quadrant

    def action_focus_quadrant(self, direction: str) -> None:
        self.activate(core.quadrant_step(self.active, direction))

    def action_move(self, direction: str) -> None:
        tid = self.current_id()
        if tid is None:
            return
        target = core.quadrant_step(self.active, direction)
        if target == self.active:
            return
        self.target.post_message(messages.SetQuadrant(tid, target))
        self.show_moved(tid, target)

    def action_mit(self) -> None:
        tid = self.current_id()
        if tid:
            self.target.post_message(messages.ToggleMit(tid))
