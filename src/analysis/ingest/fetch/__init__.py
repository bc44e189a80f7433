"""``python -m analysis fetch [SOURCE ...] [--since DATE]``: download new statements into the raw folder.

The sources are configured in ``config/fetch.yaml`` (:mod:`analysis.ingest.fetch.sources`; ``docs/fetch.md``
describes every key): en.kremlin.ru transcripts (list pages and the pages they link to, stored as
served) and any RSS or Atom feed. Each statement becomes one file in the source's folder under the raw
folder, with a ``.meta.yaml`` sidecar naming its URL, retrieval time and licence; the next ingest
reads it like any other raw file.

Polite and safe (:mod:`analysis.ingest.fetch.client`): robots.txt obeyed, a delay between requests to a
host, conditional requests (ETag, Last-Modified), retries with backoff on 429 and 5xx (Retry-After
honoured), timeouts, a size cap, redirects only to http(s). Resumable: a statement already stored is
not downloaded again (``--refresh`` asks each stored Kremlin page again, conditionally), and a run
that stopped half-way goes on where it stopped; walking a Kremlin list stops at the first page whose
transcripts are all stored, or older than ``--since``. A raw file is never overwritten: a page that
changed is stored beside it as a new version and listed. Every URL ends in the log
(``build/fetch/<source>-log.csv``) as saved, new version, unchanged, stored before, skipped (with why)
or failed (with why); a summary goes to stderr. The exit status is 1 when a source could not be read
at all (its list or feed failed).
"""

from __future__ import annotations

import datetime as dt
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis import config
from analysis.errors import ParameterError
from analysis.ingest.fetch import sources as src
from analysis.ingest.fetch.client import Client, FetchError
from analysis.ingest.fetch.store import Log, State, now, save, slug_name, versions
from analysis.params import Command, Params, param
from analysis.selection import iso_date


@dataclass(frozen=True)
class FetchParams(Params):
    sources: list[str] = param([], "sources of the fetch configuration to fetch; none for all", positional=True)
    since: str = param("", "only statements dated on or after this day, YYYY-MM-DD; empty for any")
    refresh: bool = param(
        False, "ask again for each stored Kremlin page (conditionally); a changed one is a new version"
    )
    raw_dir: str = param("", "raw folder the statements go to (each source in its folder); empty for data/raw")
    fetch_config: str = param("", "the sources' configuration; empty for config/fetch.yaml")
    state_dir: str = param("", "where what was fetched is remembered and logged; empty for build/fetch")

    def validate(self) -> None:
        if self.since:
            iso_date(self.since, "since")


@dataclass
class Run:
    """One source's run: where it writes, its client, state and log."""

    source: src.Source
    folder: Path
    client: Client
    state: State
    log: Log
    since: dt.date | None
    refresh: bool

    def facts(self, url: str, **more) -> dict:
        return {**more, "source_url": url, "retrieved": now(), "licence": self.source.licence}

    def note(self) -> str:
        return f"Fetched by `python -m analysis fetch {self.source.name}` (Refrain); the file beside it is as served."


def fetch(params: FetchParams) -> dict[str, Log]:
    """Fetch each source ``params`` names (all configured ones when none): its log by name."""
    configured = src.load(Path(params.fetch_config) if params.fetch_config else None)
    names = params.sources or list(configured)
    unknown = [n for n in names if n not in configured]
    if unknown:
        raise ParameterError(f"no source {unknown[0]!r} in the fetch configuration (sources: {', '.join(configured)})")
    raw = Path(params.raw_dir or config.RAW_DIR)
    state_dir = Path(params.state_dir or config.BUILD_DIR / "fetch")
    since = dt.date.fromisoformat(params.since) if params.since else None
    logs = {}
    for name in names:
        source = configured[name]
        client = Client(
            delay=source.delay,
            timeout=source.timeout,
            max_bytes=source.max_bytes,
            retries=source.retries,
            backoff=source.backoff,
        )
        run = Run(
            source, raw / source.folder, client, State.load(state_dir / f"{name}.json"), Log(), since, params.refresh
        )
        (kremlin if source.kind == "kremlin" else feed)(run)
        run.log.write(state_dir / f"{name}-log.csv")
        logs[name] = run.log
    return logs


def kremlin(run: Run) -> None:
    """Walk each list, newest first, page by page; store each transcript page not stored yet."""
    for base in run.source.urls:
        for n in range(1, run.source.max_pages + 1):
            url = src.list_page(base, n)
            try:
                page = run.client.get(url)
            except FetchError as exc:
                run.log.add(url, "failed", reason=f"list page: {exc}")
                break
            links = src.kremlin_links(page.body, page.url)
            run.log.add(url, "list", reason=f"{len(links)} transcript links")
            fresh = [_kremlin_page(run, pid, link) for pid, link in links]
            if not any(fresh):  # every transcript here is stored (or too old): the rest of the list is too
                break


def _kremlin_page(run: Run, pid: str, url: str) -> bool:
    """Store one transcript page; True when it was new (or a new version) and not older than --since, or
    failed for now (a timeout, a 5xx): the list is walked further."""
    stored = versions(run.folder, pid, ".html")
    if stored and not run.refresh:
        run.log.add(url, "stored before", stored[-1])
        return False
    try:
        known = run.state.validators(url) if stored else {}
        page = run.client.get(url, etag=known.get("etag", ""), last_modified=known.get("last_modified", ""))
    except FetchError as exc:
        run.log.add(url, "failed", reason=str(exc))
        return exc.transient  # may come next time: the list goes on (a 404 or robots.txt will not)
    if page.status == 304:
        run.log.add(url, "unchanged", stored[-1], "304 not modified")
        return False
    final = src.KREMLIN_LINK.search(urllib.parse.urlsplit(page.url).path)
    if final and final.group(1) != pid:  # redirected to another transcript: stored under its own id
        pid, stored = final.group(1), versions(run.folder, final.group(1), ".html")
        if stored and not run.refresh:
            run.log.add(url, "stored before", stored[-1], f"redirected to {page.url}")
            return False
    day = src.kremlin_date(page.body)
    if run.since and day and day < run.since:
        run.log.add(url, "skipped", reason=f"dated {day}, before --since {run.since}")
        return False
    if not src.is_transcript(page.body):
        run.log.add(url, "skipped", reason="not a transcript page (no article body)")
        return False
    outcome, path = save(run.folder, pid, ".html", page.body, run.facts(url, importer="kremlin"), run.note())
    run.state.remember(url, page.etag, page.last_modified)
    run.log.add(url, outcome, path or (stored[-1] if stored else ""))
    return outcome != "unchanged"


def feed(run: Run) -> None:
    """Each item of each feed not stored yet: its text as a Markdown statement, or its linked page."""
    for url in run.source.urls:
        try:
            known = run.state.validators(url)
            page = run.client.get(url, etag=known["etag"], last_modified=known["last_modified"])
        except FetchError as exc:
            run.log.add(url, "failed", reason=f"feed: {exc}")
            continue
        if page.status == 304:
            run.log.add(url, "unchanged", reason="304 not modified: no new items")
            continue
        try:
            items = src.feed_items(page.body)
        except ValueError as exc:
            run.log.add(url, "failed", reason=f"feed: {exc}")
            continue
        run.log.add(url, "feed", reason=f"{len(items)} items")
        for item in items:
            _item(run, item)
        run.state.remember(url, page.etag, page.last_modified)


def _item(run: Run, item: src.Item) -> None:
    if not item.link or not item.link.startswith(("http://", "https://")):
        run.log.add(item.link or item.title[:80], "skipped", reason="the item has no http(s) link")
        return
    if run.since and item.date and item.date < run.since:
        run.log.add(item.link, "skipped", reason=f"dated {item.date}, before --since {run.since}")
        return
    stem = slug_name(item.title, item.link, item.date)
    suffix = ".html" if run.source.follow else ".md"
    stored = versions(run.folder, stem, suffix)
    if stored:
        run.log.add(item.link, "stored before", stored[-1])
        return
    if run.source.follow:
        try:
            body = run.client.get(item.link).body
        except FetchError as exc:
            run.log.add(item.link, "failed", reason=str(exc))
            return
        facts = run.facts(item.link, **({"importer": run.source.importer} if run.source.importer else {}))
    else:
        text = _statement(run, item)
        if text is None:
            return
        body, facts = text, run.facts(item.link)
    outcome, path = save(run.folder, stem, suffix, body, facts, run.note())
    run.log.add(item.link, outcome, path or "")


def _statement(run: Run, item: src.Item) -> bytes | None:
    """A feed item as a Markdown statement with front matter (the plaintext importer's), or None."""
    text = src.paragraphs(item.text)
    if not text or not item.date or not item.title:
        missing = "text" if not text else "date" if not item.date else "title"
        run.log.add(item.link, "skipped", reason=f"the item has no {missing}")
        return None
    front = {"title": item.title, "date": item.date.isoformat(), **run.source.front_matter}
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return ("---\n" + head + "---\n" + "\n\n".join(text) + "\n").encode("utf-8")


def _run(params: FetchParams) -> int:
    logs = fetch(params)
    failed_sources = 0
    for name, log in logs.items():
        outcomes = ("saved", "new version", "unchanged", "stored before", "skipped", "failed")
        counts = ", ".join(f"{log.count(o)} {o}" for o in outcomes if log.count(o))
        print(f"fetch {name}: {counts or 'nothing to do'}", file=sys.stderr)
        for row in log.rows:
            if row["outcome"] in ("failed", "new version"):
                print(f"  {row['outcome']} {row['url']}: {row['reason'] or row['file']}", file=sys.stderr)
        if any(r["outcome"] == "failed" and r["reason"].startswith(("list page", "feed")) for r in log.rows):
            failed_sources += not any(r["outcome"] in ("list", "feed") for r in log.rows)
    return 1 if failed_sources else 0


COMMAND = Command("fetch", "download new statements into the raw folder (config/fetch.yaml)", FetchParams, _run)
