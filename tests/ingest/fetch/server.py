"""A real HTTP server on 127.0.0.1 for the fetch tests: routes answered by small functions, every request
recorded (path and headers), nothing on the internet; and the pages it serves (``tests/fixtures/fetch``)."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from analysis.ingest.fetch import FetchParams, fetch
from tests.conftest import FIXTURES, kremlin_page

#: A route's answer: status, headers, body (and seconds to wait before the body).
Answer = tuple[int, dict[str, str], bytes] | tuple[int, dict[str, str], bytes, float]
NO_LENGTH = (
    "X-Test-No-Length"  # a header that makes the server send no Content-Length (the body ends with the connection)
)

LIST = "/events/president/transcripts"
FETCH_FIXTURES = FIXTURES / "fetch"


@dataclass
class Site:
    routes: dict[str, Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def page(
        self,
        path: str,
        body: bytes,
        *,
        etag: str = "",
        last_modified: str = "",
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """A page that honours If-None-Match when it has an ETag, If-Modified-Since when it has a Last-Modified
        (the same date: not modified)."""
        validators = {k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v}

        def answer(headers: dict[str, str]) -> Answer:
            if etag and headers.get("If-None-Match") == etag:
                return 304, validators, b""
            if last_modified and not etag and headers.get("If-Modified-Since") == last_modified:
                return 304, validators, b""
            return 200, {"Content-Type": content_type, **validators}, body

        self.routes[path] = answer

    def sequence(self, path: str, *answers: Answer) -> None:
        """Answers in turn (the last one repeated): a 429 then a 200."""
        queue = list(answers)

        def answer(_headers: dict[str, str]) -> Answer:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.routes[path] = answer

    def asked(self, path: str) -> int:
        return sum(p == path for p, _ in self.requests)

    def headers(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


def serve(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            headers = dict(self.headers.items())
            site.requests.append((self.path, headers))
            route = site.routes.get(self.path)
            status, extra, body, *wait = route(headers) if route else (404, {}, b"not found")
            self.send_response(status)
            for k, v in extra.items():
                if k != NO_LENGTH:
                    self.send_header(k, v)
            if "Content-Length" not in extra and NO_LENGTH not in extra:
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
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def transcript(pid: str, date: str = "2025-06-30", words: str = "We will continue to work.") -> bytes:
    """A transcript page of en.kremlin.ru's structure (``tests/fixtures/kremlin_template.html``)."""
    body = f"<p><b>Vladimir Putin</b>: {words} Thank you, colleagues {pid}.</p>"
    return kremlin_page(body, page_id=pid, title=f"Meeting {pid}", date=date)


def list_html(*ids: str, more: bool = False, dates: dict[str, str] | None = None, page: int = 1) -> bytes:
    """A Kremlin list page linking to ``ids`` (dated as ``dates`` says; undated otherwise), with a link to
    the next page when ``more``."""
    item = (FETCH_FIXTURES / "kremlin-list-item.html").read_text(encoding="utf-8")
    items = []
    for i in ids:
        date = (dates or {}).get(i, "")
        entry = item.replace("{{ID}}", i).replace("{{TITLE}}", f"Meeting {i}").replace("{{DATE}}", date)
        items.append(entry if date else re.sub(r"<time.*?</time>", "", entry))
    nav = f'<a href="{LIST}/page/{page + 1}">Next</a>' if more else ""
    html = (FETCH_FIXTURES / "kremlin-list.html").read_text(encoding="utf-8")
    return html.replace("{{ITEMS}}", "".join(items)).replace("{{NEXT}}", nav).encode()


def fixture(name: str, base: str) -> bytes:
    """A fixture of ``tests/fixtures/fetch`` with the server's address for ``{{BASE}}``."""
    return (FETCH_FIXTURES / name).read_text(encoding="utf-8").replace("{{BASE}}", base).encode()


# --- running the fetch against it --------------------------------------------------------------------

TEST_SETTINGS = {"delay": 0, "timeout": 0.5, "retries": 2, "backoff": 0.01, "licence": "CC BY 4.0 (test)"}


def configure(tmp_path: Path, site: Site, **sources: dict) -> Path:
    """A fetch configuration of ``sources`` (their URLs as paths on ``site``), with the tests' settings."""
    spec = {name: {**TEST_SETTINGS, **values} for name, values in sources.items()}
    for values in spec.values():
        values["urls"] = [site.base + u for u in values["urls"]]
    path = tmp_path / "fetch.yaml"
    path.write_text(yaml.safe_dump({"sources": spec}), encoding="utf-8")
    return path


def run(tmp_path: Path, cfg: Path, *names: str, **options) -> dict[str, dict[str, dict]]:
    """Fetch into ``tmp_path/raw`` (state in ``tmp_path/state``): each source's log rows by URL, the
    server's address taken off."""
    given = {"into": str(tmp_path / "raw"), "fetch_config": str(cfg), "state_dir": str(tmp_path / "state")}
    logs = fetch(FetchParams.of({"sources": list(names), **given, **options}))
    return {
        name: {re.sub(r"^http://127\.0\.0\.1:\d+", "", r["url"]): r for r in log.rows} for name, log in logs.items()
    }


def outcome(rows: dict, path: str) -> tuple[str, str]:
    return rows[path]["outcome"], rows[path]["reason"]
