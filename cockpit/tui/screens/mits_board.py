"""The model-lifecycle board: hypothesis -> data prep -> training -> evaluation -> deployment."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.core import tasks as core
from cockpit.tui.widgets.mits import TaskList

if TYPE_CHECKING:
    from cockpit.tui.widgets.mits import MitsPane


class BoardScreen(Screen[None]):
    DEFAULT_CSS = """
    BoardScreen #board { height: 1fr; }
    BoardScreen .column { border: round $panel-lighten-2; width: 1fr; height: 1fr; }
    BoardScreen TaskList.column.-active { border: round $accent; }
    BoardScreen #board-hint { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape,q", "close", "Close", id="mits.board_close"),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
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
                lst = TaskList("—", id=f"stage-{s}", classes="column", focusable=False)
                lst.border_title = Content(core.STAGE_NAMES[s])
                yield lst
        yield Static(
            "Shift+←/→ or H/L move the task to the previous/next stage", id="board-hint", markup=False
        )
        yield Footer()

    def on_mount(self) -> None:
        self.pane.views.append(self)
        self.active = "hypothesis"
        self.model_changed()
        self.activate("hypothesis")

    def on_unmount(self) -> None:
        self.pane.view_closed(self)

    @property
    def lists(self) -> dict[str, TaskList]:
        return {s: self.query_one(f"#stage-{s}", TaskList) for s in core.STAGES}

    def model_changed(self, keep: str | None = None) -> None:
        groups: dict[str, list] = {s: [] for s in core.STAGES}
        for e in self.pane.entries():
            if e.open and e.stage in groups:
                groups[e.stage].append(e.row)
        for s, lst in self.lists.items():
            if lst.rows != groups[s]:
                lst.set_rows(groups[s], keep if keep and any(r[0] == keep for r in groups[s]) else None)

    def activate(self, stage: str) -> None:
        self.active = stage
        for name, lst in self.lists.items():
            if lst.has_class("-active") != (name == stage):
                lst.set_class(name == stage, "-active")

    def current(self) -> tuple[str, TaskList] | None:
        return self.active, self.lists[self.active]

    def action_cursor(self, step: int) -> None:
        self.lists[self.active].action_cursor(step)

    def action_focus_column(self, step: int) -> None:
        i = core.STAGES.index(self.active)
        self.activate(core.STAGES[max(0, min(len(core.STAGES) - 1, i + step))])

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
        self.activate(target)
        self.lists[target].set_rows(self.lists[target].rows, tid)

    def action_done(self) -> None:
        cur = self.current()
        if cur and cur[1].current_id:
            self.pane.toggle_done(cur[1].current_id)

    def action_undo(self) -> None:
        self.pane.undo()

    def action_close(self) -> None:
        self.app.pop_screen()
