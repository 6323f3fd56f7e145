"""The Time audit pane: one key per category to start or switch, today's entries, away detection;
in a wide terminal (160×48 and up, zoomed or not) also the week's bars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from cockpit.config import DEFAULT_CATEGORIES
from cockpit.core import audit as core
from cockpit.errors import CockpitError, CorruptFileError
from cockpit.services import audit
from cockpit.tui.audit.render import bar, safe_color, source_label
from cockpit.tui.shell.pane import Command, Pane
from cockpit.tui.shell.safe import safe, safe_content, safe_markup

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from cockpit.config import CategoryConfig
    from cockpit.context import Context

T = TypeVar("T")
DEFAULT_KEYS = "".join(c.key for c in DEFAULT_CATEGORIES)


class AuditPane(Pane):
    PANE_ID = "audit"
    TITLE = "Time audit"
    NUMBER = 3

    BINDINGS = [
        *[
            Binding(
                k, f"track('{c.id}')", f"Track {c.name.split('/')[0]}", id=f"audit.track_{c.id}", show=False
            )
            for k, c in zip(DEFAULT_KEYS, DEFAULT_CATEGORIES, strict=True)
        ],
        Binding("s", "stop", "Stop", id="audit.stop"),
        Binding("n", "add", "Add entry", id="audit.add"),
        Binding("i", "edit", "Edit", id="audit.edit"),
        Binding("slash", "split", "Split", id="audit.split", show=False),
        Binding("j", "merge", "Merge with the later entry", id="audit.merge", show=False),
        Binding("delete,backspace", "delete", "Delete", id="audit.delete", show=False),
        Binding("u", "undo", "Undo delete", id="audit.undo", show=False),
        Binding("o", "report", "Report", id="audit.report"),
    ]

    DEFAULT_CSS = """
    AuditPane #audit-now { height: auto; }
    AuditPane #audit-now.-tracking { color: $cockpit-run; text-style: bold; }
    AuditPane #audit-today { height: auto; color: $text-muted; }
    AuditPane DataTable { height: 1fr; overflow-x: hidden; }
    AuditPane.-compact DataTable { display: none; }
    AuditPane #audit-week { display: none; height: auto; margin-bottom: 1; }
    AuditPane.-wide #audit-week { display: block; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._undo: list[audit.Deleted | core.Tracking] = []
        self._shown = ""
        self._stamp: object = None
        self._rows: list[core.Entry] = []
        self.last_input: dt.datetime | None = None
        self.detector = core.AwayDetector(ctx.config.audit.away_minutes)
        self._asking = False
        self._week_key: object = None  # what the week's bars were drawn from

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="audit-now", markup=False)
        yield Static("", id="audit-today", markup=False)
        if not self.has_class("-compact"):  # the compact form hides it: built on first use then
            yield self._new_table()

    @staticmethod
    def _new_table() -> DataTable[Any]:
        from textual.widgets import DataTable

        table: DataTable[Any] = DataTable(id="audit-entries", cursor_type="row", zebra_stripes=False)
        for label, width in (("Time", 11), ("Dur", 5), ("Category", 16), ("Src", 6), ("Note", 27)):
            table.add_column(label, width=width)
        return table

    def compact_changed(self, compact: bool) -> None:
        if not compact and self._table() is None:
            self._fill_table(audit.zone(self.ctx))

    def _table(self, create: bool = False) -> DataTable[Any] | None:
        return self.lazy_child("audit-entries", self._new_table if create else None)  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.last_input = self.ctx.clock.now()
        try:
            self.reload()
        except CorruptFileError:
            pass  # a damaged file: the banner names it; the pane reads again once it is fixed
        self.set_interval(1.0, self._tick, name="audit-tick")
        self.set_interval(
            max(1.0, self.ctx.config.audit.away_poll_seconds), self.poll_away, name="audit-away"
        )

    # ------------------------------------------------------------------ data

    def cats(self) -> dict[str, CategoryConfig]:
        return {c.id: c for c in self.ctx.config.audit.categories}

    def reload(self) -> None:
        fp = (audit.fingerprint(self.ctx), audit.today(self.ctx))
        if fp == self._stamp:
            return
        self._stamp = fp
        tz = audit.zone(self.ctx)
        day = audit.today(self.ctx)
        lo, hi = core.day_bounds(day, tz)
        self._rows = audit.load(self.ctx, lo, hi)
        self._fill_table(tz)
        self._tick(force=True)

    def _fill_table(self, tz: dt.tzinfo) -> None:
        table = self._table(create=not self.has_class("-compact"))
        if table is None:
            return  # hidden in the compact form: filled when the pane grows
        keep = table.cursor_row
        table.clear()
        cats = self.cats()
        now = self.ctx.clock.now()
        for e in reversed(self._rows):
            c = cats.get(e.category)
            end = e.end.astimezone(tz).strftime("%H:%M") if e.end else "now"
            name = Text(safe(c.name if c else e.category, 24), style=safe_color(c.color) if c else "")
            secs = e.seconds(now)
            fragment = e.end is not None and 0 < secs < self.ctx.config.audit.fragment_minutes * 60
            table.add_row(
                Text(f"{e.start.astimezone(tz):%H:%M}-{end}"),
                Text(core.fmt_hm(secs) + ("!" if fragment else ""), style="bold" if fragment else ""),
                name,
                Text(source_label(e.source)),
                Text(safe(e.note, 60)),
                key=e.id,
            )
        if self._rows:
            table.move_cursor(row=min(keep, len(self._rows) - 1))

    def _tick(self, force: bool = False) -> None:
        """Once a second while tracking: update the status line only when its text changes."""
        try:
            cur = audit.running(self.ctx)
        except CockpitError:
            return  # a broken store file: the store banner names it; the last line stays
        now = self.ctx.clock.now()
        jumped = self.detector.observe_clock(now, self.ctx.clock.monotonic(), cur.since if cur else None)
        if jumped is not None:
            self.ask_away(jumped)
        cats = self.cats()
        if cur is None:
            text = "Not tracking. Keys: " + " ".join(c.key for c in self.ctx.config.audit.categories)
        else:
            c = cats.get(cur.category)
            secs = (now - cur.since).total_seconds()
            note = f" - {safe(cur.note, 40)}" if cur.note else ""
            src = source_label(cur.source)
            text = (
                f"● {core.fmt_hm(secs)} {c.name if c else cur.category}" + (f" [{src}]" if src else "") + note
            )
        width = (self.content_size.width or 80) if self.is_mounted else 80
        if len(text) > width > 4:
            text = text[: width - 1] + "…"
        if text != self._shown or force:
            self._shown = text
            now_w = self.query_one("#audit-now", Static)
            now_w.update(safe_content(text))
            now_w.set_class(cur is not None, "-tracking")
            if force or cur is not None and int(now.timestamp()) % 60 == 0:
                self._draw_today()
                self._draw_week()

    def _draw_today(self) -> None:
        now = self.ctx.clock.now()
        day = audit.today(self.ctx)
        r = core.build_report(
            self._rows,
            audit.categories(self.ctx),
            day,
            day + core.DAY,
            audit.zone(self.ctx),
            now,
            self.ctx.config.audit.fragment_minutes,
        )
        cats = self.cats()
        width = max(10, (self.size.width or 40) - 14)
        parts = [(c.id, r.categories.get(c.id, 0.0)) for c in self.ctx.config.audit.categories]
        b = bar(
            parts,
            width,
            r.total_s or 1,
            {k: v.color for k, v in cats.items()},
            {k: v.key for k, v in cats.items()},
        )
        summary = Content(f" {core.fmt_hm(r.total_s)} · {r.context_switches} sw")
        self.query_one("#audit-today", Static).update(
            Content.assemble(b, summary) if r.total_s else Content("Nothing tracked today.")
        )

    def wide_changed(self, wide: bool) -> None:
        if wide:
            self._draw_week()

    def _draw_week(self) -> None:
        """The current ISO week, one stacked bar per day (wide form only; built on first use)."""
        if not self.has_class("-wide"):
            return
        now = self.ctx.clock.now()
        width = max(10, self.content_size.width - 14)
        key = (self._stamp, int(now.timestamp()) // 60, width)
        if key == self._week_key:
            return
        self._week_key = key
        first, end = core.period("week", audit.today(self.ctx))
        try:
            r = audit.report(self.ctx, first, end, with_previous=False)
        except CockpitError:
            return  # a broken store file: the banner names it
        cats = self.cats()
        colors = {k: v.color for k, v in cats.items()}
        keys = {k: v.key for k, v in cats.items()}
        scale = max((d.total_s for d in r.days), default=0.0) or 1.0
        lines: list[Content] = [Content(f"This week {first:%G-W%V} · {core.fmt_hm(r.total_s)} tracked")]
        for d in r.days:
            parts = [(c.id, d.categories.get(c.id, 0.0)) for c in self.ctx.config.audit.categories]
            parts += [(k, v) for k, v in d.categories.items() if k not in cats]
            b = bar(parts, width, scale, colors, keys)
            pad = " " * max(0, width - len(b.plain))
            total = core.fmt_hm(d.total_s) if d.total_s else "-"
            lines.append(Content.assemble(f"{d.day:%a %d} ", b, pad, f" {total:>6}"))
        before = "audit-entries" if self._table() is not None else None
        week = self.lazy_child("audit-week", lambda: Static(""), before=before)
        assert isinstance(week, Static)
        week.update(Content("\n").join(lines))

    # ------------------------------------------------------------------ input and away

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        self._tick(force=True)

    def on_key(self, event: events.Key) -> None:
        self.last_input = self.ctx.clock.now()
        if event.character and len(event.character) == 1 and event.character not in DEFAULT_KEYS:
            c = audit.by_key(self.ctx, event.character)
            if c is not None:  # a category added in config: its key works too
                event.stop()
                self.action_track(c.key)

    def poll_away(self) -> None:
        if audit.running(self.ctx) is not None and not self._asking:
            self._read_signals()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read_signals(self) -> None:
        last, attached = audit.away_signals()
        self.app.call_from_thread(self.observe_away, last, attached)

    def observe_away(self, tmux_input: dt.datetime | None, attached: bool | None) -> None:
        """Feed one observation to the pure detector; ask the user when they are back."""
        cur = audit.running(self.ctx)
        since = cur.since if cur else None
        inputs = [t for t in (tmux_input, self.last_input) if t is not None]
        away = self.detector.observe(self.ctx.clock.now(), max(inputs) if inputs else None, attached, since)
        if away is not None:
            self.ask_away(away)

    def ask_away(self, away: core.Away) -> None:
        """Ask keep / discard / book for an away span (once at a time)."""
        if not self._asking:
            from cockpit.tui.audit.away import AwayScreen

            self._asking = True

            def done(result: tuple[str, str | None] | None) -> None:
                self._asking = False
                choice, cat = result or ("keep", None)
                self._run(lambda: audit.resolve_away(self.ctx, away, choice, cat))
                self.reload()

            self.app.push_screen(AwayScreen(self.ctx, away), done)

    # ------------------------------------------------------------------ actions

    def _run(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except CockpitError as e:
            self.notify(str(e), severity="error", timeout=8)
        except ValueError as e:
            self.notify(str(e), severity="error", timeout=8)
        return None

    def action_track(self, ident: str) -> None:
        """Start or switch to a category given by id, else by key (a remapped or custom one)."""
        default_key = {c.id: c.key for c in DEFAULT_CATEGORIES}
        c = next((x for x in self.ctx.config.audit.categories if x.id == ident), None)
        c = c or audit.by_key(self.ctx, default_key.get(ident, ident))
        if c is None:
            return
        self.detector.reset()
        self._run(lambda: audit.start(self.ctx, c.id))
        self.reload()

    def action_stop(self) -> None:
        self._run(lambda: audit.stop(self.ctx))
        self.reload()

    def selected(self) -> core.Entry | None:
        """The entry under the cursor; None while the list is hidden (a small pane: zoom first)."""
        if self.has_class("-compact"):
            self.notify("the entry list is hidden in a small pane: press z to zoom", severity="warning")
            return None
        table = self._table()
        if table is None or not self._rows or table.row_count == 0:
            return None
        rows = list(reversed(self._rows))
        i = table.cursor_row
        return rows[i] if 0 <= i < len(rows) else None

    def _editor(self, mode: str, entry: core.Entry | None) -> None:
        from cockpit.tui.audit.entry import EntryEditor

        self.app.push_screen(EntryEditor(self.ctx, mode, entry), lambda _r: self.reload())

    def action_add(self) -> None:
        self._editor("add", None)

    def action_edit(self) -> None:
        e = self.selected()
        if e is not None:
            self._editor("edit", e)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_split(self) -> None:
        e = self.selected()
        if e is not None and e.id == audit.RUNNING_ID:
            self.notify("the running entry cannot be split: switch category (or s to stop) first", severity="warning")
        elif e is not None:
            self._editor("split", e)

    def action_merge(self) -> None:
        e = self.selected()
        rows = self._rows
        if e is None:
            return
        if e.id == audit.RUNNING_ID:
            self.notify("the running entry cannot be merged: stop it (s) first", severity="warning")
            return
        i = next(k for k, x in enumerate(rows) if x.id == e.id)
        if i + 1 >= len(rows) or rows[i + 1].id == audit.RUNNING_ID:
            self.notify("no later entry to merge with", severity="warning")
            return
        self._run(lambda: audit.merge(self.ctx, e.id, rows[i + 1].id))
        self.reload()

    def action_delete(self) -> None:
        e = self.selected()
        if e is None:
            return
        if e.id == audit.RUNNING_ID:
            cur = audit.running(self.ctx)
            audit.set_running(self.ctx, None)
            if cur:
                self._undo.append(cur)
        else:
            gone = self._run(lambda: audit.delete(self.ctx, e.id))
            if gone is None:
                return
            self._undo.append(gone)
        self.notify("entry deleted; u brings it back", timeout=5)
        self.reload()

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("nothing to undo", severity="warning")
            return
        last = self._undo.pop()
        if isinstance(last, core.Tracking):
            audit.set_running(self.ctx, last)
        else:
            self._run(lambda: audit.undo_delete(self.ctx, last))
        self.reload()

    def action_report(self) -> None:
        from cockpit.tui.audit.report import ReportScreen

        self.app.push_screen(ReportScreen(self.ctx))

    def commands(self) -> Iterable[Command]:
        for c in self.ctx.config.audit.categories:
            yield (
                f"Track: {safe_markup(c.name, 40)}",
                f"Start or switch tracking (key {safe_markup(c.key, 10)})",
                lambda k=c.key: self.action_track(k),
            )
        yield ("Track: stop", "Stop time tracking", self.action_stop)
        yield ("Time audit: report", "Day, week, month and audit-period report", self.action_report)
        yield ("Time audit: add entry", "Add a past time entry", self.action_add)
