"""The Focus pane: the running sprint (or break, pomodoro, time-box) and today's count; in
a wide terminal (160×48 and up, zoomed or not) also the day's timeline.

Remaining time is computed from the session's stamps each second; nothing is counted. The
pane repaints at most once a second while a session runs, and only the parts whose text
changed; while idle its timer is paused, so it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Static

from cockpit.core import focus as core
from cockpit.errors import CockpitError
from cockpit.services import alerts
from cockpit.services import focus as svc
from cockpit.tui.focus.render import day_line, session_texts, timeline_text
from cockpit.tui.shell.pane import Command, Pane
from cockpit.tui.shell.safe import safe, safe_content

if TYPE_CHECKING:
    from textual.widgets import Digits

    from cockpit.context import Context
    from cockpit.core.alerts import Alert
    from cockpit.core.focus_plan import StartDefaults
    from cockpit.tui.focus.start import StartRequest

log = logging.getLogger("cockpit.focus")

HEARTBEAT_S = 10


class FocusPane(Pane):
    PANE_ID = "focus"
    TITLE = "Focus"
    NUMBER = 1

    BINDINGS = [
        Binding("s", "start('sprint')", "Sprint", id="focus.start"),
        Binding("b", "start('block')", "Deep-work block", id="focus.block", show=False),
        Binding("o", "start('pomodoro')", "Pomodoro", id="focus.pomodoro", show=False),
        Binding("t", "start('timebox')", "Time-box", id="focus.timebox", show=False),
        Binding("space", "toggle_pause", "Pause", id="focus.pause"),
        Binding("e", "extend", "Extend +10", id="focus.extend", show=False),
        Binding("d", "finish", "Finish early", id="focus.finish", show=False),
        Binding("k", "skip_break", "Skip break", id="focus.skip_break", show=False),
        Binding("i", "interrupt", "Interruption", id="focus.interrupt"),
        Binding("a", "abandon", "Abandon", id="focus.abandon", show=False),
        Binding("x", "stop", "Stop session", id="focus.stop", show=False),
    ]

    DEFAULT_CSS = """
    FocusPane Static { text-wrap: nowrap; text-overflow: ellipsis; }
    FocusPane #focus-head { text-style: bold; }
    FocusPane #focus-clock { width: auto; color: $cockpit-run; }
    FocusPane #focus-line { width: auto; text-style: bold; color: $cockpit-run; }
    FocusPane #focus-bar { color: $cockpit-run; }
    FocusPane #focus-task { color: $cockpit-mit; }
    FocusPane #focus-cat, FocusPane #focus-day { color: $text-muted; }
    FocusPane.-break #focus-clock, FocusPane.-break #focus-line, FocusPane.-break #focus-bar {
        color: $cockpit-break;
    }
    FocusPane.-paused #focus-clock, FocusPane.-paused #focus-line, FocusPane.-paused #focus-bar {
        color: $cockpit-paused;
    }
    FocusPane.-overrun #focus-clock, FocusPane.-overrun #focus-line, FocusPane.-overrun #focus-bar {
        color: $cockpit-overrun;
    }
    FocusPane.-compact #focus-clock { display: none; }
    FocusPane.-idle #focus-clock, FocusPane.-idle #focus-line, FocusPane.-idle #focus-bar,
    FocusPane.-idle #focus-task, FocusPane.-idle #focus-cat { display: none; }
    FocusPane.-idle #focus-hint { display: block; }
    FocusPane #focus-hint { display: none; color: $text-muted; text-wrap: wrap; }
    FocusPane #focus-timeline { display: none; height: auto; margin-top: 1; }
    FocusPane.-wide #focus-timeline { display: block; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._session: core.Session | None = None
        self._today: core.DayStats | None = None
        self._texts: dict[str, str] = {}
        self._day: list[core.FocusRecord] | None = None  # today's phases, read while the pane is wide
        self._hold = False  # the unclean-stop question is open: do not close phases yet
        self._syncing = False
        self._last_wall: dt.datetime | None = None
        self._last_mono = 0.0
        self._beats = 0
        self.add_class("-idle")  # before the first frame: a class set after mount restyles the pane

    def compose(self) -> ComposeResult:
        yield Static("No sprint running.", id="focus-head", markup=False)
        # the big clock (#focus-clock) is built when a session runs in the full form: see _clock
        yield Static("", id="focus-line", markup=False)
        yield Static("", id="focus-bar", markup=False)
        yield Static("", id="focus-task", markup=False)
        yield Static("", id="focus-cat", markup=False)
        yield Static(
            "s sprint · b block · o pomodoro · t time-box · ? all keys",
            id="focus-hint",
            markup=False,
        )
        yield Static("", id="focus-day", markup=False)

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        n = self.ctx.notifier
        n.toast = self._toast
        n.terminal = self._terminal
        self._ticker: Timer | None = None
        # The first frame shows the true state (a small file read); the unclean-stop check and
        # the first heartbeat (a durable write) run after it, and nothing closes phases until then.
        self._hold = True
        self._load_now(on_ui=True)
        self.call_after_refresh(self._startup)

    def on_unmount(self) -> None:
        try:
            svc.heartbeat(self.ctx, clean_exit=True)
        except Exception:  # noqa: BLE001 - quitting never fails
            pass

    def _on_ui(self, fn: Callable[..., object], *args: Any, **kw: Any) -> None:
        """Run on the app's thread, whether ``Notifier.send`` was called from a worker or not."""
        if threading.get_ident() == getattr(self.app, "_thread_id", None):
            fn(*args, **kw)
        else:
            self.app.call_from_thread(fn, *args, **kw)

    def _toast(self, alert: Alert) -> None:
        severity = "warning" if alert.urgency == "critical" else "information"
        self._on_ui(self.app.notify, safe(alert.body), title=safe(alert.title), severity=severity)

    def _terminal(self, data: bytes) -> None:
        def write() -> None:
            driver = getattr(self.app, "_driver", None)
            if driver is not None and hasattr(driver, "write"):
                driver.write(data.decode("utf-8", "replace"))
                driver.flush()

        self._on_ui(write)

    @work(thread=True, exit_on_error=False, group="focus-start")
    def _startup(self) -> None:
        try:
            gap = svc.unclean_gap(self.ctx)
        except CockpitError:
            gap = None  # an unreadable focus file: the app's banner names it; nothing to ask
        if gap is not None:
            self.app.call_from_thread(self._ask_gap, *gap)
            return
        self._hold = False
        svc.heartbeat(self.ctx)
        self._load_now()

    def _ask_gap(self, since: dt.datetime, seconds: float) -> None:
        from cockpit.tui.focus.prompt import ChoiceScreen

        local = since.astimezone(self.ctx.clock.tz).strftime("%H:%M")
        msg = (
            f"cockpit stopped uncleanly at {local} while a session ran ({core.fmt_clock(seconds)} ago). "
            "Keep that time in the session, or discard it (count it as a pause)?"
        )

        def done(answer: str | None) -> None:
            self._resolve_gap(answer != "discard", since)

        self.app.push_screen(
            ChoiceScreen("Unclean stop", msg, [("k", "keep", "keep"), ("d", "discard", "discard")]), done
        )

    @work(thread=True, exit_on_error=False, group="focus-act")
    def _resolve_gap(self, keep: bool, since: dt.datetime) -> None:
        svc.resolve_gap(self.ctx, keep, since)
        self._hold = False
        self._after_change()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self._reload_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="focus-load")
    def _reload_worker(self) -> None:
        self._load_now()

    def _load_now(self, on_ui: bool = False) -> None:
        try:
            s = svc.raw(self.ctx)
        except CockpitError:
            return  # an unreadable store file: the app's banner names it; keep what is shown
        try:
            today: core.DayStats | None = svc.today(self.ctx)
        except CockpitError:
            today = None
        try:  # the timeline's phases: read only while it is shown
            day = svc.records_for_day(self.ctx) if self.has_class("-wide") else None
        except CockpitError:
            day = None
        if on_ui:
            self._show(s, today, day)
        else:
            self.app.call_from_thread(self._show, s, today, day)

    def _show(
        self, s: core.Session | None, today: core.DayStats | None, day: list[core.FocusRecord] | None = None
    ) -> None:
        changed = s != self._session
        self._session = s
        self._today = today or self._today
        self._day = day if day is not None else self._day
        self._redraw()
        if changed or self._ticker is None:
            # an unchanged session keeps its ticker: a reload each second (another process
            # writing the store) must not keep pushing the next tick away
            self._schedule()
        if changed and s and not s.is_paused and not self._hold:
            self._beat()  # the gap question must never reach back past a change

    def _schedule(self) -> None:
        """One tick just after the shown second changes (so the display is never a second
        behind), none while idle or paused: at most one repaint a second, nothing when still."""
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        s = self._session
        if not s or s.is_paused:
            return
        frac = core.remaining_s(s, self.ctx.clock.now()) % 1.0
        delay = frac + 0.02
        if delay < 0.1:
            delay += 1.0
        self._ticker = self.set_timer(delay, self._tick, name="focus-tick")

    # ------------------------------------------------------------------ ticking

    def _tick(self) -> None:
        self._ticker = None
        s = self._session
        if not s:
            return
        now = self.ctx.clock.now()
        mono = self.ctx.clock.monotonic()
        jumped = False
        if self._last_wall is not None:
            wall_d = (now - self._last_wall).total_seconds()
            jumped = abs(wall_d - (mono - self._last_mono)) > svc.JUMP_TOLERANCE_S
        self._last_wall, self._last_mono = now, mono
        due = not s.is_paused and core.phase_end(s, now) <= now
        due = due and (s.mode != "timebox" or not s.alerted)
        if (due or jumped) and not self._hold and not self._syncing:
            self._syncing = True
            self._sync()
        self._beats += 1
        if self._beats % HEARTBEAT_S == 0 and not self._hold:
            self._beat()
        self._redraw(now)
        self._schedule()

    @work(thread=True, exit_on_error=False, group="focus-beat")
    def _beat(self) -> None:
        svc.heartbeat(self.ctx)

    @work(thread=True, exit_on_error=False, group="focus-sync")
    def _sync(self) -> None:
        try:
            svc.sync(self.ctx)
            self._after_change()
        finally:
            self._syncing = False

    def _after_change(self) -> None:
        """In a worker: send the alerts this process earned, then show the new state."""
        for alert in svc.take_alerts(self.ctx):
            results = alerts.send_once(self.ctx, alert)
            if results is None:  # the status line (or another process) announced it: show it here only
                if "toast" in self.ctx.config.notify.channels:
                    self._toast(alert)
                continue
            log.info("alert %r: %s", alert.title, ", ".join(f"{r.channel}={r.ok}" for r in results))
        self._load_now()

    # ------------------------------------------------------------------ drawing

    def _put(self, widget_id: str, text: str) -> None:
        if self._texts.get(widget_id) == text:
            return
        self._texts[widget_id] = text
        if widget_id == "focus-clock":
            clock = self._clock(create=not self.has_class("-compact"))
            if clock is not None:
                clock.update(safe(text, 12))
            return
        self.query_one(f"#{widget_id}", Static).update(safe_content(text))

    def _clock(self, create: bool = False) -> Digits | None:
        """The big clock: hidden in the compact form and while idle, so built on first use."""

        def make() -> Digits:
            from textual.widgets import Digits

            return Digits("")

        return self.lazy_child("focus-clock", make if create else None, before="focus-line")  # type: ignore[return-value]

    def compact_changed(self, compact: bool) -> None:
        text = self._texts.get("focus-clock")
        if not compact and text is not None and self._clock() is None:
            clock = self._clock(create=True)
            assert clock is not None
            clock.update(text)

    def wide_changed(self, wide: bool) -> None:
        if wide:
            self._reload_worker()  # reads today's phases, then draws the timeline

    def _timeline(self, now: dt.datetime) -> None:
        """The day's timeline (wide form only), built on first use."""
        if self._day is None or not self.has_class("-wide"):
            return
        text = timeline_text(self._day, self._session, now, self.ctx.clock.tz, self.content_size.width)
        if self._texts.get("focus-timeline") == text:
            return
        self._texts["focus-timeline"] = text
        widget = self.lazy_child("focus-timeline", lambda: Static("", markup=False))
        assert isinstance(widget, Static)
        widget.update(safe_content(text, newlines=True))

    def _redraw(self, now: dt.datetime | None = None) -> None:
        s = self._session
        now = now or self.ctx.clock.now()
        st = core.state(s, now)
        for name in ("running", "break", "paused", "overrun", "idle"):
            self.set_class(st == name, f"-{name}")
        self._put("focus-day", day_line(self._today, self.ctx.config.focus.daily_goal, s))
        self._timeline(now)
        if not s:
            self._put("focus-head", "No sprint running.")
            return
        category = svc.category_name(self.ctx, s.category)
        for widget_id, text in session_texts(s, now, self.content_size.width, category).items():
            self._put(widget_id, text)

    # ------------------------------------------------------------------ actions

    def _do(self, name: str, fn: Callable[..., object], *args: Any) -> None:
        self._act_worker(name, fn, args)

    @work(thread=True, exit_on_error=False, group="focus-act")
    def _act_worker(self, name: str, fn: Callable[..., object], args: tuple[Any, ...]) -> None:
        try:
            fn(self.ctx, *args)
        except CockpitError as e:
            self.app.call_from_thread(self.app.notify, str(e), title=name, severity="warning")
        self._after_change()

    def action_start(self, mode: str) -> None:
        self._prepare_start(mode)

    @work(thread=True, exit_on_error=False, group="focus-act")
    def _prepare_start(self, mode: str) -> None:
        d = svc.defaults(self.ctx, mode)
        running = svc.raw(self.ctx)
        self.app.call_from_thread(self._open_start, mode, d, running)

    def _open_start(self, mode: str, d: StartDefaults, running: core.Session | None) -> None:
        from cockpit.tui.focus.prompt import ChoiceScreen
        from cockpit.tui.focus.start import StartScreen

        cats = [(c.id, c.name) for c in self.ctx.config.categories if c.active]
        if d.category not in [c for c, _ in cats]:
            cats.append((d.category, svc.category_name(self.ctx, d.category)))
        screen = StartScreen(mode, d.minutes, d.mits, cats, d.task, d.category)

        def started(result: StartRequest | None, replace: bool = False) -> None:
            if result:
                self._do(
                    "Start",
                    svc.start,
                    result.mode,
                    result.minutes,
                    result.task,
                    result.category,
                    None,
                    replace,
                )

        if running:
            rem = core.fmt_clock(core.remaining_s(running, self.ctx.clock.now()))
            what = core.MODE_LABELS.get(running.mode, running.mode)

            def confirmed(answer: str | None) -> None:
                if answer == "replace":
                    self.app.push_screen(screen, lambda r: started(r, replace=True))

            self.app.push_screen(
                ChoiceScreen(
                    "A session is running",
                    f"A {what} is running ({rem} left). Stop it (its time is kept) and start a new one?",
                    [("y", "replace it", "replace"), ("n", "keep it", "keep")],
                ),
                confirmed,
            )
            return
        self.app.push_screen(screen, started)

    def action_toggle_pause(self) -> None:
        self._do("Pause", svc.toggle_pause)

    def action_extend(self) -> None:
        self._do("Extend", svc.extend)

    def action_finish(self) -> None:
        self._do("Finish", svc.finish)

    def action_skip_break(self) -> None:
        self._do("Skip break", svc.skip_break)

    def action_stop(self) -> None:
        self._do("Stop", svc.stop)

    def action_interrupt(self) -> None:
        from cockpit.tui.focus.prompt import ChoiceScreen, TextScreen

        if not self._session or self._session.phase != "focus":
            self.app.notify("Interruptions are logged during a focus phase.", severity="warning")
            return

        def kind_chosen(kind: str | None) -> None:
            if kind is None:
                return

            def noted(note: str | None) -> None:
                if note is not None:
                    self._do("Interruption", svc.interrupt, kind, note)

            self.app.push_screen(
                TextScreen(f"{kind.capitalize()} interruption", "A note (optional):", "what happened"), noted
            )

        self.app.push_screen(
            ChoiceScreen(
                "Interruption",
                "The sprint keeps running. Where did it come from?",
                [("i", "internal (my own urge)", "internal"), ("e", "external (someone else)", "external")],
            ),
            kind_chosen,
        )

    def action_abandon(self) -> None:
        from cockpit.tui.focus.prompt import TextScreen

        if not self._session:
            self.app.notify("No session to abandon.", severity="warning")
            return

        def reason_given(reason: str | None) -> None:
            if reason is not None:
                self._do("Abandon", svc.abandon, reason)

        self.app.push_screen(
            TextScreen("Abandon the session", "Why? (Enter abandons, Esc keeps going)"), reason_given
        )

    def commands(self) -> Iterable[Command]:
        start = self.action_start
        yield ("Focus: start a sprint", "90-minute sprint, then a break", lambda: start("sprint"))
        yield ("Focus: start a deep-work block", "3-4 hours of sprints", lambda: start("block"))
        yield ("Focus: start a pomodoro set", "25/5, long break after four", lambda: start("pomodoro"))
        yield ("Focus: start a time-box", "a countdown that shows the overrun", lambda: start("timebox"))
        yield ("Focus: pause or resume", "", self.action_toggle_pause)
        yield ("Focus: extend +10 min", "", self.action_extend)
        yield ("Focus: finish early", "end the sprint now and take the break", self.action_finish)
        yield ("Focus: skip break", "", self.action_skip_break)
        yield ("Focus: log an interruption", "", self.action_interrupt)
        yield ("Focus: abandon", "end the session, with a reason", self.action_abandon)
        yield ("Focus: stop", "end the session now, keeping the time", self.action_stop)
        yield ("Focus: test alerts", "send a test alert through every channel", self._test_alerts)

    @work(thread=True, exit_on_error=False, group="focus-act")
    def _test_alerts(self) -> None:
        from cockpit.core.alerts import Alert

        results = self.ctx.notifier.send(
            Alert("cockpit test alert", "If you can read this, alerts reach you.")
        )
        text = ", ".join(f"{r.channel} {'ok' if r.ok else 'no'}" for r in results)
        self.app.call_from_thread(self.app.notify, text, title="Alert channels")
