"""The impact x effort matrix: four quadrants; Shift+arrows (or H J K L) move the task."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.core import tasks as core
from cockpit.tui.widgets.mits import TaskList, task_row

if TYPE_CHECKING:
    from cockpit.tui.widgets.mits import MitsPane


class MatrixScreen(Screen[None]):
    DEFAULT_CSS = """
    MatrixScreen #matrix { grid-size: 2 2; height: 1fr; }
    MatrixScreen .quadrant { border: round $panel-lighten-2; height: 1fr; }
    MatrixScreen .quadrant:focus-within { border: round $accent; }
    MatrixScreen #matrix-hint { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape,q", "close", "Close", id="mits.matrix_close"),
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
                with Vertical(classes="quadrant", id=f"q-{q}") as box:
                    box.border_title = Content(core.QUADRANT_NAMES[q])
                    yield TaskList("empty", id=f"list-{q}")
        yield Static("Shift+arrows or H/J/K/L move the task · arrows/Tab change quadrant", id="matrix-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.pane.views.append(self)
        self.model_changed()
        self.lists["do"].focus()

    def on_unmount(self) -> None:
        if self in self.pane.views:
            self.pane.views.remove(self)

    @property
    def lists(self) -> dict[str, TaskList]:
        return {q: self.query_one(f"#list-{q}", TaskList) for q in core.QUADRANTS}

    def model_changed(self, keep: str | None = None) -> None:
        day = self.pane.day
        groups: dict[str, list] = {q: [] for q in core.QUADRANTS}
        for t in core.sort_tasks((t for t in self.pane.model.values() if not t.get("done")), day):
            groups[core.quadrant_of(t)].append(task_row(t, day, self.pane.sprint_minutes))
        for q, lst in self.lists.items():
            lst.set_rows(groups[q], keep if keep and any(r[0] == keep for r in groups[q]) else None)

    def current(self) -> tuple[str, TaskList] | None:
        for q, lst in self.lists.items():
            if lst.has_focus:
                return q, lst
        return None

    def action_focus_quadrant(self, direction: str) -> None:
        cur = self.current()
        q = core.quadrant_step(cur[0] if cur else "do", direction)
        self.lists[q].focus()

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
        self.lists[target].focus()
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
