"""The phrase-count steps of ``run.py`` (2 and 7): counts warm and cold, the ripgrep baseline over
the same text, and a whole ``python -m analysis count`` process.

``step_*`` run in a child process (see ``harness``); the other functions run in the driver.
``PHRASES`` is also what ``scale.py`` counts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from analysis.selection import Selection
from harness import child, median_of

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


# --- steps, each run in a child process ---------------------------------------------------------


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


# --- in the driver ------------------------------------------------------------------------------


def count_figures(processed: Path, work: Path, runs: int) -> tuple[dict[str, dict], int]:
    """Steps 2 and 7 on ``processed``: the figures, and the bytes of the text exported for rg."""
    text_file = work / "putin.txt"
    text_bytes = export_speaker_text(processed, text_file)
    r = {
        "count_warm": median_of(runs, lambda: child("count_warm", str(processed))),
        "count_cold": median_of(runs, lambda: child("count_cold", str(processed))),
    }
    r["rg"] = ripgrep(text_file, runs)
    r["count_process"] = cold_command(processed, runs)
    return r, text_bytes


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
