"""Metadata of the importers that read YAML (front matter, sidecars): typed, checked, named in errors."""

from __future__ import annotations

import datetime as dt

from analysis.errors import IngestError

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
        raise IngestError("bad-metadata", f"metadata {key!r} must be text, got a {kind}: {value!r}")
    text = str(value).strip()
    if any(ord(c) < 32 for c in text):
        raise IngestError("bad-metadata", f"metadata {key!r} contains control characters: {text!r}")
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
        raise IngestError("bad-date", f"unreadable date {value!r} (expected YYYY-MM-DD)") from exc


def check_date(date: dt.date) -> dt.date:
    """``date``, or :class:`IngestError` when it is in the future or before :data:`EARLIEST`."""
    if date > dt.date.today():
        raise IngestError("bad-date", f"date {date.isoformat()} is in the future")
    if date < EARLIEST:
        raise IngestError("bad-date", f"date {date.isoformat()} is before {EARLIEST.year}")
    return date
