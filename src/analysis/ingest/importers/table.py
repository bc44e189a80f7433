"""Tables of statements: CSV, TSV, JSON Lines or Parquet, one row per statement or per turn.

A table is read when its sidecar (``name.meta.yaml``) or its folder's profile says ``format: table``::

    format: table
    columns: {text: speech, speaker: country, date: date, title: title, source_url: url}   # any subset
    defaults: {date: 2021-03-01, title: Address, source: Collected speeches}
    speakers: {RUS: Vladimir Putin}     # optional: values of the speaker column -> person
    group_by: [id]                      # optional: rows with the same values are turns of one statement

``columns`` maps a field to the table's column; a field left out is read from a column of its own
name when there is one (``text``, ``speaker``, ``date``, ``title``, ``source_url``, ``source``,
``id``, ``place``, ``language``). ``defaults`` (and the sidecar's own ``source``, ``licence``,
``language``, …) fill what a row lacks. Without ``group_by`` every row is one statement (its id is
the ``id`` column, else ``<file>-r<row>``).

A row with no text, no date (after the defaults) or a date that cannot be read is listed in the
ingest report with its row number (the first row after the header is row 1) and the reason; the
rest go in. Encoding damage (U+FFFD in the text) and rows with no speaker are reported as warnings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from analysis.errors import IngestError
from analysis.ingest.importers.base import Collection, Document, Paragraph, RawSource, decode_utf8
from analysis.ingest.importers.common import check_date, text_value
from analysis.ingest.importers.transcript import doc_id_from_path
from analysis.speakers import SpeakerRegistry
from analysis.text import normalize_ws

FIELDS = ("text", "speaker", "date", "title", "source_url", "source", "id", "place", "language")
FIELD_MAX = 10_000_000  # characters in one cell: a long speech, not a runaway file
_PARAGRAPH_RE = re.compile(r"\n\s*\n|\r?\n")
_ISO_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.+\-Z]*)?$")


def read_rows(source: RawSource, warnings: list[str]) -> tuple[list[str], list[tuple[int, dict | str]]]:
    """The table's columns and its rows as (row number, values), or (row number, why it is unreadable)."""
    suffix = source.suffix
    if suffix == ".parquet":
        return _parquet_rows(source.raw)
    text = decode_utf8(source.raw, warnings)
    if suffix in (".jsonl", ".ndjson"):
        return _json_rows(text)
    return _delimited_rows(text, "\t" if suffix == ".tsv" else ",")


def _delimited_rows(text: str, delimiter: str) -> tuple[list[str], list[tuple[int, dict | str]]]:
    csv.field_size_limit(FIELD_MAX)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise IngestError(
            "bad-table", f"not a readable {'TSV' if delimiter == chr(9) else 'CSV'} table: {exc}"
        ) from exc
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise IngestError("empty-body", "the table is empty: no header, no rows")
    header = [h.strip() for h in records[0]]
    _check_header(header)
    rows: list[tuple[int, dict | str]] = []
    for n, record in enumerate(records[1:], start=1):
        if len(record) > len(header):
            rows.append((n, f"bad-row: {len(record)} fields but the header has {len(header)} (an unquoted separator?)"))
        else:
            rows.append((n, dict(zip(header, record + [""] * (len(header) - len(record)), strict=True))))
    return header, rows


def _json_rows(text: str) -> tuple[list[str], list[tuple[int, dict | str]]]:
    header: list[str] = []
    rows: list[tuple[int, dict | str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((n, f"bad-row: not JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(value, dict):
            rows.append((n, f"bad-row: a JSON {type(value).__name__}, not an object"))
            continue
        header += [k for k in value if k not in header]
        rows.append((n, value))
    if not rows:
        raise IngestError("empty-body", "the table is empty: no rows")
    return header, rows


def _parquet_rows(raw: bytes) -> tuple[list[str], list[tuple[int, dict | str]]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(raw))
    except (pa.ArrowException, OSError) as exc:
        raise IngestError("bad-table", f"not a readable Parquet file: {exc}") from exc
    header = table.column_names
    _check_header(header)
    if table.num_rows == 0:
        raise IngestError("empty-body", "the table is empty: no rows")
    return header, list(enumerate(table.to_pylist(), start=1))


def _check_header(header: list[str]) -> None:
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise IngestError("bad-table", f"the header names column(s) {', '.join(map(repr, dupes))} more than once")


def _plan(meta: dict, header: list[str]) -> dict[str, str]:
    """Field -> column: the metadata's ``columns``, else a column of the field's own name."""
    columns = meta.get("columns") or {}
    if not isinstance(columns, dict):
        raise IngestError("bad-metadata", f"metadata 'columns' must map fields to columns, got {columns!r}")
    unknown = sorted(set(columns) - set(FIELDS) - {"statement"})
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


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return check_date(value.date())
    if isinstance(value, dt.date):
        return check_date(value)
    m = _ISO_RE.match(str(value).strip())
    try:
        if not m:
            raise ValueError(value)
        return check_date(dt.date.fromisoformat(m.group(1)))
    except ValueError as exc:
        raise IngestError("bad-date", f"unreadable date {value!r} (expected YYYY-MM-DD)") from exc


def _value(row: dict, plan: dict[str, str], field: str, defaults: dict):
    column = plan.get(field)
    value = row.get(column) if column else None
    if value is None or (isinstance(value, str) and not value.strip()):
        value = defaults.get(field)
    return value


def parse_table(source: RawSource, *, registry: SpeakerRegistry) -> Collection:
    """Every statement of a table, and every row that became none (with its number and reason)."""
    meta = {**(source.profile or {}), **(source.sidecar or {})}
    warnings: list[str] = []
    header, rows = read_rows(source, warnings)
    plan = _plan(meta, header)
    defaults = {k: meta[k] for k in ("source", "licence", "language", "kind", "place", "title") if meta.get(k)}
    defaults.update(meta.get("defaults") or {})
    mapping = {str(k).casefold(): str(v) for k, v in (meta.get("speakers") or {}).items()}
    group_by = meta.get("group_by") or (["id"] if "id" in plan else [])
    if isinstance(group_by, str):
        group_by = [group_by]
    file_id = doc_id_from_path(re.split(r"\.(?:tar(?:\.\w+)?|tgz|txz|tbz2)/", source.rel)[-1])
    rejected: list[tuple[str, str]] = []
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for n, row in rows:
        if isinstance(row, str):
            rejected.append((str(n), row))
            continue
        text = _value(row, plan, "text", {})
        if text is None or not str(text).strip():
            rejected.append((str(n), "no-text: the row has no text"))
            continue
        date = _value(row, plan, "date", defaults)
        if date is None:
            rejected.append((str(n), "no-date: no date in the row and no default date"))
            continue
        try:
            row["__date"] = _date(date)
        except IngestError as exc:
            rejected.append((str(n), f"{exc.code}: {exc.message}"))
            continue
        key = tuple(str(_value(row, plan, f, defaults) or "") for f in group_by) if group_by else (n,)
        groups.setdefault(key, []).append((n, row))
    documents = []
    for members in groups.values():
        try:
            documents.append(
                _document(
                    source, members, plan=plan, defaults=defaults, mapping=mapping, file_id=file_id, registry=registry
                )
            )
        except IngestError as exc:  # a cell of the wrong kind (a list for a URL): that statement's rows only
            rejected += [(str(n), f"{exc.code}: {exc.message}") for n, _ in members]
    return Collection(documents, rejected, warnings)


def _document(
    source: RawSource,
    members: list[tuple[int, dict]],
    *,
    plan: dict[str, str],
    defaults: dict,
    mapping: dict[str, str],
    file_id: str,
    registry: SpeakerRegistry,
) -> Document:
    first_n, first = members[0]
    numbers = [n for n, _ in members]
    rows = str(first_n) if len(numbers) == 1 else _ranges(numbers)
    warnings: list[str] = []
    paragraphs: list[Paragraph] = []
    for n, row in members:
        text = str(_value(row, plan, "text", {}))
        if "\ufffd" in text:
            warnings.append(f"row {n}: encoding damage: {text.count(chr(0xFFFD))} replacement character(s) (U+FFFD)")
        printed = _value(row, plan, "speaker", defaults)
        speaker, role = None, "narration"
        if printed is not None and str(printed).strip():
            printed = normalize_ws(str(printed))
            res = registry.resolve(printed)
            if printed.casefold() not in mapping and res.known and res.role != "speech":
                role = res.role  # "Question", "Moderator": anonymous
            else:
                speaker = mapping.get(printed.casefold()) or (res.speaker if res.known else None) or printed
                role = "speech"
        else:
            warnings.append(f"row {n}: no speaker: its words belong to nobody")
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
    title = _value(first, plan, "title", defaults)
    if not title:
        title = f"{source.name}, row {rows}"
        warnings.append(f"row {rows}: no title: {title!r}")
    ident = _value(first, plan, "id", {})
    doc_id = doc_id_from_path(str(ident)) if ident not in (None, "") else f"{file_id}-r{first_n}"
    speakers = {p.speaker for p in paragraphs if p.speaker}
    return Document(
        doc_id=doc_id,
        date=first["__date"],
        title=normalize_ws(str(title)),
        source=str(_value(first, plan, "source", defaults) or source.name),
        source_url=text_value({"u": _value(first, plan, "source_url", defaults)}, "u"),
        language=str(_value(first, plan, "language", defaults) or "en"),
        kind=str(defaults.get("kind") or ("transcript" if len(speakers) > 1 else "statement")),
        licence=text_value({"licence": defaults.get("licence")}, "licence"),
        importer="table",
        raw_path=source.rel,
        raw_sha256=source.sha256,
        paragraphs=paragraphs,
        place=text_value({"p": _value(first, plan, "place", defaults)}, "p"),
        warnings=warnings,
        raw_row=rows,
    )


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
