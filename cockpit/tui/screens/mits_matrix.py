"""The impact x effort matrix: four quadrants; Shift+arrows (or H J K L) move the task."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.core import tasks as core
from cockpit.tui.widgets.mits import TaskList

if TYPE_CHECKING:
    from cockpit.tui.widgets.mits import MitsPane


class MatrixScreen(Screen[None]):
    DEFAULT_CSS = """
    MatrixScreen #matrix { grid-size: 2 2; height: 1fr; }
    MatrixScreen .quadrant { border: round $panel-lighten-2; height: 1fr; }
    MatrixScreen TaskList.quadrant.-active { border: round $accent; }
    MatrixScreen #matrix-hint { height: 1; color: $text-muted; }
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

    def __init__(self, pane: MitsPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        with Grid(id="matrix"):
            for q in core.QUADRANTS:
                lst = TaskList("empty", id=f"list-{q}", classes="quadrant", focusable=False)
                lst.border_title = Content(core.QUADRANT_NAMES[q])
                yield lst
        yield Static(
            "Shift+arrows or H/J/K/L move the task · ←/→, Ctrl+↑/↓ change quadrant",
            id="matrix-hint",
            markup=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        self.pane.views.append(self)
        self.active = "do"
        self.model_changed()
        self.activate("do")

    def on_unmount(self) -> None:
        self.pane.view_closed(self)

    @property
    def lists(self) -> dict[str, TaskList]:
        return {q: self.query_one(f"#list-{q}", TaskList) for q in core.QUADRANTS}

    def model_changed(self, keep: str | None = None) -> None:
        groups: dict[str, list] = {q: [] for q in core.QUADRANTS}
        for e in self.pane.entries():
            if e.open:
                groups[e.quadrant].append(e.row)
        for q, lst in self.lists.items():
            if lst.rows != groups[q]:
                lst.set_rows(groups[q], keep if keep and any(r[0] == keep for r in groups[q]) else None)

    def activate(self, q: str) -> None:
        self.active = q
        for name, lst in self.lists.items():
            if lst.has_class("-active") != (name == q):
                lst.set_class(name == q, "-active")

    def current(self) -> tuple[str, TaskList] | None:
        return self.active, self.lists[self.active]

    def action_cursor(self, step: int) -> None:
        self.lists[self.active].action_cursor(step)

    def action_focus_quadrant(self, direction: str) -> None:
        self.activate(core.quadrant_step(self.active, direction))

    def action_move(self, direction: str) -> None:
        cur = self.current()
        if cur is None or cur[1].current_id is None:
            return
        q, lst = cur
        tid = lst.current_id
        target = core.quadrant_step(q, direction)
        if target == q:
            return
        self.pane.set_quadrant(tid, target)
        self.activate(target)
        self.lists[target].set_rows(self.lists[target].rows, tid)

    def action_done(self) -> None:
        cur = self.current()
        if cur and cur[1].current_id:
            self.pane.toggle_done(cur[1].current_id)

    def action_mit(self) -> None:
        cur = self.current()
        if cur and cur[1].current_id:
            self.pane.toggle_mit(cur[1].current_id)

    def action_undo(self) -> None:
        self.pane.undo()

    def action_close(self) -> None:
        self.app.pop_screen()
