"""Store a build: de-duplicate documents, assign turn parts, write the processed folder.

Same inputs give byte-identical outputs, whether built at once or incrementally: rows are sorted,
no timestamp is written, and the incremental path assembles exactly the tables a full build would
(rows of unchanged documents are taken from their old part).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import config
from analysis.ingest.schema import DOCUMENT_SCHEMA, REPORT_FIELDS, SCHEMA_VERSION, STATE_FILE, TURN_SCHEMA, FileResult
from analysis.ingest.state import state_table
from analysis.speakers import SpeakerRegistry


def deduplicate(results: list[FileResult]) -> list[tuple[FileResult, dict]]:
    """Keep the earliest of documents with the same body (or id); record why the others are not kept.

    Returns the kept documents with their files, by date and id. A file's ``duplicates`` is decided
    anew on every run (so an incremental run decides it as a full one would).
    """
    kept: list[tuple[FileResult, dict]] = []
    by_body: dict[str, tuple[FileResult, dict]] = {}
    by_id: dict[str, tuple[FileResult, dict]] = {}
    docs = [(r, d) for r in results if r.status == "ingested" for d in r.docs]
    for r in results:
        r.duplicates = {}
    for r, doc in sorted(docs, key=lambda rd: (rd[1]["date"], rd[1]["doc_id"], rd[0].path, rd[1].get("raw_row", ""))):
        first = by_id.get(doc["doc_id"])
        if first is not None:
            r.duplicates[doc["doc_id"]] = f"duplicate-id: id {doc['doc_id']} is already used by {_where(*first)}"
            continue
        first = by_body.get(doc["body_sha256"])
        if first is not None:
            r.duplicates[doc["doc_id"]] = f"duplicate-body: same body text as {first[1]['doc_id']} ({_where(*first)})"
            continue
        by_body[doc["body_sha256"]] = by_id[doc["doc_id"]] = (r, doc)
        kept.append((r, doc))
    return kept


def _where(r: FileResult, doc: dict) -> str:
    return f"{r.path} row {doc['raw_row']}" if doc.get("raw_row") else r.path


DOCS_PER_PART = 100
MAX_PARTS = 64


def n_parts(n_docs: int) -> int:
    """Turn parts for a corpus of ``n_docs`` documents: about 100 documents a part, a power of two, at most 64.

    Fewer, larger parts make a query faster (a query opens every part: 256 small parts cost twice the
    time of 64) and an incremental rebuild a little slower (a changed document rewrites its whole part).
    """
    return min(MAX_PARTS, 2 ** max(0, math.ceil(math.log2(max(n_docs, 1) / DOCS_PER_PART))))


def part_of(doc_id: str, parts: int) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % parts


def corpus_info(
    kept: list[tuple[FileResult, dict]], results: list[FileResult], registry: SpeakerRegistry, report: list[dict]
) -> dict:
    """``corpus.json``: the corpus version (a hash of every raw file), counts (statuses count the
    ingest report's lines: a table's rows one by one), the sources and layout."""
    digest = hashlib.sha256()
    for r in sorted(results, key=lambda r: r.path):
        digest.update(f"{r.path}\0{r.sha256}\n".encode())
    digest.update(f"speakers:{registry.version}\nschema:{SCHEMA_VERSION}\n".encode())
    statuses: dict[str, int] = {}
    for row in report:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    dates = [doc["date"] for _, doc in kept]
    sources: dict[str, dict] = {}
    for _, doc in kept:
        s = sources.setdefault(doc["source"], {"documents": 0, "date_min": doc["date"], "date_max": doc["date"]})
        s["documents"] += 1
        s["date_min"], s["date_max"] = min(s["date_min"], doc["date"]), max(s["date_max"], doc["date"])
    return {
        "corpus_version": digest.hexdigest()[:12],
        "schema_version": SCHEMA_VERSION,
        "speakers_version": registry.version,
        "files": len(results),
        "statuses": dict(sorted(statuses.items())),
        "documents": len(kept),
        "date_min": min(dates) if dates else None,
        "date_max": max(dates) if dates else None,
        "sources": dict(sorted(sources.items())),
        "turn_parts": n_parts(len(kept)),
    }


def write_outputs(
    results: list[FileResult],
    kept: list[tuple[FileResult, dict]],
    info: dict,
    report: list[dict],
    gen_dir: Path,
    *,
    old_dir: Path | None,
    reparse: Callable[[FileResult], dict[str, pa.Table]],
) -> tuple[int, dict[str, dict]]:
    """Write a new generation in ``gen_dir``: documents, turn parts, report, corpus.json and state.

    Turn parts no document of which changed are hard links to ``old_dir``'s (the current
    generation; None for a full build). Returns the parts (re)written and the manifest entries of
    the linked files (their hashes need not be computed again).
    """
    turns_dir = gen_dir / config.TURNS_FILE
    turns_dir.mkdir(parents=True, exist_ok=True)
    parts = info["turn_parts"]
    old_info = _read_json(old_dir / config.CORPUS_INFO_FILE) if old_dir else {}
    old_docs = _read_old_documents(old_dir) if old_dir and old_info.get("turn_parts") == parts else None
    old_manifest = _read_json(old_dir / "manifest.json").get("files", {}) if old_dir else {}

    new_ids = {doc["doc_id"]: (r, doc) for r, doc in kept}
    part_members: dict[int, list[str]] = {}
    for d in sorted(new_ids):
        part_members.setdefault(part_of(d, parts), []).append(d)
    if old_docs is None:
        dirty = set(range(parts))
    else:
        changed = {d for d, (r, doc) in new_ids.items() if r.parsed or old_docs.get(d) != doc["raw_sha256"]}
        removed = set(old_docs) - set(new_ids)
        dirty = {part_of(d, parts) for d in changed | removed}
    reused: dict[str, dict] = {}
    for k in sorted(set(range(parts)) - dirty):  # unchanged: the old part, linked
        name = f"part-{k:03d}.parquet"
        rel = f"{config.TURNS_FILE}/{name}"
        _link_or_copy(old_dir / config.TURNS_FILE / name, turns_dir / name)  # type: ignore[operator]
        if rel in old_manifest:
            reused[rel] = old_manifest[rel]

    def build_part(k: int) -> None:
        members = part_members.get(k, [])
        old_part = _read_part(old_dir / config.TURNS_FILE, k) if old_dir and old_docs is not None else None
        tables, reuse = [], []
        for d in members:
            r, doc = new_ids[d]
            if r.turns is not None:
                tables.append(r.turns[d])
            elif old_part is not None and old_docs is not None and old_docs.get(d) == doc["raw_sha256"]:
                reuse.append(d)  # unchanged: its rows are taken from the old part below
            else:  # e.g. a document that was a duplicate before: parse it again
                tables.append(reparse(r)[d])
        if reuse and old_part is not None:
            tables.append(old_part.filter(pc.is_in(old_part["doc_id"], value_set=pa.array(reuse, pa.string()))))
        table = pa.concat_tables(tables).combine_chunks() if tables else TURN_SCHEMA.empty_table()
        table = table.sort_by([("doc_id", "ascending"), ("para_no", "ascending")])
        write_parquet(table, turns_dir / f"part-{k:03d}.parquet")

    # Arrow releases the GIL while it sorts, encodes and compresses: write parts on every core.
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        list(pool.map(build_part, sorted(dirty)))

    rows = [_typed(doc) for _, doc in sorted(kept, key=lambda rd: (rd[1]["date"], rd[1]["doc_id"]))]
    write_parquet(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), gen_dir / config.DOCUMENTS_FILE)
    with (gen_dir / config.INGEST_REPORT_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(report)
    (gen_dir / config.CORPUS_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    write_parquet(state_table(results), gen_dir / STATE_FILE)
    return len(dirty), reused


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def write_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    tmp.replace(path)


def _typed(doc: dict) -> dict:
    return {**doc, "date": dt.date.fromisoformat(doc["date"])}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read_old_documents(out_dir: Path) -> dict[str, str] | None:
    path = out_dir / config.DOCUMENTS_FILE
    if not path.exists():
        return None
    t = pq.ParquetFile(path).read(columns=["doc_id", "raw_sha256"])
    return dict(zip(t["doc_id"].to_pylist(), t["raw_sha256"].to_pylist(), strict=True))


def _read_part(turns_dir: Path, k: int) -> pa.Table | None:
    path = turns_dir / f"part-{k:03d}.parquet"
    return pq.ParquetFile(path).read() if path.exists() else None
