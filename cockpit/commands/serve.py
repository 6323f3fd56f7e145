"""``cockpit serve``: the cockpit in a browser (cockpit.tui.serve), private by default."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.context import Context

DEFAULT_PORT = 8470


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, got {v}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="the same cockpit in a browser, behind a secret link")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDR",
        help="address to listen on (default 127.0.0.1; anything else is reachable from the network)",
    )
    p.add_argument(
        "--keep-key",
        action="store_true",
        help="keep the secret in the state folder, so the link survives a restart (default: new per run)",
    )
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.tui import serve

    if not serve.is_loopback(args.host):
        print(
            f"cockpit serve: warning: --host {args.host} is reachable from other machines; anyone who "
            "sees the link (it is plain http) can drive this cockpit. Prefer the default and ssh -L.",
            file=sys.stderr,
            flush=True,
        )
    key = serve.kept_key(ctx.paths.state_dir) if args.keep_key else serve.new_key()
    try:
        return serve.serve(serve.app_command(os.environ.get("COCKPIT_HOME")), args.host, args.port, key)
    except OSError as e:
        from cockpit.errors import CockpitError

        raise CockpitError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
