"""``python -m analysis score-attribution``: the importers' word-level precision and recall against the
hand-checked gold set (:func:`analysis.quality.attribution.score`), printed or as JSON."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.params import Command, Params, param
from analysis.quality.attribution import score


def format_summary(result: dict) -> str:
    """The scorer's printout: overall figures, then per speaker (most gold words first)."""
    out = io.StringIO()
    pct = lambda v: f"{v:.2%}" if v == v else "n/a"
    out.write(f"gold set: {result['documents']} documents, {result['words']:,} words\n")
    out.write(
        f"{result['leader']}: precision {pct(result['leader_precision'])}, recall "
        f"{pct(result['leader_recall'])} ({result['leader_system_words']:,} counted, "
        f"{result['leader_gold_words']:,} true); per-statement error {pct(result['per_statement_error'])}\n"
    )
    out.write(
        f"all other speakers: precision {pct(result['others_precision'])}, recall "
        f"{pct(result['others_recall'])} ({result['others_system_words']:,} counted, "
        f"{result['others_gold_words']:,} true)\n\nper speaker:\n"
    )
    for r in sorted(result["per_speaker"], key=lambda r: (-r["gold_words"], r["speaker"])):
        out.write(
            f"  {r['speaker'][:48]:<48} gold {r['gold_words']:>7,}  system {r['system_words']:>7,}  "
            f"P {pct(r['precision']):>7}  R {pct(r['recall']):>7}\n"
        )
    return out.getvalue()


@dataclass(frozen=True)
class ScoreParams(Params):
    gold: str = param("", "folder of gold CSVs, each beside its raw file; empty for tests/gold")
    leader: str = param(
        "",
        "the speaker whose words are scored first; empty for each statement's own speaker where its metadata "
        f"names one, else {config.DEFAULT_SPEAKER}",
    )
    format: str = param("text", "text or json", choices=("text", "json"))


def _run(p: ScoreParams) -> int:
    import json
    import sys

    result = score(Path(p.gold) if p.gold else config.PROJ_ROOT / "tests" / "gold", leader=p.leader or None)
    sys.stdout.write(format_summary(result) if p.format == "text" else json.dumps(result, indent=1, default=str) + "\n")
    return 0


COMMAND = Command(
    "score-attribution",
    "word-level precision and recall of the importers against a hand-checked gold set",
    ScoreParams,
    _run,
)
