"""The sources :mod:`analysis.ingest.fetch` downloads from, as ``config/fetch.yaml`` configures them.

``sources:`` is a mapping of names to settings, or a list of settings each with its ``name``. A source is
``kind: kremlin`` (en.kremlin.ru list pages, newest first, paginated ``<list>/page/N``; each transcript
page saved as served, read later by the Kremlin importer) or ``kind: feed`` (an RSS 2.0 or Atom feed;
each item saved as a Markdown statement with YAML front matter from the item's title, date and text, or,
with ``follow: true``, the page the item links to saved as served). Every key is checked when the file
is read (:data:`KEYS`): an unknown, misplaced or wrong one is a :class:`ParameterError` naming the file,
the source and the key.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config, safe_yaml
from analysis.errors import ParameterError

CONFIG_FILE = config.CONFIG_DIR / "fetch.yaml"
KINDS = ("kremlin", "feed")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Source:
    """One configured source (``docs/fetch.md`` says what each key means)."""

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
    item_filter: str = ""  # feed: a regular expression an item's title or link must match
    front_matter: dict = field(default_factory=dict)  # feed: every statement's facts (speaker, source, language)


#: What the fetch writes itself in a statement's front matter or sidecar (``front_matter`` may not set it).
WRITTEN = ("title", "date", "source_url", "retrieved", "licence", "feed", "importer", "format")

#: key: (type, the kinds it applies to, the least value of a number)
KEYS: dict[str, tuple[type, tuple[str, ...], float | None]] = {
    "name": (str, KINDS, None),
    "kind": (str, KINDS, None),
    "url": (str, KINDS, None),
    "urls": (list, KINDS, None),
    "folder": (str, KINDS, None),
    "licence": (str, KINDS, None),
    "delay": (float, KINDS, 0),
    "timeout": (float, KINDS, 0.001),
    "max_bytes": (int, KINDS, 1),
    "retries": (int, KINDS, 0),
    "backoff": (float, KINDS, 0),
    "importer": (str, KINDS, None),
    "max_pages": (int, ("kremlin",), 1),
    "follow": (bool, ("feed",), None),
    "item_filter": (str, ("feed",), None),
    "front_matter": (dict, ("feed",), None),
}


def load(path: Path | None = None) -> dict[str, Source]:
    """The sources of ``path`` (``config/fetch.yaml``) by name; :class:`ParameterError` naming the file,
    source and key of a mistake."""
    path = Path(path or CONFIG_FILE)
    if not path.is_file():
        raise ParameterError(f"{path}: no such file (the sources to fetch are configured there)")
    data = safe_yaml.load(path.read_bytes(), what=str(path)) or {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: must be a mapping with the key `sources:`")
    extra = [str(k) for k in data if k != "sources"]
    if extra:
        raise ParameterError(f"{path}: unknown key {extra[0]!r} (the file holds only `sources:`)")
    found: dict[str, Source] = {}
    for name, spec in _named(path, data.get("sources")):
        if name in found:
            raise ParameterError(f"{path}: source {name!r} is configured twice")
        found[name] = _source(path, name, spec)
    return found


def _named(path: Path, sources) -> list[tuple[str, dict]]:
    """(name, settings) of each source, from a mapping of names or a list of settings with ``name``."""
    if isinstance(sources, dict) and sources:
        pairs = [(str(name), spec) for name, spec in sources.items()]
    elif isinstance(sources, list) and sources:
        pairs = []
        for n, spec in enumerate(sources, 1):
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
                raise ParameterError(f"{path}: sources, item {n}: needs `name:`, the source's name")
            pairs.append((spec["name"], spec))
    else:
        raise ParameterError(f"{path}: `sources:` must list the sources (a mapping of names to settings, or a list)")
    for name, spec in pairs:
        if not NAME_RE.fullmatch(name):
            raise ParameterError(f"{path}: source {name!r}: a name is letters, digits, '.', '_' or '-'")
        if not isinstance(spec, dict):
            raise ParameterError(f"{path}: source {name!r} must be a mapping of settings")
    return pairs


def _source(path: Path, name: str, spec: dict) -> Source:
    where = f"{path}: source {name!r}"
    for key in ("kind", "folder", "licence"):
        if not spec.get(key):
            raise ParameterError(f"{where}: {key} is required")
    if spec["kind"] not in KINDS:
        raise ParameterError(f"{where}: kind must be one of {', '.join(KINDS)}; got {spec['kind']!r}")
    for key, value in spec.items():
        _check_key(where, spec["kind"], str(key), value)
    urls = _urls(where, spec)
    folder = str(spec["folder"])
    if Path(folder).is_absolute() or ".." in Path(folder).parts or "\\" in folder:
        raise ParameterError(f"{where}: folder must be a folder inside the raw folder; got {folder!r}")
    if spec.get("item_filter"):
        try:
            re.compile(spec["item_filter"])
        except re.error as exc:
            raise ParameterError(f"{where}: item_filter is not a regular expression: {exc}") from None
    written = [str(k) for k in spec.get("front_matter") or {} if k in WRITTEN]
    if written:
        raise ParameterError(f"{where}: front_matter sets {written[0]!r}, which the fetch writes itself")
    if spec.get("importer"):
        _check_importer(where, spec["importer"])
    values = {k: spec[k] for k in KEYS if k in spec and k not in ("name", "url", "urls")}
    values.setdefault("importer", "kremlin" if spec["kind"] == "kremlin" else "")
    return Source(name=name, urls=urls, **values)


def _check_key(where: str, kind: str, key: str, value) -> None:
    known = KEYS.get(key)
    if known is None:
        raise ParameterError(f"{where}: unknown key {key!r} (keys: {', '.join(KEYS)})")
    want, kinds, least = known
    if kind not in kinds:
        raise ParameterError(f"{where}: {key} applies to kind {', '.join(kinds)} only, not {kind}")
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = isinstance(value, want) and (want is bool or not isinstance(value, bool))
    if want is float:
        ok = is_number
    if not ok:
        raise ParameterError(f"{where}: {key} must be {want.__name__}; got {safe_yaml.shorten(value)}")
    if least is not None and value < least:
        raise ParameterError(f"{where}: {key} must be at least {least:g}; got {value!r}")


def _check_importer(where: str, name: str) -> None:
    from analysis.ingest.importers import importers  # loaded only when a source names one

    known = sorted(i.name for i in importers())
    if name not in known:
        raise ParameterError(f"{where}: importer {name!r} is none of the ingest's ({', '.join(known)})")


def _urls(where: str, spec: dict) -> tuple[str, ...]:
    if ("url" in spec) == ("urls" in spec):
        raise ParameterError(f"{where}: give url (one) or urls (a list), one of them")
    urls = [spec["url"]] if "url" in spec else spec["urls"]
    if not urls or not all(isinstance(u, str) and u.strip() for u in urls):
        raise ParameterError(f"{where}: urls must be a list of URLs; got {safe_yaml.shorten(urls)}")
    bad = [u for u in urls if urllib.parse.urlsplit(u.strip()).scheme not in ("http", "https")]
    if bad:
        raise ParameterError(f"{where}: not an http(s) URL: {safe_yaml.shorten(bad[0])}")
    return tuple(u.strip() for u in urls)
