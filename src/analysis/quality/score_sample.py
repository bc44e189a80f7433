"""``python -m analysis score-sample FILE …``: precision on hand-labelled random turns, per source.

Each FILE is a sample written by ``analysis audit --sample N --source S --seed K`` whose
``true_speaker`` column has been filled in by reading the raw text (:mod:`analysis.quality.sample`).
The turns are scored against the corpus as it is now (``--processed-dir``): the precision per source
with its Wilson 95% interval, the figure when the sample was drawn, and every turn still wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.params import Command, CorpusParams, param


@dataclass(frozen=True)
class ScoreSampleParams(CorpusParams):
    files: list[str] = param([], "a labelled turn sample (CSV); repeat for several", one="file", required=True)
    wrong: bool = param(True, "list every turn still wrongly attributed")


def report(files: list[Path], processed_dir: Path | None = None) -> tuple[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """The printout and the per-source table (``source``, ``right``, ``turns``, ``precision``, ``low``, ``high``)."""
    from analysis.corpus import Corpus
    from analysis.quality.sample import precision, read_sample, score

    corpus = Corpus.load(processed_dir or config.PROCESSED_DIR)
    scored = pd.concat(
        [score(read_sample(f), corpus.turns, path=str(f)) for f in files],
        ignore_index=True,
    )
    now, then, strict = (precision(scored, c) for c in ("right_now", "right_then", "strict_now"))
    out = io.StringIO()
    for r, t, x in zip(now.itertuples(), then.itertuples(), strict.itertuples(), strict=True):
        out.write(
            f"{r.source}: precision {r.precision:.2%} (95% interval {r.low:.2%}–{r.high:.2%}; lower bound "
            f"{r.low:.2%}), {r.right} of {r.turns} random turns right; when drawn {t.precision:.2%} "
            f"({t.right} of {t.turns}); strict, nobody's text (headings, documents read in) not counted: "
            f"{x.precision:.2%} ({x.right} of {x.turns}; lower bound {x.low:.2%})\n"
        )
    missing = scored[~scored["found"]]
    if len(missing):
        out.write(f"{len(missing)} sampled turn(s) not wholly found in today's corpus (scored on what was found)\n")
    if scored["lost"].sum():
        out.write(
            f"{int(scored['lost'].sum())} paragraph(s) of a labelled speaker attributed to nobody today (words lost, "
            f"not misattributed) in {int((scored['lost'] > 0).sum())} turn(s)\n"
        )
    return out.getvalue(), (now, scored)


def _run(p: ScoreSampleParams) -> int:
    import sys

    text, (_, scored) = report([Path(f) for f in p.files], Path(p.processed_dir) if p.processed_dir else None)
    sys.stdout.write(text)
    if p.wrong:
        for r in scored[~scored["right_now"]].itertuples():
            sys.stdout.write(
                f"  wrong: sample {r.sample_id} {r.doc_id}: importer {r.speaker_now or '(not found)'}, "
                f"true {r.true_speaker}\n"
            )
    return 0


COMMAND = Command(
    "score-sample",
    "precision of the importers on hand-labelled random turns (from audit --sample), per source",
    ScoreSampleParams,
    _run,
)
