"""Metadata of the importers that read YAML (front matter, sidecars): typed, checked, named in errors."""

from __future__ import annotations

import datetime as dt
import re

from analysis.errors import IngestError
from analysis.safe_yaml import shorten

EARLIEST = dt.date(1700, 1, 1)  # no statement of a modern leader is older
TEXT_KEYS = (
    "title",
    "speaker",
    "source",
    "source_url",
    "language",
    "licence",
    "place",
    "kind",
    "outlet",
    "doc_id",
    "id",
    "translated_from",
    "importer",
    "format",
    "heading_pattern",
)


def require(meta: dict, key: str) -> str:
    """A required metadata value, or an :class:`IngestError` naming the missing key."""
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IngestError(f"no-{key.replace('_', '-')}", f"metadata has no {key!r}")
    return text_value(meta, key) or ""


def text_value(meta: dict, key: str) -> str | None:
    """An optional text value; :class:`IngestError` naming the field and the value when it is not text.

    YAML turns some bare values into other types: a number or a date is accepted as its text, a
    list or a mapping (``title: [a, b, c]``) is refused, never stored as ``"['a', 'b', 'c']"``.
    """
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (bool, list, dict, set, tuple)):
        kind = type(value).__name__
        raise IngestError("bad-metadata", f"metadata {key!r} must be text, got a {kind}: {shorten(value)}")
    text = str(value).strip()
    if any(ord(c) < 32 for c in text):
        raise IngestError("bad-metadata", f"metadata {key!r} contains control characters: {shorten(text)}")
    return text


def check_text_fields(meta: dict) -> None:
    """Every known text field of ``meta`` is text (see :func:`text_value`)."""
    for key in TEXT_KEYS:
        text_value(meta, key)


def meta_date(meta: dict) -> dt.date:
    """The statement's date from metadata (``date``, or ``remarks_date``), as a checked date."""
    value = meta.get("date") or meta.get("remarks_date")
    if value is None:
        raise IngestError("no-date", "no date: metadata has no 'date'")
    if isinstance(value, dt.datetime):
        return check_date(value.date())
    if isinstance(value, dt.date):
        return check_date(value)
    try:
        return check_date(dt.date.fromisoformat(str(value).strip()))
    except ValueError as exc:
        raise IngestError("bad-date", f"unreadable date {shorten(value)} (expected YYYY-MM-DD)") from exc


def check_date(date: dt.date) -> dt.date:
    """``date``, or :class:`IngestError` when it is in the future or before :data:`EARLIEST`."""
    if date > dt.date.today():
        raise IngestError("bad-date", f"date {date.isoformat()} is in the future")
    if date < EARLIEST:
        raise IngestError("bad-date", f"date {date.isoformat()} is before {EARLIEST.year}")
    return date


# --- facts from a source profile, a file's name and its first lines ------------------------------

PATTERN_SECONDS = 0.5  # a user's pattern may take this long on one line, no more
PROFILE_ONLY = ("file_name", "header")  # profile keys that describe how to read facts, not facts


def user_pattern(pattern: object, key: str):
    """A regular expression from metadata, compiled by the ``regex`` module (matched with a time limit)."""
    import regex

    if not isinstance(pattern, str):
        raise IngestError(
            "bad-metadata", f"metadata {key!r} must be a regular expression (text), got {shorten(pattern)}"
        )
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise IngestError("bad-metadata", f"{key} {pattern!r} is not a regular expression: {exc}") from exc


def match_limited(compiled, text: str, key: str, *, search: bool = False, where: str = ""):
    """``compiled.match`` (or ``.search``) with the time limit; :class:`IngestError` when it runs over."""
    try:
        run = compiled.search if search else compiled.match
        return run(text, timeout=PATTERN_SECONDS)
    except TimeoutError as exc:
        at = f" {where}" if where else ""
        raise IngestError(
            "bad-metadata", f"{key} {compiled.pattern!r} took longer than {PATTERN_SECONDS:g} s{at}: simplify it"
        ) from exc


def facts_from_name(profile: dict, name: str) -> dict:
    """Named groups of the profile's ``file_name`` pattern, searched in the file's name."""
    pattern = profile.get("file_name")
    if pattern is None:
        return {}
    m = match_limited(user_pattern(pattern, "file_name"), name, "file_name", search=True)
    if m is None:
        raise IngestError("bad-metadata", f"the file name does not match the profile's file_name {pattern!r}")
    return {k: v for k, v in m.groupdict().items() if v is not None}


def facts_from_header(profile: dict, text: str) -> tuple[dict, str]:
    """Facts on the file's first lines (the profile's ``header`` patterns), and the text without them.

    Lines are read from the top while each (after blank lines) matches one of the patterns.
    """
    patterns = profile.get("header")
    if not patterns:
        return {}, text
    if isinstance(patterns, str):
        patterns = [patterns]
    compiled = [user_pattern(p, "header") for p in patterns]
    facts: dict = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        m = next((m for c in compiled if (m := match_limited(c, line, "header")) is not None), None)
        if m is None:
            break
        facts.update({k: v.strip() for k, v in m.groupdict().items() if v is not None})
        i += 1
    return facts, "\n".join(lines[i:])


_SMALL_WORDS = frozenset(
    """
    a an and as at by for from in of on or the to vs with
    """.split()
)
_MONTHS = "january february march april may june july august september october november december".split()


def title_from_slug(slug: str) -> str:
    """``address-west-point-graduation`` -> "Address West Point Graduation"."""
    words = [w for w in slug.replace("_", "-").split("-") if w]
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")
URL_MAX = 2_000  # characters of a filled source_url: a link, not a document


def fill_template(template: str, meta: dict, date: dt.date, stem: str) -> str:
    """A ``source_url`` template filled from the statement's facts: ``{year}``, ``{month}`` (its English
    name, lower case), ``{month_number}``, ``{day}`` (no leading zero), ``{stem}`` and any named group.

    Placeholders are plain names, nothing else: no attribute or index access, no width or format
    (``{title.__class__}``, ``{year:>300000000}`` are refused), and the result is at most
    :data:`URL_MAX` characters."""
    fields = {
        **{k: str(v) for k, v in meta.items() if isinstance(k, str) and isinstance(v, (str, int))},
        "year": str(date.year),
        "month": _MONTHS[date.month - 1],
        "month_number": f"{date.month:02d}",
        "day": str(date.day),
        "stem": stem,
    }
    where = f"source_url template {shorten(template)}"

    def value(m: re.Match) -> str:
        name = m.group(1)
        if not _NAME_RE.fullmatch(name):
            raise IngestError("bad-metadata", f"{where}: {{{shorten(name)[1:-1]}}} is not a plain placeholder {{name}}")
        if name not in fields:
            raise IngestError("bad-metadata", f"{where}: no value for {{{name}}}")
        return fields[name]

    filled = _PLACEHOLDER_RE.sub(value, template)
    if len(filled) > URL_MAX:
        raise IngestError("bad-metadata", f"{where}: gives {len(filled):,} characters, more than {URL_MAX:,}")
    return filled


def statement_facts(source, text: str) -> tuple[dict, str]:
    """A statement's metadata from its profile (defaults), file name, first lines and sidecar (in that
    order, later ones winning), and its text without the header lines."""
    profile = dict(source.profile or {})
    meta = {k: v for k, v in profile.items() if k not in PROFILE_ONLY}
    meta.update(facts_from_name(profile, source.name))
    header, body = facts_from_header(profile, text)
    meta.update(header)
    meta.update(source.sidecar or {})
    return meta, body
