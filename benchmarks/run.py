"""Benchmarks: speed and memory of ingest, phrase counts, incremental rebuilds and rendering.

Run ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). It reads the 7,085-page archive in
``data/raw/kremlin/`` (``--archive`` to point elsewhere) and needs Debian's ripgrep (``rg``) for the
phrase-count baseline. Every figure is the median of ``--runs`` runs (each
in a fresh process, so peak RSS is the step's own); ``--write`` also writes benchmarks/RESULTS.md.
This is a measurement script, not a test: it asserts nothing and never fails on a slow machine.

Steps (each compared with its floor or target):

1. ingest: a bare selectolax (lexbor) parse of every page, one core (the floor), against a full
   ``analysis ingest`` of the extracted folder (all cores) and straight from the .tar.xz; and the
   whole default corpus (``data/raw``: both archives and the seed), full and with nothing changed,
   against the archive ingest before it became the default (within 2×);
2. phrase counts: 20 phrases and families, counts by year with word denominators, warm (corpus
   in memory, second and later queries) and cold (loading Parquet included), against
   ``rg -c -i -w -F`` with every surface form as one alternation over the same text (the
   speaker's words, one paragraph a line);
3. incremental: ingest after changing 10 pages, into the folder a full ingest just wrote, against
   that full ingest (``--only ingest``: steps 1 and 3 alone);
4. render: every report on the embedded corpus, one notebook re-run with a changed phrase, a warm
   ``make all`` and one after a U.S. speech is added, with the explorer's share of it, rebuilt
   incrementally, against its build from nothing (``--only render``);
5. peak RSS of each step;
6. a generated table of a million statements (``large_table.py``), ingested: time and peak RSS
   (target: at most 1 GiB);
7. startup: a whole ``python -m analysis count`` process for one phrase by year over the archive
   (imports, loading Parquet, the query, printing), the figure a journalist waits for at the shell;
8. attribution: the gold-set scorer (word-level precision and recall per speaker, per-statement
   error of the leader's words) and the audit's counts over the whole archive. These are
   accuracy figures, not timings; ``--only attribution`` prints just them;
9. questions (``questions.py``): a journalist's questions as whole processes on the default corpus,
   side by side with DuckDB (pinned in requirements.txt) over the same Parquet files, with ratios,
   peak RSS and whether the counts agree (``--only questions``);
10. scale (``scale.py``): a generated corpus of over 100 million words ingested and counted in
   this process's engine and on a dask LocalCluster, with throughput and peak RSS per process
   (``--only scale``; ``--no-scale`` leaves it out of a full run);
11. explorer (``explorer.py``): the reader's explorer's files for the default corpus, and per typical
   question the time to the answer shown in chromium and the bytes it loaded (``--only explorer``).

This file is the driver: the options, the step table a child process runs by name, the order of the
steps and ``--only``. The steps live by job beside it: ``ingest_steps.py`` (1, 3, 6),
``count_steps.py`` (2, 7), ``render_steps.py`` (4, 5), ``sections.py`` (8 to 11); ``report.py``
formats the Markdown and ``harness.py`` holds the child-process protocol.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import report
from count_steps import cold_command, count_figures, step_count_cold, step_count_warm
from harness import ROOT, child, run_step, scratch
from ingest_steps import (
    DEFAULT_ARCHIVE,
    extract_pages,
    floor_and_full,
    incremental_figures,
    ingest_default,
    ingest_figures,
    step_floor,
    step_ingest,
    table_figures,
)
from render_steps import render_figures, step_render
from sections import attribution_figures, explorer_table, questions_table, scale_report

#: The steps a child process runs by name (``run.py --step NAME ARGS…``; see ``harness``).
STEPS = {
    "floor": step_floor,
    "ingest": step_ingest,
    "count_warm": step_count_warm,
    "count_cold": step_count_cold,
    "render": step_render,
}


# --- --only: one figure alone, each in a temporary folder ----------------------------------------


def only_ingest(args: argparse.Namespace, work: Path) -> str:
    """Steps 1 and 3 alone: the floor, a full ingest, an incremental one."""
    folder = extract_pages(args.archive, work / "pages")
    r = floor_and_full(folder, work, args.runs)
    return report.ingest_line(r["floor"], r["ingest"], incremental_figures(folder, work, args.runs))


def only_startup(args: argparse.Namespace, work: Path) -> str:
    child("ingest", str(args.archive), str(work / "p-tar"), "full")
    return report.startup_line(cold_command(work / "p-tar", args.runs))


def only_table(args: argparse.Namespace, work: Path) -> str:
    return report.table_line(table_figures(work, args.table_rows), args.table_rows)


def only_scale(args: argparse.Namespace, work: Path) -> str:
    ingest_default(work)
    return scale_report(work)


#: The choices of ``--only``, each a function of the arguments and a working folder: what it prints.
ONLY = {
    "ingest": only_ingest,
    "attribution": lambda args, work: attribution_figures(ingest_default(work)),
    "startup": only_startup,
    "table": only_table,
    "questions": lambda args, work: questions_table(ingest_default(work), args.runs),
    "scale": only_scale,
    "explorer": lambda args, work: explorer_table(ingest_default(work), args.runs),
    "render": lambda args, work: report.render_lines(render_figures(ingest_default(work), work, args.runs)),
}


# --- the whole run ------------------------------------------------------------------------------


def parse_args() -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument("--only", choices=list(ONLY), help="print only these figures")
    parser.add_argument("--no-scale", action="store_true", help="leave out the 100-million-word benchmark (step 10)")
    parser.add_argument("--table-rows", type=int, default=1_000_000, help="rows of the generated table (step 6)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    return parser.parse_known_args()


def main() -> int:
    args, rest = parse_args()
    if args.step:
        run_step(STEPS, args.step, rest)
        return 0
    if not args.archive.exists():
        print(f"no archive at {args.archive}: pass --archive", file=sys.stderr)
        return 2
    if args.only:
        with scratch() as work:
            print(ONLY[args.only](args, work))
        return 0
    if shutil.which("rg") is None:
        print("ripgrep (rg) is not installed: apt-get install ripgrep", file=sys.stderr)
        return 2
    with scratch() as work:
        return bench(args, work)


def bench(args: argparse.Namespace, work: Path) -> int:
    """Every step in order; prints the report (and writes RESULTS.md with ``--write``)."""
    folder = extract_pages(args.archive, work / "pages")
    n_pages = len(list(folder.glob("*.html")))
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    print(report.banner(args.archive, n_pages, size_mb, args.runs), flush=True)
    r, text_bytes = measure(args, folder, work)
    (work / "results.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    text = report.format_results(r, n_pages=n_pages, size_mb=size_mb, text_mb=text_bytes / 2**20, runs=args.runs)
    text += later_sections(args, work)
    print(text)
    if args.write:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")
    return 0


def measure(args: argparse.Namespace, folder: Path, work: Path) -> tuple[dict[str, dict], int]:
    """Steps 1 to 7 on the extracted ``folder``: their figures, and the bytes of the text exported for rg."""
    r = ingest_figures(args.archive, folder, work, args.runs)
    counts, text_bytes = count_figures(work / "p-folder", work, args.runs)
    r.update(counts)
    r.update(incremental_figures(folder, work, args.runs))
    r.update(render_figures(work / "p-default", work, args.runs))
    r["table"] = table_figures(work, args.table_rows)
    return r, text_bytes


def later_sections(args: argparse.Namespace, work: Path) -> str:
    """Steps 8 to 11 on the default corpus the ingest step left in ``work/p-default``."""
    embedded = work / "p-default"
    text = "\n" + attribution_figures(embedded)
    text += "\n## Questions, side by side with DuckDB\n\n" + questions_table(embedded, args.runs)
    text += "\n## The reader's explorer\n\n" + explorer_table(embedded, args.runs)
    if not args.no_scale:
        text += "\n## Scale: over 100 million words\n\n" + scale_report(work) + "\n"
    return text


if __name__ == "__main__":
    sys.exit(main())
