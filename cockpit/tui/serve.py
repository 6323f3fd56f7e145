"""``cockpit serve``: the same app in a browser, through textual-serve, behind a secret.

textual-serve starts one app process per websocket and has no authentication of its own; every
user of a shared box can reach a port on 127.0.0.1. So every request passes one middleware
first (:func:`guard`):

- the secret comes once in the start URL (``/?key=…``); that first load sets it in an
  HttpOnly, SameSite=Strict cookie and redirects to ``/`` (the key leaves the address bar);
- every other request (the websocket, the page's scripts) needs the cookie;
- both are compared in constant time (``hmac.compare_digest``);
- anything else gets 403 before textual-serve sees it, so no app process starts.

The secret is made per run, or kept in the state folder (``serve.key``, 0600) with
``--keep-key`` so a bookmarked link survives a restart.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import re
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from textual_serve.server import Server

KEY_FILE = "serve.key"
# A Host header as a browser sends it: a name or an address, an optional port. Anything else is
# refused, since the page builds its websocket address from it.
_HOST_RE = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
REFUSED = "403: cockpit serve needs the link with its key, as printed when it started.\n"

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_key() -> str:
    return secrets.token_urlsafe(32)


def kept_key(state_dir: Path) -> str:
    """The key kept in ``state_dir/serve.key`` (made on first use, private to the user)."""
    path = state_dir / KEY_FILE
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 32:
        key = new_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return key


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def same(given: str | None, key: str) -> bool:
    """``given`` is the key, compared in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), key.encode())


def cookie_name(port: int) -> str:
    # cookies are per host, not per port: two servers on one host keep their keys apart by name
    return f"cockpit_key_{port}"


def guard(key: str, port: int) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """The middleware that lets only the key's holder reach textual-serve's routes."""
    name = cookie_name(port)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not _HOST_RE.match(request.host or ""):
            raise web.HTTPForbidden(text=REFUSED)
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text=REFUSED)  # another site's page talking to ours
        if request.path == "/" and "key" in request.query:
            if not same(request.query.get("key"), key):
                raise web.HTTPForbidden(text=REFUSED)
            rest = urlencode([(k, v) for k, v in request.query.items() if k != "key"])
            target = "/" + (f"?{rest}" if rest else "")
            found = web.HTTPSeeOther(target)
            found.set_cookie(name, key, path="/", httponly=True, samesite="Strict")
            found.headers["Cache-Control"] = "no-store"
            found.headers["Referrer-Policy"] = "no-referrer"
            raise found
        if not same(request.cookies.get(name), key):
            raise web.HTTPForbidden(text=REFUSED)
        response = await handler(request)
        if not response.prepared:
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return middleware


class CockpitServer(Server):
    """textual-serve's server with :func:`guard` in front of every route and cockpit's own
    start line (printed once, with the key)."""

    def __init__(self, command: str, host: str, port: int, key: str) -> None:
        super().__init__(command, host=host, port=port, title="cockpit")
        self.key = key

    def start_url(self) -> str:
        shown = self.host if is_loopback(self.host) or self.host not in ("0.0.0.0", "::") else "127.0.0.1"
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/?key={self.key}"

    def initialize_logging(self) -> None:
        logging.getLogger("textual-serve").setLevel(logging.WARNING)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(guard(self.key, self.port))
        return app

    async def on_startup(self, app: web.Application) -> None:
        print(f"cockpit serve: open {self.start_url()}   (Ctrl+C stops)", flush=True)

    async def handle_index(self, request: web.Request) -> Any:
        # The page's websocket goes back to the address the browser used (an ssh -L tunnel, a
        # name instead of 127.0.0.1): the key's cookie belongs to that address only. The Host
        # header was checked by guard. No await between setting it and the page's render.
        self.public_url = f"http://{request.host}"
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and response.text:
            # a phone lays the page out at its own width (no 980 px desktop page zoomed out)
            response.text = response.text.replace("<head>", "<head>\n    " + VIEWPORT, 1)
        response.headers["Cache-Control"] = "no-store"
        return response


def app_command(home: str | None) -> str:
    """The shell line textual-serve runs per browser: this Python's ``cockpit``, same store."""
    parts = [sys.executable, "-m", "cockpit"] + (["--home", home] if home else [])
    return "COCKPIT_SERVED=1 exec " + " ".join(shlex.quote(p) for p in parts)


def serve(command: str, host: str, port: int, key: str) -> int:
    """Listen, then say where (the start line comes only once the port is ours), then serve
    until Ctrl+C or SIGTERM. An address or port that cannot be had raises OSError."""
    family, *_, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.create_server(addr[:2], family=family)
    server = CockpitServer(command, host, port, key)
    server.initialize_logging()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.request_exit)
    web.run_app(
        server._make_app(), sock=sock, handle_signals=False, loop=loop, print=None, shutdown_timeout=2.0
    )
    return 0
