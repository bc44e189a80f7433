"""The ``rhetoric-sample`` measure: hits of each rhetoric category to label by hand, in a reproducible
pseudo-random order (:func:`analysis.measures.rhetoric.sample_for_labelling`)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import Measure, Result, per_speaker
from analysis.measures.count import evidence
from analysis.measures.rhetoric import RhetoricParams, sample_for_labelling
from analysis.params import param


@dataclass(frozen=True)
class SampleParams(RhetoricParams):
    per_category: int = param(20, "hits to label per category", minimum=1)


def compute(corpus, params: SampleParams) -> Result:
    lex, names = params.lexicon_and_names()
    return per_speaker(
        corpus,
        params,
        lambda s: sample_for_labelling(evidence(corpus, s, names, lexicon=lex), per_category=params.per_category),
    )


MEASURE = Measure(
    "rhetoric-sample",
    "hits of each rhetoric category to label by hand (CSV)",
    SampleParams,
    "rhetoric-labels.csv",
    compute,
    formats=("csv",),
)
