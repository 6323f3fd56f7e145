"""A real HTTP server on 127.0.0.1 that plays arXiv: RSS feeds and API responses, errors included.

Routes are set per test: ``server.route("/rss/cs.LG", body, status=200, headers={})``; a list of
responses is served in order (the last one repeats), so a 429 then a 200 tests retries. Every
request is recorded in ``server.requests`` with its time.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Response = tuple[int, bytes, dict[str, str]]


class ArxivServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[Response]] = {}
        self.requests: list[tuple[float, str]] = []
        self.default: Response = (404, b"not found", {})
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((time.monotonic(), self.path))
                path = urlsplit(self.path).path
                queue = server.routes.get(path)
                if queue:
                    status, body, headers = queue[0] if len(queue) == 1 else queue.pop(0)
                else:
                    status, body, headers = server.default
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, *responses: Response | bytes) -> None:
        self.routes[path] = [r if isinstance(r, tuple) else (200, r, {}) for r in responses]

    def paths(self) -> list[str]:
        return [p for _, p in self.requests]

    def __enter__(self) -> ArxivServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
