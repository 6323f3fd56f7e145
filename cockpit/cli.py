"""The command line. ``cockpit`` alone opens the TUI.

Each instrument registers its subcommands in ``cockpit/commands/<instrument>.py``
(``register(subparsers)``); handlers take ``(args, ctx)`` and return an exit code.
Handlers import heavy modules inside their bodies so that parsing stays cheap.
Exit codes: 0 ok, 1 runtime error, 2 usage or config error. Errors are one line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from cockpit import __version__
from cockpit.errors import CockpitError

COMMAND_MODULES = (
    "cockpit.commands.core",
    "cockpit.commands.focus",
    "cockpit.commands.mits",
    "cockpit.commands.audit",
    "cockpit.commands.papers",
    "cockpit.commands.gpu",
)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        prog = self.prog.replace("cockpit ", "", 1) if self.prog != "cockpit" else ""
        where = f"{prog}: " if prog else ""
        self.exit(2, f"cockpit: error: {where}{message} (see --help)\n")


def build_parser() -> Parser:
    p = Parser(prog="cockpit", description="A terminal cockpit for ML researchers.")
    p.add_argument("--version", action="version", version=f"cockpit {__version__}")
    p.add_argument(
        "--home", metavar="DIR", help="keep config, data, state and cache under DIR (or set COCKPIT_HOME)"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def _split_home(argv: list[str]) -> tuple[str | None, list[str]]:
    if argv and argv[0] == "--home" and len(argv) > 1:
        return argv[1], argv[2:]
    if argv and argv[0].startswith("--home="):
        return argv[0].split("=", 1)[1], argv[1:]
    return None, argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    home, rest = _split_home(argv)
    if rest and rest[0] == "status":
        from cockpit import status

        return status.main_fast(rest[1:] + (["--home", home] if home else []))

    if rest:
        args = build_parser().parse_args(argv)
    else:  # plain `cockpit [--home DIR]` opens the TUI: no need to build every subcommand
        args = argparse.Namespace(home=home, command=None)
    if args.home:
        os.environ["COCKPIT_HOME"] = os.path.abspath(os.path.expanduser(args.home))
    from cockpit.context import Context

    try:
        ctx = Context.open()
        if args.command is None:
            from cockpit.tui.app import run_app

            return run_app(ctx)
        return int(args.func(args, ctx) or 0)
    except CockpitError as e:
        print(f"cockpit: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
