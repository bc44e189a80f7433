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
4. render: every report on the embedded corpus, and one notebook re-run with a changed phrase;
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
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from analysis.selection import Selection

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARCHIVE = ROOT / "data" / "raw" / "kremlin" / "kremlin-en-news.tar.xz"
#: The whole-archive ingest of the code before the default corpus moved to the archives
#: (benchmarks/RESULTS.md at 8f56f6e, straight from the .tar.xz): the 2× budget of the default corpus.
ARCHIVE_INGEST_BEFORE = 6.521
PHRASES = [
    "finality",
    "emphasis",
    "military-means",
    "legally-impossible",
    "our-partners",
    "as-i-said",
    "that's all there is to it",
    "by military means",
    "legally impossible",
    "complete nonsense",
    "our Western partners",
    "I want to stress",
    "as you know",
    "in other words",
    "of course",
    "let me repeat",
    "Western countries",
    "NATO expansion",
    "the Kiev regime",
    "colour revolution",
]
TOUCHED = 10


# --- steps, each run in a child process: prints one JSON line ------------------------------------


def step_floor(folder: str) -> dict:
    from selectolax.lexbor import LexborHTMLParser

    files = sorted(Path(folder).glob("*.html"))
    data = [f.read_bytes() for f in files]
    t = time.perf_counter()
    for raw in data:
        LexborHTMLParser(raw.decode("utf-8", errors="replace"))
    return {"seconds": time.perf_counter() - t, "pages": len(files)}


def step_ingest(raw: str, out: str, full: str) -> dict:
    import pandas  # noqa: F401  pyarrow imports it on first use; keep imports out of the timing

    from analysis.ingest import ingest

    t = time.perf_counter()
    result = ingest(raw, out, quiet=True, full=full == "full")
    return {
        "seconds": time.perf_counter() - t,
        "parsed": result.parsed,
        "documents": result.info["documents"],
        "statuses": result.info["statuses"],
    }


def step_count_warm(processed: str) -> dict:
    from analysis.corpus import Corpus
    from analysis.measures.count import count_phrases

    corpus = Corpus.load(processed)
    times = []
    for _ in range(6):
        t = time.perf_counter()
        table = count_phrases(corpus, Selection.of(speaker="Vladimir Putin", period="year"), PHRASES)
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times[1:]), "first": times[0], "uses": int(table["count"].sum())}


def step_count_cold(processed: str) -> dict:
    t = time.perf_counter()
    from analysis.corpus import Corpus
    from analysis.measures.count import count_phrases

    corpus = Corpus.load(processed)
    table = count_phrases(corpus, Selection.of(speaker="Vladimir Putin", period="year"), PHRASES)
    return {"seconds": time.perf_counter() - t, "uses": int(table["count"].sum())}


def step_render(config: str, reports: str, processed: str) -> dict:
    """A full render (every report, whatever the last run left)."""
    from analysis.publish.render import render_all

    t = time.perf_counter()
    failures = render_all(
        config_path=config,
        reports_dir=reports,
        processed_dir=processed,
        build_dir=Path(reports).parent / "build",
        full=True,
    )
    return {"seconds": time.perf_counter() - t, "failures": len(failures)}


STEPS = {
    "floor": step_floor,
    "ingest": step_ingest,
    "count_warm": step_count_warm,
    "count_cold": step_count_cold,
    "render": step_render,
}


def child(name: str, *args: str) -> dict:
    """Run one step in a fresh interpreter; add its peak RSS (own and its worker processes)."""
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_step(name: str, args: list[str]) -> None:
    result = STEPS[name](*args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["rss_mb"] = round(max(own, kids) / 1024, 1)
    result["rss_self_mb"] = round(own / 1024, 1)
    print(json.dumps(result))


# --- orchestration ------------------------------------------------------------------------------


def median_of(runs: int, fn) -> dict:
    results = [fn() for _ in range(runs)]
    out = dict(results[len(results) // 2])
    out["seconds"] = statistics.median(r["seconds"] for r in results)
    out["rss_mb"] = max(r["rss_mb"] for r in results)
    out["all"] = [round(r["seconds"], 3) for r in results]
    return out


def ripgrep(text_file: Path, runs: int) -> dict:
    """rg over the same text: every surface form as a fixed string, whole words, ignoring case."""
    from analysis.measures.lexicon import load, resolve_terms

    forms = sorted({p for t in resolve_terms(PHRASES, load()) for p in t.patterns})
    args = []
    for p in forms:  # the text keeps typographic apostrophes: give rg both spellings
        for variant in sorted({p, p.replace("'", "\u2019")}):
            args += ["-e", variant]
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        out = subprocess.run(["rg", "-c", "-i", "-w", "-F", *args, str(text_file)], capture_output=True, text=True)
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times[1:]), "lines": int(out.stdout.strip() or 0), "forms": len(forms)}


def export_speaker_text(processed: Path, dest: Path) -> int:
    from analysis.corpus import Corpus
    from analysis.text import spoken

    turns = Corpus.load(processed).select(Selection.of(speaker="Vladimir Putin")).turns
    dest.write_text("\n".join(spoken(t) for t in turns["text"]) + "\n", encoding="utf-8")
    return dest.stat().st_size


def touch_pages(folder: Path, n: int) -> list[str]:
    pages = sorted(folder.glob("*.html"))
    step = max(1, len(pages) // n)
    chosen = pages[::step][:n]
    for p in chosen:
        data = p.read_bytes()
        p.write_bytes(data.replace(b"</h1>", b" (benchmark edit)</h1>", 1))
    return [p.name for p in chosen]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {system}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument(
        "--only",
        choices=["ingest", "attribution", "startup", "table", "questions", "scale", "explorer"],
        help="print only these figures",
    )
    parser.add_argument("--no-scale", action="store_true", help="leave out the 100-million-word benchmark (step 10)")
    parser.add_argument("--table-rows", type=int, default=1_000_000, help="rows of the generated table (step 6)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        _run_step(args.step, rest)
        return 0
    if not args.archive.exists():
        print(f"no archive at {args.archive}: pass --archive", file=sys.stderr)
        return 2
    if args.only == "startup":
        work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
        try:
            child("ingest", str(args.archive), str(work / "p-tar"), "full")
            r = cold_command(work / "p-tar", args.runs)
            print(
                f"cold `python -m analysis count` of one phrase by year: median {r['seconds']:.3f} s "
                f"(runs {r['all']}), target <= 1.0 s: {'met' if r['seconds'] <= 1.0 else 'missed'}"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.only == "table":
        work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
        try:
            r = large_table(work, args.table_rows)
            print(
                f"ingest of a {args.table_rows:,}-row CSV ({r['mb']:.0f} MB): {r['seconds']:.1f} s, peak RSS "
                f"{r['rss_mb']:.0f} MiB (target <= 1024: {'met' if r['rss_mb'] <= 1024 else 'missed'})"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.only in ("questions", "scale", "explorer"):
        work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
        try:
            child("ingest", str(ROOT / "data" / "raw"), str(work / "p-default"), "full")
            step = {"questions": lambda: questions_table(work / "p-default", args.runs), "scale": lambda: scale(work)}
            step["explorer"] = lambda: explorer_table(work / "p-default", args.runs)
            print(step[args.only]())
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.only == "ingest":  # steps 1 and 3 alone: the floor, a full ingest, an incremental one
        work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
        try:
            folder = work / "pages"
            with tarfile.open(args.archive) as tar:
                tar.extractall(folder, filter="data")
            floor = median_of(args.runs, lambda: child("floor", str(folder)))
            full = median_of(args.runs, lambda: child("ingest", str(folder), str(work / "p-folder"), "full"))
            inc = incremental_figures(folder, work, args.runs)
            a, f, i = floor["seconds"], full["seconds"], inc["incremental"]["seconds"]
            print(
                f"floor {a:.3f} s {floor['all']}; ingest {f:.3f} s {full['all']} = {f / a:.2f}x floor (target <= 3x), "
                f"peak {full['rss_mb']:.0f} MiB; after {TOUCHED} changed pages {i:.3f} s {inc['incremental']['all']} "
                f"= {i / inc['full_after_touch']['seconds']:.1%} of a full {inc['full_after_touch']['seconds']:.3f} s "
                f"{inc['full_after_touch']['all']} (target < 5%)"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.only == "attribution":
        work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
        try:
            child("ingest", str(ROOT / "data" / "raw"), str(work / "p-default"), "full")
            print(attribution_figures(work / "p-default"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if shutil.which("rg") is None:
        print("ripgrep (rg) is not installed: apt-get install ripgrep", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
    try:
        return _bench(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(args, work: Path) -> int:
    folder = work / "pages"
    folder.mkdir()
    with tarfile.open(args.archive) as tar:
        tar.extractall(folder, filter="data")
    n_pages = len(list(folder.glob("*.html")))
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    print(
        f"machine: {machine()}\narchive: {args.archive.name}: {n_pages} pages, {size_mb:.0f} MiB of HTML; "
        f"{args.runs} runs per figure (median)\n",
        flush=True,
    )
    r: dict[str, dict] = {}
    r["floor"] = median_of(args.runs, lambda: child("floor", str(folder)))
    r["ingest"] = median_of(args.runs, lambda: child("ingest", str(folder), str(work / "p-folder"), "full"))
    r["ingest_tar"] = median_of(args.runs, lambda: child("ingest", str(args.archive), str(work / "p-tar"), "full"))
    raw = str(ROOT / "data" / "raw")
    r["ingest_default"] = median_of(args.runs, lambda: child("ingest", raw, str(work / "p-default"), "full"))
    r["ingest_default_warm"] = median_of(
        args.runs, lambda: child("ingest", raw, str(work / "p-default"), "incremental")
    )
    processed = work / "p-folder"
    text_file = work / "putin.txt"
    text_bytes = export_speaker_text(processed, text_file)
    r["count_warm"] = median_of(args.runs, lambda: child("count_warm", str(processed)))
    r["count_cold"] = median_of(args.runs, lambda: child("count_cold", str(processed)))
    r["rg"] = ripgrep(text_file, args.runs)
    r["count_process"] = cold_command(processed, args.runs)

    r.update(incremental_figures(folder, work, args.runs))

    embedded = work / "p-default"
    r["render_all"] = median_of(
        args.runs,
        lambda: child("render", str(ROOT / "config" / "reports.yaml"), str(work / "reports-all"), str(embedded)),
    )
    one = work / "one.yaml"
    import yaml

    spec = yaml.safe_load((ROOT / "config" / "reports.yaml").read_text(encoding="utf-8"))["reports"][0]
    spec["parameters"]["phrases"] = ["our partners", "by military means"]
    one.write_text(yaml.safe_dump({"reports": [spec]}), encoding="utf-8")
    r["render_one"] = median_of(args.runs, lambda: child("render", str(one), str(work / "reports-one"), str(embedded)))
    r["make_all_warm"] = warm_build(work / "reports-all", embedded, args.runs)
    r["table"] = large_table(work, args.table_rows)
    (work / "results.json").write_text(json.dumps(r, indent=1), encoding="utf-8")

    report = format_results(r, n_pages=n_pages, size_mb=size_mb, text_mb=text_bytes / 2**20, runs=args.runs)
    report += "\n" + attribution_figures(work / "p-default")
    report += "\n## Questions, side by side with DuckDB\n\n" + questions_table(embedded, args.runs)
    report += "\n## The reader's explorer\n\n" + explorer_table(embedded, args.runs)
    if not args.no_scale:
        report += "\n## Scale: over 100 million words\n\n" + scale(work) + "\n"
    print(report)
    if args.write:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(report, encoding="utf-8")
    return 0


def incremental_figures(folder: Path, work: Path, runs: int) -> dict[str, dict]:
    """Step 3, as a journalist meets it: a full ingest of the folder after changing 10 pages (the
    denominator), then 10 more pages changed and an incremental ingest into the same processed folder
    (the generation the last ingest left, its files as that ingest wrote them)."""
    inc_times, full_times = [], []
    for i in range(runs):
        touch_pages(folder, TOUCHED)
        full_times.append(child("ingest", str(folder), str(work / f"full{i}"), "full"))
        touch_pages(folder, TOUCHED)
        inc_times.append(child("ingest", str(folder), str(work / f"full{i}"), "incremental"))
        shutil.rmtree(work / f"full{i}", ignore_errors=True)
    return {
        "incremental": {
            "seconds": statistics.median(x["seconds"] for x in inc_times),
            "rss_mb": max(x["rss_mb"] for x in inc_times),
            "parsed": inc_times[0]["parsed"],
            "all": [round(x["seconds"], 3) for x in inc_times],
        },
        "full_after_touch": {
            "seconds": statistics.median(x["seconds"] for x in full_times),
            "rss_mb": max(x["rss_mb"] for x in full_times),
            "all": [round(x["seconds"], 3) for x in full_times],
        },
    }


def questions_table(processed: Path, runs: int) -> str:
    """Step 9: the questions of ``questions.py`` on ``processed``, as a Markdown table."""
    import questions

    return (
        f"Whole processes on the default corpus, median of {runs} alternated runs; peak RSS per process.\n\n"
        + questions.table(questions.run(processed, runs))
    )


def explorer_table(processed: Path, runs: int) -> str:
    """Step 11: ``explorer.py`` on ``processed`` (Markdown)."""
    script = str(ROOT / "benchmarks" / "explorer.py")
    out = subprocess.run([sys.executable, script, str(processed), "--runs", str(runs)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"explorer.py failed:\n{out.stderr[-2000:]}")
    return out.stdout.strip() + "\n"


def scale(work: Path) -> str:
    """Step 10: ``scale.py`` on a generated corpus in ``work`` (its report, Markdown)."""
    script = str(ROOT / "benchmarks" / "scale.py")
    out = subprocess.run(
        [sys.executable, script, "--processed", str(work / "p-default"), "--work", str(work / "scale")],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"scale.py failed:\n{out.stderr[-2000:]}")
    return out.stdout.strip()


def large_table(work: Path, rows: int) -> dict:
    """One ingest of a generated table of ``rows`` statements (step 6): seconds and peak RSS."""
    from large_table import make_table

    csv_path = make_table(work / "table-raw", rows)
    out = child("ingest", str(csv_path.parent), str(work / "p-table"), "full")
    out["rows"], out["mb"] = rows, csv_path.stat().st_size / 1e6
    shutil.rmtree(work / "p-table", ignore_errors=True)
    return out


def cold_command(processed: Path, runs: int) -> dict:
    """Median wall time of a whole ``python -m analysis count`` process (one phrase, by year)."""
    cmd = [
        sys.executable,
        "-m",
        "analysis",
        "count",
        "--processed",
        str(processed),
        "--phrase",
        "our partners",
        "--period",
        "year",
    ]
    times = []
    for _ in range(max(runs, 1)):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "CI": "true"})
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "all": [round(x, 3) for x in times]}


def attribution_figures(processed: Path) -> str:
    """The gold-set scores (tests/gold) and the audit over a processed archive, as Markdown."""
    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd

    from analysis.quality.attribution import score
    from analysis.quality.audit import audit, summary
    from analysis.quality.score_attribution import format_summary

    lines = ["## Attribution", "", "Gold sets (`python -m analysis score-attribution --gold …`):", ""]
    gold = ROOT / "tests" / "gold"
    for sub in ("kremlin", "heldout", "transcripts", "miller-center", "miller-heldout"):
        if (gold / sub).exists():
            lead = "Vladimir Putin" if sub in ("kremlin", "heldout", "transcripts") else None
            lines += [
                f"### tests/gold/{sub}",
                "",
                "```",
                format_summary(score(gold / sub, leader=lead)).split("\nper speaker")[0],
                "```",
                "",
            ]
    turns = pd.read_parquet(processed / "turns.parquet")
    documents = pd.read_parquet(processed / "documents.parquet")
    table = summary(audit(turns, documents))
    lines += [
        "Audit of the default corpus, the whole Kremlin archive and the Miller Center speeches "
        "(`python -m analysis audit`):",
        "",
        "| kind | paragraphs | documents |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {r.kind} | {r.paragraphs} | {r.documents} |" for r in table.itertuples()]
    lines += [f"| all | {table['paragraphs'].sum()} | |", ""]
    return "\n".join(lines)


def warm_build(reports: Path, processed: Path, runs: int) -> dict:
    """`make all` with nothing changed since the full render into ``reports``: the whole
    ``python -m analysis build`` process (check the raw files, find every report current)."""
    cmd = [
        sys.executable,
        "-m",
        "analysis",
        "build",
        "--raw",
        str(ROOT / "data" / "raw"),
        "--processed",
        str(processed),
    ]
    cmd += ["--reports-dir", str(reports), "--build-dir", str(reports.parent / "build")]
    times, lines = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CI": "true"})
        times.append(time.perf_counter() - t)
        if out.returncode != 0 or "unchanged since last rendered" not in out.stderr:
            raise RuntimeError(f"warm build did not skip the reports:\n{out.stderr[-2000:]}")
        lines = len(out.stderr.splitlines())
    return {"seconds": statistics.median(times), "all": [round(x, 3) for x in times], "lines": lines}


def format_results(r: dict, *, n_pages: int, size_mb: float, text_mb: float, runs: int) -> str:
    """The results as Markdown (the same text is printed and written to RESULTS.md)."""

    def s(key):
        return r[key]["seconds"]

    floor = s("floor")
    rows = [
        (
            "1. ingest, extracted folder (all cores)",
            s("ingest"),
            f"{s('ingest') / floor:.2f}× floor",
            "≤ 3× floor (index included)",
            s("ingest") <= 3 * floor,
            r["ingest"]["rss_mb"],
        ),
        ("   floor: bare lexbor parse, one core", floor, "1.00×", "", None, r["floor"]["rss_mb"]),
        (
            "   ingest straight from the .tar.xz",
            s("ingest_tar"),
            f"{s('ingest_tar') / floor:.2f}× floor",
            "",
            None,
            r["ingest_tar"]["rss_mb"],
        ),
        (
            "   default corpus: data/raw (both archives + seed), full",
            s("ingest_default"),
            f"{s('ingest_default') / ARCHIVE_INGEST_BEFORE:.2f}× archive before",
            f"≤ 2× {ARCHIVE_INGEST_BEFORE:g} s",
            s("ingest_default") <= 2 * ARCHIVE_INGEST_BEFORE,
            r["ingest_default"]["rss_mb"],
        ),
        (
            "   default corpus, nothing changed",
            s("ingest_default_warm"),
            f"{s('ingest_default_warm') / s('ingest_default'):.1%} of full",
            "",
            None,
            r["ingest_default_warm"]["rss_mb"],
        ),
        (
            "2. 20 phrase counts by year, warm",
            s("count_warm"),
            f"{s('count_warm') / s('rg'):.1f}× rg",
            "≤ 3× rg and < 1 s",
            s("count_warm") <= 3 * s("rg") and s("count_warm") < 1,
            r["count_warm"]["rss_mb"],
        ),
        (
            "   same, cold (loading Parquet)",
            s("count_cold"),
            f"{s('count_cold') / s('rg'):.1f}× rg",
            "",
            None,
            r["count_cold"]["rss_mb"],
        ),
        ("   rg -c -i -w -F, all forms in one alternation", s("rg"), "1.0×", "", None, None),
        (
            "   `python -m analysis count`, 1 phrase, whole process",
            s("count_process"),
            "",
            "≤ 1.0 s",
            s("count_process") <= 1.0,
            None,
        ),
        (
            f"3. incremental ingest, {TOUCHED} pages changed",
            s("incremental"),
            f"{s('incremental') / s('full_after_touch'):.1%} of full",
            "< 5% of full",
            s("incremental") < 0.05 * s("full_after_touch"),
            r["incremental"]["rss_mb"],
        ),
        (
            "   full rebuild of the same folder",
            s("full_after_touch"),
            "100%",
            "",
            None,
            r["full_after_touch"]["rss_mb"],
        ),
        ("4. render every report (embedded corpus)", s("render_all"), "", "", None, r["render_all"]["rss_mb"]),
        ("   one notebook, changed phrase parameter", s("render_one"), "", "", None, r["render_one"]["rss_mb"]),
        (
            f"5. warm `make all`, nothing changed ({r['make_all_warm']['lines']} lines of output)",
            s("make_all_warm"),
            f"{s('make_all_warm') / s('render_all'):.1%} of a full render",
            "< 10% of a full render",
            s("make_all_warm") < 0.10 * s("render_all"),
            None,
        ),
        (
            f"6. ingest of a generated {r['table']['rows']:,}-row CSV ({r['table']['mb']:.0f} MB)",
            s("table"),
            f"{r['table']['documents']:,} statements",
            "peak RSS ≤ 1,024 MiB",
            r["table"]["rss_mb"] <= 1024,
            r["table"]["rss_mb"],
        ),
    ]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.",
        f"Corpus: {n_pages:,} en.kremlin.ru pages, {size_mb:.0f} MiB of HTML "
        f"({r['ingest']['documents']:,} documents ingested); the speaker's words exported for rg: {text_mb:.1f} MiB.",
        f"Each figure is the median of {runs} runs in fresh processes; peak RSS is the largest of the step's own "
        "process and its worker processes. Numbers are noisy on a shared machine; the ratios matter more.",
        "Regenerate with `make bench` (writes this file).",
        "",
        "| step | seconds | ratio | target | met | peak RSS (MiB) |",
        "| --- | ---: | ---: | --- | --- | ---: |",
    ]
    for name, secs, ratio, target, met, rss in rows:
        flag = "" if met is None else ("yes" if met else "no")
        lines.append(f"| {name} | {secs:.3f} | {ratio} | {target} | {flag} | {'' if rss is None else rss} |")
    lines += [
        "",
        "Runs (seconds): "
        + "; ".join(
            f"{k} {r[k]['all']}"
            for k in (
                "floor",
                "ingest",
                "ingest_tar",
                "count_warm",
                "count_cold",
                "incremental",
                "render_all",
                "render_one",
                "make_all_warm",
            )
            if "all" in r[k]
        ),
        "",
    ]
    lines.append(
        f"Phrase counts found {r['count_warm']['uses']:,} uses; rg counted {r['rg']['lines']:,} matching "
        f"lines for {r['rg']['forms']} surface forms. The incremental run parsed "
        f"{r['incremental']['parsed']} files."
    )
    gaps = []
    if s("ingest") > 3 * floor:
        gaps.append(
            f"- Ingest is {s('ingest') / floor:.1f}× the one-core parse floor, not 3×. Beyond the parse, each page is "
            "read and hashed, its article body walked node by node to find speaker labels (split bold runs, "
            "asides, typos), every paragraph normalised, counted and tokenised for the index, and the result written "
            "as Parquet and Arrow; that "
            "Python work costs about as much CPU again as the parse itself, and two cores only halve it. The "
            "tar.xz path adds decompression in the main process."
        )
    if s("incremental") >= 0.05 * s("full_after_touch"):
        gaps.append(
            f"- The incremental rebuild takes {s('incremental'):.2f} s ({s('incremental') / s('full_after_touch'):.1%} "
            "of a full one), not under 5%: parsing the changed pages is a few milliseconds; the rest is a fixed "
            "cost per run of stat-ing and restoring all 7,085 files from the state, rewriting the document "
            "table, ingest report and state, and re-encoding the turn and index parts the changed pages live in."
        )
    if gaps:
        lines += ["", "## Where a target is missed", "", *gaps]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
