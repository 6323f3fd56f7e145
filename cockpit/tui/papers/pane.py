"""The Papers pane: this week's queue (at most N papers), reading passes, notes, fetching; in
a wide terminal (160×48 and up, zoomed or not) also each queued paper's three passes side by side."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from cockpit.core import papers as core
from cockpit.core.clock import from_stamp
from cockpit.errors import CorruptFileError
from cockpit.tui.shell.pane import Command, Pane
from cockpit.tui.shell.safe import safe, safe_content

if TYPE_CHECKING:
    from textual.widgets import OptionList

    from cockpit.core.papers import QueueItem


def item_prompt(item: QueueItem, week: str) -> Content:
    title = safe(item.title or item.arxiv_id, 200)
    extra = []
    if item.newer_version:
        extra.append(f"v{item.newer_version} available")
    if item.rolled_over(week):
        extra.append("rolled over")
    if item.week > week:
        extra.append(f"deferred to {item.week}")
    line2 = f"{item.status} · {core.minutes_summary(item)}"
    if extra:
        line2 += " · " + ", ".join(extra)
    return Content.assemble((title, "bold"), "\n", (safe(line2, 200), "dim"))


def pass_cell(p: core.Pass, now: dt.datetime) -> str:
    """``✓ 14/15m`` done (actual/planned), ``▶ 20/45m`` reading (so far), ``· 45m`` to read."""
    if p.finished:
        actual = "?" if p.actual is None else f"{p.actual:.0f}"
        return f"✓ {actual}/{p.planned}m"
    if p.started:
        try:
            so_far = f"{max(0.0, (now - from_stamp(p.started)).total_seconds()) / 60:.0f}"
        except ValueError:
            so_far = "?"
        return f"▶ {so_far}/{p.planned}m"
    return f"· {p.planned}m"


def passes_table(items: list[QueueItem], now: dt.datetime, width: int) -> str:
    """The queue's passes: one row per paper (position and id), one column per pass."""
    col = max(10, min(14, (width - 14) // 3))
    head = "Passes".ljust(14) + "".join(f"pass {n}".ljust(col) for n, _, _ in core.PASSES)
    rows = [head.rstrip()]
    for i, item in enumerate(items, 1):
        cells = {p.n: pass_cell(p, now) for p in item.passes}
        name = f"{i} {safe(item.arxiv_id, 11)}"[:13].ljust(14)
        rows.append((name + "".join(cells.get(n, "").ljust(col) for n, _, _ in core.PASSES)).rstrip())
    rows.append("✓ done   ▶ reading   · to read")
    return "\n".join(rows)


class PapersPane(Pane):
    PANE_ID = "papers"
    TITLE = "Papers"
    NUMBER = 4

    BINDINGS = [
        Binding("t", "triage", "Triage", id="papers.triage"),
        Binding("f", "fetch", "Fetch", id="papers.fetch"),
        Binding("r", "read", "Pass start/finish", id="papers.read"),
        Binding("e", "notes", "Notes", id="papers.notes"),
        Binding("o", "open", "Link", id="papers.open"),
        Binding("x", "drop", "Drop", id="papers.drop"),
    ]

    DEFAULT_CSS = """
    PapersPane #papers-summary { height: auto; color: $text-muted; }
    PapersPane #papers-warning { height: auto; color: $warning; display: none; }
    PapersPane #papers-queue { height: 1fr; border: none; padding: 0; background: transparent; }
    PapersPane #papers-status { height: auto; max-height: 2; color: $text-muted; }
    PapersPane #papers-passes { display: none; height: auto; margin-top: 1; }
    PapersPane.-wide #papers-passes.-filled { display: block; }
    """

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._stamp: object = None
        self._items: list[QueueItem] = []
        self._week = ""
        self._said = ""
        self._digest: tuple[int, str, int] | None = None  # (papers fingerprint, week, papers in it)

    def compose(self) -> ComposeResult:
        yield Static("", id="papers-summary", markup=False)
        yield Static("", id="papers-warning", markup=False)
        yield Static("", id="papers-status", markup=False)
        # the queue list is built when the first paper is queued (see _queue)

    def on_mount(self) -> None:
        try:
            self.reload()
        except CorruptFileError:
            pass  # a damaged file: the banner names it; the pane reads again once it is fixed

    # -------------------------------------------------------------- data

    def reload(self) -> None:
        from cockpit.services import papers as svc

        if self.is_mounted and self.app.screen is not self.screen:
            self._stamp = None  # hidden under another screen (triage): read again when back
            return
        stamp = (svc.fingerprint(self.ctx), svc.current_week(self.ctx))
        if stamp == self._stamp:
            return
        self._stamp = stamp
        view = svc.queue_view(self.ctx)
        self._week = view.week
        self._items = view.current + view.later
        summary = f"{view.week} · {len(view.current)}/{view.limit} queued"
        if view.later:
            summary += f" · {len(view.later)} deferred"
        papers_fp = stamp[0][0]
        if self._digest is None or self._digest[0] != papers_fp:
            week = svc.resolve_week(self.ctx, None)
            self._digest = (papers_fp, week, svc.week_size(self.ctx, week))
        _, digest_week, total = self._digest
        decided = svc.decided_count(self.ctx, digest_week)
        if total:
            summary += f"\nDigest {digest_week}: {decided} / {total} triaged"
        self.query_one("#papers-summary", Static).update(safe_content(summary, newlines=True))
        warn = self.query_one("#papers-warning", Static)
        warn.update(safe_content(view.warning, 300, newlines=True))
        warn.display = bool(view.warning)
        ol = self._queue(create=bool(self._items))
        if ol is not None:
            from textual.widgets.option_list import Option

            keep = ol.highlighted
            ol.clear_options()
            ol.add_options([Option(item_prompt(i, view.week), id=i.arxiv_id) for i in self._items])
            if self._items:
                ol.highlighted = min(keep or 0, len(self._items) - 1)
            if not self._items and ol.has_focus:
                self.focus()
            ol.display = bool(self._items)
        if not self._said:
            hint = "No papers queued: t triage · f fetch" if not self._items else ""
            self.query_one("#papers-status", Static).update(hint)
        self._draw_passes()

    def wide_changed(self, wide: bool) -> None:
        if wide:
            self._draw_passes()

    def _draw_passes(self) -> None:
        """The queue's passes (wide form only; built when a paper is queued)."""
        if not self.has_class("-wide"):
            return
        widget = self.lazy_child("papers-passes", (lambda: Static("", markup=False)) if self._items else None)
        if widget is None:
            return
        assert isinstance(widget, Static)
        widget.set_class(bool(self._items), "-filled")
        text = passes_table(self._items, self.ctx.clock.now(), self.content_size.width)
        widget.update(safe_content(text, newlines=True))

    def _queue(self, create: bool = False) -> OptionList | None:
        """The queue list, built when the first paper is queued (the first frame may have none)."""

        def make() -> OptionList:
            from textual.widgets import OptionList

            return OptionList()

        return self.lazy_child("papers-queue", make if create else None)  # type: ignore[return-value]

    def focus_pane(self) -> None:
        ol = self._queue()
        # set_focus moves the focus now (``focus()`` waits for the next message), so a key
        # typed right after (``4`` then ``1``) acts on the pane the user went to last
        self.screen.set_focus(ol if ol is not None and ol.display and self._items else self)

    def selected(self) -> QueueItem | None:
        ol = self._queue()
        if ol is None or ol.highlighted is None or not self._items:
            return None
        return self._items[min(ol.highlighted, len(self._items) - 1)]

    def say(self, text: str, detail: str = "") -> None:
        """A line under the summary (two lines at most); ``detail``, the whole story, is its tooltip."""
        self._said = text
        line = self.query_one("#papers-status", Static)
        line.update(safe(text, 300))
        line.tooltip = safe_content(detail or text, 500)

    # -------------------------------------------------------------- actions

    def action_triage(self) -> None:
        from cockpit.tui.papers.triage import TriageScreen

        self.app.push_screen(TriageScreen(self.ctx), lambda _r: self._force_reload())

    def _force_reload(self) -> None:
        self._stamp = None
        self.reload()

    def action_fetch(self) -> None:
        self.say("Fetching from arXiv…")
        self.fetch_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="arxiv")
    def fetch_worker(self) -> None:
        from cockpit.services import papers as svc

        def progress(what: str, step: int, total: int) -> None:
            self.app.call_from_thread(self.say, f"Fetching {what} ({step}/{total})")

        rep = svc.fetch(self.ctx, progress=progress)
        s = rep.stored
        msg = f"Fetched: {s.added} new, {s.updated} updated"
        problems = [line for line in rep.lines if "stale" in line or "HTTP" in line or "cannot" in line]
        if problems:
            msg += " · " + problems[0]
        self.app.call_from_thread(self._fetched, msg, rep.errors)

    def _fetched(self, msg: str, errors: int) -> None:
        self.say(msg)
        self.app.notify(safe(msg, 200), severity="warning" if errors else "information", timeout=8)
        self._force_reload()

    def action_read(self) -> None:
        """Finish the running pass, or start the next one as a focus time-box; when a focus
        session runs, ask first whether to stop it (its time is kept) for the pass."""
        from cockpit.core.focus_view import describe
        from cockpit.services import focus

        item = self.selected()
        if item is None:
            self.app.notify("No queued paper selected", severity="warning")
            return
        if core.running_pass(item) is not None:
            self._pass(item, finish=True)
            return
        n = core.next_pass(item)
        running, _ = focus.sync(self.ctx)
        if n is None or running is None:
            self._pass(item)  # all passes done: the service says so
            return
        from cockpit.tui.focus.prompt import ChoiceScreen

        what = describe(running, self.ctx.clock.now())
        running_label = what.split(" is ")[0].removeprefix("a ")
        planned = item.passes[core.pass_index(item, n)].planned

        def answered(answer: str | None) -> None:
            if answer == "replace":
                self._pass(item, replace=True)
            else:
                self.say(f"Pass {n} not started; the {running_label} runs on", what)

        self.app.push_screen(
            ChoiceScreen(
                "A session is running",
                f"{what[0].upper()}{what[1:]}. Stop it (its time is kept) and start pass {n} of "
                f"{item.arxiv_id}, a {planned}-minute time-box?",
                [("y", "replace it", "replace"), ("n", "keep it", "keep")],
            ),
            answered,
        )

    def _pass(self, item: QueueItem, finish: bool = False, replace: bool = False) -> None:
        from cockpit.errors import CockpitError
        from cockpit.services import papers as svc

        try:
            if finish:
                n = core.running_pass(item)
                done, msg = svc.finish_pass(self.ctx, item.arxiv_id)
            else:
                done, msg = svc.start_pass(self.ctx, item.arxiv_id, replace=replace)
                n = core.running_pass(done)
        except CockpitError as e:
            self.app.notify(safe(str(e), 200), severity="warning")
            return
        if n is not None:  # the pane is narrow: a short line here, the service's words as its tooltip
            p = done.passes[core.pass_index(done, n)]
            if finish:
                short = f"Pass {n} done: {p.actual or 0:g} of {p.planned} min"
                short += "; paper read" if done.status == "done" else ""
            elif p.timebox:
                short = f"Pass {n} started: {p.planned}-min time-box"
            else:
                short = f"Pass {n} started, untimed: booked when it ends"
            self.say(short, msg)
        else:
            self.say(msg)
        self._force_reload()

    def action_drop(self) -> None:
        from cockpit.errors import CockpitError
        from cockpit.services import papers as svc

        item = self.selected()
        if item is None:
            return
        try:
            svc.drop(self.ctx, item.arxiv_id)
        except CockpitError as e:
            self.app.notify(safe(str(e), 200), severity="warning")
            return
        self.say(f"Dropped {item.arxiv_id}")
        self._force_reload()

    def action_open(self) -> None:
        item = self.selected()
        if item is None:
            return
        from cockpit.tui.papers.links import open_link

        open_link(self.app, item.arxiv_id)

    def action_notes(self) -> None:
        from textual.app import SuspendNotSupported

        from cockpit.services import papers as svc

        item = self.selected()
        if item is None:
            self.app.notify("No queued paper selected", severity="warning")
            return
        path = svc.note_path(self.ctx, item.arxiv_id)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        cmd = [*shlex.split(editor), str(path)]
        try:
            try:
                with self.app.suspend():
                    subprocess.run(cmd, check=False)
            except SuspendNotSupported:
                subprocess.run(cmd, check=False, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as e:
            self.app.notify(f"cannot run {safe(editor, 60)}: {e}", severity="error")
            return
        self.say(f"Notes: {path.name}")

    def commands(self) -> Iterable[Command]:
        return (
            ("Papers: triage the digest", "Keep, skip or defer this week's papers", self.action_triage),
            ("Papers: fetch from arXiv", "RSS for your categories, backfill by API", self.action_fetch),
        )
