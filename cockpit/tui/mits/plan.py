"""The morning plan: yesterday's unfinished MITs and the Do-first/Schedule candidates; pick 1-3."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.core import tasks as core
from cockpit.tui.mits import messages
from cockpit.tui.mits.rows import Snapshot, TaskList, task_row
from cockpit.tui.shell.safe import safe_content

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class MorningPlanScreen(ModalScreen[list[str] | None]):
    """Dismissed with the picked task ids (Enter) or None (Escape). The pane that opens it hands
    it a ``Snapshot`` on every change; ``a`` asks that pane (``target``) for the task form."""

    DEFAULT_CSS = """
    MorningPlanScreen { align: center middle; }
    MorningPlanScreen > Vertical {
        width: 76; max-width: 100%; height: 90%;
        border: round $cockpit-mit; background: $surface; padding: 0 1;
    }
    MorningPlanScreen #plan-title { text-style: bold; color: $cockpit-mit; }
    MorningPlanScreen #plan-carried, MorningPlanScreen .hint { color: $text-muted; }
    MorningPlanScreen #plan-status { color: $warning; height: auto; }
    """
    BINDINGS: ClassVar = [
        Binding("space", "toggle", "Pick", id="mits.plan_pick"),
        Binding("enter", "save", "Start the day", id="mits.plan_save"),
        Binding("a", "add", "Add task", id="mits.plan_add"),
        Binding("escape", "close", "Later", id="mits.plan_close"),
    ]

    def __init__(self, snapshot: Snapshot, target: MessagePump) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.target = target
        self.picked: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Morning plan: pick today's Most Important Tasks", id="plan-title", markup=False)
            yield Static("", id="plan-carried", markup=False)
            yield TaskList("No open tasks. Press a to add one.", id="plan-list")
            yield Static("", id="plan-status", markup=False)
            yield Static(
                "Space pick (up to the cap)   Enter start the day   a add   Esc later",
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        snap = self.snapshot
        day = snap.day
        mits = [t for t in core.effective_mits(snap.tasks.values(), day, snap.cap) if not t.done]
        self.picked = [t.id for t in mits]
        carried = [t for t in mits if core.carried_days(t, day)]
        self.query_one("#plan-carried", Static).update(
            f"{len(carried)} unfinished MIT{'s' if len(carried) != 1 else ''} carried over from earlier days."
            if carried
            else "Nothing carried over."
        )
        self.model_changed(snap)
        self.query_one(TaskList).focus()

    def on_unmount(self) -> None:
        self.target.post_message(messages.ViewClosed(self))

    def model_changed(self, snapshot: Snapshot) -> None:
        self.snapshot = snap = snapshot
        day = snap.day
        lst = self.query_one(TaskList)
        lst.show_marks = True
        cands = core.plan_candidates(snap.tasks.values(), day, snap.cap)
        have = {t.id for t in cands}
        self.picked = [i for i in self.picked if i in snap.tasks]
        extra = [snap.tasks[i] for i in self.picked if i not in have]
        lst.marked = set(self.picked)
        lst.set_rows([task_row(t, day, snap.sprint_minutes) for t in extra + cands])
        self._status()

    def _status(self, warn: str = "") -> None:
        text = warn or f"{len(self.picked)} of at most {self.snapshot.cap} picked."
        self.query_one("#plan-status", Static).update(safe_content(text, 200))

    def action_toggle(self) -> None:
        lst = self.query_one(TaskList)
        tid = lst.current_id
        if tid is None:
            return
        if tid in self.picked:
            self.picked.remove(tid)
        elif len(self.picked) >= self.snapshot.cap:
            self._status(f"The cap is {self.snapshot.cap} MITs a day: unpick one first.")
            return
        else:
            self.picked.append(tid)
        lst.marked = set(self.picked)
        lst.refresh()
        self._status()

    def action_add(self) -> None:
        self.target.post_message(messages.AddTask())

    def action_save(self) -> None:
        self.dismiss(list(self.picked))

    def action_close(self) -> None:
        self.dismiss(None)
