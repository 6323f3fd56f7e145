"""Add, edit or split a time entry. An overlap is refused in place, with an explicit Adjust choice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from cockpit.core import audit as core
from cockpit.errors import CockpitError
from cockpit.services import audit
from cockpit.tui.shell.safe import SafeInput, safe, safe_content

if TYPE_CHECKING:
    from cockpit.context import Context


class EntryEditor(ModalScreen[str | None]):
    """``mode``: ``add`` (a past entry), ``edit`` (start, end, category, note) or ``split`` (a time)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="audit_entry.cancel"),
        Binding("ctrl+s", "save", "Save", id="audit_entry.save", priority=True),
        Binding("ctrl+r", "adjust", "Save and adjust others", id="audit_entry.adjust", priority=True),
    ]
    DEFAULT_CSS = """
    EntryEditor { align: center middle; }
    EntryEditor > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    EntryEditor Label { margin-top: 0; color: $text-muted; }
    EntryEditor #entry-error { color: $error; height: auto; }
    EntryEditor #adjust { display: none; }
    EntryEditor.-overlap #adjust { display: block; }
    EntryEditor Horizontal { height: auto; }
    EntryEditor Button { min-width: 10; margin-right: 1; }
    """

    def __init__(self, ctx: Context, mode: str, entry: core.Entry | None = None) -> None:
        super().__init__()
        self.ctx, self.mode, self.entry = ctx, mode, entry

    def compose(self) -> ComposeResult:
        tz = audit.zone(self.ctx)
        now = self.ctx.clock.now()
        e = self.entry
        title = {"add": "Add a past entry", "edit": "Edit entry", "split": "Split entry"}[self.mode]
        with Vertical() as v:
            v.border_title = title
            if self.mode == "split" and e is not None:
                mid = e.start + (e.end_or(now) - e.start) / 2
                yield Static(safe_content(core.describe(e, tz, audit.names(self.ctx), now)))
                yield Label("Split at (HH:MM or YYYY-MM-DD HH:MM, local)")
                yield SafeInput(f"{mid.astimezone(tz):%Y-%m-%d %H:%M}", id="at", compact=True)
            else:
                start = e.start if e else now - (now - now.replace(second=0, microsecond=0)) - core.DAY / 24
                end = e.end_or(now) if e else now.replace(second=0, microsecond=0)
                running = e is not None and e.id == audit.RUNNING_ID
                yield Label("Start (YYYY-MM-DD HH:MM, local)")
                yield SafeInput(f"{start.astimezone(tz):%Y-%m-%d %H:%M}", id="start", compact=True)
                if not running:
                    yield Label("End")
                    yield SafeInput(f"{end.astimezone(tz):%Y-%m-%d %H:%M}", id="end", compact=True)
                yield Label(
                    "Category (key or name: "
                    + safe(" ".join(c.key for c in self.ctx.config.audit.categories), 200)
                    + ")"
                )
                cat = e.category if e else self.ctx.config.audit.categories[0].id
                yield SafeInput(cat, id="category", compact=True)
                yield Label("Note")
                yield SafeInput(e.note if e else "", id="note", max_length=2000, compact=True)
                yield Label("Task id (optional link to a task)")
                yield SafeInput((e.task or "") if e else "", id="task", compact=True)
                if e is not None and e.source != "manual":
                    yield Static(safe_content(f"source: {safe(e.source, 40)}"))
            yield Static("", id="entry-error", markup=False)
            with Horizontal():
                yield Button("Save (^s)", id="save", variant="primary", compact=True)
                yield Button("Adjust others (^r)", id="adjust", variant="warning", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _value(self, wid: str) -> str | None:
        """What to save from field ``wid``: the stored bytes while the user left it alone."""
        found = self.query(f"#{wid}")
        return found.first(SafeInput).result() if found else None

    def _changed(self, wid: str) -> str | None:
        """The field's value if the user changed it, else None (the record keeps its bytes)."""
        found = self.query(f"#{wid}")
        box = found.first(SafeInput) if found else None
        return box.value if box is not None and box.changed else None

    def save(self, adjust: bool) -> None:
        ctx = self.ctx
        try:
            if self.mode == "split" and self.entry is not None:
                base = self.entry.start.astimezone(audit.zone(ctx)).date()
                at = audit.parse_local(ctx, self._value("at") or "", base)
                result = audit.split(ctx, self.entry.id, at)[1]
            else:
                start = audit.parse_local(ctx, self._value("start") or "")
                end_text = self._value("end")
                end = (
                    audit.parse_local(ctx, end_text, start.astimezone(audit.zone(ctx)).date())
                    if end_text is not None
                    else None
                )
                cat = self._value("category") or ""
                note = self._value("note") or ""
                task = (self._value("task") or "").strip()
                if self.mode == "add":
                    result = audit.add(
                        ctx, start, end or start, cat, note=note, task=task or None, adjust=adjust
                    )
                else:
                    e = self.entry
                    assert e is not None

                    def changed(new, old):  # noqa: ANN001, ANN202 - the form shows minutes only
                        return (
                            None
                            if new is None or old is None or new == old.replace(second=0, microsecond=0)
                            else new
                        )

                    result = audit.edit(
                        ctx,
                        e.id,
                        start=changed(start, e.start),
                        end=changed(end, e.end),
                        cat=self._changed("category"),
                        note=self._changed("note"),
                        task=None if (t := self._changed("task")) is None else t.strip(),
                        adjust=adjust,
                    )
        except audit.OverlapRefused as err:
            self.add_class("-overlap")
            self.query_one("#entry-error", Static).update(safe_content(err, 300))
            return
        except (CockpitError, ValueError) as err:
            self.query_one("#entry-error", Static).update(safe_content(err, 300))
            return
        self.dismiss(result)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save(adjust=False)

    @on(Button.Pressed, "#adjust")
    def action_adjust(self) -> None:
        self.save(adjust=True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(SafeInput.Submitted)
    def _submitted(self) -> None:
        self.save(adjust=False)
