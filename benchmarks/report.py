"""The Markdown of ``run.py``: the results table printed and written to benchmarks/RESULTS.md, the
one-line figures of ``--only``, and the machine they were measured on. Formatting only: every figure
comes in measured.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

from ingest_steps import TOUCHED

#: The whole-archive ingest of the code before the default corpus moved to the archives
#: (benchmarks/RESULTS.md at 8f56f6e, straight from the .tar.xz): the 2× budget of the default corpus.
ARCHIVE_INGEST_BEFORE = 6.521
#: The figures whose every run is listed under the table.
RUNS_LISTED = (
    "floor",
    "ingest",
    "ingest_tar",
    "count_warm",
    "count_cold",
    "incremental",
    "render_all",
    "render_one",
    "make_all_warm",
    "make_all_speech",
)

#: One row of the table: step, seconds, ratio, target, whether it is met (None: no target), peak RSS.
Row = tuple[str, float, str, str, bool | None, float | None]


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


# --- the one-line figures: the banner of a full run and the --only steps -------------------------


def banner(archive: Path, n_pages: int, size_mb: float, runs: int) -> str:
    return (
        f"machine: {machine()}\narchive: {archive.name}: {n_pages} pages, {size_mb:.0f} MiB of HTML; "
        f"{runs} runs per figure (median)\n"
    )


def startup_line(r: dict) -> str:
    return (
        f"cold `python -m analysis count` of one phrase by year: median {r['seconds']:.3f} s "
        f"(runs {r['all']}), target <= 1.0 s: {'met' if r['seconds'] <= 1.0 else 'missed'}"
    )


def table_line(r: dict, rows: int) -> str:
    return (
        f"ingest of a {rows:,}-row CSV ({r['mb']:.0f} MB): {r['seconds']:.1f} s, peak RSS "
        f"{r['rss_mb']:.0f} MiB (target <= 1024: {'met' if r['rss_mb'] <= 1024 else 'missed'})"
    )


def ingest_line(floor: dict, full: dict, inc: dict[str, dict]) -> str:
    a, f, i = floor["seconds"], full["seconds"], inc["incremental"]["seconds"]
    return (
        f"floor {a:.3f} s {floor['all']}; ingest {f:.3f} s {full['all']} = {f / a:.2f}x floor (target <= 3x), "
        f"peak {full['rss_mb']:.0f} MiB; after {TOUCHED} changed pages {i:.3f} s {inc['incremental']['all']} "
        f"= {i / inc['full_after_touch']['seconds']:.1%} of a full {inc['full_after_touch']['seconds']:.3f} s "
        f"{inc['full_after_touch']['all']} (target < 5%)"
    )


# --- the results table (RESULTS.md) --------------------------------------------------------------


def format_results(r: dict, *, n_pages: int, size_mb: float, text_mb: float, runs: int) -> str:
    """The results as Markdown (the same text is printed and written to RESULTS.md)."""
    lines = header(r, n_pages=n_pages, size_mb=size_mb, text_mb=text_mb, runs=runs)
    lines += table([*ingest_rows(r), *count_rows(r), *rebuild_rows(r)])
    lines += ["", runs_line(r), ""]
    lines.append(
        f"Phrase counts found {r['count_warm']['uses']:,} uses; rg counted {r['rg']['lines']:,} matching "
        f"lines for {r['rg']['forms']} surface forms. The incremental run parsed "
        f"{r['incremental']['parsed']} files."
    )
    gaps = missed_targets(r)
    if gaps:
        lines += ["", "## Where a target is missed", "", *gaps]
    return "\n".join(lines) + "\n"


def header(r: dict, *, n_pages: int, size_mb: float, text_mb: float, runs: int) -> list[str]:
    return [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.",
        f"Corpus: {n_pages:,} en.kremlin.ru pages, {size_mb:.0f} MiB of HTML "
        f"({r['ingest']['documents']:,} documents ingested); the speaker's words exported for rg: {text_mb:.1f} MiB.",
        f"Each figure is the median of {runs} runs in fresh processes; peak RSS is the largest of the step's own "
        "process and its worker processes. Numbers are noisy on a shared machine; the ratios matter more.",
        "Regenerate with `make bench` (writes this file).",
        "",
    ]


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| step | seconds | ratio | target | met | peak RSS (MiB) |",
        "| --- | ---: | ---: | --- | --- | ---: |",
    ]
    for name, secs, ratio, target, met, rss in rows:
        flag = "" if met is None else ("yes" if met else "no")
        lines.append(f"| {name} | {secs:.3f} | {ratio} | {target} | {flag} | {'' if rss is None else rss} |")
    return lines


def runs_line(r: dict) -> str:
    return "Runs (seconds): " + "; ".join(f"{k} {r[k]['all']}" for k in RUNS_LISTED if "all" in r[k])


def _seconds(r: dict, key: str) -> float:
    return r[key]["seconds"]


def ingest_rows(r: dict) -> list[Row]:
    """Step 1: the ingests against the parse floor and the archive ingest before."""
    floor, ingest, tar = _seconds(r, "floor"), _seconds(r, "ingest"), _seconds(r, "ingest_tar")
    default, warm = _seconds(r, "ingest_default"), _seconds(r, "ingest_default_warm")
    before = ARCHIVE_INGEST_BEFORE
    return [
        (
            "1. ingest, extracted folder (all cores)",
            ingest,
            f"{ingest / floor:.2f}× floor",
            "≤ 3× floor (index included)",
            ingest <= 3 * floor,
            r["ingest"]["rss_mb"],
        ),
        ("   floor: bare lexbor parse, one core", floor, "1.00×", "", None, r["floor"]["rss_mb"]),
        ("   ingest straight from the .tar.xz", tar, f"{tar / floor:.2f}× floor", "", None, r["ingest_tar"]["rss_mb"]),
        (
            "   default corpus: data/raw (both archives + seed), full",
            default,
            f"{default / before:.2f}× archive before",
            f"≤ 2× {before:g} s",
            default <= 2 * before,
            r["ingest_default"]["rss_mb"],
        ),
        (
            "   default corpus, nothing changed",
            warm,
            f"{warm / default:.1%} of full",
            "",
            None,
            r["ingest_default_warm"]["rss_mb"],
        ),
    ]


def count_rows(r: dict) -> list[Row]:
    """Steps 2 and 7: the phrase counts against rg, and a whole count process."""
    warm, cold, rg, process = (_seconds(r, k) for k in ("count_warm", "count_cold", "rg", "count_process"))
    return [
        (
            "2. 20 phrase counts by year, warm",
            warm,
            f"{warm / rg:.1f}× rg",
            "≤ 3× rg and < 1 s",
            warm <= 3 * rg and warm < 1,
            r["count_warm"]["rss_mb"],
        ),
        ("   same, cold (loading Parquet)", cold, f"{cold / rg:.1f}× rg", "", None, r["count_cold"]["rss_mb"]),
        ("   rg -c -i -w -F, all forms in one alternation", rg, "1.0×", "", None, None),
        ("   `python -m analysis count`, 1 phrase, whole process", process, "", "≤ 1.0 s", process <= 1.0, None),
    ]


def rebuild_rows(r: dict) -> list[Row]:
    """Steps 3 to 6: the incremental ingest, the renders, a warm ``make all`` and the generated table."""
    inc, full = _seconds(r, "incremental"), _seconds(r, "full_after_touch")
    big = r["table"]
    return [
        (
            f"3. incremental ingest, {TOUCHED} pages changed",
            inc,
            f"{inc / full:.1%} of full",
            "< 5% of full",
            inc < 0.05 * full,
            r["incremental"]["rss_mb"],
        ),
        ("   full rebuild of the same folder", full, "100%", "", None, r["full_after_touch"]["rss_mb"]),
        *render_rows(r),
        (
            f"6. ingest of a generated {big['rows']:,}-row CSV ({big['mb']:.0f} MB)",
            big["seconds"],
            f"{big['documents']:,} statements",
            "peak RSS ≤ 1,024 MiB",
            big["rss_mb"] <= 1024,
            big["rss_mb"],
        ),
    ]


def render_rows(r: dict) -> list[Row]:
    """Steps 4 and 5: the renders, a warm ``make all``, one after a speech (the explorer's share in it)."""
    render_all, render_one, warm = (_seconds(r, k) for k in ("render_all", "render_one", "make_all_warm"))
    speech = r["make_all_speech"]
    return [
        ("4. render every report (embedded corpus)", render_all, "", "", None, r["render_all"]["rss_mb"]),
        ("   one notebook, changed phrase parameter", render_one, "", "", None, r["render_one"]["rss_mb"]),
        (
            f"5. warm `make all`, nothing changed ({r['make_all_warm']['lines']} lines of output)",
            warm,
            f"{warm / render_all:.1%} of a full render",
            "< 10% of a full render",
            warm < 0.10 * render_all,
            None,
        ),
        (
            f"   `make all` after one U.S. speech is added: rendered again {', '.join(speech['rendered']) or 'none'}",
            speech["seconds"],
            f"{speech['seconds'] / render_all:.1%} of a full render",
            f"only those reading U.S. presidents ({', '.join(speech['expected'])})",
            speech["rendered"] == speech["expected"],
            None,
        ),
        *_explorer_rows(r),
    ]


def render_lines(r: dict) -> str:
    """Steps 4 and 5 alone (``run.py --only render``), as the results table's rows."""
    return "\n".join(table(render_rows(r))) + "\n"


def _explorer_rows(r: dict) -> list[Row]:
    """The explorer's share of the full render and of the build after one speech: rebuilt incrementally."""
    full, inc = r["render_all"].get("explorer"), r["make_all_speech"].get("explorer")
    if not full or not inc:
        return []
    return [
        (
            f"     of which the explorer, incrementally: positions of {inc['speakers_again']} of {inc['speakers']} "
            f"speakers worked out, {inc['written']:,} of {inc['files']:,} data files written",
            inc["seconds"],
            f"{inc['seconds'] / full['seconds']:.0%} of a build from nothing",
            "rebuilt incrementally",
            inc["speakers_again"] < inc["speakers"] and inc["written"] < inc["files"],
            None,
        ),
        (
            f"     the explorer built from nothing in the full render ({full['files']:,} data files)",
            full["seconds"],
            "100%",
            "",
            None,
            None,
        ),
    ]


def missed_targets(r: dict) -> list[str]:
    """An explanation of each missed target that has one (ingest against the floor, incremental)."""
    floor, ingest = _seconds(r, "floor"), _seconds(r, "ingest")
    inc, full = _seconds(r, "incremental"), _seconds(r, "full_after_touch")
    gaps = []
    if ingest > 3 * floor:
        gaps.append(
            f"- Ingest is {ingest / floor:.1f}× the one-core parse floor, not 3×. Beyond the parse, each page is "
            "read and hashed, its article body walked node by node to find speaker labels (split bold runs, "
            "asides, typos), every paragraph normalised, counted and tokenised for the index, and the result written "
            "as Parquet and Arrow; that "
            "Python work costs about as much CPU again as the parse itself, and two cores only halve it. The "
            "tar.xz path adds decompression in the main process."
        )
    if inc >= 0.05 * full:
        gaps.append(
            f"- The incremental rebuild takes {inc:.2f} s ({inc / full:.1%} "
            "of a full one), not under 5%: parsing the changed pages is a few milliseconds; the rest is a fixed "
            "cost per run of stat-ing and restoring all 7,085 files from the state and rewriting the document "
            "table, ingest report and state (Python and Arrow work in the ingest's own process, one object per "
            "file), and of re-encoding the turn and index parts the changed pages live in (on the parse's worker "
            "processes); see docs/decisions/0005-incremental-rebuilds.md."
        )
    return gaps
