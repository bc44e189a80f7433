"""Tables of statements: CSV, TSV, JSON Lines or Parquet, one row per statement or per turn.

A table is read when its sidecar (``name.meta.yaml``) or its folder's profile says ``format: table``::

    format: table
    columns: {text: speech, speaker: country, date: date, title: title, source_url: url}   # any subset
    defaults: {date: 2021-03-01, title: Address, source: Collected speeches}
    speakers: {RUS: Vladimir Putin}     # optional: values of the speaker column -> person
    group_by: [id]                      # optional: rows with the same values are turns of one statement
    date_format: "%d/%m/%Y"             # optional: how the date column is written (strftime codes)

``columns`` maps a field to the table's column; a field left out is read from a column of its own
name when there is one (``text``, ``speaker``, ``date``, ``title``, ``source_url``, ``source``,
``id``, ``place``, ``language``). ``defaults`` (and the sidecar's own ``source``, ``licence``,
``language``, …) fill what a row lacks. Without ``group_by`` every row is one statement: its id is
its own ``id`` cell (letters, digits, ``.``, ``_`` and ``-`` kept, anything else a ``-``), else
``<file>-r<row>``; rows whose ids collide are listed as duplicates, never merged.

Dates are read as ``YYYY-MM-DD`` (a time after it ignored), or as ``date_format`` says when it is
given (a format that cannot read a whole date is refused naming the file).

A row with no text, no date (after the defaults), a date that cannot be read, or a cell of the wrong
kind (a list, a mapping, NaN or infinity where text belongs; a cell of more than
:data:`FIELD_MAX` characters) is listed in the ingest report with its row number (the first row
after the header is row 1) and the reason; the rest go in. Encoding damage (U+FFFD in the text)
and rows with no speaker are reported as warnings.

Rows are read as a stream and, without ``group_by``, become documents as they are read: a table of
a million rows is never held whole (with ``group_by``, the rows of the table are grouped in memory).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator

from analysis.errors import IngestError
from analysis.ingest.importers.base import Collection, Document, Paragraph, RawSource, strip_controls
from analysis.ingest.importers.common import check_date
from analysis.ingest.importers.tabular import FIELD_MAX, NonFinite, Row, read_rows, without_controls
from analysis.ingest.importers.transcript import doc_id_from_path
from analysis.safe_yaml import shorten
from analysis.speakers import SpeakerRegistry
from analysis.text import normalize_ws

FIELDS = ("text", "speaker", "date", "title", "source_url", "source", "id", "place", "language")
ID_MAX = 200  # characters of a statement id
_PARAGRAPH_RE = re.compile(r"\n\s*\n|\r?\n")
_ISO_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.+\-Z]*)?$")
_ID_RE = re.compile(r"[^\w.\-]+")


def _plan(meta: dict, header: list[str]) -> dict[str, str]:
    """Field -> column: the metadata's ``columns``, else a column of the field's own name."""
    columns = meta.get("columns") or {}
    if not isinstance(columns, dict):
        raise IngestError("bad-metadata", f"metadata 'columns' must map fields to columns, got {shorten(columns)}")
    unknown = sorted(set(map(str, columns)) - set(FIELDS) - {"statement"})
    if unknown:
        raise IngestError(
            "bad-metadata", f"columns: unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})"
        )
    plan = {str(f): str(c) for f, c in columns.items()}
    missing = sorted(c for c in plan.values() if c not in header)
    if missing:
        raise IngestError(
            "bad-metadata",
            f"columns: {', '.join(map(repr, missing))} not in the table (its columns: {', '.join(header[:20])})",
        )
    for f in FIELDS:
        if f not in plan and f in header:
            plan[f] = f
    if "text" not in plan:
        raise IngestError(
            "bad-metadata", f"no text column: map one (columns: {{text: …}}; the table has {header[:20]})"
        )
    return plan


def _date(value, fmt: str | None = None) -> dt.date:
    if isinstance(value, dt.datetime):
        return check_date(value.date())
    if isinstance(value, dt.date):
        return check_date(value)
    if fmt is not None:
        try:
            written = dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError as exc:
            example = _EXAMPLE_DATE.strftime(fmt)
            raise IngestError("bad-date", f"date {shorten(value)} is not written as {fmt} (e.g. {example})") from exc
        return check_date(written)
    m = _ISO_RE.match(str(value).strip())
    try:
        if not m:
            raise ValueError(value)
        return check_date(dt.date.fromisoformat(m.group(1)))
    except ValueError as exc:
        raise IngestError("bad-date", f"unreadable date {shorten(value)} (expected YYYY-MM-DD)") from exc


_EXAMPLE_DATE = dt.date(2021, 3, 14)  # day, month and year all differ: a format that reads it back reads dates


def date_format(meta: dict, source: RawSource) -> str | None:
    """The metadata's ``date_format`` (strftime codes, ``%d/%m/%Y``), checked: it must write and read back a
    whole date; :class:`IngestError` naming the file and where the format was given otherwise."""
    fmt = meta.get("date_format")
    if fmt is None or fmt == "":
        return None
    where = "its .meta.yaml sidecar" if "date_format" in (source.sidecar or {}) else "the profile.yaml of its folder"
    try:
        if not isinstance(fmt, str) or "%" not in fmt:
            raise ValueError("no % codes")
        back = dt.datetime.strptime(_EXAMPLE_DATE.strftime(fmt), fmt).date()
    except ValueError as exc:
        back, why = None, str(exc)
    else:
        why = f"it reads {_EXAMPLE_DATE} back as {back}: a day, month and year are needed"
    if back != _EXAMPLE_DATE:
        raise IngestError(
            "bad-metadata",
            f"{source.name}: date_format {shorten(fmt)} of {where} is not a date format ({why}); "
            "write it in strftime codes, e.g. '%d/%m/%Y'",
        )
    return fmt


class _Cell:
    """Reads a row's fields through the plan, checking each value's kind (the ``row`` it names)."""

    def __init__(self, plan: dict[str, str], defaults: dict) -> None:
        self.plan = plan
        self.defaults = defaults

    def __call__(self, row: dict, field: str, *, default: bool = True):
        column = self.plan.get(field)
        value = row.get(column) if column else None
        if column and value is not None:
            value = _checked(value, column, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            value = self.defaults.get(field) if default else None
        return value


def _checked(value, column: str, field: str):
    """A cell's value if it is of a kind the field can hold; :class:`IngestError` naming the column otherwise."""
    if isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        raise IngestError("bad-cell", f"column {column!r} holds {value!r}, not a value")
    if isinstance(value, (list, tuple, dict, set)):
        kind = "a mapping (a struct)" if isinstance(value, dict) else "a list"
        raise IngestError("bad-cell", f"column {column!r} holds {kind}, not a single value: {shorten(value)}")
    if isinstance(value, (bytes, bytearray)):
        raise IngestError("bad-cell", f"column {column!r} holds binary data, not text")
    if isinstance(value, bool):
        raise IngestError("bad-cell", f"column {column!r} holds {value}, not text")
    if isinstance(value, str) and len(value) > FIELD_MAX:
        raise IngestError("bad-cell", f"column {column!r} holds {len(value):,} characters, more than {FIELD_MAX:,}")
    if isinstance(value, (dt.date, dt.datetime)) and field != "date":
        return value.isoformat()[:10]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def statement_id(value: str) -> str:
    """A row's id as a document id: letters, digits, ``.``, ``_``, ``-`` kept; other runs become ``-``;
    no leading dots or dashes (``../../etc/passwd`` -> ``etc-passwd``); :class:`IngestError` when
    nothing is left."""
    ident = _ID_RE.sub("-", normalize_ws(value)).lstrip(".-").rstrip("-")
    if not ident:
        raise IngestError("bad-id", f"id {shorten(value)} has no letters or digits")
    if len(ident) > ID_MAX:
        raise IngestError("bad-id", f"id {shorten(value)} is {len(ident):,} characters long (at most {ID_MAX})")
    return ident


def parse_table(source: RawSource, *, registry: SpeakerRegistry) -> Collection:
    """Every statement of a table (a stream of documents without ``group_by``), and every row that
    became none (with its number and reason), filled in as the documents are read."""
    meta = {**(source.profile or {}), **(source.sidecar or {})}
    warnings: list[str] = []
    header, rows = read_rows(source, warnings)
    plan = _plan(meta, header)
    defaults = {k: meta[k] for k in ("source", "licence", "language", "kind", "place", "title") if meta.get(k)}
    extra = meta.get("defaults") or {}
    if not isinstance(extra, dict):
        raise IngestError("bad-metadata", f"metadata 'defaults' must map fields to values, got {shorten(extra)}")
    defaults.update(extra)
    speakers = meta.get("speakers") or {}
    if not isinstance(speakers, dict):
        raise IngestError("bad-metadata", f"metadata 'speakers' must map values to names, got {shorten(speakers)}")
    mapping = {str(k).casefold(): str(v) for k, v in speakers.items()}
    group_by = meta.get("group_by") or []
    if isinstance(group_by, str):
        group_by = [group_by]
    if not isinstance(group_by, list) or not all(isinstance(g, str) for g in group_by):
        raise IngestError("bad-metadata", f"metadata 'group_by' must list fields, got {shorten(group_by)}")
    unknown = sorted(set(group_by) - set(plan))
    if unknown:
        raise IngestError("bad-metadata", f"group_by: {', '.join(unknown)} not among the table's fields")
    file_id = doc_id_from_path(re.split(r"\.(?:tar(?:\.\w+)?|tgz|txz|tbz2)/", source.rel)[-1])
    reader = _Reader(source, _Cell(plan, defaults), mapping, file_id, registry, date_format(meta, source))
    out = Collection([], [], warnings)
    # a stream (read once): parse_raw makes it a list unless its caller streams it
    out.documents = reader.documents(rows, group_by, out.rejected)  # type: ignore[assignment]
    return out


class _Reader:
    """Rows to documents, one statement at a time."""

    def __init__(
        self, source: RawSource, cell: _Cell, mapping: dict[str, str], file_id: str, registry, fmt: str | None
    ) -> None:
        self.source, self.cell, self.mapping, self.file_id, self.registry = source, cell, mapping, file_id, registry
        self.date_format = fmt

    def documents(self, rows: Iterator[Row], group_by: list[str], rejected: list) -> Iterator[Document]:
        if not group_by:
            for n, row in rows:
                member = self._checked_row(n, row, rejected)
                if member is not None:
                    doc = self._document([member], rejected)
                    if doc is not None:
                        yield doc
            return
        groups: dict[tuple, list[tuple[int, dict]]] = {}
        for n, row in rows:
            member = self._checked_row(n, row, rejected)
            if member is None:
                continue
            try:
                key = tuple(str(self.cell(member[1], f) or "") for f in group_by)
            except IngestError as exc:
                rejected.append((str(n), f"{exc.code}: {exc.message}"))
                continue
            groups.setdefault(key, []).append(member)
        for members in groups.values():
            doc = self._document(members, rejected)
            if doc is not None:
                yield doc

    def _checked_row(self, n: int, row, rejected: list) -> tuple[int, dict] | None:
        if isinstance(row, str):
            rejected.append((str(n), row))
            return None
        try:
            text = self.cell(row, "text", default=False)
            if text is None or not str(text).strip():
                rejected.append((str(n), "no-text: the row has no text"))
                return None
            date = self.cell(row, "date")
            if date is None:
                rejected.append((str(n), "no-date: no date in the row and no default date"))
                return None
            row["__date"] = _date(date, self.date_format)
        except IngestError as exc:
            rejected.append((str(n), f"{exc.code}: {exc.message}"))
            return None
        return n, row

    def _document(self, members: list[tuple[int, dict]], rejected: list) -> Document | None:
        try:
            return self._build(members)
        except IngestError as exc:  # a cell of the wrong kind: that statement's rows only
            rejected.extend((str(n), f"{exc.code}: {exc.message}") for n, _ in members)
            return None

    def _build(self, members: list[tuple[int, dict]]) -> Document:
        source, cell = self.source, self.cell
        first_n, first = members[0]
        numbers = [n for n, _ in members]
        rows = str(first_n) if len(numbers) == 1 else _ranges(numbers)
        warnings: list[str] = []
        paragraphs: list[Paragraph] = []
        for n, row in members:
            text = strip_controls(str(cell(row, "text", default=False)), warnings, what=f"row {n}'s text")
            if "\ufffd" in text:
                warnings.append(
                    f"row {n}: encoding damage: {text.count(chr(0xFFFD))} replacement character(s) (U+FFFD)"
                )
            speaker, role, printed = self._speaker(cell(row, "speaker"), n, warnings)
            for i, para in enumerate(p for p in (normalize_ws(x) for x in _PARAGRAPH_RE.split(text)) if p):
                paragraphs.append(
                    Paragraph(
                        para,
                        role,
                        speaker=speaker,
                        speaker_label=printed or None,
                        attribution="row" if speaker else "none",
                        new_turn=i == 0,
                    )
                )
        title = cell(first, "title")
        if not title:
            title = f"{source.name}, row {rows}"
            warnings.append(f"row {rows}: no title: {shorten(title)}")
        ident = cell(first, "id", default=False)
        if ident not in (None, ""):
            doc_id = statement_id(str(ident))
            if doc_id != str(ident):
                warnings.append(f"row {rows}: id {shorten(str(ident))} stored as {doc_id!r}")
        else:
            doc_id = f"{self.file_id}-r{first_n}"
        speakers = {p.speaker for p in paragraphs if p.speaker}
        return Document(
            doc_id=doc_id,
            date=first["__date"],
            title=_text(title, "title"),
            source=_text(cell(first, "source") or source.name, "source"),
            source_url=_optional(cell(first, "source_url"), "source_url"),
            language=_text(cell(first, "language") or "en", "language"),
            kind=_text(cell.defaults.get("kind") or ("transcript" if len(speakers) > 1 else "statement"), "kind"),
            licence=_optional(cell.defaults.get("licence"), "licence"),
            importer="table",
            raw_path=source.rel,
            raw_sha256=source.sha256,
            paragraphs=paragraphs,
            place=_optional(cell(first, "place"), "place"),
            warnings=warnings,
            raw_row=rows,
        )

    def _speaker(self, printed, n: int, warnings: list[str]) -> tuple[str | None, str, str | None]:
        if printed is None or not str(printed).strip():
            warnings.append(f"row {n}: no speaker: its words belong to nobody")
            return None, "narration", None
        printed = normalize_ws(str(printed))
        res = self.registry.resolve(printed)
        if printed.casefold() not in self.mapping and res.known and res.role != "speech":
            return None, res.role, printed  # "Question", "Moderator": anonymous
        return (
            self.mapping.get(printed.casefold()) or (res.speaker if res.known else None) or printed,
            "speech",
            printed,
        )


def _text(value, what: str) -> str:
    return normalize_ws(without_controls(str(value))[0])


def _optional(value, what: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (list, tuple, dict, set, bool)):
        raise IngestError("bad-metadata", f"{what} must be text, got {shorten(value)}")
    return _text(value, what)


def _ranges(numbers: list[int]) -> str:
    """ "3-5" for consecutive rows, "3, 7, 9" otherwise."""
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(map(str, numbers))


class TableImporter:
    """CSV, TSV, JSON Lines and Parquet tables of statements (``format: table``)."""

    name = "table"
    suffixes = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".parquet"})
    priority = 40

    def recognises(self, source: RawSource) -> bool:
        return False  # only when a sidecar or profile names it: the columns must be named

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Collection:
        return parse_table(source, registry=registry)


IMPORTER = TableImporter()
