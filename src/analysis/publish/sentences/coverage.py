"""What a report's numbers rest on, in words: the sentence under the coverage strip, made from the report's
``coverage.csv`` (:mod:`analysis.measures.coverage`; the strip itself is :mod:`analysis.publish.charts.coverage`)."""

from __future__ import annotations

import pandas as pd

from analysis.measures.coverage import floor, gaps, sides
from analysis.publish.sentences.text import plural


def sentence(cov: pd.DataFrame, *, most: int = 3) -> str:
    """What each side's rates rest on, from its coverage table (:func:`analysis.measures.coverage.by_side`):
    statements, words, first and last date, the sources (with their words when there are several), and
    the periods with none of its words or too few for a rate (the ``most`` longest runs of each, then how
    many periods more)."""
    if cov.empty:
        return "No words of the speaker in this selection"
    holes = gaps(cov)
    parts = []
    for row in sides(cov).itertuples(index=False):
        names, words = str(row.sources).split("; "), str(row.source_words).split("; ")
        if len(names) == 1:
            where = f"from {names[0]}"
        else:
            where = "from " + " and ".join(f"{n} ({int(w):,} words)" for n, w in zip(names, words, strict=True))
        when = f"on {row.first_date}" if row.first_date == row.last_date else f"{row.first_date} to {row.last_date}"
        text = f"{row.side}: {int(row.words):,} own words in {plural(int(row.documents), 'statement')}, {when}, {where}"
        mine = holes[holes["side"] == row.side]
        if cov["period"].astype(str).str.contains(" ").any():  # statements: no gaps, only short ones
            short = int(mine.loc[mine["kind"] == "too few", "periods"].sum())
            if short:
                which = "too short" if int(row.documents) == 1 else f"{short} of them too short"
                text += f"; {which} for a rate (under {floor(cov['period']):,} words)"
            parts.append(text)
            continue
        for kind, said in (("none", "no statements in this corpus in"), ("too few", "too few words for a rate in")):
            runs = mine[mine["kind"] == kind]
            if runs.empty:
                continue
            shown = runs.sort_values(["periods", "first_period"], ascending=[False, False], kind="stable").head(most)
            spans = [
                (f"{r.first_period}–{r.last_period}" if r.periods > 1 else str(r.first_period))
                + ("" if kind == "none" else f" ({plural(int(r.documents), 'statement')}, {int(r.words):,} words)")
                for r in shown.sort_values("first_period").itertuples(index=False)
            ]
            more = int(runs["periods"].sum() - shown["periods"].sum())
            text += f"; {said} {', '.join(spans)}" + (
                f" and {more} other period{'s' if more > 1 else ''}" if more else ""
            )
        parts.append(text)
    return ". ".join(parts)
