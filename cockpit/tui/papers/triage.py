"""Triage the week's ranked digest: one paper at a time (or a list); keep, skip, later, like
(into the library, no queue slot), undo."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cockpit.tui.shell.footer import KeyFooter
from cockpit.tui.shell.safe import safe, safe_content

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.papers import Paper, QueueItem
    from cockpit.core.ranking import Ranked

MARK = {"keep": "✓ kept", "skip": "✗ skipped", "later": "… later", "like": "♥ liked (library)", None: ""}
RETRAIN_EVERY = 5


class TriageScreen(Screen[None]):
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("k", "decide('keep')", "Keep", id="papers.keep"),
        Binding("s", "decide('skip')", "Skip", id="papers.skip"),
        Binding("l", "decide('later')", "Later", id="papers.later"),
        Binding("i", "decide('like')", "Like", id="papers.like"),
        Binding("u", "undo", "Undo", id="papers.undo"),
        Binding("o", "open", "Link", id="papers.triage_open"),
        Binding("v", "toggle_list", "List", id="papers.list"),
        Binding("n,down", "move(1)", "Next", id="papers.next", show=False),
        Binding("p,up", "move(-1)", "Prev", id="papers.prev", show=False),
        Binding("escape", "close", "Close", id="papers.close"),
    ]
    DEFAULT_CSS = """
    TriageScreen { layout: vertical; }
    TriageScreen #triage-progress { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    TriageScreen #triage-card { height: 1fr; padding: 0 1; }
    TriageScreen #triage-title { text-style: bold; height: auto; }
    TriageScreen #triage-meta, TriageScreen #triage-link { height: auto; color: $text-muted; }
    TriageScreen #triage-why { height: auto; color: $accent; }
    TriageScreen #triage-decision { height: auto; color: $success; }
    TriageScreen #triage-abstract-box { height: 1fr; }
    TriageScreen #triage-list { height: 1fr; display: none; border: none; }
    TriageScreen.-list #triage-list { display: block; }
    TriageScreen.-list #triage-card { display: none; }
    """

    def __init__(self, ctx: Context, week: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.week_arg = week
        self.week = ""
        self.rows: list[Ranked] = []
        self.index = 0
        # (row index, decision shown before, the Undo record or the Future of the write)
        self.undo_stack: list[tuple[int, str | None, Any]] = []
        self.decisions_since_train = 0
        self.busy = True
        self.list_dirty = True
        # skip/later/undo are written in order by one thread, so a keypress never waits on the disk
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papers-write")

    def compose(self) -> ComposeResult:
        yield Static("Ranking the digest…", id="triage-progress", markup=False)
        with Vertical(id="triage-card"):
            yield Static("", id="triage-title", markup=False)
            yield Static("", id="triage-meta", markup=False)
            yield Static("", id="triage-link")
            yield Static("", id="triage-why", markup=False)
            yield Static("", id="triage-decision", markup=False)
            with VerticalScroll(id="triage-abstract-box"):
                yield Static("", id="triage-abstract", markup=False)
        yield OptionList(id="triage-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)

    def on_unmount(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Wait for the queued writes (the pane re-reads the store after this)."""
        self._writer.shutdown(wait=True)

    def _write(self, fn: Any) -> Future:
        fut = self._writer.submit(fn)
        fut.add_done_callback(self._written)
        return fut

    def _written(self, fut: Future) -> None:
        err = fut.exception()
        if err is None:
            return
        msg = f"decision not saved: {safe(err, 200)}"
        if threading.current_thread() is threading.main_thread():
            self.app.notify(msg, severity="error")
        else:
            self.app.call_from_thread(self.app.notify, msg, severity="error")

    @work(thread=True, exclusive=True, exit_on_error=False, group="papers-rank")
    def load(self) -> None:
        from cockpit.services import papers as svc

        week = svc.resolve_week(self.ctx, self.week_arg)
        rows = svc.ranked(self.ctx, week)
        self.app.call_from_thread(self._loaded, week, rows)

    def _loaded(self, week: str, rows: list[Ranked]) -> None:
        self.week, self.rows, self.busy = week, rows, False
        self.index = (self._next_open(0) or 0) if rows else 0
        self.list_dirty = True
        self.show()
        self.refresh(layout=True)

    # -------------------------------------------------------------- drawing

    @property
    def current(self) -> Ranked | None:
        return self.rows[self.index] if 0 <= self.index < len(self.rows) else None

    def progress_text(self) -> str:
        decided = sum(1 for r in self.rows if r.paper.decision)
        return f"Triage {self.week} · {self.index + 1} / {len(self.rows)} · {decided} decided"

    def show(self) -> None:
        r = self.current
        prog = self.query_one("#triage-progress", Static)
        if r is None:
            prog.update(
                f"Triage {self.week or ''}: no papers. Fetch (f in the pane) or `cockpit papers ingest FILE`."
            )
            for wid in (
                "#triage-title",
                "#triage-meta",
                "#triage-why",
                "#triage-decision",
                "#triage-abstract",
            ):
                self.query_one(wid, Static).update("")
            self.query_one("#triage-link", Static).update("")
            return
        p = r.paper
        prog.update(self.progress_text())
        self.query_one("#triage-title", Static).update(safe_content(p.title or p.arxiv_id, 600))
        authors = safe(", ".join(p.authors), 400)
        cats = safe(" ".join(p.categories), 200)
        meta = f"{authors}\n{cats} · {safe(p.announce_type, 40)} · {safe(p.announced, 40)}"
        self.query_one("#triage-meta", Static).update(safe_content(meta, newlines=True))
        url = f"https://arxiv.org/abs/{safe(p.arxiv_id, 60)}"
        self.query_one("#triage-link", Static).update(Content.styled(url, Style(link=url, underline=True)))
        why = "why: " + ", ".join(r.why) if r.why else "why: no match with your profile yet"
        self.query_one("#triage-why", Static).update(safe_content(f"{safe(why, 300)}  (score {r.score:.3f})"))
        self.query_one("#triage-decision", Static).update(MARK.get(p.decision, ""))
        self.query_one("#triage-abstract", Static).update(safe_content(p.abstract, 20000))
        self.query_one("#triage-abstract-box", VerticalScroll).scroll_home(animate=False)
        if self.has_class("-list"):
            ol = self.query_one("#triage-list", OptionList)
            if ol.option_count:
                ol.highlighted = self.index

    def _list_prompt(self, r: Ranked) -> Content:
        d = {"keep": "✓", "skip": "✗", "later": "…", "like": "♥"}.get(r.paper.decision or "", " ")
        return safe_content(f"{d} {r.score:6.2f}  {safe(r.paper.title or r.paper.arxiv_id, 66)}")

    def refresh_list(self, only: int | None = None) -> None:
        """Redraw the list view (built lazily: only while it is shown)."""
        if not self.has_class("-list"):
            self.list_dirty = True
            return
        ol = self.query_one("#triage-list", OptionList)
        if only is not None and not self.list_dirty and ol.option_count == len(self.rows):
            ol.replace_option_prompt_at_index(only, self._list_prompt(self.rows[only]))
            return
        ol.clear_options()
        ol.add_options([Option(self._list_prompt(r)) for r in self.rows])
        self.list_dirty = False

    # -------------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        if self.has_class("-list"):
            ol = self.query_one("#triage-list", OptionList)
            (ol.action_cursor_down if step > 0 else ol.action_cursor_up)()
            self.index = ol.highlighted or 0
            self.query_one("#triage-progress", Static).update(self.progress_text())
            return
        if self.rows:
            self.index = max(0, min(len(self.rows) - 1, self.index + step))
            self.show()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "triage-list" and event.option_index is not None:
            self.index = event.option_index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "triage-list":
            self.index = event.option_index
            self.action_toggle_list()

    def action_toggle_list(self) -> None:
        on = not self.has_class("-list")
        self.set_class(on, "-list")
        if on:
            if self.list_dirty:
                self.refresh_list()
            ol = self.query_one("#triage-list", OptionList)
            ol.focus()
            if self.rows:
                ol.highlighted = self.index
        else:
            self.set_focus(None)
            self.show()

    def action_decide(self, decision: str, swap: str | None = None, defer: bool = False) -> None:
        from cockpit.errors import CockpitError
        from cockpit.services import papers as svc

        r = self.current
        if r is None or self.busy:
            return
        idx = self.index
        prev = r.paper.decision
        if decision != "keep":
            paper = r.paper
            ctx = self.ctx
            fut = self._write(lambda: svc.decide(ctx, paper.arxiv_id, decision, paper=paper))
            shown = "keep" if decision == "like" and prev == "keep" else decision  # a like stays queued
            self._set_paper(idx, replace(r.paper, decision=shown))
            self.undo_stack.append((idx, prev, fut))
        else:
            self.flush_pending()
            try:
                res = svc.decide(self.ctx, r.paper.arxiv_id, decision, swap=swap, defer=defer, paper=r.paper)
            except svc.QueueFull as full:
                self.app.push_screen(
                    SwapScreen(full.week, full.limit, full.occupants, r.paper),
                    lambda choice: self._after_swap(choice),
                )
                return
            except CockpitError as e:
                self.app.notify(safe(e, 200), severity="error")
                return
            self._set_paper(idx, res.paper)
            self.undo_stack.append((idx, prev, res.undo))
            note = f"Kept for {res.week}"
            if res.swapped:
                note += f"; dropped {res.swapped}"
            self.app.notify(note + (f" ({res.warning})" if res.warning else ""), timeout=4)
        self.refresh_list(only=idx)
        self._advance()
        self.decisions_since_train += 1
        if self.decisions_since_train >= RETRAIN_EVERY:
            self.decisions_since_train = 0
            self.retrain()

    def _after_swap(self, choice: str | None) -> None:
        if not choice:
            return
        if choice == "defer":
            self.action_decide("keep", defer=True)
        elif choice.startswith("swap:"):
            self.action_decide("keep", swap=choice[5:])

    def _next_open(self, start: int, skip: int | None = None) -> int | None:
        """From ``start`` on (wrapping): the next undecided paper, else the next one marked later."""
        n = len(self.rows)
        order = [(start + k) % n for k in range(n)]
        for wanted in (None, "later"):
            for i in order:
                if i != skip and self.rows[i].paper.decision == wanted:
                    return i
        return None

    def _advance(self) -> None:
        nxt = self._next_open(self.index + 1, skip=self.index)
        if nxt is None:
            nxt = min(self.index + 1, len(self.rows) - 1)
        self.index = nxt
        self.show()

    def action_undo(self) -> None:
        from cockpit.services import papers as svc

        if not self.undo_stack:
            self.app.notify("Nothing to undo", severity="warning", timeout=3)
            return
        idx, prev, u = self.undo_stack.pop()
        ctx = self.ctx
        if isinstance(u, Future):
            self._write(lambda: svc.undo(ctx, u.result().undo))
        else:
            self.flush_pending()
            svc.undo(ctx, u)
        paper = replace(self.rows[idx].paper, decision=prev)
        self._set_paper(idx, paper)
        self.index = idx
        self.refresh_list(only=idx)
        self.show()
        self.app.notify(f"Undone: {paper.arxiv_id}", timeout=3)

    def flush_pending(self) -> None:
        """Let queued writes land before a synchronous one."""
        self._writer.submit(lambda: None).result()

    def _set_paper(self, idx: int, paper: Paper) -> None:
        """Row ``idx`` shows ``paper`` now (its decision changed)."""
        self.rows[idx] = replace(self.rows[idx], paper=paper)

    def action_open(self) -> None:
        from cockpit.tui.papers.links import open_link

        r = self.current
        if r is not None:
            open_link(self.app, r.paper.arxiv_id)

    def action_close(self) -> None:
        self.flush_pending()  # the pane re-reads the store when this screen closes
        self.dismiss(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="papers-rank")
    def retrain(self) -> None:
        """Decisions train the model: re-score the undecided papers after the current one."""
        from cockpit.services import papers as svc

        rest = [r.paper for r in self.rows[self.index + 1 :] if not r.paper.decision]
        if not rest:
            return
        scored = {id(x.paper): x for x in svc.rerank(self.ctx, [r.paper for r in self.rows], rest)}
        self.app.call_from_thread(self._reordered, scored)

    def _reordered(self, scored: dict[int, Ranked]) -> None:
        head = self.rows[: self.index + 1]
        tail = self.rows[self.index + 1 :]
        undecided = sorted(
            (scored.get(id(r.paper), r) for r in tail if not r.paper.decision), key=lambda r: -r.score
        )
        decided = [r for r in tail if r.paper.decision]
        self.rows = head + undecided + decided
        self.refresh_list()


class SwapScreen(ModalScreen[str | None]):
    """The week is full: swap out one queued paper, defer the new one to next week, or cancel."""

    BINDINGS = [
        Binding("d", "choose('defer')", "Defer", id="papers.swap_defer"),
        Binding("escape", "choose('')", "Cancel", id="papers.swap_cancel"),
    ]
    DEFAULT_CSS = """
    SwapScreen { align: center middle; }
    SwapScreen > Vertical { width: 90%; max-width: 90; height: auto; border: round $warning; background: $surface; padding: 0 1; }
    SwapScreen #swap-list { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, week: str, limit: int, occupants: list[QueueItem], paper: Paper) -> None:
        super().__init__()
        self.week, self.limit, self.occupants, self.paper = week, limit, occupants, paper

    def compose(self) -> ComposeResult:
        with Vertical() as v:
            v.border_title = f"{self.week} is full ({len(self.occupants)}/{self.limit})"
            yield Static(
                safe_content(f"Keep “{safe(self.paper.title, 120)}” instead of one of these, or defer it:"),
                markup=False,
            )
            options = [
                Option(
                    safe_content(f"Swap out: {safe(o.title or o.arxiv_id, 100)}"),
                    id=f"swap:{o.arxiv_id}",
                )
                for o in self.occupants
            ]
            options.append(Option(Content("Defer it to next week (d)"), id="defer"))
            options.append(Option(Content("Cancel (Esc)"), id="cancel"))
            yield OptionList(*options, id="swap-list")

    def on_mount(self) -> None:
        self.query_one("#swap-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        self.dismiss(None if choice == "cancel" else choice)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
