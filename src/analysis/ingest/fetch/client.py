"""A polite, bounded HTTP client for :mod:`analysis.ingest.fetch`: robots.txt, a delay between requests
to one host, conditional requests, retries with backoff, timeouts, a size cap and checked redirects.

Every request either returns a :class:`Response` (200, or 304 for a conditional request whose page has
not changed) or raises :class:`FetchError` with a reason a person can act on ("robots.txt disallows
it", "HTTP 404", "larger than 5,000,000 bytes", "timed out after 3 retries", …). Only the standard
library is used (``urllib``); nothing is cached here but robots.txt, once per host and run.
"""

from __future__ import annotations

import email.utils
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field

USER_AGENT = "Refrain/1.0 (data journalism; https://github.com/refrain-news/refrain)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 120.0  # seconds: a longer Retry-After is not waited for (the URL fails, the run goes on)


class FetchError(Exception):
    """Why a URL could not be fetched (the message is the reason listed in the fetch log); ``transient``
    when asking again later may succeed (timeouts, 429, 5xx, network errors after every retry)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified)
    body: bytes
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Client:
    """``delay``: seconds between two requests to the same host; ``timeout``: seconds to connect and
    for each read; ``max_bytes``: the largest body read; ``retries``: further attempts on 429, 5xx and
    network errors, waiting ``backoff`` × 2ⁿ seconds (or the server's Retry-After, up to a cap)."""

    user_agent: str = USER_AGENT
    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect())

    def get(self, url: str, *, etag: str = "", last_modified: str = "", robots: bool = True) -> Response:
        """The page at ``url`` (following up to :data:`MAX_REDIRECTS` http(s) redirects), conditionally
        when ``etag`` or ``last_modified`` is given; :class:`FetchError` otherwise."""
        for _hop in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            if robots and not self.allowed(url):
                raise FetchError(f"robots.txt disallows {url}")
            status, headers, body = self._attempts(url, etag, last_modified)
            if status in (301, 302, 303, 307, 308):
                target = headers.get("Location")
                if not target:
                    raise FetchError(f"HTTP {status} without a Location")
                url = urllib.parse.urljoin(url, target)
                continue
            if status == 304:
                return Response(url, 304, b"", etag, last_modified)
            if status != 200:
                raise FetchError(f"HTTP {status}")
            return Response(
                url,
                200,
                body,
                headers.get("ETag", ""),
                headers.get("Last-Modified", ""),
                headers.get("Content-Type", ""),
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s host lets this user agent fetch it (no robots.txt: yes)."""
        parts = urllib.parse.urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                text = self.get(host + "/robots.txt", robots=False).body.decode("utf-8", "replace")
                parser.parse(text.splitlines())  # type: ignore[union-attr]
            except FetchError:
                parser = None  # none, or unreadable: nothing is disallowed
            self._robots[host] = parser
        parser = self._robots[host]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _attempts(self, url: str, etag: str, last_modified: str) -> tuple[int, dict, bytes]:
        for attempt in range(self.retries + 1):
            self._wait_turn(url)
            try:
                return self._once(url, etag, last_modified)
            except _Retry as retry:
                if attempt == self.retries:
                    raise FetchError(f"{retry.reason}, still after {self.retries} retries", transient=True) from None
                wait = retry.after if retry.after is not None else self.backoff * 2**attempt
                if wait > RETRY_AFTER_CAP:
                    raise FetchError(f"{retry.reason}; the server asks to wait {wait:g} s", transient=True) from None
                self.sleep(wait)
        raise AssertionError("unreachable")

    def _once(self, url: str, etag: str, last_modified: str) -> tuple[int, dict, bytes]:
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as r:
                return r.status, dict(r.headers), self._read(r)
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_STATUSES:
                raise _Retry(f"HTTP {exc.code}", _retry_after(exc.headers.get("Retry-After"))) from None
            return exc.code, dict(exc.headers or {}), b""
        except TimeoutError:
            raise _Retry(f"timed out after {self.timeout:g} s") from None
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Retry(f"network error: {reason}") from None

    def _read(self, r) -> bytes:
        declared = r.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"larger than {self.max_bytes:,} bytes ({int(declared):,} declared)")
        body = r.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise FetchError(f"larger than {self.max_bytes:,} bytes")
        return body

    def _wait_turn(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None:
            left = self.delay - (time.monotonic() - last)
            if left > 0:
                self.sleep(left)
        self._last[host] = time.monotonic()


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.after = reason, after


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (a number of seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _check_scheme(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: {url[:200]}")
