"""The ``kwic`` measure: every match of the phrases with its context, the evidence behind a count.

The rows are :func:`analysis.measures.count.found`'s matches, the same search a count adds up, in the
published evidence columns, oldest first (then by statement, paragraph and position).
"""

from __future__ import annotations

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.count import PhraseParams, evidence_frame, found, inflection_hints
from analysis.measures.lexicon import load
from analysis.measures.search import EVIDENCE_COLUMNS, EVIDENCE_ORDER, evidence_rows


def compute(corpus: Corpus, params: PhraseParams) -> Result:
    lexicon = load(params.phrase_lexicon or None)
    selections = corpus.selections(params)
    hits, _ = found(corpus, selections, params.phrases, lexicon)
    rows = evidence_rows(hits).sort_by([(c, "ascending") for c in EVIDENCE_ORDER])
    return Result(
        rows.select(EVIDENCE_COLUMNS),
        quotes=lambda: evidence_frame(hits),
        hints=inflection_hints(corpus, selections, params.phrases, lexicon=lexicon),
        searched=[s.describe() for s in selections],
    )


MEASURE = Measure(
    "kwic",
    "every match with its context (the evidence behind a count)",
    PhraseParams,
    "evidence.csv",
    compute,
    formats=("csv", "json", "html"),
    lean=True,
)
