"""The ``kwic`` measure: every match of the phrases with its context, the evidence behind a count.

The rows are :func:`analysis.measures.count.found`'s matches, the same search a count adds up, in the
published evidence columns, oldest first (then by statement, paragraph and position).
"""

from __future__ import annotations

import numpy as np

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.count import ExactParams, PhraseParams, as_written, evidence_frame, hinted
from analysis.measures.lexicon import family_notes, load
from analysis.measures.search import EVIDENCE_COLUMNS, EVIDENCE_ORDER, Search, evidence_rows


def compute(corpus: Corpus, params: PhraseParams) -> Result:
    lexicon = load(params.phrase_lexicon or None)
    selections = corpus.selections(params)
    hits, terms, hints = hinted(corpus, selections, params.phrases, lexicon, exact=as_written(params))
    rows = evidence_rows(hits).sort_by([(c, "ascending") for c in EVIDENCE_ORDER])
    held = [holds(hits, corpus.resolve_speaker(s.speaker)) for s in selections]
    return Result(
        rows.select(EVIDENCE_COLUMNS),
        quotes=lambda: evidence_frame(hits),
        hints=hints,
        notes=family_notes(params.phrases, terms)
        + [
            f"the first and last matches of {s.speaker} are the first and last in this corpus, which holds {h}"
            for s, h in zip(selections, held, strict=True)
        ],
        searched=[f"{s.describe()} (this corpus holds {h})" for s, h in zip(selections, held, strict=True)],
    )


def holds(hits: Search, speaker: str) -> str:
    """What the searched words of ``speaker`` are: "35 of his statements, 2017-01-20 to 2020-10-30" (a
    search holds every paragraph of its scope, matched or not)."""
    code = hits.speakers.index(speaker) if speaker in hits.speakers else -2
    docs = np.unique(hits.par_doc[hits.par_speaker == code])
    if not len(docs):
        return "none of his statements in these dates and sources"
    days = hits.index.doc_days[docs]
    first, last = (str(np.datetime64(int(d), "D")) for d in (days.min(), days.max()))
    return (
        f"{len(docs):,} of his statements, {first} to {last}" if len(docs) > 1 else f"1 of his statements, on {first}"
    )


MEASURE = Measure(
    "kwic",
    "every match with its context (the evidence behind a count)",
    ExactParams,
    "evidence.csv",
    compute,
    formats=("csv", "json", "html"),
    lean=True,
)
