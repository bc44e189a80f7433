"""What a question read from a corpus generation, and the version of exactly those rows.

A :class:`~analysis.index.CorpusIndex` records every :class:`~analysis.selection.Scope` it selects
paragraphs for (:class:`Reads`), and the corpus the names it resolved ("US presidents" → its members
with words) and the statements it looked up by id. From that record, :func:`data_of` gives the
version of the rows read: a digest of the rows of ``documents.parquet`` (dates, sources, speakers,
the hashes of each raw file and of its text) of every statement with at least one paragraph in a
recorded scope, with how many statements, from which sources and dates. The same record evaluated on
a later generation (:func:`still_reads`) tells whether that report's data changed: adding a U.S.
president's speech leaves a report that reads only Kremlin transcripts alone.

A report shows the version of its principal data (its speakers' own words, :func:`data_of` of the
story's scopes) on its pages in place of the whole corpus's, so a report that is not rendered again
is byte-identical to one that is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.selection import Scope

if TYPE_CHECKING:
    from analysis.index import CorpusIndex

EPOCH = dt.date(1970, 1, 1)


@dataclass
class Reads:
    """Everything one question (or one report) read: scopes, resolved names, statements by id, and
    whether it read the whole corpus (a listing of every speaker or source)."""

    scopes: dict[Scope, None] = field(default_factory=dict)  # in the order first read
    names: dict[str, list[str]] = field(default_factory=dict)  # a name as asked -> the speakers it stands for
    documents: dict[str, None] = field(default_factory=dict)
    everything: bool = False

    def scope(self, scope: Scope) -> None:
        self.scopes.setdefault(scope, None)

    def name(self, asked: str, speakers: list[str]) -> None:
        self.names.setdefault(asked, list(speakers))

    def document(self, doc_id: str) -> None:
        self.documents.setdefault(doc_id, None)

    def to_json(self) -> dict:
        """A plain record (dates as ISO text, sets sorted): written into the report's ``report.json``."""
        return {
            "scopes": [scope_json(s) for s in self.scopes],
            "names": dict(self.names),
            "documents": sorted(self.documents),
            "everything": self.everything,
        }

    @classmethod
    def from_json(cls, data: dict) -> Reads:
        out = cls()
        for s in data.get("scopes") or []:
            out.scope(scope_from_json(s))
        for asked, speakers in (data.get("names") or {}).items():
            out.name(str(asked), [str(s) for s in speakers])
        for d in data.get("documents") or []:
            out.document(str(d))
        out.everything = bool(data.get("everything"))
        return out


def scope_json(scope: Scope) -> dict:
    """A scope as JSON: speakers and the rest sorted, days as ISO dates; unset fields left out."""

    def iso(day: int | None) -> str | None:
        return None if day is None else (EPOCH + dt.timedelta(days=day)).isoformat()

    out: dict = {"roles": sorted(scope.roles)}
    if scope.speakers is not None:
        out["speakers"] = sorted(scope.speakers)
    if scope.start is not None:
        out["start"] = iso(scope.start)
    if scope.end is not None:
        out["end"] = iso(scope.end)
    if scope.source:
        out["source"] = scope.source
    if scope.exclude:
        out["exclude"] = sorted(scope.exclude)
    if scope.documents is not None:
        out["documents"] = sorted(scope.documents)
    return out


def scope_from_json(data: dict) -> Scope:
    return Scope.of(
        data.get("speakers"),
        data.get("start"),
        data.get("end"),
        data.get("source"),
        roles=data.get("roles") or ("speech",),
        exclude=data.get("exclude") or (),
        documents=data.get("documents"),
    )


def documents_read(index: CorpusIndex, scopes: Iterable[Scope], doc_ids: Iterable[str] = ()) -> np.ndarray:
    """The rows of ``index.documents`` with a paragraph in any of ``scopes``, and those of ``doc_ids``
    (ascending)."""
    found = [np.zeros(0, dtype=np.int64)]
    scopes = list(scopes)
    for k in range(len(index) if scopes else 0):
        part = index.part(k)
        docs = index.doc_rows(part) if part.n else np.zeros(0, dtype=np.int64)
        for scope in scopes:
            rows = index.rows(part, scope, record=False)
            if len(rows):
                found.append(np.unique(docs[rows]))
    position = index.doc_position
    found.append(np.array([position[d] for d in doc_ids if d in position], dtype=np.int64))
    return np.unique(np.concatenate(found))


def data_of(index: CorpusIndex, scopes: Iterable[Scope], doc_ids: Iterable[str] = ()) -> dict:
    """The version of the statements a question reads (a digest of their rows of ``documents.parquet``),
    how many, their first and last date and their sources (with each source's statements)."""
    rows = documents_read(index, scopes, doc_ids)
    return _summary(index, rows)


def _summary(index: CorpusIndex, rows: np.ndarray) -> dict:
    h = hashlib.sha256()
    table = _document_rows(index, rows)
    for name in table.column_names:
        h.update(name.encode() + b"\0")
        h.update(json.dumps(table[name].to_pylist(), default=str, ensure_ascii=False).encode("utf-8"))
    sources: dict[str, int] = {}
    for s in table["source"].to_pylist() if table.num_rows else []:
        sources[s] = sources.get(s, 0) + 1
    dates = pc.min_max(table["date"]).as_py() if table.num_rows else {"min": None, "max": None}
    return {
        "data_version": h.hexdigest()[:12],
        "documents": table.num_rows,
        "date_min": dates["min"].isoformat() if dates["min"] else None,
        "date_max": dates["max"].isoformat() if dates["max"] else None,
        "sources": dict(sorted(sources.items())),
    }


def _document_rows(index: CorpusIndex, rows: np.ndarray) -> pa.Table:
    """Rows ``rows`` of ``index.documents`` as ``documents.parquet`` has them (every column), by doc id."""
    ids = index.doc_ids.take(pa.array(rows, pa.int64()))
    if index.generation is None:  # an index made in memory: what it has
        table = index.documents.take(pa.array(rows, pa.int64()))
    else:
        from analysis.parquet import read_parquet

        full = read_parquet(index.generation / config.DOCUMENTS_FILE)
        table = full.filter(pc.is_in(full["doc_id"], value_set=ids))
    return table.sort_by([("doc_id", "ascending")])


def version_of(index: CorpusIndex, reads: Reads, resolve: Callable[[str], list[str]]) -> str:
    """The version of what ``reads`` read, evaluated on ``index``'s generation: the digest of the
    statements its scopes and ids select now, and of the speakers each name it resolved stands for now
    (``resolve``: a name → its speakers, or an error's text). A record that read everything is
    the whole corpus's."""
    h = hashlib.sha256()
    if reads.everything:
        rows = np.arange(len(index.doc_ids), dtype=np.int64)
    else:
        rows = documents_read(index, reads.scopes, reads.documents)
    h.update(json.dumps(_summary(index, rows), sort_keys=True).encode())
    h.update(json.dumps(reads.to_json(), sort_keys=True, ensure_ascii=False).encode())
    for asked in sorted(reads.names):
        h.update(json.dumps([asked, resolve(asked)], ensure_ascii=False).encode())
    return h.hexdigest()
