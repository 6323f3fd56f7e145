"""The argument parser of the command line (see cockpit.cli): one subcommand group per
instrument, each registered by ``cockpit/commands/<instrument>.py``."""

from __future__ import annotations

import argparse
import importlib

from cockpit import __version__

COMMAND_MODULES = (
    "cockpit.commands.core",
    "cockpit.commands.focus",
    "cockpit.commands.mits",
    "cockpit.commands.audit",
    "cockpit.commands.papers",
    "cockpit.commands.gpu",
    "cockpit.commands.serve",
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
