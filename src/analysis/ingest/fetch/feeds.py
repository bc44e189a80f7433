"""RSS 2.0 and Atom feeds for :mod:`analysis.ingest.fetch`: each item not stored yet becomes a statement.

An item is stored as ``<date>-<title words>-<hash of its link>.md``: YAML front matter (its title and
date, and the source's ``front_matter``: speaker, source, language…) and its text (``content:encoded``,
``content``, else the description or summary) as paragraphs, read by the plaintext importer. With
``follow: true`` the page it links to is stored instead, as served (``.html``), its sidecar naming the
item's title, date and link (and ``importer:`` when the source names one). ``item_filter`` keeps the
items whose title or link it matches; ``--since`` the items dated on or after that day.

A feed is asked for conditionally (a 304: no new items). A document that declares a DOCTYPE is refused
before it is parsed (no entity is ever expanded); so is one that is neither RSS nor Atom.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from dataclasses import dataclass

import yaml
from selectolax.lexbor import LexborHTMLParser

from analysis.ingest.fetch.client import FetchError
from analysis.ingest.fetch.run import KNOWN, LATER, NEW, NOT, OLD, Run, html_problem
from analysis.ingest.fetch.store import save, slug_name, stored_item

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass(frozen=True)
class Item:
    """One feed item: its link (the statement's source URL), title, date, and text (HTML or plain)."""

    link: str
    title: str
    date: dt.date | None
    text: str


def walk(run: Run) -> None:
    """Each item of each feed of the source that is not stored yet."""
    for url in run.source.urls:
        _feed(run, url)


def _feed(run: Run, url: str) -> None:
    try:
        page = run.get(url, conditional=not run.refresh)
    except FetchError as exc:
        run.log.add(url, "failed", reason=f"feed: {exc}")
        return
    if page.status == 304:
        run.log.read += 1
        run.log.add(url, "unchanged", reason="304 not modified: no new items")
        return
    try:
        items = feed_items(page.body)
    except ValueError as exc:
        run.log.add(url, "failed", reason=f"feed: {exc}")
        return
    run.log.read += 1
    run.log.add(url, "feed", reason=f"{len(items)} items")
    outcomes = {_item(run, item, url) for item in items}
    if not {LATER, OLD} & outcomes:  # every item done: a 304 next time means no new items
        run.state.remember(url, page.etag, page.last_modified)


def _item(run: Run, item: Item, feed: str) -> str:
    where = item.link or item.title[:80] or "(an item)"
    pattern = run.source.item_filter
    if not item.link.startswith(("http://", "https://")):
        run.log.add(where, "skipped", reason="the item has no http(s) link")
        return NOT
    if pattern and not (re.search(pattern, item.title) or re.search(pattern, item.link)):
        run.log.add(where, "skipped", reason=f"neither its title nor its link matches item_filter {pattern!r}")
        return NOT
    if run.too_old(item.link, item.date):
        return OLD
    stem = slug_name(item.title, item.link, item.date)
    suffix = ".html" if run.source.follow else ".md"
    stored = stored_item(run.folder, stem, suffix)
    if stored:
        run.log.add(item.link, "stored before", stored[-1])
        return KNOWN
    got = _page(run, item, feed) if run.source.follow else _statement(run, item, feed)
    if isinstance(got, str):
        return got
    outcome, path = save(run.folder, stem, suffix, *got, run.note())
    run.log.add(item.link, outcome, path or "")
    return NEW if path else KNOWN


def _page(run: Run, item: Item, feed: str) -> tuple[bytes, dict] | str:
    """The page an item links to, as served, and its sidecar's facts; or what it came to instead."""
    try:
        page = run.client.get(item.link)
    except FetchError as exc:
        return run.failed(item.link, exc, pending=False)  # tried again with its feed (not remembered meanwhile)
    problem = html_problem(page.content_type, page.body)
    if problem:
        run.log.add(item.link, "skipped", reason=problem)
        return NOT
    more = {"importer": run.source.importer, "title": item.title, "date": item.date.isoformat() if item.date else ""}
    return page.body, {**run.facts(item.link, **{k: v for k, v in more.items() if v}), "feed": feed}


def _statement(run: Run, item: Item, feed: str) -> tuple[bytes, dict] | str:
    """An item as a Markdown statement with front matter (the plaintext importer's) and its sidecar's
    facts; or what it came to instead."""
    text = paragraphs(item.text)
    if not text or not item.date or not item.title:
        missing = "text" if not text else "date" if not item.date else "title"
        run.log.add(item.link, "skipped", reason=f"the item has no {missing}")
        return NOT
    front = {"title": item.title, "date": item.date.isoformat(), **run.source.front_matter}
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    body = ("---\n" + head + "---\n" + "\n\n".join(text) + "\n").encode("utf-8")
    return body, {**run.facts(item.link), "feed": feed}


# --- RSS and Atom --------------------------------------------------------------------------------


class _Declared(Exception):
    pass


class _Root(Exception):
    pass


def _refuse_doctype(data: bytes) -> None:
    """:class:`ValueError` when the document declares a DOCTYPE (its entities are never expanded):
    expat reads only the prolog, stopping at the root element."""
    parser = xml.parsers.expat.ParserCreate()

    def declared(*_args) -> None:
        raise _Declared

    def root(*_args) -> None:
        raise _Root

    parser.StartDoctypeDeclHandler = declared
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _Declared:
        raise ValueError("the feed declares a DOCTYPE (refused: its entities are not expanded)") from None
    except (_Root, xml.parsers.expat.ExpatError):
        return  # the root element is reached (or the document is malformed: the parse says so)


def feed_items(data: bytes) -> list[Item]:
    """The items of an RSS 2.0 or Atom feed, in the feed's order; :class:`ValueError` for a document that
    is neither (or declares a DOCTYPE)."""
    _refuse_doctype(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from None
    if root.tag == f"{ATOM}feed":
        return [_atom_item(e) for e in root.findall(f"{ATOM}entry")]
    if root.tag == "rss":
        return [_rss_item(i) for i in root.findall("channel/item")]
    raise ValueError(f"neither RSS nor Atom (the root element is <{root.tag}>)")


def _atom_item(e: ET.Element) -> Item:
    alternates = [a for a in e.findall(f"{ATOM}link") if a.get("rel", "alternate") == "alternate"]
    link = next((a.get("href", "") for a in alternates), "")
    text = e.findtext(f"{ATOM}content") or e.findtext(f"{ATOM}summary") or ""
    when = e.findtext(f"{ATOM}published") or e.findtext(f"{ATOM}updated") or ""
    return Item(link.strip(), _line(e.findtext(f"{ATOM}title")), _iso_date(when), text)


def _rss_item(i: ET.Element) -> Item:
    text = i.findtext(CONTENT) or i.findtext("description") or ""
    link = (i.findtext("link") or "").strip()
    guid = i.find("guid")
    if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
        link = (guid.text or "").strip()  # a permalink guid stands for a missing <link>
    return Item(link, _line(i.findtext("title")), _rfc822(i.findtext("pubDate")), text)


def _line(text: str | None) -> str:
    return " ".join((text or "").split())


def _iso_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _rfc822(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return _iso_date(value)


_BLOCKS = "p, li, blockquote, h1, h2, h3, h4"


def paragraphs(text: str) -> list[str]:
    """A feed item's text (HTML or plain) as paragraphs of plain text."""
    if "<" not in text:
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    tree = LexborHTMLParser(f"<body>{text}</body>")
    blocks = [  # the innermost blocks (a quote's paragraphs, not the quote and its paragraphs); inline tags: no space
        n.text(separator="").strip()
        for n in tree.css(_BLOCKS)
        if len(n.css(_BLOCKS)) == 1  # itself only
    ]
    blocks = [b for b in blocks if b]
    if not blocks and tree.body is not None:
        blocks = [tree.body.text(separator="").strip()]
    return [" ".join(b.split()) for b in blocks if b.strip()]
