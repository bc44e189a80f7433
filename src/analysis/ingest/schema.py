"""The processed corpus's tables: Parquet schemas, a file's result, and a document as rows.

``documents.parquet`` (:data:`DOCUMENT_SCHEMA`), the ``turns.parquet/`` dataset of paragraphs
(:data:`TURN_SCHEMA`), the ingest report (:data:`REPORT_FIELDS`) and the state of the last run
(:data:`STATE_SCHEMA`). Every column is described in ``docs/data-dictionary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from analysis.ingest.importers.base import Document
from analysis.text import count_words, spoken

SCHEMA_VERSION = 4
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
        ("has_doc", pa.bool_()),
        *[pa.field("doc_" + f.name, pa.string() if f.name == "date" else f.type) for f in DOCUMENT_SCHEMA],
    ]
)

REPORT_FIELDS = ["path", "status", "doc_id", "reason", "warnings", "bytes", "sha256"]


@dataclass
class FileResult:
    """What one raw file became in this build."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    sha256: str = ""
    key: str = ""
    status: str = "skipped"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    doc: dict | None = None  # document row (DOCUMENT_SCHEMA), before de-duplication
    aux: tuple = (None, None)  # (manifest row, sidecar bytes) the parse depends on
    turns: pa.Table | None = None  # only for files parsed in this run
    parsed: bool = False  # parsed in this run (not reused from the state)

    def report_row(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "doc_id": (self.doc or {}).get("doc_id", "") if self.status == "ingested" else "",
            "reason": self.reason,
            "warnings": " | ".join(self.warnings),
            "bytes": max(self.size, 0) if self.sha256 else 0,
            "sha256": self.sha256,
        }


@dataclass
class IngestResult:
    documents: list[dict]  # document rows, sorted by date and id
    report: list[dict]  # ingest report rows, sorted by path
    info: dict
    parsed: int  # files parsed in this run
    reused: int  # files taken unchanged from the previous run
    parts_written: int  # turn parts (re)written


def document_rows(doc: Document) -> tuple[dict, pa.Table]:
    """The document's row and its paragraphs as a table (TURN_SCHEMA)."""
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
        "body_sha256": doc.body_sha256,
        "n_paragraphs": len(paras),
        "n_words": sum(n_words),
        "speakers": "; ".join(speakers),
    }
    return doc_row, table
