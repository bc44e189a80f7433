"""The ``nmf-topics`` measure: topics suggested by NMF on TF-IDF of the speaker's paragraphs (a fixed
seed), as their top terms (:func:`analysis.measures.topics.discover`)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import Measure, Result, per_speaker
from analysis.measures.topics import discover
from analysis.params import param
from analysis.selection import PeriodParams, SelectionParams


@dataclass(frozen=True)
class NmfParams(PeriodParams, SelectionParams):
    """How many topics NMF should suggest, and its seed."""

    n_topics: int = param(8, "how many topics NMF should suggest (2 to 50)", minimum=2)
    seed: int = param(0, "random seed (fixed: the same corpus and seed give the same suggestions or sample)")


def compute(corpus, params: NmfParams) -> Result:
    return per_speaker(
        corpus,
        params,
        lambda s: discover(corpus.select(s).turns, n_topics=params.n_topics, by=params.period, seed=params.seed)[
            "terms"
        ],
    )


MEASURE = Measure("nmf-topics", "topics suggested by NMF: top terms per topic", NmfParams, "nmf_terms.csv", compute)
