"""The model-lifecycle board: hypothesis -> data prep -> training -> evaluation -> deployment."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.core import tasks as core
from cockpit.tui.widgets.mits import TaskList, task_row

if TYPE_CHECKING:
    from cockpit.tui.widgets.mits import MitsPane


class BoardScreen(Screen[None]):
    DEFAULT_CSS = """
    BoardScreen #board { height: 1fr; }
    BoardScreen .column { border: round $panel-lighten-2; width: 1fr; height: 1fr; }
    BoardScreen .column:focus-within { border: round $accent; }
    BoardScreen #board-hint { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape,q", "close", "Close", id="mits.board_close"),
        Binding("left,h", "focus_column(-1)", "Column left", id="mits.board_left", show=False),
        Binding("right,l", "focus_column(1)", "Column right", id="mits.board_right", show=False),
        Binding("shift+left,H", "move(-1)", "Stage back", id="mits.board_back"),
        Binding("shift+right,L", "move(1)", "Stage on", id="mits.board_on"),
        Binding("x", "done", "Done", id="mits.board_done"),
        Binding("u", "undo", "Undo", id="mits.board_undo"),
    ]

    def __init__(self, pane: MitsPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        with Horizontal(id="board"):
            for s in core.STAGES:
                with Vertical(classes="column", id=f"col-{s}") as box:
                    box.border_title = Content(core.STAGE_NAMES[s])
                    yield TaskList("—", id=f"stage-{s}")
        yield Static("Shift+←/→ or H/L move the task to the previous/next stage", id="board-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.pane.views.append(self)
        self.model_changed()
        self.lists["hypothesis"].focus()

    def on_unmount(self) -> None:
        if self in self.pane.views:
            self.pane.views.remove(self)

    @property
    def lists(self) -> dict[str, TaskList]:
        return {s: self.query_one(f"#stage-{s}", TaskList) for s in core.STAGES}

    def model_changed(self, keep: str | None = None) -> None:
        day = self.pane.day
        groups: dict[str, list] = {s: [] for s in core.STAGES}
        for t in core.sort_tasks((t for t in self.pane.model.values() if not t.get("done")), day):
            if t.get("stage") in groups:
                groups[t["stage"]].append(task_row(t, day, self.pane.sprint_minutes))
        for s, lst in self.lists.items():
            lst.set_rows(groups[s], keep if keep and any(r[0] == keep for r in groups[s]) else None)

    def current(self) -> tuple[str, TaskList] | None:
        for s, lst in self.lists.items():
            if lst.has_focus:
                return s, lst
        return None

    def action_focus_column(self, step: int) -> None:
        cur = self.current()
        i = core.STAGES.index(cur[0]) if cur else 0
        self.lists[core.STAGES[max(0, min(len(core.STAGES) - 1, i + step))]].focus()

    def action_move(self, step: int) -> None:
        cur = self.current()
        if cur is None or cur[1].current_id is None:
            return
        s, lst = cur
        tid = lst.current_id
        target = core.stage_step(s, step)
        if target == s or target is None:
            return
        self.pane.move_stage(tid, step)
        self.lists[target].focus()
        self.lists[target].set_rows(self.lists[target].rows, tid)

    def action_done(self) -> None:
        cur = self.current()
        if cur and cur[1].current_id:
            self.pane.toggle_done(cur[1].current_id)

    def action_undo(self) -> None:
        self.pane.undo()

    def action_close(self) -> None:
        self.app.pop_screen()
