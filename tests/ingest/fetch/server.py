"""A real HTTP server on 127.0.0.1 for the fetch tests: routes answered by small functions, every request
recorded (path and the conditional headers), nothing on the internet."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: A route's answer: status, headers, body (and seconds to wait before the body).
Answer = tuple[int, dict[str, str], bytes] | tuple[int, dict[str, str], bytes, float]


@dataclass
class Site:
    routes: dict[str, Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def page(self, path: str, body: bytes, *, etag: str = "", content_type: str = "text/html; charset=utf-8") -> None:
        """A page that honours If-None-Match when it has an ETag."""

        def answer(headers: dict[str, str]) -> Answer:
            if etag and headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            return 200, {"Content-Type": content_type, **({"ETag": etag} if etag else {})}, body

        self.routes[path] = answer

    def sequence(self, path: str, *answers: Answer) -> None:
        """Answers in turn (the last one repeated): a 429 then a 200."""
        queue = list(answers)

        def answer(_headers: dict[str, str]) -> Answer:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.routes[path] = answer

    def asked(self, path: str) -> int:
        return sum(p == path for p, _ in self.requests)


def serve(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            headers = dict(self.headers.items())
            site.requests.append((self.path, headers))
            route = site.routes.get(self.path)
            status, extra, body, *wait = route(headers) if route else (404, {}, b"not found")
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            if "Content-Length" not in extra:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if wait:
                time.sleep(wait[0])
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    return server
