"""One-sentence findings computed from a result table: chart titles and the reports' headlines.

Each function reads only the table it is given, so the sentence always agrees with the chart and
the CSV beside it. Sentences are plain text (escaped where they reach HTML).
"""

from __future__ import annotations

import pandas as pd


def _q(text: str) -> str:
    return f"“{text}”"


def words_per_year(glance: pd.DataFrame, speaker: str) -> str:
    if glance.empty:
        return f"{speaker} has no words in this selection"
    top = glance.sort_values(["speaker_words", "period"], ascending=[False, True]).iloc[0]
    total = int(glance["speaker_words"].sum())
    if len(glance) == 1:
        return (
            f"{speaker}: {total:,} words of his own in {int(top['documents'])} statement(s), all from {top['period']}"
        )
    return (
        f"{speaker}'s words peak in {top['period']}: {int(top['speaker_words']):,} of {total:,} "
        f"in {int(top['documents'])} statements"
    )


def phrase_rates(counts: pd.DataFrame, speaker: str) -> str:
    totals = counts.groupby("phrase", sort=False)["count"].sum()
    if totals.sum() == 0:
        return f"None of the {len(totals)} phrases occurs in {speaker}'s words here"
    phrase = totals.idxmax()
    rows = counts[counts["phrase"] == phrase].sort_values(["count", "period"], ascending=[False, True])
    peak = rows.iloc[0]
    periods = counts["period"].nunique()
    where = (
        f", most in {peak['period']} ({int(peak['count'])}, {peak['per_10k']:.1f} per 10,000 words)"
        if periods > 1
        else f" ({peak['per_10k']:.1f} per 10,000 words)"
    )
    return f"{_q(phrase)} is {speaker}'s most used: {int(totals[phrase])} times{where}"


def headings(heads: pd.DataFrame) -> str:
    if heads.empty:
        return "The statement has no topic headings"
    top = heads.sort_values(["speaker_words", "heading"], ascending=[False, True]).iloc[0]
    return (
        f"The longest answer is {_q(top['heading'])}: {int(top['speaker_words'])} words, "
        f"{top['share_of_words']:.0%} of the statement"
    )


def catchphrases(found: pd.DataFrame, speaker: str) -> str:
    if found.empty:
        return f"No phrase recurs across {speaker}'s statements here"
    top = found.iloc[0]
    return (
        f"{_q(top['phrase'])} recurs in {int(top['statements'])} of {speaker}'s statements, "
        f"{top['first_date'][:4]}–{top['last_date'][:4]}"
    )


def topic_shares(shares: pd.DataFrame, speaker: str) -> str:
    overall = shares.groupby("topic", sort=False)[["topic_words", "speaker_words"]].sum()
    overall["share"] = overall["topic_words"] / overall["speaker_words"].where(overall["speaker_words"] > 0)
    top = overall.sort_values("share", ascending=False)
    if top.empty or not (top["topic_words"] > 0).any():
        return f"No topic of the lexicon occurs in {speaker}'s words here"
    first = top.index[0]
    sentence = (
        f"{first[:1].upper() + first[1:]} takes the largest share of {speaker}'s words: "
        f"{top['share'].iloc[0]:.0%} overall"
    )
    if len(top) > 1:
        sentence += f", then {top.index[1]} ({top['share'].iloc[1]:.0%})"
    return sentence


def nmf_shares(shares: pd.DataFrame) -> str:
    overall = shares.groupby("topic", sort=False)["share_of_words"].mean().sort_values(ascending=False)
    if overall.empty:
        return "No suggested topic: too few paragraphs"
    return f"Suggested topic {_q(overall.index[0])} takes the largest average share: {overall.iloc[0]:.0%}"


def rhetoric(counts: pd.DataFrame, speaker: str) -> str:
    totals = counts.groupby("phrase", sort=False)["count"].sum()
    words = counts.drop_duplicates("period")["speaker_words"].sum()
    if totals.sum() == 0 or words == 0:
        return f"No rhetoric marker occurs in {speaker}'s words here"
    cat = totals.idxmax()
    return (
        f"{cat[:1].upper() + cat[1:]} markers are {speaker}'s most frequent: {int(totals[cat])} hits, "
        f"{totals[cat] / words * 10_000:.1f} per 10,000 words"
    )


def keyness(a: pd.DataFrame, b: pd.DataFrame, label_a: str, label_b: str) -> str:
    """The terms each side over-uses, naming only terms that pass the threshold (``passes``).

    A term passes when its p-value after a Bonferroni correction is under 0.05, it occurs in at
    least 3 statements and no single statement holds more than half its uses
    (:mod:`analysis.measures.keyness`); without a ``passes`` column every row counts.
    """

    def passing(df):
        return df[df["passes"].astype(bool)] if "passes" in df.columns else df

    def top(df):
        return ", ".join(_q(t) for t in df["term"].head(3))

    a, b = passing(a), passing(b)
    parts = []
    if len(b):
        parts.append(f"{label_b[:1].upper() + label_b[1:]}, he says {top(b)} far more often")
    if len(a):
        parts.append(
            f"{label_a}, {top(a)}" if parts else f"{label_a[:1].upper() + label_a[1:]}, he says {top(a)} far more often"
        )
    if parts:
        return "; ".join(parts)
    return (
        "No term passes the threshold (p < 0.05 after correcting for every term tested, in at least 3 "
        "statements, at most half its uses in one): no clear difference between the two sides"
    )
