"""The ``rhetoric-precision`` measure: each rhetoric category's precision on the hand-labelled hits that
are still hits (:func:`analysis.measures.rhetoric.precision`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.measures import Measure, Result, per_speaker
from analysis.measures.count import evidence
from analysis.measures.rhetoric import LABELS_FILE, RhetoricParams, precision, read_labels
from analysis.params import param


@dataclass(frozen=True)
class PrecisionParams(RhetoricParams):
    labels: str = param("", "labels file; empty for config/labels/rhetoric-labels.csv")


def compute(corpus, params: PrecisionParams) -> Result:
    if params.labels and not Path(params.labels).is_file():  # a typo must not quietly mean "no labels"
        raise ValueError(f"{params.labels} does not exist")
    lex, names = params.lexicon_and_names()
    labels = read_labels(params.labels or LABELS_FILE)
    return per_speaker(corpus, params, lambda s: precision(evidence(corpus, s, names, lexicon=lex), labels, names))


MEASURE = Measure(
    "rhetoric-precision", "labelled precision of each rhetoric category", PrecisionParams, "precision.csv", compute
)
