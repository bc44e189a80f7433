"""One source's run of :mod:`analysis.ingest.fetch`: where it writes, its client, state and log, and
what each statement URL came to, in the words the walkers decide by (:data:`NEW`, :data:`KNOWN`,
:data:`LATER`, :data:`OLD`, :data:`NOT`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.fetch.client import Client, FetchError, Response
from analysis.ingest.fetch.sources import Source
from analysis.ingest.fetch.store import Log, State, now

NEW = "new"  # saved, or a new version
KNOWN = "known"  # stored before, or unchanged
LATER = "later"  # failed for now (a timeout, 429, 5xx, truncated): tried again next run
OLD = "old"  # dated before --since
NOT = "not"  # skipped (not a statement) or failed for good (404, robots.txt, too large)

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Run:
    source: Source
    folder: Path
    client: Client
    state: State
    log: Log
    since: dt.date | None = None
    refresh: bool = False
    tried: dict[str, str] = field(default_factory=dict)  # statement URL -> what it came to this run

    def get(self, url: str, *, conditional: bool) -> Response:
        """``url``, asked for with the ETag and Last-Modified its last response gave when ``conditional``."""
        known = self.state.validators(url) if conditional else {"etag": "", "last_modified": ""}
        return self.client.get(url, etag=known["etag"], last_modified=known["last_modified"])

    def facts(self, url: str, **more) -> dict:
        """A sidecar's facts: ``more`` (importer, title, date), then the URL, retrieval time and licence."""
        return {**more, "source_url": url, "retrieved": now(), "licence": self.source.licence}

    def note(self) -> str:
        return f"Fetched by `python -m analysis fetch {self.source.name}` (Refrain); the file beside it is as served."

    def failed(self, url: str, exc: FetchError, *, pending: bool = True) -> str:
        """Log ``exc`` for ``url``; one that may pass later is :data:`LATER` (and, when ``pending``,
        remembered to be tried again first next run)."""
        self.log.add(url, "failed", reason=str(exc))
        if exc.transient and pending:
            self.state.later(url, str(exc))
        else:
            self.state.done(url)
        return LATER if exc.transient else NOT

    def too_old(self, url: str, day: dt.date | None, where: str = "") -> bool:
        """Whether ``day`` is before --since (logged as skipped when it is)."""
        if self.since is None or day is None or day >= self.since:
            return False
        self.log.add(url, "skipped", reason=f"dated {day}{where}, before --since {self.since}")
        return True


def html_problem(content_type: str, body: bytes) -> str:
    """Why a response is no HTML page to store ("" when it is one): its type, or bytes that are no markup."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        return f"not HTML (Content-Type: {kind})"
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<") or b"\x00" in head:
        return "not HTML (the body is no markup)"
    return ""
