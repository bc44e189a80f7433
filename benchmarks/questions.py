"""The questions of issue 17, side by side with DuckDB reading the same Parquet files.

Each question is asked as a journalist asks it, a whole ``python -m analysis`` process, and (where
DuckDB can answer it) as one DuckDB query over the same generation's ``turns.parquet`` and
``documents.parquet`` (translator's [insertions] removed, as the matcher removes them), in fresh
processes, alternated, ``runs`` times each; the median wall time and each process's own peak RSS
(``wait4``) are printed with the ratio, and the counts of both sides are compared.

Run by ``benchmarks/run.py`` (step 9) or alone: ``benchmarks/questions.py PROCESSED [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMITS = {"count": (1.5, 300), "family": (1.5, 300), "catchphrases": (2.0, 500), "keyness": (2.0, 500)}

DUCK = r"""
import json, sys, duckdb
gen, speakers, pattern = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
con = duckdb.connect()
rows = con.execute(f'''
  with t as (
    select doc_id, speaker, n_words,
           lower(regexp_replace(text, '\[[^\]]*\]', '', 'g')) as txt
    from read_parquet('{gen}/turns.parquet/*.parquet')
    where role = 'speech' and speaker in (select unnest(?::varchar[]))),
  d as (select doc_id, strftime(date, '%Y') as year from read_parquet('{gen}/documents.parquet'))
  select speaker, year, sum(len(regexp_extract_all(txt, ?))) as uses, count(distinct doc_id) as statements,
         sum(n_words) as words
  from t join d using (doc_id) group by speaker, year order by speaker, year''', [speakers, pattern]).fetchall()
print(json.dumps([[s, y, int(u)] for s, y, u, _, _ in rows]))
"""


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, the process's own peak RSS (MiB, measured by GNU time: a child forked from this
    process would inherit its high-water mark) and its standard output."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        res = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
            capture_output=True,
            text=True,
            env={**os.environ, "CI": "true"},
        )
        seconds = time.perf_counter() - start
        if res.returncode != 0:
            raise RuntimeError(f"{cmd[:4]} failed: {res.stderr[-300:]}")
        return seconds, int(rss.read().split()[-1]) / 1024, res.stdout


def family_regex(names: list[str]) -> str:
    """One whole-word alternation of the surface forms of the lexicon entries (or phrases) ``names``."""
    import re

    sys.path.insert(0, str(ROOT / "src"))
    from analysis.measures.lexicon import load, resolve_terms

    forms = [form.lower() for term in resolve_terms(names, load()) for form in term.patterns]
    return r"\b(" + "|".join(re.escape(f) for f in forms) + r")\b"


def group_members(processed: Path, names: list[str]) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.corpus import Corpus

    corpus = Corpus.load(processed)
    try:
        return corpus.expand_speakers(names)
    finally:
        corpus.close()


def questions(processed: Path) -> list[dict]:
    refrain = [sys.executable, "-m", "analysis"]
    where = ["--processed", str(processed)]
    gen = str((processed / "current").resolve())
    family = ["US presidents", "Vladimir Putin"]
    return [
        {
            "key": "count",
            "title": '`count --phrase "our partners" --period year` (Putin), cold',
            "refrain": [*refrain, "count", *where, "--phrase", "our partners", "--period", "year"],
            "duck": [sys.executable, "-c", DUCK, gen, json.dumps(["Vladimir Putin"]), family_regex(["our partners"])],
        },
        {
            "key": "family",
            "title": '`count --phrase our-partners --speaker "US presidents" --speaker Putin --period year`',
            "refrain": [*refrain, "count", *where, "--phrase", "our-partners", "--period", "year"]
            + [a for s in family for a in ("--speaker", s)],
            "duck": [
                sys.executable,
                "-c",
                DUCK,
                gen,
                json.dumps(group_members(processed, family)),
                family_regex(["our-partners"]),
            ],
        },
        {
            "key": "catchphrases",
            "title": "`catchphrases --top 20` (Putin)",
            "refrain": [*refrain, "catchphrases", *where, "--top", "20"],
        },
        {
            "key": "keyness",
            "title": "`keyness --split 2014-03-01` (Putin)",
            "refrain": [*refrain, "keyness", *where, "--split", "2014-03-01"],
        },
    ]


def agree(refrain_csv: str, duck_json: str) -> bool:
    """Whether the uses per speaker and year of both sides are the same (years with uses)."""
    import csv
    import io

    ours = {
        (r["speaker"], r["period"]): int(r["count"])
        for r in csv.DictReader(io.StringIO(refrain_csv))
        if int(r["count"])
    }
    theirs = {(s, y): u for s, y, u in json.loads(duck_json) if u}
    return ours == theirs


def run(processed: Path, runs: int) -> list[dict]:
    """Every question, alternated with its DuckDB twin: medians, peaks, ratios, agreement."""
    out = []
    for q in questions(processed):
        mine, theirs = [], []
        for _ in range(runs):
            mine.append(timed(q["refrain"]))
            if "duck" in q:
                theirs.append(timed(q["duck"]))
        row = {
            "key": q["key"],
            "title": q["title"],
            "seconds": statistics.median(m[0] for m in mine),
            "rss_mb": max(m[1] for m in mine),
        }
        if theirs:
            row["duck_seconds"] = statistics.median(t[0] for t in theirs)
            row["duck_rss_mb"] = max(t[1] for t in theirs)
            row["ratio"] = statistics.median(m[0] / t[0] for m, t in zip(mine, theirs, strict=True))
            row["agree"] = agree(mine[-1][2], theirs[-1][2])
        out.append(row)
    return out


def table(rows: list[dict]) -> str:
    """The results as Markdown, with each question's target (issue 17) and whether it is met."""
    lines = [
        "| question | Refrain | peak RSS | DuckDB | peak RSS | ratio | target | met | counts agree |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for r in rows:
        limit, mib = LIMITS[r["key"]]
        if "ratio" in r:
            target = f"≤ {limit}× DuckDB, ≤ {mib} MB"
            met = r["ratio"] <= limit and r["rss_mb"] <= mib
            duck = f"{r['duck_seconds']:.3f} s | {r['duck_rss_mb']:.0f} MiB | {r['ratio']:.2f}×"
            agrees = "yes" if r["agree"] else "NO"
        else:
            target = f"≤ {limit} s, ≤ {mib} MB"
            met = r["seconds"] <= limit and r["rss_mb"] <= mib
            duck, agrees = "| | ", ""
        lines.append(
            f"| {r['title']} | {r['seconds']:.3f} s | {r['rss_mb']:.0f} MiB | {duck} | {target} | "
            f"{'yes' if met else 'no'} | {agrees} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(table(run(args.processed, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
