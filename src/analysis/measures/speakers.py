"""The ``speakers`` listing: who speaks in the corpus (words, statements, first and last date, titles),
or the named groups of ``config/speakers.yaml`` with their members who have words here."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import Measure, Result
from analysis.params import CorpusParams, param


@dataclass(frozen=True)
class SpeakersParams(CorpusParams):
    source: str = param("", "only statements from this outlet (a documents.source value, e.g. en.kremlin.ru)")
    min_speaker_words: int = param(0, "only speakers with at least this many words of their own", minimum=0)
    groups: bool = param(False, "list the named groups (for --speaker 'US presidents') instead")


def compute(corpus, params: SpeakersParams) -> Result:
    if params.groups:
        return Result(corpus.groups())
    corpus.check_source(params.source or None)
    table = corpus.speakers(source=params.source or None)
    return Result(table[table["words"] >= params.min_speaker_words].reset_index(drop=True))


MEASURE = Measure(
    "speakers",
    "who speaks in the corpus: words, statements, first/last date, titles",
    SpeakersParams,
    "speakers",
    compute,
    formats=("table", "csv", "json"),
)
