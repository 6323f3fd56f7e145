"""The task form: add or edit a task from the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from cockpit.core import tasks as core
from cockpit.errors import UsageError
from cockpit.tui.shell.safe import SafeInput, safe_content, select_choices
from cockpit.tui.shell.toggle import TickBox

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.mits_records import Task


class TaskForm(ModalScreen[dict[str, Any] | None]):
    """Title, notes, impact, effort, stage, category, estimate, project, MIT. Ctrl+S or Enter saves."""

    DEFAULT_CSS = """
    TaskForm { align: center middle; }
    TaskForm > VerticalScroll {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TaskForm Horizontal { height: 1; margin-bottom: 1; }
    TaskForm Label { width: 10; }
    TaskForm Input { width: 1fr; height: 1; border: none; padding: 0 1; background: $boost; }
    /* Textual's Input:focus draws a tall border: at height 1 it would hide the text typed. */
    TaskForm Input:focus { border: none; background: $accent 30%; }
    TaskForm Select { width: 1fr; height: 1; }
    TaskForm SelectCurrent { height: 1; border: none; padding: 0 1; background: $boost; }
    TaskForm Select:focus > SelectCurrent { border: none; background: $accent 30%; }
    TaskForm Checkbox { border: none; padding: 0; height: 1; }
    TaskForm #form-error { color: $error; height: auto; }
    TaskForm .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", id="mits.form_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="mits.form_cancel"),
    ]

    def __init__(self, ctx: Context, task: Task | None, is_mit: bool = False) -> None:
        super().__init__()
        self.ctx, self.item, self.is_mit = ctx, task, is_mit

    def compose(self) -> ComposeResult:
        from cockpit.core.mits_records import Task

        t = self.item or Task("")
        cats = [(c.name, c.id) for c in self.ctx.config.categories]
        # Selects show the stored value even when it is not one of the choices (so the form opens);
        # saved unchanged, it stays as stored.
        self.initial: dict[str, str] = {}

        def choice(name: str, choices: list[tuple[str, str]], stored: object, fallback: str) -> Select:
            options, value = select_choices(choices, stored, fallback)
            self.initial[name] = value
            return Select(options, value=value, allow_blank=False, id=name)

        with VerticalScroll():
            yield Static("Edit task" if self.item else "New task", markup=False)
            with Horizontal():
                yield Label("Title")
                yield SafeInput(t.title, id="title", placeholder="what to do", compact=True)
            with Horizontal():
                yield Label("Impact")
                yield choice("impact", [("high", "high"), ("low", "low")], t.impact, "high")
            with Horizontal():
                yield Label("Effort")
                yield choice("effort", [(e, e) for e in core.EFFORTS], t.effort, "hours")
            with Horizontal():
                yield Label("Stage")
                stages = [("none", "none"), *((core.STAGE_NAMES[s], s) for s in core.STAGES)]
                yield choice("stage", stages, t.stage, "none")
            with Horizontal():
                yield Label("Category")
                yield choice("category", [("none", "none"), *cats], t.category, "none")
            with Horizontal():
                yield Label("Estimate")
                yield SafeInput(
                    t.estimate or 0, id="estimate", type="integer", placeholder="sprints", compact=True
                )
            with Horizontal():
                yield Label("Project")
                yield SafeInput(t.project, id="project", compact=True)
            with Horizontal():
                yield Label("Notes")
                yield SafeInput(t.notes, id="notes", compact=True)
            yield TickBox("Today's MIT", self.is_mit, id="mit")
            yield Static("", id="form-error", markup=False)
            yield Static(
                "Ctrl+S (or Enter in a text field) save   Esc cancel   Tab next", markup=False, classes="hint"
            )

    def on_mount(self) -> None:
        for box in self.query(SafeInput):
            box.cursor_blink = False  # nothing repaints while idle
        self.query_one("#title", SafeInput).focus()

    def on_input_submitted(self, event: SafeInput.Submitted) -> None:
        event.stop()
        self.action_save()

    def values(self) -> dict[str, Any]:
        """The fields to save: all of them for a new task; for an edit only those the user changed,
        so every other field keeps its stored bytes (the inputs show them cleaned)."""
        from cockpit.services.mits import parse

        editing = self.item is not None

        def sel(name: str) -> str | None:
            v = self.query_one(f"#{name}", Select).value
            return None if v in ("none", Select.BLANK) else str(v)

        raw: dict[str, Any] = {}
        for name in ("title", "estimate", "project", "notes"):
            box = self.query_one(f"#{name}", SafeInput)
            if not editing or box.changed:
                raw[name] = box.value
        for name in ("impact", "effort", "stage", "category"):
            if not editing or self.query_one(f"#{name}", Select).value != self.initial[name]:
                raw[name] = sel(name)
        if "estimate" in raw:
            raw["estimate"] = raw["estimate"] or "0"
        out = {k: parse(self.ctx, k, v) for k, v in raw.items()}
        out["mit"] = self.query_one("#mit", TickBox).value
        return out

    def action_save(self) -> None:
        try:
            values = self.values()
        except UsageError as e:
            self.query_one("#form-error", Static).update(safe_content(e, 300))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
