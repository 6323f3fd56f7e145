"""Asked on return after an away span while tracking: keep, discard, or book it elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.core import audit as core
from cockpit.services import audit
from cockpit.tui.shell.safe import safe

if TYPE_CHECKING:
    from cockpit.context import Context


class AwayScreen(ModalScreen[tuple[str, str | None] | None]):
    BINDINGS = [
        Binding("k", "choose('keep')", "Keep the time", id="audit_away.keep"),
        Binding("d", "choose('discard')", "Discard it", id="audit_away.discard"),
        Binding("b", "book", "Book to another category", id="audit_away.book"),
        Binding("escape", "choose('keep')", "Keep", id="audit_away.close", show=False),
    ]
    DEFAULT_CSS = """
    AwayScreen { align: center middle; }
    AwayScreen > Vertical {
        width: 70; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 0 1;
    }
    AwayScreen #away-cats { display: none; color: $text-muted; }
    AwayScreen.-booking #away-cats { display: block; }
    """

    def __init__(self, ctx: Context, away: core.Away) -> None:
        super().__init__()
        self.ctx, self.away = ctx, away
        self.booking = False

    def compose(self) -> ComposeResult:
        tz = audit.zone(self.ctx)
        a, b = self.away.start.astimezone(tz), self.away.end.astimezone(tz)
        why = {
            "detached": "the tmux client was detached",
            "suspended": "the clock jumped (suspend or clock change)",
        }.get(self.away.reason, "no input reached cockpit")
        cur = audit.running(self.ctx)
        name = safe(audit.names(self.ctx).get(cur.category, cur.category), 40) if cur else "?"
        with Vertical() as v:
            v.border_title = "Welcome back"
            yield Static(
                Content(
                    f"Away {a:%H:%M}-{b:%H:%M} ({core.fmt_hm(self.away.seconds)}): {why} while tracking {name}."
                ),
            )
            yield Static(Content("k keep it   d discard it   b book it to another category"))
            keys = safe("  ".join(f"{c.key} {c.name}" for c in self.ctx.config.audit.categories), 300)
            yield Static(Content(f"Which category? {keys}"), id="away-cats")

    def action_choose(self, choice: str) -> None:
        self.dismiss((choice, None))

    def action_book(self) -> None:
        self.booking = True
        self.add_class("-booking")

    def on_key(self, event: events.Key) -> None:
        if not self.booking or not event.character:
            return
        c = audit.by_key(self.ctx, event.character)
        if c is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(("book", c.id))
