"""The later sections of ``run.py``'s report (steps 8 to 11), each as Markdown: attribution accuracy,
the questions beside DuckDB (``questions.py``), scale (``scale.py``) and the reader's explorer
(``explorer.py``). Each runs in the driver, on a processed corpus it is given.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness import ROOT

GOLD_SETS = ("kremlin", "heldout", "transcripts", "miller-center", "miller-heldout")
#: The gold sets scored with Putin as the leader (the others have no leader's per-statement error).
KREMLIN_GOLD = ("kremlin", "heldout", "transcripts")


def attribution_figures(processed: Path) -> str:
    """Step 8: the gold-set scores (tests/gold) and the audit over a processed archive, as Markdown."""
    sys.path.insert(0, str(ROOT / "src"))
    lines = ["## Attribution", "", "Gold sets (`python -m analysis score-attribution --gold …`):", ""]
    lines += gold_scores(ROOT / "tests" / "gold")
    lines += audit_table(processed)
    return "\n".join(lines)


def gold_scores(gold: Path) -> list[str]:
    """Each gold set's summary (its lines above the per-speaker table), in a fenced block."""
    from analysis.quality.attribution import score
    from analysis.quality.score_attribution import format_summary

    lines = []
    for sub in GOLD_SETS:
        if (gold / sub).exists():
            lead = "Vladimir Putin" if sub in KREMLIN_GOLD else None
            lines += [
                f"### tests/gold/{sub}",
                "",
                "```",
                format_summary(score(gold / sub, leader=lead)).split("\nper speaker")[0],
                "```",
                "",
            ]
    return lines


def audit_table(processed: Path) -> list[str]:
    """The audit's counts of paragraphs and documents by kind over ``processed``, as a table."""
    import pandas as pd

    from analysis.quality.audit import audit, summary

    turns = pd.read_parquet(processed / "turns.parquet")
    documents = pd.read_parquet(processed / "documents.parquet")
    table = summary(audit(turns, documents))
    lines = [
        "Audit of the default corpus, the whole Kremlin archive and the Miller Center speeches "
        "(`python -m analysis audit`):",
        "",
        "| kind | paragraphs | documents |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {r.kind} | {r.paragraphs} | {r.documents} |" for r in table.itertuples()]
    lines += [f"| all | {table['paragraphs'].sum()} | |", ""]
    return lines


def questions_table(processed: Path, runs: int) -> str:
    """Step 9: the questions of ``questions.py`` on ``processed``, as a Markdown table."""
    import questions

    return (
        f"Whole processes on the default corpus, median of {runs} alternated runs; peak RSS per process.\n\n"
        + questions.table(questions.run(processed, runs))
    )


def scale_report(work: Path) -> str:
    """Step 10: ``scale.py`` on a generated corpus in ``work`` (its report, Markdown); it reads the
    default corpus processed into ``work/p-default``."""
    script = str(ROOT / "benchmarks" / "scale.py")
    out = subprocess.run(
        [sys.executable, script, "--processed", str(work / "p-default"), "--work", str(work / "scale")],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"scale.py failed:\n{out.stderr[-2000:]}")
    return out.stdout.strip()


def explorer_table(processed: Path, runs: int) -> str:
    """Step 11: ``explorer.py`` on ``processed`` (Markdown)."""
    script = str(ROOT / "benchmarks" / "explorer.py")
    out = subprocess.run([sys.executable, script, str(processed), "--runs", str(runs)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"explorer.py failed:\n{out.stderr[-2000:]}")
    return out.stdout.strip() + "\n"
