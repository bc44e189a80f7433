"""The processed corpus's tables: Parquet schemas, a file's result, and a document as rows.

``documents.parquet`` (:data:`DOCUMENT_SCHEMA`), the ``turns.parquet/`` dataset of paragraphs
(:data:`TURN_SCHEMA`), the ingest report (:data:`REPORT_FIELDS`) and the state of the last run
(:data:`STATE_SCHEMA`). Every column is described in ``docs/data-dictionary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from analysis.ingest.importers.base import Document
from analysis.text import spoken
from analysis.tokens import word_counts

SCHEMA_VERSION = 6
STATE_FILE = ".state.arrow"
STATE_DOCS_FILE = ".state-docs.arrow"

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

#: Columns of each table whose values nearly all differ: written without a Parquet dictionary (``parquet_writer``).
DOCUMENT_PLAIN = ("doc_id", "title", "source_url", "raw_path", "raw_sha256", "body_sha256")
TURN_PLAIN = ("text",)

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
        ("rejected", pa.string()),  # JSON: [[row, reason], …] parts of the file that became no document
    ]
)

# What a parse gives per document: its row of documents.parquet but for the two columns that are its
# file's (raw_path, raw_sha256: filled in when written), and its warnings. The state keeps them
# (.state-docs.arrow) with the raw path and the document's place in its file.
FILE_COLUMNS = ("raw_path", "raw_sha256")
DOC_ROWS_SCHEMA = pa.schema(
    [f for f in DOCUMENT_SCHEMA if f.name not in FILE_COLUMNS] + [pa.field("warnings", pa.list_(pa.string()))]
)
STATE_DOCS_SCHEMA = DOC_ROWS_SCHEMA.append(pa.field("path", pa.string())).append(pa.field("seq", pa.int32()))
KEY = "_doc"  # within one run: (file number << 32) | the document's place in its file
SPILL_DOCS_SCHEMA = DOC_ROWS_SCHEMA.append(pa.field(KEY, pa.int64()))
SPILL_TURNS_SCHEMA = TURN_SCHEMA.append(pa.field(KEY, pa.int64()))

REPORT_FIELDS = ["path", "row", "status", "doc_id", "reason", "warnings", "bytes", "sha256"]
MESSAGE_MAX = 1_000  # characters of one reason or warning in the report (a value quoted in it is cut)
WARNINGS_MAX = 8_000  # characters of one line's warnings


def bounded(message: str, limit: int = MESSAGE_MAX) -> str:
    """A message cut to ``limit`` characters (a value from a file can be arbitrarily long)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


@dataclass(slots=True)
class FileResult:
    """What one raw file became in this build.

    ``status``/``reason`` are the parse's outcome (``ingested``, ``skipped``, ``metadata`` or
    ``archive``). Its documents are not held here but in the run's document table (one row per
    document, with the key ``(number << 32) | place``; :mod:`analysis.ingest.store`); ``n_docs``
    says how many it gave. A file of many statements (a table) may have ``rejected`` rows.
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
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)
    n_docs: int = 0
    number: int = -1  # this file's number in the run (the high half of its documents' keys)
    aux: Any = None  # what the parse depends on besides the bytes (metadata.Aux)
    parsed: bool = False  # parsed in this run (not restored from the state)
    restored: bool = False  # its documents come from the previous run's state


@dataclass
class IngestResult:
    """What an ingest did; ``documents`` and ``report`` are read from the generation it wrote when asked."""

    info: dict
    parsed: int  # files parsed in this run
    reused: int  # files taken unchanged from the previous run
    parts_written: int  # turn parts (re)written
    generation: Any = None  # the generation folder written (a Path)
    fresh: frozenset[str] = frozenset()  # paths of the files parsed in this run (their messages are new)

    @property
    def documents(self) -> list[dict]:
        """The corpus's document rows, by date and id (dates as ISO text)."""
        from analysis.parquet import read_parquet

        rows = read_parquet(self.generation / "documents.parquet").to_pylist()
        for row in rows:
            row["date"] = row["date"].isoformat()
        return rows

    @property
    def report(self) -> list[dict]:
        """The ingest report's rows (every value as text, as in the CSV)."""
        import csv

        with open(self.generation / "ingest_report.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))


class DocumentBatch:
    """Documents gathered column by column, then turned into two tables at once: their rows
    (:data:`SPILL_DOCS_SCHEMA`) and their paragraphs (:data:`SPILL_TURNS_SCHEMA`). Building one
    small table per document costs far more than the rows themselves."""

    def __init__(self) -> None:
        self.docs: dict[str, list] = {f.name: [] for f in SPILL_DOCS_SCHEMA}
        self.turns: dict[str, list] = {f.name: [] for f in SPILL_TURNS_SCHEMA}
        self._spoken: list[str] = []  # each paragraph's spoken words, counted when the tables are made
        self._paragraphs: list[int] = []  # each document's number of paragraphs

    def __len__(self) -> int:
        return len(self.docs[KEY])

    @property
    def paragraphs(self) -> int:
        return len(self.turns[KEY])

    def add(self, doc: Document, key: int) -> None:
        paras = doc.paragraphs
        t = self.turns
        turn_no = 0
        for i, p in enumerate(paras):
            if p.new_turn or i == 0:
                turn_no += 1
            self._spoken.append(spoken(p.text) if "[" in p.text or "(" in p.text else p.text)
            t["doc_id"].append(doc.doc_id)
            t["para_no"].append(i)
            t["turn_no"].append(turn_no)
            t["speaker"].append(p.speaker)
            t["speaker_label"].append(p.speaker_label)
            t["speaker_role"].append(p.speaker_role)
            t["role"].append(p.role)
            t["section"].append(p.section)
            t["attribution"].append(p.attribution)
            t["text"].append(p.text)
            t[KEY].append(key)
        self._paragraphs.append(len(paras))
        speakers = sorted({p.speaker for p in paras if p.role == "speech" and p.speaker})
        row = {
            "doc_id": doc.doc_id,
            "date": doc.date,
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
            "raw_row": doc.raw_row,
            "body_sha256": doc.body_sha256,
            "n_paragraphs": len(paras),
            "speakers": "; ".join(speakers),
            "warnings": [bounded(w) for w in doc.warnings],
            KEY: key,
        }
        for name, value in row.items():
            self.docs[name].append(value)

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The rows and paragraphs gathered so far (and the batch emptied). Words are counted here, for
        every paragraph at once (:func:`~analysis.tokens.word_counts`, as :func:`~analysis.text.count_words`
        counts them), and summed per document."""
        words = word_counts(self._spoken)
        self.turns["n_words"] = pa.array(words, pa.int32())
        ends = np.cumsum(np.array(self._paragraphs, dtype=np.int64))
        totals = np.concatenate([[0], np.cumsum(words)])
        self.docs["n_words"] = pa.array(totals[ends] - totals[ends - self._paragraphs], pa.int32())
        docs = pa.Table.from_pydict(self.docs, schema=SPILL_DOCS_SCHEMA)
        turns = pa.Table.from_pydict(self.turns, schema=SPILL_TURNS_SCHEMA)
        self.__init__()  # type: ignore[misc]
        return docs, turns
