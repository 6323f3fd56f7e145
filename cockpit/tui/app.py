"""CockpitApp: composition, themes, bindings, palette commands and one error sink."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from cockpit.errors import CorruptFileError, RecordError
from cockpit.services import settings, storecheck
from cockpit.tui.shell.help import HelpScreen
from cockpit.tui.shell.main import PANE_CLASSES, MainScreen
from cockpit.tui.shell.pane import Pane
from cockpit.tui.shell.safe import safe
from cockpit.tui.shell.themes import DEFAULT_THEME, VARIABLE_DEFAULTS, builtin_themes, user_themes

if TYPE_CHECKING:
    from cockpit.context import Context

log = logging.getLogger("cockpit")


class CockpitApp(App[int]):
    TITLE = "cockpit"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("tab", "next_pane", "Next pane", id="app.next_pane", show=False, priority=True),
        Binding("shift+tab", "prev_pane", "Prev pane", id="app.prev_pane", show=False, priority=True),
        Binding("1", "pane(1)", "Focus", id="app.pane1", show=False),
        Binding("2", "pane(2)", "MITs", id="app.pane2", show=False),
        Binding("3", "pane(3)", "Audit", id="app.pane3", show=False),
        Binding("4", "pane(4)", "Papers", id="app.pane4", show=False),
        Binding("5", "pane(5)", "GPU", id="app.pane5", show=False),
        Binding("z", "zoom", "Zoom", id="app.zoom"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    gc_paused_for_start = False  # run_app: the cyclic GC waits for the first frame

    def __init__(self, ctx: Context) -> None:
        self._started = time.perf_counter()
        super().__init__()
        self.ctx = ctx
        self.startup_notes: list[tuple[str, str]] = []
        for theme in builtin_themes():
            self.register_theme(theme)
        mine, errors = user_themes(ctx.paths.themes_dir)
        for theme in mine:
            self.register_theme(theme)
        self.startup_notes += [(e, "error") for e in errors]
        self.theme = self._initial_theme()
        if ctx.config.keymap:
            self.set_keymap(ctx.config.keymap)
            # Instruments' modal screens load lazily, so only the app's own namespaces are checked.
            unknown = sorted(
                k
                for k in ctx.config.keymap
                if k.partition(".")[0] in ("app", "help", k) and k not in self.binding_ids()
            )
            if unknown:
                self.startup_notes.append(
                    (
                        f"[keymap] in {ctx.paths.config_file}: unknown binding id(s) {', '.join(unknown)}; see ? for the ids",
                        "warning",
                    )
                )
        self._store_stamp: storecheck.Fingerprint = ()

    @staticmethod
    def binding_ids() -> set[str]:
        """Every binding id the [keymap] table can remap."""
        classes: list[type] = [CockpitApp, HelpScreen, *PANE_CLASSES]
        return {b.id for cls in classes for b in cls.BINDINGS if isinstance(b, Binding) and b.id}

    # ------------------------------------------------------------------ theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLE_DEFAULTS)

    def _initial_theme(self) -> str:
        wanted = self.ctx.config.ui.theme
        try:
            wanted = settings.load(self.ctx).theme or wanted
        except (CorruptFileError, RecordError) as e:
            self.startup_notes.append((str(e), "error"))
        if wanted in self.available_themes:
            return wanted
        self.startup_notes.append((f"theme {wanted!r} not found; using {DEFAULT_THEME}", "warning"))
        return DEFAULT_THEME

    def _save_theme(self, name: str) -> None:
        try:
            settings.save_theme(self.ctx, name)
        except Exception as e:  # noqa: BLE001 - any store failure becomes a toast, never a crash
            self.notify(f"theme not saved: {e}", severity="error", timeout=10)
            self._show_store_problems()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast (the app's, a pane's, a dialog's) shows its text literally and cleaned
        (tui/shell/safe.py): messages carry file names, errors and user data, never markup.
        ``markup`` is accepted and ignored."""
        message, title = safe(message, 2000, newlines=True), safe(title, 200)  # the one rule
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """Ctrl+C: say how to quit, in words (Textual's own hint is markup, and toasts show text
        literally)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    # ------------------------------------------------------------------ lifecycle

    def get_default_screen(self) -> Screen:
        return MainScreen(self.ctx)

    @property
    def main(self) -> MainScreen:
        return self.screen_stack[0]  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, lambda theme: self._save_theme(theme.name))
        for message, severity in self.startup_notes:
            self.notify(message, severity=severity, timeout=15)  # type: ignore[arg-type]
        self._store_stamp = storecheck.fingerprint(self.ctx)  # before the panes read the store
        self.set_interval(1.0, self._poll_store, name="store-poll")

    def on_ready(self) -> None:
        log.info("first frame after %.0f ms", (time.perf_counter() - self._started) * 1000)
        if self.gc_paused_for_start:  # after the frames and loads that follow the first one
            self.set_timer(2.0, _resume_gc, name="gc-resume")
        if os.environ.get("COCKPIT_EXIT_AFTER_PAINT"):
            # The footer fills in on the refresh after the first one; leave once it has.
            self.set_timer(0.3, lambda: self.exit(0))

    # ------------------------------------------------------------------ store watching

    def _poll_store(self) -> None:
        stamp = storecheck.fingerprint(self.ctx)
        if stamp != self._store_stamp:
            self._store_stamp = stamp
            self.reload_panes()
        else:
            self._show_store_problems()  # a read since the last poll may have found one

    def reload_panes(self) -> None:
        storecheck.recheck(self.ctx)
        for pane in self.main.panes:
            try:
                pane.reload()
            except CorruptFileError as e:
                storecheck.note_problem(self.ctx, e)
        self._show_store_problems()

    def _show_store_problems(self) -> None:
        if (
            not self.screen_stack
            or not isinstance(self.screen_stack[0], MainScreen)
            or not self.main.is_mounted
        ):
            return
        try:
            self.main.show_problems([p.banner_line() for p in storecheck.problems(self.ctx)])
        except NoMatches:
            pass  # the app is closing: the banner is already gone

    # ------------------------------------------------------------------ actions

    def _cycle(self, step: int) -> None:
        if not isinstance(self.screen, MainScreen):
            (self.screen.focus_next if step > 0 else self.screen.focus_previous)()
            return
        panes = [p for p in self.main.panes if p.display]
        current = self.main.current_pane()
        i = panes.index(current) if current in panes else -step
        self.main.go_to(panes[(i + step) % len(panes)])

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_prev_pane(self) -> None:
        self._cycle(-1)

    def action_pane(self, number: int) -> None:
        if not isinstance(self.screen, MainScreen):
            return
        pane = self.main.panes[number - 1]
        if self.main.has_class("-zoom"):
            for p in self.main.panes:
                p.set_zoomed(p is pane)
        self.main.go_to(pane)

    def action_zoom(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.main.toggle_zoom()

    def action_help(self) -> None:
        sections: list[tuple[str, list[Binding]]] = [
            ("Everywhere", [b for b in self.BINDINGS if isinstance(b, Binding)])
        ]
        for pane in self.main.panes:
            bindings = [b for b in pane.BINDINGS if isinstance(b, Binding)]
            if bindings:
                sections.append((f"{pane.NUMBER} {pane.TITLE}", bindings))
        current = type(self.screen)
        for cls in sorted(_cockpit_screens(), key=lambda c: (c is not current, c.__module__, c.__name__)):
            bindings = [b for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]
            if bindings:
                title = _screen_title(cls) + ("  (this screen)" if cls is current else "")
                sections.append((title, bindings))
        self.push_screen(HelpScreen(sections, dict(self._keymap)))

    # ------------------------------------------------------------------ command palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for pane in screen.panes:
            yield SystemCommand(
                f"Go to {pane.TITLE}", f"Focus the {pane.TITLE} pane", lambda p=pane: screen.go_to(p)
            )
        yield SystemCommand("Zoom pane", "Show the focused pane full screen, or go back", self.action_zoom)
        yield SystemCommand("Show keys", "Every key binding and its id", self.action_help)
        for name in sorted(self.available_themes):
            if name.startswith("cockpit-") or name in self._user_theme_names():
                yield SystemCommand(
                    f"Theme: {name}", "Switch theme (remembered)", lambda n=name: setattr(self, "theme", n)
                )
        for pane in screen.panes:
            for title, help_text, callback in pane.commands():
                yield SystemCommand(title, help_text, callback)

    def _user_theme_names(self) -> set[str]:
        mine, _ = user_themes(self.ctx.paths.themes_dir)
        return {t.name for t in mine}

    # ------------------------------------------------------------------ errors

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            log.error("worker %s failed: %r", event.worker.name, error)
            self.notify(f"{event.worker.name}: {error}", severity="error", timeout=10)
            if isinstance(error, CorruptFileError):
                self._show_store_problems()


INSTRUMENT_FOLDERS = ("focus", "mits", "audit", "papers", "gpu", "shell")


def _cockpit_screens() -> list[type[Screen]]:
    """Every dialog and screen cockpit defines (their keys belong in help too)."""
    import pkgutil

    for folder in INSTRUMENT_FOLDERS:
        pkg = importlib.import_module(f"cockpit.tui.{folder}")
        for mod in pkgutil.iter_modules(pkg.__path__, f"cockpit.tui.{folder}."):
            importlib.import_module(mod.name)
    seen: list[type[Screen]] = []
    todo: list[type] = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("cockpit.tui.") and sub not in (HelpScreen, MainScreen):
                seen.append(sub)
    return seen


def _screen_title(cls: type[Screen]) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__.removesuffix("Screen")).strip()
    return words or cls.__name__


def _setup_logging(ctx: Context) -> None:
    try:
        handler = logging.FileHandler(ctx.paths.log_file, encoding="utf-8")
    except OSError:
        return  # a read-only state folder: run without a log file
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("cockpit")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        os.chmod(ctx.paths.log_file, 0o600)
    except OSError:
        pass


def _resume_gc() -> None:
    """``cockpit`` turns the cyclic GC off while it starts (cockpit.cli): start-up makes many
    objects and little garbage, yet the collector walked them all about a hundred times
    before the first frame (some 25 ms, one full collection among them). Back on here."""
    gc.collect()  # start-up's garbage, once, after the first frame
    gc.freeze()  # what is left lives as long as the app: later collections skip it
    gc.enable()
    log.info("cyclic GC back on after the first frame (%d start-up objects frozen)", gc.get_freeze_count())


def run_app(ctx: Context) -> int:
    _setup_logging(ctx)
    app = CockpitApp(ctx)
    app.gc_paused_for_start = not gc.isenabled()
    app.run(mouse=ctx.config.ui.mouse)
    return app.return_code or 0


__all__ = ["CockpitApp", "Pane", "run_app"]
