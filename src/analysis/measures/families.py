"""The ``families`` listing: what can be counted (phrase families, rhetoric categories or topics), from
the lexicon files; it reads no corpus."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import Measure, Result
from analysis.measures import lexicon as lexicons
from analysis.params import Params, param


@dataclass(frozen=True)
class FamiliesParams(Params):
    kind: str = param(
        "phrases", "which lexicon: phrases, rhetoric or topics", choices=("phrases", "rhetoric", "topics")
    )
    lexicon_file: str = param("", "the lexicon file; empty for the kind's file in config/lexicons/")


def compute(corpus, params: FamiliesParams) -> Result:
    lex = lexicons.load(params.lexicon_file or None, kind=params.kind)
    table = lexicons.describe(lex.entries).assign(forms=[len(t.patterns) for t in lex.entries])
    table.insert(0, "lexicon", lex.label())
    return Result(table[["lexicon", "name", "forms", "description", "patterns"]])


MEASURE = Measure(
    "families",
    "what can be counted: phrase families, rhetoric categories, topics",
    FamiliesParams,
    "families",
    compute,
    formats=("table", "csv", "json"),
)
