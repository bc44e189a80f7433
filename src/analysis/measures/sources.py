"""The ``sources`` listing: what the corpus holds per source (documents, dates, words, leaders)."""

from __future__ import annotations

from analysis.measures import Measure, Result
from analysis.params import CorpusParams


def compute(corpus, params: CorpusParams) -> Result:
    return Result(corpus.sources())


MEASURE = Measure(
    "sources",
    "what the corpus holds: per source, documents, dates, words, leaders",
    CorpusParams,
    "sources",
    compute,
    formats=("table", "csv", "json"),
)
