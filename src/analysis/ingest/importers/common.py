"""Small helpers shared by the importers that read YAML metadata."""

from __future__ import annotations

import datetime as dt

from analysis.errors import IngestError


def require(meta: dict, key: str) -> str:
    """A required metadata value, or an :class:`IngestError` naming the missing key."""
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IngestError(f"no-{key.replace('_', '-')}", f"metadata has no {key!r}")
    return str(value).strip()


def meta_date(meta: dict) -> dt.date:
    """The statement's date from metadata (``date``, or ``remarks_date``), as a date."""
    value = meta.get("date") or meta.get("remarks_date")
    if value is None:
        raise IngestError("no-date", "no date: metadata has no 'date'")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise IngestError("bad-date", f"unreadable date {value!r} (expected YYYY-MM-DD)") from exc
