"""Build the processed corpus from a folder of raw files.

Every file under the raw folder ends up in ``ingest_report.csv`` with one of these statuses:

* ``ingested``: became a document (``warnings`` lists anything repaired or guessed);
* ``skipped``: not ingested, ``reason`` says why (empty file, no date, duplicate body, …);
* ``metadata``: a sidecar, manifest or README read alongside the documents.

One bad file never stops the build. Outputs (all in the processed folder): ``documents.parquet``,
``turns.parquet``, ``ingest_report.csv`` and ``corpus.json`` (corpus version and counts). Same
inputs give byte-identical outputs: rows are sorted and no timestamp is written.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from . import config
from .importers.base import Document, IngestError
from .importers.kremlin import parse_kremlin_page
from .importers.plaintext import has_front_matter, parse_plaintext
from .importers.qa_article import parse_qa_article
from .speakers import SpeakerRegistry, default_registry
from .text import count_words, spoken

SCHEMA_VERSION = 1

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
        ("role", pa.string()),
        ("section", pa.string()),
        ("attribution", pa.string()),
        ("text", pa.string()),
        ("n_words", pa.int32()),
    ]
)

REPORT_FIELDS = ["path", "status", "doc_id", "reason", "warnings", "bytes", "sha256"]
_META_SUFFIXES = (".meta.yaml", ".meta.yml")
_DOC_SUFFIXES = {".html", ".htm", ".txt", ".md", ".markdown"}
_INFO_NAMES = {"readme.md", "readme.txt", "readme", "licence", "license", "licence.md", "license.md"}


@dataclass
class ReportRow:
    path: str
    status: str
    doc_id: str = ""
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    bytes: int = 0
    sha256: str = ""

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "doc_id": self.doc_id,
            "reason": self.reason,
            "warnings": " | ".join(self.warnings),
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


@dataclass
class IngestResult:
    documents: list[Document]
    report: list[ReportRow]
    info: dict

    @property
    def skipped(self) -> list[ReportRow]:
        return [r for r in self.report if r.status == "skipped"]


def ingest(raw_dir: Path | str = config.RAW_DIR, out_dir: Path | str = config.PROCESSED_DIR, *,
           registry: SpeakerRegistry | None = None, quiet: bool = False) -> IngestResult:
    """Read every file under ``raw_dir``, write the processed corpus to ``out_dir``."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    registry = registry or default_registry()
    result = read_corpus(raw_dir, registry=registry)
    write_corpus(result, out_dir)
    if not quiet:
        _print_summary(result, out_dir)
    return result


def read_corpus(raw_dir: Path, *, registry: SpeakerRegistry) -> IngestResult:
    """Parse every raw file; no output is written. Duplicates are resolved here."""
    files = sorted(p for p in raw_dir.rglob("*") if not p.is_dir() and not _hidden(p, raw_dir))
    manifests = _manifests(files, raw_dir)
    documents: list[Document] = []
    report: list[ReportRow] = []
    for path in files:
        rel = path.relative_to(raw_dir).as_posix()
        row = ReportRow(rel, "skipped")
        report.append(row)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            row.reason = f"unreadable: {exc.strerror or exc}"
            continue
        row.bytes = len(raw)
        row.sha256 = hashlib.sha256(raw).hexdigest()
        kind = _classify(path)
        if kind == "metadata":
            row.status, row.reason = "metadata", _metadata_reason(path, files)
            continue
        if kind == "unsupported":
            row.reason = f"unsupported file type {path.suffix or '(none)'!r}"
            continue
        if not raw.strip():
            row.reason = "empty file"
            continue
        try:
            doc = _parse(path, raw, rel=rel, sha=row.sha256, registry=registry, manifests=manifests)
        except IngestError as exc:
            row.reason = f"{exc.code}: {exc.message}"
            continue
        except Exception as exc:  # a parser bug must not stop the other files
            row.reason = f"parse-error: {type(exc).__name__}: {exc}"
            continue
        row.status, row.doc_id, row.warnings = "ingested", doc.doc_id, list(doc.warnings)
        documents.append(doc)

    documents = _drop_duplicates(documents, {r.path: r for r in report})
    documents.sort(key=lambda d: (d.date, d.doc_id))
    info = _corpus_info(documents, report, registry)
    return IngestResult(documents, report, info)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _classify(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(_META_SUFFIXES) or name == "manifest.csv" or name in _INFO_NAMES:
        return "metadata"
    if path.suffix.lower() in _DOC_SUFFIXES:
        return "document"
    return "unsupported"


def _metadata_reason(path: Path, files: list[Path]) -> str:
    name = path.name.lower()
    if name.endswith(_META_SUFFIXES):
        stem = path.name[: -len(".meta.yaml")] if name.endswith(".meta.yaml") else path.name[: -len(".meta.yml")]
        if not any(f.parent == path.parent and f.stem == stem and f != path for f in files):
            return f"sidecar with no document named {stem}.*"
        return "sidecar metadata"
    if name == "manifest.csv":
        return "manifest of the pages in this folder"
    return "documentation"


def _manifests(files: list[Path], raw_dir: Path) -> dict[Path, dict[str, dict]]:
    """MANIFEST.csv rows by folder and page id (pages live in the folder or a sub-folder)."""
    out: dict[Path, dict[str, dict]] = {}
    for f in files:
        if f.name.lower() == "manifest.csv":
            with f.open(newline="", encoding="utf-8") as fh:
                out[f.parent] = {row["id"]: row for row in csv.DictReader(fh) if row.get("id")}
    return out


def _manifest_row(path: Path, manifests: dict[Path, dict[str, dict]]) -> dict | None:
    for folder in (path.parent, *path.parents):
        if folder in manifests:
            return manifests[folder].get(path.stem)
    return None


def _sidecar(path: Path) -> Path | None:
    for suffix in _META_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def _parse(path: Path, raw: bytes, *, rel: str, sha: str, registry: SpeakerRegistry,
           manifests: dict[Path, dict[str, dict]]) -> Document:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return parse_kremlin_page(raw, raw_path=rel, raw_sha256=sha, registry=registry,
                                  manifest_row=_manifest_row(path, manifests))
    sidecar = _sidecar(path)
    if sidecar is not None:
        try:
            meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise IngestError("bad-metadata", f"sidecar {sidecar.name} is not valid YAML: {exc}") from exc
        importer = meta.get("importer")
        if importer == "qa_article":
            return parse_qa_article(raw, meta=meta, raw_path=rel, raw_sha256=sha, registry=registry)
        raise IngestError("bad-metadata", f"sidecar {sidecar.name} names unknown importer {importer!r}")
    if has_front_matter(raw):
        return parse_plaintext(raw, raw_path=rel, raw_sha256=sha, registry=registry,
                               doc_id=_doc_id_from_path(rel))
    raise IngestError("no-metadata", "no metadata: add YAML front matter or a .meta.yaml sidecar")


def _doc_id_from_path(rel: str) -> str:
    stem = rel.rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.replace("/", "-")).strip("-")


def _drop_duplicates(documents: list[Document], rows: dict[str, ReportRow]) -> list[Document]:
    """Keep the earliest of documents with the same body (or id); report the others."""
    kept: list[Document] = []
    by_body: dict[str, Document] = {}
    by_id: dict[str, Document] = {}
    for doc in sorted(documents, key=lambda d: (d.date, d.doc_id, d.raw_path)):
        row = rows[doc.raw_path]
        first = by_id.get(doc.doc_id)
        if first is not None:
            row.status, row.reason = "skipped", f"duplicate-id: id {doc.doc_id} is already used by {first.raw_path}"
            continue
        first = by_body.get(doc.body_sha256)
        if first is not None:
            row.status = "skipped"
            row.reason = f"duplicate-body: same body text as {first.doc_id} ({first.raw_path})"
            continue
        by_body[doc.body_sha256] = by_id[doc.doc_id] = doc
        kept.append(doc)
    return kept


def _corpus_info(documents: list[Document], report: list[ReportRow], registry: SpeakerRegistry) -> dict:
    digest = hashlib.sha256()
    for row in sorted(report, key=lambda r: r.path):
        digest.update(f"{row.path}\0{row.sha256}\n".encode())
    digest.update(f"speakers:{registry.version}\nschema:{SCHEMA_VERSION}\n".encode())
    statuses: dict[str, int] = {}
    for row in report:
        statuses[row.status] = statuses.get(row.status, 0) + 1
    dates = [d.date for d in documents]
    return {
        "corpus_version": digest.hexdigest()[:12],
        "schema_version": SCHEMA_VERSION,
        "speakers_version": registry.version,
        "files": len(report),
        "statuses": dict(sorted(statuses.items())),
        "documents": len(documents),
        "date_min": min(dates).isoformat() if dates else None,
        "date_max": max(dates).isoformat() if dates else None,
    }


def write_corpus(result: IngestResult, out_dir: Path) -> None:
    """Write the parquet tables, the ingest report and corpus.json (deterministically)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    doc_rows, turn_rows = [], []
    for doc in result.documents:
        turn_no = 0
        n_words_doc = 0
        speakers: set[str] = set()
        for i, p in enumerate(doc.paragraphs):
            if p.new_turn or i == 0:
                turn_no += 1
            n = count_words(spoken(p.text))
            n_words_doc += n
            if p.role == "speech" and p.speaker:
                speakers.add(p.speaker)
            turn_rows.append({
                "doc_id": doc.doc_id, "para_no": i, "turn_no": turn_no, "speaker": p.speaker,
                "speaker_label": p.speaker_label, "role": p.role, "section": p.section,
                "attribution": p.attribution, "text": p.text, "n_words": n,
            })
        doc_rows.append({
            "doc_id": doc.doc_id, "date": doc.date, "title": doc.title, "source": doc.source,
            "source_url": doc.source_url, "language": doc.language, "kind": doc.kind,
            "licence": doc.licence, "place": doc.place, "translated_from": doc.translated_from,
            "sections": doc.sections, "importer": doc.importer, "raw_path": doc.raw_path,
            "raw_sha256": doc.raw_sha256, "body_sha256": doc.body_sha256,
            "n_paragraphs": len(doc.paragraphs), "n_words": n_words_doc,
            "speakers": "; ".join(sorted(speakers)),
        })
    _write_parquet(pa.Table.from_pylist(doc_rows, schema=DOCUMENT_SCHEMA), out_dir / config.DOCUMENTS_FILE)
    _write_parquet(pa.Table.from_pylist(turn_rows, schema=TURN_SCHEMA), out_dir / config.TURNS_FILE)
    with (out_dir / config.INGEST_REPORT_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(result.report, key=lambda r: r.path):
            writer.writerow(row.as_dict())
    (out_dir / config.CORPUS_INFO_FILE).write_text(json.dumps(result.info, indent=2) + "\n", encoding="utf-8")


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def _print_summary(result: IngestResult, out_dir: Path) -> None:
    info = result.info
    print(
        f"ingest: {info['files']} files -> {info['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in info['statuses'].items())}); "
        f"corpus {info['corpus_version']}, {info['date_min']} to {info['date_max']}; wrote {out_dir}",
        file=sys.stderr,
    )
    for row in result.report:
        if row.status == "skipped":
            print(f"  skipped {row.path}: {row.reason}", file=sys.stderr)
        for w in row.warnings:
            print(f"  warning {row.path}: {w}", file=sys.stderr)
