"""Build the processed corpus from raw files: in parallel, incrementally, deterministically.

Every raw file ends up in ``ingest_report.csv`` with one of these statuses:

* ``ingested``: became a document (``warnings`` lists anything repaired or guessed);
* ``skipped``: not ingested, ``reason`` says why (empty file, no date, duplicate body, …);
* ``metadata``: a sidecar, manifest or README read alongside the documents.

One bad file never stops the build. Outputs, in the processed folder:

* ``documents.parquet``: one row per document;
* ``turns.parquet/part-NNN.parquet``: one row per paragraph, as a Parquet *dataset* (a folder of
  part files, as Spark writes it; pandas, DuckDB, Spark and Dask read the folder as one table).
  A document's rows live in the part chosen by a hash of its id, so a change to a few raw files
  rewrites only a few parts;
* ``ingest_report.csv`` and ``corpus.json`` (corpus version, counts, layout);
* ``.state.parquet``: what each raw file was last time (size, mtime, content hash, parse result)
  so that the next run re-parses only files whose content changed.

Same inputs give byte-identical outputs, whether built at once or incrementally: rows are sorted,
no timestamp is written, and the incremental path assembles exactly the tables a full build
would. Parsing runs on ``jobs`` processes (default: every core, at most 2 on this project's
machines is typical); small batches are parsed in-process.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from analysis import config
from analysis.ingest import generations
from analysis.ingest.parse import parse_tasks, reparse
from analysis.ingest.scan import reread, scan
from analysis.ingest.schema import (
    FileResult,
    IngestResult,
)
from analysis.ingest.state import load_state, parser_fingerprint
from analysis.ingest.store import corpus_info, deduplicate, write_outputs
from analysis.speakers import SpeakerRegistry, default_registry


def ingest(
    raw_dir: Path | str = config.RAW_DIR,
    out_dir: Path | str = config.PROCESSED_DIR,
    *,
    registry: SpeakerRegistry | None = None,
    quiet: bool = False,
    jobs: int | None = None,
    full: bool = False,
    progress: bool | None = None,
    wait: float = 0.0,
    verbose: bool = False,
) -> IngestResult:
    """Read every file under ``raw_dir`` (a folder or a tar archive); update ``out_dir``.

    ``full=True`` ignores what a previous run left and rebuilds everything. The summary on stderr
    names each file with a problem when there are few new ones (or ``verbose``), else counts the
    problems by kind; the ingest report lists every file with its reason and warnings. The folder is locked
    while the new generation is written (a second ingest waits up to ``wait`` seconds, then fails);
    readers keep seeing the previous generation until the new one is complete.
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir} is a file, not a folder")
    if not raw_dir.exists():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist (nor is it a .tar archive)")
    speakers = registry or default_registry()
    jobs = max(1, jobs or os.cpu_count() or 1)
    if progress is None:
        progress = not quiet and os.environ.get("CI", "").lower() not in ("true", "1") and sys.stderr.isatty()
    with generations.Lock(out_dir, wait=wait):
        old_gen = generations.current(out_dir)
        previous = {} if full or old_gen is None else load_state(old_gen)
        scanned = scan(
            raw_dir, previous, fingerprint=parser_fingerprint(speakers), progress=_progress if progress else _NoBar
        )
        results = scanned.results
        parse_tasks(scanned.tasks, previous, registry=speakers, jobs=jobs, companions=scanned.companions)
        kept = deduplicate(results)
        report = [row for r in sorted(results, key=lambda r: r.path) for row in r.report_rows()]
        info = corpus_info(kept, results, speakers, report)

        def again(res: FileResult):
            raw, res.aux, companions = reread(raw_dir, res.path, scanned)
            return reparse(raw, res, speakers, companions)

        tmp = generations.begin(out_dir)
        try:
            parts, reused = write_outputs(
                results, kept, info, report, tmp, old_dir=None if full else old_gen, reparse=again
            )
            generations.commit(out_dir, tmp, reused=reused)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    result = IngestResult(
        documents=[doc for _, doc in kept],
        report=report,
        info=info,
        parsed=sum(r.parsed for r in results),
        reused=sum(not r.parsed and r.status not in ("metadata", "archive") for r in results),
        parts_written=parts,
        fresh=frozenset(r.path for r in results if r.parsed),
    )
    if not quiet:
        _print_summary(result, out_dir, verbose=verbose)
    return result


# --- progress and summary -----------------------------------------------------------------------


class _NoBar:
    def __init__(self, total: int | None = None) -> None:
        pass

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, mininterval=0.5)


LIST_AT_MOST = 12  # more new problems than this are counted by kind, not listed one by one


def problem_kind(message: str) -> str:
    """A message without its particulars: "unknown speaker label 'DR. BIRX'; kept as speaker 'Birx'"
    -> "unknown speaker label …" (quoted names, numbers and what follows a ';' or ':' dropped)."""
    text = re.sub(r"'[^']*'|“[^”]*”|\"[^\"]*\"|\([^)]*\)", "…", message)
    text = re.sub(r"\d[\d.,%]*", "N", text)
    return re.split(r"[;:]", text, maxsplit=1)[0].strip()


def _print_summary(result: IngestResult, out_dir: Path, *, verbose: bool = False) -> None:
    info = result.info
    print(
        f"ingest: {info['files']} files -> {info['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in info['statuses'].items())}); parsed {result.parsed}, "
        f"unchanged {result.reused}, {result.parts_written} turn part(s) written; "
        f"corpus {info['corpus_version']}, {info['date_min']} to {info['date_max']}; wrote {out_dir}",
        file=sys.stderr,
    )
    problems = [
        (row["path"], kind, text)
        for row in result.report
        for kind, text in [("skipped", row["reason"])] * (row["status"] == "skipped")
        + [("warning", w) for w in filter(None, row["warnings"].split(" | "))]
    ]
    new = [p for p in problems if p[0] in result.fresh]
    listed = problems if verbose else new if len(new) <= LIST_AT_MOST else []
    for path, kind, text in listed:
        print(f"  {kind} {path}: {text}", file=sys.stderr)
    rest = [p for p in problems if p not in listed]
    if not rest:
        return
    for kind in ("skipped", "warning"):
        counts = Counter(problem_kind(text) for _, k, text in rest if k == kind)
        if counts:
            top = "; ".join(f"{n} {what}" for what, n in counts.most_common(4))
            more = f"; {sum(counts.values()) - sum(n for _, n in counts.most_common(4))} of other kinds" * (
                len(counts) > 4
            )
            label = "skipped files" if kind == "skipped" else "warnings"
            print(f"  {sum(counts.values())} {label}: {top}{more}", file=sys.stderr)
    print(
        f"  each file's reason and warnings: {out_dir / config.INGEST_REPORT_FILE} "
        "(or list them here: python -m analysis ingest --verbose)",
        file=sys.stderr,
    )
