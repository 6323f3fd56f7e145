"""The ``cockpit`` console script: ``cockpit status`` is answered before argparse is imported,
so the tmux status line (run every second) stays cheap; everything else goes to cli.main."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    home = None
    rest = argv
    if argv[:1] == ["--home"] and len(argv) > 1:
        home, rest = argv[1], argv[2:]
    elif argv[:1] and argv[0].startswith("--home="):
        home, rest = argv[0].split("=", 1)[1], argv[1:]
    if rest[:1] == ["status"]:
        from cockpit import status

        return status.main_fast(rest[1:] + (["--home", home] if home else []))
    from cockpit.cli import main as cli_main

    return cli_main(argv)
