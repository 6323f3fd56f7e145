"""The evening shutdown: today's sprints, MITs done, time by category, tomorrow's candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from cockpit.core import tasks as core
from cockpit.tui.mits.rows import show_title
from cockpit.tui.shell.safe import safe_content

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.mits_records import Task
    from cockpit.core.rituals import DaySummary


def shutdown_text(
    ctx: Context, summary: DaySummary, tasks: list[Task], day: str, running: list[str] | None = None
) -> str:
    from cockpit.services.mits import category_name

    lines = [f"Evening shutdown · {summary.date}", ""]
    if running:
        lines.append("Still running (Enter stops them all):")
        lines.extend(f"  ▸ {r}" for r in running)
        lines.append("")
    lines.append(f"Sprints today: {summary.sprints} ({core.fmt_hm(summary.sprint_s)})")
    share = summary.mit_share
    lines.append(
        f"MITs done: {summary.mits_done} of {summary.mits_total}"
        + (f" · {share:.0%} of focus time on MITs" if share is not None else "")
    )
    for t in summary.mits:
        lines.append(f"  {'✓' if t.done else '·'} {show_title(t.title, 70)}")
    week = core.history(tasks, ctx.clock.tz, 7, summary.date)
    lines.append("MITs done/planned, last 7 days: " + " ".join(f"{h['done']}/{h['planned']}" for h in week))
    lines.append("")
    lines.append("Time by category:")
    if not summary.by_category:
        lines.append("  nothing booked today")
    for cat, secs in summary.by_category.items():
        lines.append(
            f"  {core.fmt_hm(secs):>6}  {show_title(category_name(ctx, cat) or 'uncategorised', 50)}"
        )
    lines.append("")
    lines.append("Tomorrow's candidates:")
    cands = core.tomorrow_candidates(tasks, day)
    if not cands:
        lines.append("  none: add tasks with a")
    for t in cands:
        carry = " (carries over)" if core.is_mit(t, day) else ""
        lines.append(f"  · {show_title(t.title, 70)}{carry}")
    return "\n".join(lines)


class ShutdownScreen(ModalScreen[bool]):
    """Dismissed with True when the day is to be closed (Enter), False otherwise (Esc).

    It lists what still runs (a focus session, tracking); Enter stops them all first."""

    DEFAULT_CSS = """
    ShutdownScreen { align: center middle; }
    ShutdownScreen > VerticalScroll {
        width: 76; max-width: 100%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ShutdownScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("enter", "close_day", "Close the day", id="mits.shutdown_close_day"),
        Binding("escape", "cancel", "Not yet", id="mits.shutdown_cancel"),
    ]

    def __init__(self, ctx: Context, day: str, tasks: list[Task]) -> None:
        super().__init__()
        self.ctx, self.day, self.tasks = ctx, day, tasks

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Evening shutdown · adding up the day…", id="shutdown-body", markup=False)
            yield Static(
                "Enter stop what runs and close the workday   Esc not yet", classes="hint", markup=False
            )

    def on_mount(self) -> None:
        self._summarise()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mits-read")
    def _summarise(self) -> None:
        from cockpit.services import focus, mits

        running = focus.still_running(self.ctx)
        text = shutdown_text(self.ctx, mits.day_summary(self.ctx, self.day), self.tasks, self.day, running)
        self.app.call_from_thread(
            self.query_one("#shutdown-body", Static).update, safe_content(text, newlines=True)
        )

    def action_close_day(self) -> None:
        self._stop_and_close()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mits-write")
    def _stop_and_close(self) -> bool:
        from cockpit.services import focus

        focus.stop_all(self.ctx)  # nothing runs through the night
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # dismissed once the worker has ended: dismissing from inside it removed the screen, and
        # so cancelled the worker, while it still waited for the dismiss to return
        if event.worker.name == "_stop_and_close" and event.state == WorkerState.SUCCESS:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
