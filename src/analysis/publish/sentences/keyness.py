"""What keyness tells readers: one sentence from the ``keyness`` table (:mod:`analysis.measures.keyness`),
naming as style only the terms that pass its threshold, and apart from them the terms only one side
uses (new subjects, not a change of style)."""

from __future__ import annotations

import pandas as pd

from analysis.measures.keyness import ALPHA, MIN_STATEMENTS, MIN_YEARS
from analysis.publish.sentences.text import possessive, quoted


def sentence(a: pd.DataFrame, b: pd.DataFrame, label_a: str, label_b: str) -> str:
    """The terms each side over-uses, naming only terms that pass the threshold (``passes``), then the
    terms only one side uses (``new_subject``): subjects, not style.

    A term passes when its p-value after a Bonferroni correction is under 0.05, its log-ratio interval is
    clear of 0, it occurs in at least 3 statements and 2 years, no single statement holds more than half
    its uses and most of its uses are not inside a formula ("would like to") (:mod:`analysis.measures.
    keyness`); without a ``passes`` column every row counts.
    """

    def passing(df):
        return df[df["passes"].astype(bool)] if "passes" in df.columns else df

    def top(df):
        return ", ".join(quoted(t) for t in df["term"].head(3))

    new = [
        f"{_only(label)}, {top(df[df['new_subject'].astype(bool)])}"
        for df, label in ((b, label_b), (a, label_a))
        if "new_subject" in df.columns and df["new_subject"].astype(bool).any()
    ]
    kind = (
        "new subjects, not a change of style"
        if _is_period(label_a)
        else "words only one of them uses (subjects or spellings, not style)"
    )
    subjects = f"; {kind}: {'; '.join(new)}" if new else ""
    a, b = passing(a), passing(b)
    parts = []
    if len(b):
        parts.append(f"{_says(label_b)} {top(b)} far more often")
    if len(a):
        parts.append(f"{label_a}, {top(a)}" if parts else f"{_says(label_a)} {top(a)} far more often")
    if parts:
        return "; ".join(parts) + subjects
    if subjects:
        return "No change of style passes the threshold" + subjects
    return (
        f"No term passes the threshold (p < {ALPHA:g} after correcting for every term tested, in at least "
        f"{MIN_STATEMENTS} statements and {MIN_YEARS} years, at most half its uses in one statement or in a "
        "formula): no clear difference between the two sides"
    )


def from_table(terms: pd.DataFrame, label_a: str, label_b: str) -> str:
    """:func:`sentence` from one table of both sides' terms (``side`` A or B, as published)."""
    return sentence(
        terms[terms["side"] == "A"].reset_index(drop=True),
        terms[terms["side"] == "B"].reset_index(drop=True),
        label_a,
        label_b,
    )


def _is_period(label: str) -> bool:
    """A side named by its dates ("before 2014-03-01", "from 2014-03-01", "A"), not by a speaker."""
    return label.startswith(("before ", "from ")) or label.split(" (")[0] in ("A", "B")


def _says(label: str) -> str:
    """ "From 2014-03-01, he says" for a period; "Donald Trump says" for a speaker."""
    return f"{label[:1].upper() + label[1:]}, he says" if _is_period(label) else f"{label} says"


def _only(label: str) -> str:
    """ "only from 2014-03-01" for a period; "only in Donald Trump's words" for a speaker."""
    return f"only {label}" if _is_period(label) else f"only in {possessive(label)} words"
