"""What :mod:`analysis.ingest.fetch` downloads: the sources of ``config/fetch.yaml``, and the statements
found on en.kremlin.ru list pages and in RSS 2.0 and Atom feeds.

A source is ``kind: kremlin`` (list pages, newest first, paginated ``<list>/page/N``; each transcript
page saved as served, read later by the Kremlin importer) or ``kind: feed`` (an RSS or Atom feed; each
item saved as a Markdown statement with YAML front matter from the item's title, date, link and text,
or, with ``follow: true``, the page the item links to saved as served). Every key is checked when the
file is read: an unknown or wrong one is an error naming the file, the source and the key.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from analysis import config, safe_yaml
from analysis.errors import ParameterError

CONFIG_FILE = config.CONFIG_DIR / "fetch.yaml"
KINDS = ("kremlin", "feed")
KREMLIN_LINK = re.compile(r"/events/president/(?:transcripts|news)/(\d+)/?$")


@dataclass(frozen=True)
class Source:
    """One configured source (see ``config/fetch.yaml`` for each key's meaning)."""

    name: str
    kind: str
    urls: tuple[str, ...]
    folder: str
    licence: str
    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_pages: int = 5
    retries: int = 3
    backoff: float = 1.0
    follow: bool = False
    importer: str = ""  # the sidecar's ``importer:`` for a saved page (kremlin; a followed feed link)
    front_matter: dict = field(default_factory=dict)  # a feed item's defaults: speaker, source, language


KEYS = {
    "kind": str,
    "urls": list,
    "folder": str,
    "licence": str,
    "delay": float,
    "timeout": float,
    "max_bytes": int,
    "max_pages": int,
    "retries": int,
    "backoff": float,
    "follow": bool,
    "importer": str,
    "front_matter": dict,
}


def load(path: Path | None = None) -> dict[str, Source]:
    """The sources of ``path`` (``config/fetch.yaml``) by name; :class:`ParameterError` naming the file,
    source and key of a mistake."""
    path = Path(path or CONFIG_FILE)
    if not path.is_file():
        raise ParameterError(f"{path}: no such file (the sources to fetch are configured there)")
    data = safe_yaml.load(path.read_bytes(), what=str(path)) or {}
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict) or not sources:
        raise ParameterError(f"{path}: needs `sources:`, a mapping of source names to their settings")
    return {str(name): _source(path, str(name), spec) for name, spec in sources.items()}


def _source(path: Path, name: str, spec) -> Source:
    where = f"{path}: source {name!r}"
    if not isinstance(spec, dict):
        raise ParameterError(f"{where} must be a mapping of settings")
    for key, value in spec.items():
        kind = KEYS.get(str(key))
        if kind is None:
            raise ParameterError(f"{where}: unknown key {key!r} (keys: {', '.join(KEYS)})")
        ok = isinstance(value, kind) or (kind is float and isinstance(value, int) and not isinstance(value, bool))
        if not ok or (kind is not bool and isinstance(value, bool)):
            raise ParameterError(f"{where}: {key} must be {kind.__name__}; got {value!r}")
    for key in ("kind", "urls", "folder", "licence"):
        if not spec.get(key):
            raise ParameterError(f"{where}: {key} is required")
    if spec["kind"] not in KINDS:
        raise ParameterError(f"{where}: kind must be one of {', '.join(KINDS)}; got {spec['kind']!r}")
    urls = tuple(str(u) for u in spec["urls"])
    bad = [u for u in urls if urllib.parse.urlsplit(u).scheme not in ("http", "https")]
    if bad:
        raise ParameterError(f"{where}: not an http(s) URL: {bad[0]!r}")
    folder = str(spec["folder"])
    if Path(folder).is_absolute() or ".." in Path(folder).parts:
        raise ParameterError(f"{where}: folder must be a folder inside the raw folder; got {folder!r}")
    values = {k: spec[k] for k in KEYS if k in spec and k not in ("urls",)}
    values.setdefault("importer", "kremlin" if spec["kind"] == "kremlin" else "")
    return Source(name=name, urls=urls, **values)


# --- en.kremlin.ru list pages ----------------------------------------------------------------------


def list_page(url: str, page: int) -> str:
    """The ``page``-th list page (1: the list itself; 2: ``<list>/page/2``)."""
    return url if page == 1 else url.rstrip("/") + f"/page/{page}"


def kremlin_links(html: bytes, base: str) -> list[tuple[str, str]]:
    """The transcript pages a list page links to, in its order, once each: (page id, absolute URL)."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    seen: dict[str, str] = {}
    for a in tree.css("a[href]"):
        url = urllib.parse.urljoin(base, a.attributes.get("href") or "")
        m = KREMLIN_LINK.search(urllib.parse.urlsplit(url).path)
        if m and m.group(1) not in seen:
            seen[m.group(1)] = url
    return list(seen.items())


def is_transcript(html: bytes) -> bool:
    """Whether a page has the article body the Kremlin importer reads."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    return tree.css_first("[itemprop=articleBody]") is not None


def kremlin_date(html: bytes) -> dt.date | None:
    """A transcript page's date, as the Kremlin importer reads it (None when it has none)."""
    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    node = tree.css_first("time.read__published") or tree.css_first(".read__status time[datetime]")
    value = (node.attributes.get("datetime") or "") if node is not None else ""
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# --- RSS and Atom --------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass(frozen=True)
class Item:
    """One feed item: its link (the statement's source URL), title, date, and text (HTML or plain)."""

    link: str
    title: str
    date: dt.date | None
    text: str


def feed_items(data: bytes) -> list[Item]:
    """The items of an RSS 2.0 or Atom feed, in the feed's order; :class:`ValueError` for a document that
    is neither (or declares a DOCTYPE: entities are not expanded)."""
    if b"<!DOCTYPE" in data[:2048].upper():
        raise ValueError("the feed declares a DOCTYPE (refused: entity expansion)")
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
    link = next(
        (a.get("href", "") for a in e.findall(f"{ATOM}link") if a.get("rel", "alternate") == "alternate"),
        "",
    )
    text = e.findtext(f"{ATOM}content") or e.findtext(f"{ATOM}summary") or ""
    when = e.findtext(f"{ATOM}published") or e.findtext(f"{ATOM}updated") or ""
    return Item(link.strip(), (e.findtext(f"{ATOM}title") or "").strip(), _iso_date(when), text)


def _rss_item(i: ET.Element) -> Item:
    text = i.findtext(CONTENT) or i.findtext("description") or ""
    return Item(
        (i.findtext("link") or "").strip(), (i.findtext("title") or "").strip(), _rfc822(i.findtext("pubDate")), text
    )


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


def paragraphs(text: str) -> list[str]:
    """A feed item's text (HTML or plain) as paragraphs of plain text."""
    if "<" not in text:
        return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    tree = LexborHTMLParser(f"<body>{text}</body>")
    blocks = [
        n.text(separator="").strip() for n in tree.css("p, li, blockquote, h1, h2, h3")
    ]  # inline tags add no space
    blocks = [b for b in blocks if b]
    if not blocks and tree.body is not None:
        blocks = [tree.body.text(separator="").strip()]
    return [" ".join(b.split()) for b in blocks if b.strip()]
