"""en.kremlin.ru transcripts for :mod:`analysis.ingest.fetch`: list pages walked newest first, each
transcript page stored as served (``<id>.html``), read later by the Kremlin importer unchanged.

A list (``…/events/president/transcripts``) is paginated ``<list>/page/2``, ``/page/3``…; it links to
pages ``/events/president/transcripts/NNNNN`` (or ``/news/NNNNN``) on its own host, the id shared with
the archive's ``NNNNN.html``. The walk stops at the first list page with nothing new on it (every
transcript stored before), at one whose transcripts are older than ``--since`` (by the date the list
prints beside a link, else the page's own), or after ``max_pages``; a walk that was interrupted goes on
next time at least as far as it had come. List pages are asked for conditionally: a 304 is a page with
nothing new. A statement that failed for now (timeout, 429, 5xx, truncated) is tried again first next run.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from analysis.ingest.fetch.client import FetchError, Response
from analysis.ingest.fetch.run import KNOWN, LATER, NEW, NOT, OLD, Run, html_problem
from analysis.ingest.fetch.store import save, versions

LINK = re.compile(r"/events/president/(?:transcripts|news)/(\d+)/?$")


@dataclass(frozen=True)
class Link:
    pid: str  # the page id, shared with the archive's NNNNN.html
    url: str
    date: dt.date | None  # as the list page prints it beside the link, if it does


def walk(run: Run) -> None:
    """The statements that failed for now last time, then each list of the source."""
    for url in list(run.state.pending):
        m = LINK.search(urllib.parse.urlsplit(url).path)
        if m is None:
            run.state.done(url)
        else:
            statement(run, Link(m.group(1), url, None))
    for base in run.source.urls:
        _walk_list(run, base)


def _walk_list(run: Run, base: str) -> None:
    reach = run.state.walk_starts(base)
    for n in range(1, run.source.max_pages + 1):
        found = _list_page(run, base, n)
        if found is None:  # the list page failed: the walk is unfinished, the next one comes this far
            return
        run.state.walked(base, n)
        if not found or OLD in found or (n >= reach and not {NEW, LATER} & set(found)):
            break  # the list ends, reaches --since, or holds nothing new (and no walk was interrupted further on)
    run.state.walk_finished(base)


def _list_page(run: Run, base: str, n: int) -> list[str] | None:
    """What each statement the ``n``-th list page links to came to; None when the page failed."""
    url = list_page(base, n)
    try:
        page = run.get(url, conditional=not run.refresh)
    except FetchError as exc:
        if n > 1 and exc.status == 404:
            run.log.add(url, "list", reason="HTTP 404: the list ends here")
            return []
        run.log.add(url, "failed", reason=f"list page: {exc}")
        return None
    run.log.read += 1
    if page.status == 304:
        run.log.add(url, "unchanged", reason="304 not modified: nothing new on this list page")
        return [KNOWN]
    found = links(page.body, page.url)
    run.log.add(url, "list", reason=f"{len(found)} transcript links")
    outcomes = [statement(run, link) for link in found]
    if not {LATER, OLD} & set(outcomes):  # every link on it done: a 304 next time means nothing new
        run.state.remember(url, page.etag, page.last_modified)
    return outcomes


def statement(run: Run, link: Link) -> str:
    """Store one transcript page unless it is stored (``--refresh``: ask again, conditionally)."""
    if link.url in run.tried:  # asked already this run (it was pending): nothing new for the walk
        return OLD if run.tried[link.url] == OLD else KNOWN
    if run.too_old(link.url, link.date, " on the list page"):
        return OLD
    stored = versions(run.folder, link.pid, ".html")
    if stored and not run.refresh:
        run.log.add(link.url, "stored before", stored[-1])
        run.state.done(link.url)
        outcome = KNOWN
    else:
        outcome = _fetch(run, link, bool(stored))
    run.tried[link.url] = outcome
    return outcome


def _fetch(run: Run, link: Link, stored: bool) -> str:
    try:
        page = run.get(link.url, conditional=stored)
    except FetchError as exc:
        return run.failed(link.url, exc)
    if page.status == 304:
        run.log.add(link.url, "unchanged", versions(run.folder, link.pid, ".html")[-1], "304 not modified")
        run.state.done(link.url)
        return KNOWN
    return _keep(run, link, page)


def _keep(run: Run, link: Link, page: Response) -> str:
    problem = html_problem(page.content_type, page.body) or _not_transcript(page.body)
    if problem:
        run.log.add(link.url, "skipped", reason=problem)
        run.state.done(link.url)
        return NOT
    if b"</html>" not in page.body[-4096:].lower():
        return run.failed(link.url, FetchError("truncated HTML: no closing </html>", transient=True))
    if run.too_old(link.url, page_date(page.body)):
        return OLD
    pid = page_id(page) or link.pid
    stored = versions(run.folder, pid, ".html")
    if pid != link.pid and stored and not run.refresh:  # redirected to a transcript stored before
        run.log.add(link.url, "stored before", stored[-1], f"the page is {pid}")
        run.state.done(link.url)
        return KNOWN
    facts = run.facts(page.url, importer=run.source.importer or "kremlin")  # the URL it was served from
    outcome, path = save(run.folder, pid, ".html", page.body, facts, run.note())
    run.state.remember(link.url, page.etag, page.last_modified)
    run.state.done(link.url)
    run.log.add(link.url, outcome, path or (stored[-1] if stored else ""))
    return KNOWN if outcome == "unchanged" else NEW


# --- pages ----------------------------------------------------------------------------------------


def list_page(url: str, page: int) -> str:
    """The ``page``-th list page (1: the list itself; 2: ``<list>/page/2``)."""
    return url if page == 1 else url.rstrip("/") + f"/page/{page}"


def links(html: bytes, base: str) -> list[Link]:
    """The transcript pages a list page links to on its own host, in its order, once each, with the
    date printed beside each (a ``time[datetime]`` around the link and no other transcript's)."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    host = urllib.parse.urlsplit(base).netloc
    seen: dict[str, Link] = {}
    for a in tree.css("a[href]"):
        url = urllib.parse.urljoin(base, (a.attributes.get("href") or "").strip())
        parts = urllib.parse.urlsplit(url)
        m = LINK.search(parts.path)
        if m and parts.netloc == host and parts.scheme in ("http", "https") and m.group(1) not in seen:
            seen[m.group(1)] = Link(m.group(1), url.split("#", 1)[0], _date_beside(a))
    return list(seen.values())


def _date_beside(a: LexborNode) -> dt.date | None:
    node: LexborNode | None = a
    for _ in range(4):
        if node is None:
            return None
        time = node.css_first("time[datetime]")
        if time is not None:
            return _iso(time.attributes.get("datetime") or "")
        node = node.parent
        if node is not None and len({_link_id(x) for x in node.css("a[href]")} - {None}) > 1:
            return None  # this holds other transcripts' links too: a date here is not this one's
    return None


def _link_id(a: LexborNode) -> str | None:
    m = LINK.search(urllib.parse.urlsplit(a.attributes.get("href") or "").path)
    return m.group(1) if m else None


def _not_transcript(html: bytes) -> str:
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    return "" if tree.css_first("[itemprop=articleBody]") is not None else "not a transcript page (no article body)"


def page_id(page: Response) -> str:
    """The id the page names itself by (its ``og:url``, as the Kremlin importer reads it), else that of the
    URL it was served from (after redirects), else ""."""
    tree = LexborHTMLParser(page.body.decode("utf-8", "replace"))
    og = tree.css_first('meta[property="og:url"]')
    m = re.search(r"/(\d+)/?$", (og.attributes.get("content") or "") if og is not None else "")
    if m:
        return m.group(1)
    m = LINK.search(urllib.parse.urlsplit(page.url).path)
    return m.group(1) if m else ""


def page_date(html: bytes) -> dt.date | None:
    """A transcript page's date, as the Kremlin importer reads it (None when it has none)."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    node = tree.css_first("time.read__published") or tree.css_first(".read__status time[datetime]")
    return _iso((node.attributes.get("datetime") or "") if node is not None else "")


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
