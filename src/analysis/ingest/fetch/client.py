"""A polite, bounded HTTP client for :mod:`analysis.ingest.fetch`: robots.txt, a delay between requests
to one host, conditional requests, retries with backoff, timeouts, a size cap and checked redirects.

Every request either returns a :class:`Response` (200, or 304 for a conditional request whose page has
not changed) or raises :class:`FetchError` with a reason a person can act on ("robots.txt disallows
it", "HTTP 404", "refused: larger than 5,000,000 bytes", "timed out after 0.5 s, still after 3
retries", …). Only the standard library is used (``urllib``); nothing is cached here but each host's
robots.txt, once per run (:mod:`analysis.ingest.fetch.robots`).
"""

from __future__ import annotations

import email.utils
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.ingest.fetch.robots import Rules

USER_AGENT = "Refrain/1.0 (data journalism; python -m analysis fetch)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 120.0  # seconds: a longer Retry-After is not waited for (the URL fails, the run goes on)
CHUNK = 1 << 16


class FetchError(Exception):
    """Why a URL could not be fetched (the message is the reason listed in the fetch log); ``transient``
    when asking again later may succeed (timeouts, 429, 5xx, network errors after every retry, a
    truncated body); ``status`` the HTTP status that ended it, when one did."""

    def __init__(self, message: str, *, transient: bool = False, status: int = 0) -> None:
        super().__init__(message)
        self.transient, self.status = transient, status


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
        return None  # the client follows redirects itself, checking each hop


@dataclass
class Client:
    """``delay``: seconds between two requests to the same host (or robots.txt's Crawl-delay, when
    longer); ``timeout``: seconds to connect and for each read; ``max_bytes``: the largest body read;
    ``retries``: further attempts on 429, 5xx and network errors, waiting ``backoff`` × 2ⁿ seconds (or
    the server's Retry-After, up to :data:`RETRY_AFTER_CAP`)."""

    user_agent: str = USER_AGENT
    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, Rules] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect())

    def get(self, url: str, *, etag: str = "", last_modified: str = "", robots: bool = True) -> Response:
        """The page at ``url`` (following up to :data:`MAX_REDIRECTS` http(s) redirects, each allowed by
        robots.txt), conditionally when ``etag`` or ``last_modified`` is given; :class:`FetchError`
        otherwise."""
        for _hop in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            if robots and (why := self.rules(url).why_not(self.user_agent, url)):
                raise FetchError(why)
            status, headers, body = self._attempts(url, etag, last_modified)
            if status in REDIRECT_STATUSES:
                target = headers.get("Location")
                if not target:
                    raise FetchError(f"HTTP {status} without a Location", status=status)
                url = urllib.parse.urljoin(url, target.strip())
                continue
            if status == 304 and (etag or last_modified):
                return Response(url, 304, b"", etag, last_modified)
            if status != 200:
                raise FetchError(f"HTTP {status}", status=status)
            return Response(
                url,
                200,
                body,
                headers.get("ETag", ""),
                headers.get("Last-Modified", ""),
                headers.get("Content-Type", ""),
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def rules(self, url: str) -> Rules:
        """robots.txt of ``url``'s host, read once per run."""
        parts = urllib.parse.urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            try:
                text = self.get(host + "/robots.txt", robots=False).body.decode("utf-8", "replace")
                rules = Rules.parse(text)
            except FetchError as exc:  # 4xx: there is none (allow all); 5xx, network: disallow all
                rules = Rules(unreachable=str(exc)) if exc.transient or exc.status >= 500 else Rules()
            self._robots[host] = rules
        return self._robots[host]

    def _attempts(self, url: str, etag: str, last_modified: str) -> tuple[int, dict, bytes]:
        for attempt in range(self.retries + 1):
            self._wait_turn(url)
            try:
                return self._once(url, etag, last_modified)
            except _Retry as retry:
                if attempt == self.retries:
                    raise FetchError(
                        f"{retry.reason}, still after {self.retries} retries", transient=True, status=retry.status
                    ) from None
                wait = retry.after if retry.after is not None else self.backoff * 2**attempt
                if wait > RETRY_AFTER_CAP:
                    raise FetchError(
                        f"{retry.reason}; the server asks to wait {wait:g} s (more than {RETRY_AFTER_CAP:g})",
                        transient=True,
                        status=retry.status,
                    ) from None
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
                raise _Retry(f"HTTP {exc.code}", _retry_after(exc.headers.get("Retry-After")), exc.code) from None
            return exc.code, dict(exc.headers or {}), b""
        except TimeoutError:
            raise _Retry(f"timed out after {self.timeout:g} s") from None
        except http.client.IncompleteRead as exc:
            raise _Retry(f"truncated: {len(exc.partial):,} bytes received, more were announced") from None
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Retry(f"network error: {reason}") from None

    def _read(self, r) -> bytes:
        """The body, read in chunks up to ``max_bytes`` (reading stops past it: refused); a body shorter
        than its Content-Length is truncated (asked for again)."""
        encoding = (r.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise FetchError(f"refused: encoded as {encoding!r} although the identity was asked for")
        declared = (r.headers.get("Content-Length") or "").strip()
        length = int(declared) if declared.isdigit() else None
        if length is not None and length > self.max_bytes:
            raise FetchError(f"refused: larger than {self.max_bytes:,} bytes ({length:,} declared)")
        chunks, size = [], 0
        while chunk := r.read(min(CHUNK, self.max_bytes + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"refused: larger than {self.max_bytes:,} bytes")
        if length is not None and size < length:
            raise _Retry(f"truncated: {size:,} of {length:,} bytes received")
        return b"".join(chunks)

    def _wait_turn(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        host = parts.netloc
        rules = self._robots.get(f"{parts.scheme}://{host}")
        delay = max(self.delay, rules.crawl_delay(self.user_agent) if rules else 0.0)
        last = self._last.get(host)
        if last is not None:
            left = delay - (time.monotonic() - last)
            if left > 0:
                self.sleep(left)
        self._last[host] = time.monotonic()


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None, status: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.after, self.status = reason, after, status


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
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _check_scheme(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: {url[:200]}")
