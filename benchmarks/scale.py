"""The scale benchmark: a corpus of at least 100 million words, ingested and queried in this process's
engine and on a dask ``LocalCluster``.

The corpus is made here, never committed: the default corpus's spoken paragraphs (its processed
``turns.parquet``), copied ``--copies`` times as JSON Lines tables (``format: table``), each copy with
new statement ids, dates shifted back by a week per copy, its speakers renamed (``Vladimir Putin``
becomes ``Vladimir Putin R03`` in copy 3; copy 0 keeps the names) and a bracketed ``[copy 3]`` before
each text (an editor's insertion, not counted; without it the ingest would skip the copies as
duplicates of one another, as it should). Then, each in a fresh process:

1. ingest, local engine (parsing on this machine's worker processes);
2. count the 20 phrases and families of ``run.py``'s step 2 (``count_steps.PHRASES``) by year for
   every copy of Putin (one speaker group of ``--copies`` speakers, one pass), local engine;
3. ingest again on a ``LocalCluster`` (one single-threaded worker process per core);
4. the same count on that cluster, from the corpus it ingested.

It prints wall time, throughput (words a second) and the peak RSS of each process (the command's
own; its parse workers' or the cluster's workers', each), checks that both ingests wrote the same
files (their manifests' hashes) and that both counts are identical, and exits 1 when they differ.

``python benchmarks/scale.py [--copies 18] [--work DIR] [--keep]``; ``run.py`` runs it as its last
step. About 7 GB of disk in a temporary folder (removed unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
MIN_WORDS = 100_000_000
RSS_BUDGET_MB = 2048


def suffix(copy: int) -> str:
    return f" R{copy:02d}" if copy else ""


def generate(processed: str | Path, raw: str | Path, copies: str | int) -> dict:
    """Write ``copies`` JSON Lines tables of the default corpus's spoken turns into ``raw``: one row per
    turn (a speaker's consecutive paragraphs of a statement), paragraphs separated by blank lines."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from analysis.corpus import Corpus

    raw, copies = Path(raw), int(copies)
    corpus = Corpus.load(processed)
    gen = corpus.generation
    turns = pq.read_table(gen / "turns.parquet", columns=["doc_id", "turn_no", "para_no", "speaker", "role", "text"])
    turns = turns.filter(pc.and_(pc.equal(turns["role"], "speech"), pc.is_valid(turns["speaker"])))
    turns = turns.sort_by([("doc_id", "ascending"), ("turn_no", "ascending"), ("para_no", "ascending")])
    docs = pq.read_table(gen / "documents.parquet", columns=["doc_id", "date", "title", "source"]).to_pylist()
    about = {d["doc_id"]: d for d in docs}
    rows: list[tuple[str, int, str, list[str]]] = []
    for doc, turn, speaker, text in zip(
        *(turns[c].to_pylist() for c in ("doc_id", "turn_no", "speaker", "text")), strict=True
    ):
        if rows and rows[-1][0] == doc and rows[-1][1] == turn and rows[-1][2] == speaker:
            rows[-1][3].append(text)
        else:
            rows.append((doc, turn, speaker, [text]))
    corpus.close()
    raw.mkdir(parents=True, exist_ok=True)
    nbytes = 0
    for copy in range(copies):
        shift = dt.timedelta(days=7 * copy)
        path = raw / f"copy-{copy:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for doc, turn, speaker, paragraphs in rows:
                meta = about[doc]
                if meta["date"] is None:
                    continue
                record = {
                    "id": f"c{copy:02d}-{doc}-t{turn}",
                    "date": (meta["date"] - shift).isoformat(),
                    "speaker": speaker + suffix(copy),
                    "title": meta["title"] or "",
                    "source": meta["source"],
                    "text": f"[copy {copy}] " + "\n\n".join(paragraphs),  # else a duplicate body, skipped
                }
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        (raw / f"copy-{copy:02d}.meta.yaml").write_text("format: table\n", encoding="utf-8")
        nbytes += path.stat().st_size
    return {"rows": len(rows) * copies, "bytes": nbytes, "workers_mb": []}


# --- steps, each in a fresh process: one JSON line ---------------------------------------------------


def _cluster():
    from analysis.engine import Engine

    return Engine("dask")  # a LocalCluster of this machine's cores


def _workers_rss(engine) -> list[float]:
    if engine is None:
        return [round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)]
    peaks = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return sorted(round(v / 1024, 1) for v in peaks.values())


def step_ingest(raw: str, out: str, where: str) -> dict:
    from analysis.ingest import ingest

    engine = _cluster() if where == "dask" else None
    if engine is not None:
        engine.client  # noqa: B018  the cluster is started before the clock
    t = time.perf_counter()
    result = ingest(raw, out, quiet=True, full=True, engine=engine)
    seconds = time.perf_counter() - t
    manifest = json.loads((Path(out) / "current" / "manifest.json").read_text())
    workers = _workers_rss(engine)
    if engine is not None:
        engine.close()
    return {
        "seconds": seconds,
        "documents": result.info["documents"],
        "manifest": hashlib.sha256(json.dumps(manifest["files"], sort_keys=True).encode()).hexdigest(),
        "workers_mb": workers,
    }


def step_count(processed: str, where: str, copies: str) -> dict:
    from analysis.corpus import Corpus
    from analysis.measures import measure
    from count_steps import PHRASES

    engine = _cluster() if where == "dask" else None
    if engine is not None:
        engine.client  # noqa: B018
    t = time.perf_counter()
    unit = measure("count")
    speakers = ["Vladimir Putin" + suffix(c) for c in range(int(copies))]
    params = unit.params.of(dict(phrases=PHRASES, speakers=speakers, period="year"))
    corpus = Corpus.load(processed)
    corpus.index.engine = engine
    table = unit.compute(corpus, params).table
    seconds = time.perf_counter() - t
    words = sum(corpus.index.words_by_speaker.values())
    csv = table.to_pandas().to_csv(index=False) if hasattr(table, "to_pandas") else table.to_csv(index=False)
    workers = _workers_rss(engine)
    if engine is not None:
        engine.close()
    return {
        "seconds": seconds,
        "words": words,
        "putin_words": {s: corpus.index.words_by_speaker.get(s, 0) for s in speakers[:3]},
        "uses": int(sum(table.column("count").to_pylist())) if hasattr(table, "column") else int(table["count"].sum()),
        "counts": hashlib.sha256(csv.encode()).hexdigest(),
        "workers_mb": workers,
    }


STEPS = {"generate": generate, "ingest": step_ingest, "count": step_count}


def child(name: str, *args: str) -> dict:
    """One step in a fresh interpreter, its own peak RSS added (this process stays small: a child's
    high-water mark starts at its parent's)."""
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"step {name} {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_step(name: str, args: list[str]) -> None:
    result = STEPS[name](*args)
    result["rss_self_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def run(copies: int, work: Path, processed: Path) -> tuple[str, bool]:
    """Every step; the report (Markdown) and whether it held (identical results, memory in budget)."""
    raw = work / "raw"
    t = time.perf_counter()
    made = child("generate", str(processed), str(raw), str(copies))
    made_s = time.perf_counter() - t
    results = {}
    for where in ("local", "dask"):
        out = work / f"processed-{where}"
        results["ingest", where] = child("ingest", str(raw), str(out), where)
        results["count", where] = child("count", str(out), where, str(copies))
    words = results["count", "local"]["words"]
    same_files = results["ingest", "local"]["manifest"] == results["ingest", "dask"]["manifest"]
    same_counts = results["count", "local"]["counts"] == results["count", "dask"]["counts"]
    in_budget = all(results[s, "local"]["rss_self_mb"] <= RSS_BUDGET_MB for s in ("ingest", "count"))
    lines = [
        f"Generated {copies} copies of the default corpus's spoken turns: {made['rows']:,} rows, "
        f"{made['bytes'] / 2**20:,.0f} MiB of JSON Lines, in {made_s:.1f} s; "
        f"{words:,} spoken words ingested ({'at least' if words >= MIN_WORDS else 'FEWER THAN'} "
        f"{MIN_WORDS:,}); {results['ingest', 'local']['documents']:,} statements. "
        f"Copies of Putin by words: {results['count', 'local']['putin_words']}.",
        "",
        "| step | engine | seconds | words/s | peak RSS, command (MiB) | peak RSS, each worker (MiB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (step, where), r in results.items():
        rate = words / r["seconds"] if r["seconds"] else 0
        workers = ", ".join(f"{m:,.0f}" for m in r["workers_mb"] if m) or "none"
        lines.append(
            f"| {step} | {'in-process' if where == 'local' else 'LocalCluster'} | {r['seconds']:.1f} | "
            f"{rate / 1e6:.1f} M | {r['rss_self_mb']:,.0f} | {workers} |"
        )
    lines += [
        "",
        f"Count: {results['count', 'local']['uses']:,} uses of 20 phrases and families by year for {copies} "
        f"speakers in one pass. Counts on the cluster identical to in-process: {'yes' if same_counts else 'NO'}; "
        f"files ingested on the cluster identical: {'yes' if same_files else 'NO'}; in-process peak RSS within "
        f"{RSS_BUDGET_MB:,} MiB: {'yes' if in_budget else 'NO'}.",
    ]
    return "\n".join(lines), same_counts and same_files and in_budget and words >= MIN_WORDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=18, help="copies of the default corpus (18: ~102M words)")
    parser.add_argument("--processed", type=Path, default=ROOT / "data" / "processed", help="the default corpus")
    parser.add_argument("--work", type=Path, help="folder for the generated corpus (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        _run_step(args.step, rest)
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="refrain-scale-"))
    try:
        report, held = run(args.copies, work, args.processed)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report)
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
