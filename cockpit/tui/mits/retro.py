"""The weekly retro: the week's numbers and three prompts, saved; past retros browsable with [ and ]."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cockpit.core import tasks as core
from cockpit.tui.shell.safe import SafeInput, safe, safe_content

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.rituals import Retro, WeekNumbers

PROMPTS = (
    ("worked", "What worked this week?"),
    ("didnt", "What didn't?"),
    ("drop", "Which dead-end experiments to drop?"),
)


def numbers_text(ctx: Context, n: WeekNumbers) -> str:
    from cockpit.services.mits import category_name

    lines = [
        f"Week {n.week} ({n.first} to {n.last})",
        f"Sprints: {n.sprints} ({core.fmt_hm(n.sprint_s)}) · MITs done {n.mits_done} of {n.mits_planned} planned"
        f" · tasks done {n.tasks_done}",
    ]
    top = list(n.by_category.items())[:4]
    if top:
        lines.append(
            " · ".join(f"{category_name(ctx, c) or 'uncategorised'} {core.fmt_hm(s)}" for c, s in top)
        )
    return "\n".join(lines)


class RetroScreen(ModalScreen[None]):
    """This week's numbers and answers (saved with Ctrl+S), and past retros (read only)."""

    DEFAULT_CSS = """
    RetroScreen { align: center middle; }
    RetroScreen > VerticalScroll {
        width: 80; max-width: 100%; height: 95%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RetroScreen #retro-numbers { color: $text; }
    RetroScreen .hint, RetroScreen #retro-where { color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", id="mits.retro_save", priority=True),
        Binding("pageup", "browse(1)", "Older", id="mits.retro_older"),
        Binding("pagedown", "browse(-1)", "Newer", id="mits.retro_newer"),
        Binding("escape", "close", "Close", id="mits.retro_close"),
    ]

    def __init__(self, ctx: Context, day: str) -> None:
        super().__init__()
        self.ctx, self.day = ctx, day
        self.index = -1  # -1: this week's (editable); 0..: saved retros, newest first
        self.saved: list[Retro] = []
        self.numbers: WeekNumbers | None = None
        self.draft: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Weekly retro", markup=False, id="retro-where")
            yield Static("", id="retro-numbers", markup=False)
            for key, prompt in PROMPTS:
                yield Label(prompt)
                yield SafeInput(id=f"retro-{key}")
            yield Static("Ctrl+S save   PgUp/PgDn past retros   Esc close", classes="hint", markup=False)

    def on_mount(self) -> None:
        for box in self.query(SafeInput):
            box.cursor_blink = False  # nothing repaints while idle
        self.query_one("#retro-worked", SafeInput).focus()
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mits-read")
    def _read(self) -> None:
        from cockpit.services import mits

        saved = mits.list_retros(self.ctx)
        numbers = mits.week_summary(self.ctx, self.day)
        self.app.call_from_thread(self._got, saved, numbers)

    def _got(self, saved: list[Retro], numbers: WeekNumbers) -> None:
        self.saved, self.numbers = saved, numbers
        self.show()

    def show(self) -> None:
        week = core.week_label(self.day)
        doc: Retro | None
        if self.index < 0:
            numbers = self.numbers
            doc = next((r for r in self.saved if r.week == week), None)
            where = f"Weekly retro · this week ({week})" + (" · saved" if doc else "")
        else:
            doc = self.saved[self.index]
            numbers = doc.numbers
            where = f"Past retro {self.index + 1} of {len(self.saved)} · {doc.week} (read only)"
        self.query_one("#retro-where", Static).update(safe_content(where))
        text = numbers_text(self.ctx, numbers) if numbers else "adding up the week…"
        self.query_one("#retro-numbers", Static).update(safe_content(text, newlines=True))
        for key, _ in PROMPTS:
            box = self.query_one(f"#retro-{key}", SafeInput)
            answer = doc.answer(key) if doc else ""
            box.load(answer)  # shown cleaned; saved unchanged, the stored answer keeps its bytes
            if self.index < 0 and self.draft.get(key):
                box.value = self.draft[key]
            box.disabled = self.index >= 0

    def action_browse(self, step: int) -> None:
        new = max(-1, min(len(self.saved) - 1, self.index + step))
        if self.index < 0:
            self.draft = {key: self.query_one(f"#retro-{key}", SafeInput).value for key, _ in PROMPTS}
        if new != self.index:
            self.index = new
            self.show()

    def action_save(self) -> None:
        if self.index >= 0:
            self.app.notify("A past retro is read only; PgDn goes back to this week.", severity="warning")
            return
        self._save({key: self.query_one(f"#retro-{key}", SafeInput).result() for key, _ in PROMPTS})

    @work(thread=True, exit_on_error=False, group="mits-retro-save")
    def _save(self, answers: dict[str, str]) -> None:
        from cockpit.services import mits

        try:
            mits.save_retro(self.ctx, answers, self.day)
        except Exception as e:  # noqa: BLE001 - shown as a toast; nothing else changed
            self.app.call_from_thread(self.app.notify, safe(e, 300), severity="error", timeout=8)
            return
        self.app.call_from_thread(self.app.notify, "Retro saved.")
        self.app.call_from_thread(self._read)

    def action_close(self) -> None:
        self.dismiss(None)
