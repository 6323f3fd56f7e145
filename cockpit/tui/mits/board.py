"""The model-lifecycle board: hypothesis -> data prep -> training -> evaluation -> deployment."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from cockpit.core import tasks as core
from cockpit.tui.mits import messages
from cockpit.tui.mits.lists import GroupedTasksScreen
from cockpit.tui.mits.rows import TaskList
from cockpit.tui.shell.footer import KeyFooter


class BoardScreen(GroupedTasksScreen):
    GROUPS = core.STAGES
    LIST_PREFIX = "stage"
    FIRST = "hypothesis"

    DEFAULT_CSS = """
    BoardScreen #board { height: 1fr; }
    BoardScreen .column { border: round $panel-lighten-2; width: 1fr; height: 1fr; }
    BoardScreen TaskList.column.-active { border: round $accent; }
    BoardScreen #board-hint { height: 1; color: $text-muted; }
    BoardScreen .tasks-detail { height: auto; max-height: 3; }
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

    def compose(self) -> ComposeResult:
        with Horizontal(id="board"):
            for s in core.STAGES:
                lst = TaskList("—", id=f"stage-{s}", classes="column", focusable=False)
                lst.border_title = Content(core.STAGE_NAMES[s])
                yield lst
        yield Static("", classes="tasks-detail", markup=False)
        yield Static(
            "Shift+←/→ or H/L move the task to the previous/next stage", id="board-hint", markup=False
        )
        yield KeyFooter()

    def group_of(self, entry: Any) -> str | None:
        return entry.stage

    def action_focus_column(self, step: int) -> None:
        i = core.STAGES.index(self.active)
        self.activate(core.STAGES[max(0, min(len(core.STAGES) - 1, i + step))])

    def action_move(self, step: int) -> None:
        tid = self.current_id()
        if tid is None:
            return
        target = core.stage_step(self.active, step)
        if target == self.active or target is None:
            return
        self.target.post_message(messages.MoveStage(tid, step))
        self.show_moved(tid, target)
