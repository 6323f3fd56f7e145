"""The command line. ``cockpit`` alone opens the TUI.

Each instrument registers its subcommands in ``cockpit/commands/<instrument>.py``
(``register(subparsers)``); handlers take ``(args, ctx)`` and return an exit code.
Handlers import heavy modules inside their bodies so that parsing stays cheap.
Exit codes: 0 ok, 1 runtime error, 2 usage or config error. Errors are one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from cockpit.errors import CockpitError


def __getattr__(name: str) -> object:
    """``Parser`` and ``build_parser`` live in cockpit.argv: argparse is imported for
    subcommands only, not when ``cockpit`` opens the TUI."""
    if name in ("Parser", "build_parser"):
        from cockpit import argv

        return getattr(argv, name)
    raise AttributeError(name)


def _split_home(argv: list[str]) -> tuple[str | None, list[str]]:
    if argv and argv[0] == "--home" and len(argv) > 1:
        return argv[1], argv[2:]
    if argv and argv[0].startswith("--home="):
        return argv[0].split("=", 1)[1], argv[1:]
    return None, argv


def _no_terminal() -> str | None:
    """Why the TUI cannot run here (no terminal: ``</dev/null``, nohup, cron), or None.

    Textual's terminal driver reads keys from stdin and draws on stderr: without a tty on both
    it would spin a core writing escape codes into a file."""
    missing = [
        name
        for name, stream in (("stdin", sys.__stdin__), ("stderr", sys.__stderr__))
        if stream is None or not _isatty(stream)
    ]
    if not missing:
        return None
    what = f"{missing[0]} is not a terminal" if len(missing) == 1 else "stdin and stderr are not terminals"
    return f"the TUI needs a terminal ({what}); run it in a terminal, or use a subcommand (cockpit --help)"


def _served() -> bool:
    """This process is one browser tab's app under ``cockpit serve`` (textual-serve's web driver
    talks over pipes by design): the "needs a terminal" rule is the terminal driver's only."""
    return os.environ.get("COCKPIT_SERVED") == "1" and "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    home, rest = _split_home(argv)
    if rest and rest[0] == "status":
        from cockpit import status

        return status.main_fast(rest[1:] + (["--home", home] if home else []))

    args: Any
    if rest:
        from cockpit.argv import build_parser

        args = build_parser().parse_args(argv)
    else:  # plain `cockpit [--home DIR]` opens the TUI: no need to build every subcommand
        args = SimpleNamespace(home=home, command=None)
        import gc

        gc.disable()  # until the first frame is on screen: see cockpit.tui.app._resume_gc
    if args.home:
        os.environ["COCKPIT_HOME"] = os.path.abspath(os.path.expanduser(args.home))
    from cockpit.context import Context

    try:
        ctx = Context.open()  # a bad config or an unusable home is said first, with its own code
        if args.command is None:
            problem = None if _served() else _no_terminal()
            if problem:
                print(f"cockpit: error: {problem}", file=sys.stderr)
                return 2
            from cockpit.tui.app import run_app

            return run_app(ctx)
        code = int(args.func(args, ctx) or 0)
        _send_focus_alerts(ctx)
        return code
    except CockpitError as e:
        print(f"cockpit: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _send_focus_alerts(ctx: Any) -> None:
    """A command that closed a focus phase (it ran out before the command ran) announces it, once
    between this process, the app and the status line (services.alerts)."""
    if not ctx.focus_alerts:
        return
    from cockpit.services import alerts
    from cockpit.services import focus as focus_svc

    for alert in focus_svc.take_alerts(ctx):
        try:
            alerts.send_once(ctx, alert)
        except Exception:  # noqa: BLE001 - the command's own result stands
            pass
