"""Small MIT dialogs: yes/no confirmation and the swap offered at the MIT cap."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.tui.mits.rows import TaskList, task_row
from cockpit.tui.shell.safe import safe_content

if TYPE_CHECKING:
    from cockpit.core.mits_records import Task

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}}
{name} .hint {{
    color: $text-muted;
}}
"""


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y answers yes, n or Escape no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "Yes", id="mits.confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="mits.confirm_no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_content(self.question, 300), id="question")
            yield Static(f"y {self.yes}   n {self.no}", markup=False, classes="hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class SwapScreen(ModalScreen[str | None]):
    """At the MIT cap: pick the MIT that the new task replaces (Enter), or keep them (Escape)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SwapScreen") + "SwapScreen TaskList { height: 5; }"
    BINDINGS: ClassVar = [
        Binding("enter", "swap", "Swap", id="mits.swap"),
        Binding("escape", "cancel", "Keep", id="mits.swap_cancel"),
    ]

    def __init__(self, mits: list[Task], new: Task) -> None:
        super().__init__()
        self.mits, self.new = mits, new

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("The MIT cap is reached. Swap which MIT out for:", markup=False)
            yield Static(task_row(self.new, "", 1)[2], markup=False, id="swap-new")
            yield TaskList("No open MITs to swap.", id="swap-list")
            yield Static("Enter swap   Esc keep today's MITs", markup=False, classes="hint")

    def on_mount(self) -> None:
        day = (self.mits[0].mit_date or "") if self.mits else ""
        lst = self.query_one(TaskList)
        lst.set_rows([task_row(t, day, 1) for t in self.mits])
        lst.focus()

    def action_swap(self) -> None:
        self.dismiss(self.query_one(TaskList).current_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
