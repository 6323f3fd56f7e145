"""Start a focus session: the task (today's MITs), the category and the length."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from cockpit.core.focus_plan import TaskChoice
from cockpit.core.focus_records import MODE_LABELS
from cockpit.core.record import record
from cockpit.tui.shell.safe import SafeInput, safe

NO_TASK = "-"


@record
class StartRequest:
    """What the start dialog answers: the mode, the task, the category, the minutes typed."""

    mode: str
    task: str | None
    category: str
    minutes: float | None


class StartScreen(ModalScreen[StartRequest | None]):
    """Enter starts with the highlighted task; Tab moves to the category and the minutes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="focus.start.cancel")]
    DEFAULT_CSS = """
    StartScreen { align: center middle; }
    StartScreen > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    StartScreen OptionList { height: auto; max-height: 6; }
    StartScreen Select { width: 1fr; }
    StartScreen #start-minutes { width: 16; }
    StartScreen .start-hint { color: $text-muted; }
    """

    def __init__(
        self,
        mode: str,
        default_minutes: float,
        mits: tuple[TaskChoice, ...],
        categories: list[tuple[str, str]],
        default_task: str | None,
        default_category: str,
    ) -> None:
        super().__init__()
        self.mode, self.default_minutes = mode, default_minutes
        self.mits, self.categories = mits, categories
        self.default_task, self.default_category = default_task, default_category

    def compose(self) -> ComposeResult:
        label = MODE_LABELS.get(self.mode, self.mode)
        with Vertical() as v:
            v.border_title = f"Start a {label} ({self.default_minutes:g} min)"
            yield Static(Content("Task (today's MITs):"))
            options = [Option(Content(safe(t.title, 56) or t.id), id=t.id) for t in self.mits]
            options.append(Option(Content("(no task)"), id=NO_TASK))
            yield OptionList(*options, id="start-task")
            yield Select(
                [(Content(name), cid) for cid, name in self.categories],
                value=self.default_category,
                allow_blank=False,
                id="start-category",
            )
            yield SafeInput(
                placeholder=f"{self.default_minutes:g}", type="number", id="start-minutes", max_length=6
            )
            yield Static(Content("Enter start   Tab next field   Esc cancel"), classes="start-hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ids = [t.id for t in self.mits]
        ol.highlighted = ids.index(self.default_task) if self.default_task in ids else len(ids)
        self.query_one(SafeInput).cursor_blink = False
        ol.focus()

    def _result(self) -> StartRequest:
        ol = self.query_one(OptionList)
        opt = ol.get_option_at_index(ol.highlighted) if ol.highlighted is not None else None
        task = None if opt is None or opt.id == NO_TASK else opt.id
        minutes: float | None = None
        raw = self.query_one(SafeInput).value.strip()
        if raw:
            try:
                minutes = float(raw)
            except ValueError:
                minutes = None
        return StartRequest(self.mode, task, str(self.query_one(Select).value), minutes)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._result())

    def on_input_submitted(self, event: SafeInput.Submitted) -> None:
        event.stop()
        self.dismiss(self._result())

    def action_cancel(self) -> None:
        self.dismiss(None)
