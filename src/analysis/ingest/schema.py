"""The processed corpus's tables: Parquet schemas, a file's result, and a document as rows.

``documents.parquet`` (:data:`DOCUMENT_SCHEMA`), the ``turns.parquet/`` dataset of paragraphs
(:data:`TURN_SCHEMA`), the ingest report (:data:`REPORT_FIELDS`) and the state of the last run
(:data:`STATE_SCHEMA`). Every column is described in ``docs/data-dictionary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from analysis.ingest.importers.base import Document
from analysis.text import count_words, spoken

SCHEMA_VERSION = 5
STATE_FILE = ".state.parquet"

DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("date", pa.date32()),
        ("title", pa.string()),
        ("source", pa.string()),
        ("source_url", pa.string()),
        ("language", pa.string()),
        ("kind", pa.string()),
        ("licence", pa.string()),
        ("place", pa.string()),
        ("translated_from", pa.string()),
        ("sections", pa.string()),
        ("importer", pa.string()),
        ("raw_path", pa.string()),
        ("raw_sha256", pa.string()),
        ("raw_row", pa.string()),
        ("body_sha256", pa.string()),
        ("n_paragraphs", pa.int32()),
        ("n_words", pa.int32()),
        ("speakers", pa.string()),
    ]
)

TURN_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("para_no", pa.int32()),
        ("turn_no", pa.int32()),
        ("speaker", pa.string()),
        ("speaker_label", pa.string()),
        ("speaker_role", pa.string()),
        ("role", pa.string()),
        ("section", pa.string()),
        ("attribution", pa.string()),
        ("text", pa.string()),
        ("n_words", pa.int32()),
    ]
)

STATE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("ctime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("key", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("warnings", pa.string()),
        ("documents", pa.string()),  # JSON: the document rows the parse gave (before de-duplication)
        ("rejected", pa.string()),  # JSON: [[row, reason], …] parts of the file that became no document
    ]
)

REPORT_FIELDS = ["path", "row", "status", "doc_id", "reason", "warnings", "bytes", "sha256"]


@dataclass
class FileResult:
    """What one raw file became in this build.

    ``status``/``reason`` are the parse's outcome (``ingested``, ``skipped``, ``metadata`` or
    ``archive``); de-duplication, decided anew on every run, is recorded apart in ``duplicates``.
    A file of many statements (a table) has several ``docs`` and may have ``rejected`` rows.
    """

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    sha256: str = ""
    key: str = ""
    status: str = "skipped"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    docs: list[dict] = field(default_factory=list)  # document rows (DOCUMENT_SCHEMA, plus "_warnings")
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)
    duplicates: dict[str, str] = field(default_factory=dict)  # doc_id -> why it was not kept
    aux: Any = None  # what the parse depends on besides the bytes (scan.Aux)
    turns: dict[str, pa.Table] | None = None  # paragraphs by doc_id, only for files parsed in this run
    parsed: bool = False  # parsed in this run (not reused from the state)

    @property
    def kept(self) -> list[dict]:
        """The documents that go into the corpus."""
        return [d for d in self.docs if d["doc_id"] not in self.duplicates] if self.status == "ingested" else []

    def report_rows(self) -> list[dict]:
        """This file's lines of the ingest report: one, or one per statement and rejected row of a table."""
        base = {"path": self.path, "bytes": max(self.size, 0) if self.sha256 else 0, "sha256": self.sha256}
        if self.status != "ingested" or not self.docs:
            line = {"row": "", "status": self.status, "doc_id": "", "reason": self.reason}
            return [{**base, **line, "warnings": " | ".join(self.warnings)}]
        rows = []
        for d in self.docs:
            dup = self.duplicates.get(d["doc_id"])
            rows.append(
                {
                    **base,
                    "row": d.get("raw_row") or "",
                    "status": "skipped" if dup else "ingested",
                    "doc_id": "" if dup else d["doc_id"],
                    "reason": dup or "",
                    "warnings": " | ".join(d.get("_warnings") or []),
                }
            )
        for row, reason in self.rejected:
            rows.append({**base, "row": row, "status": "skipped", "doc_id": "", "reason": reason, "warnings": ""})
        rows.sort(key=lambda r: _row_order(str(r["row"])))
        if self.warnings:  # about the file as a whole: on its first line
            rows[0]["warnings"] = " | ".join([*self.warnings, *filter(None, [rows[0]["warnings"]])])
        return rows


def _row_order(row: str) -> tuple[int, str]:
    head = row.split("-", 1)[0]
    return (int(head) if head.isdigit() else -1, row)


@dataclass
class IngestResult:
    documents: list[dict]  # document rows, sorted by date and id
    report: list[dict]  # ingest report rows, sorted by path
    info: dict
    parsed: int  # files parsed in this run
    reused: int  # files taken unchanged from the previous run
    parts_written: int  # turn parts (re)written
    fresh: frozenset[str] = frozenset()  # paths of the files parsed in this run (their messages are new)


def document_rows(doc: Document) -> tuple[dict, pa.Table]:
    """The document's row (with its ``_warnings``) and its paragraphs as a table (TURN_SCHEMA)."""
    paras = doc.paragraphs
    turn_nos, turn_no = [], 0
    for i, p in enumerate(paras):
        if p.new_turn or i == 0:
            turn_no += 1
        turn_nos.append(turn_no)
    n_words = [count_words(spoken(p.text) if "[" in p.text or "(" in p.text else p.text) for p in paras]
    speakers = sorted({p.speaker for p in paras if p.role == "speech" and p.speaker})
    table = pa.Table.from_arrays(
        [
            pa.array([doc.doc_id] * len(paras), pa.string()),
            pa.array(range(len(paras)), pa.int32()),
            pa.array(turn_nos, pa.int32()),
            pa.array([p.speaker for p in paras], pa.string()),
            pa.array([p.speaker_label for p in paras], pa.string()),
            pa.array([p.speaker_role for p in paras], pa.string()),
            pa.array([p.role for p in paras], pa.string()),
            pa.array([p.section for p in paras], pa.string()),
            pa.array([p.attribution for p in paras], pa.string()),
            pa.array([p.text for p in paras], pa.string()),
            pa.array(n_words, pa.int32()),
        ],
        schema=TURN_SCHEMA,
    )
    doc_row = {
        "doc_id": doc.doc_id,
        "date": doc.date.isoformat(),
        "title": doc.title,
        "source": doc.source,
        "source_url": doc.source_url,
        "language": doc.language,
        "kind": doc.kind,
        "licence": doc.licence,
        "place": doc.place,
        "translated_from": doc.translated_from,
        "sections": doc.sections,
        "importer": doc.importer,
        "raw_path": doc.raw_path,
        "raw_sha256": doc.raw_sha256,
        "raw_row": doc.raw_row,
        "body_sha256": doc.body_sha256,
        "n_paragraphs": len(paras),
        "n_words": sum(n_words),
        "speakers": "; ".join(speakers),
        "_warnings": list(doc.warnings),
    }
    return doc_row, table
