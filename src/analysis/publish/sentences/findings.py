"""One-sentence findings computed from a result table: chart titles and the reports' headlines.

Each function reads only the table it is given, so the sentence always agrees with the chart and
the CSV beside it. Sentences are plain text (escaped where they reach HTML).

A report's headline is generated from the CSV files it publishes (:meth:`Report.finding
<analysis.publish.site.report.Report.finding>` writes the tables, reads them back and calls the function
named in :data:`PUBLISHED`); ``report.json`` records that recipe, and :func:`regenerate` repeats it
from the published files, so a test can check every published sentence against its table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.measures.stats import CONCENTRATED, clearly_above, per_10k
from analysis.publish.sentences import keyness as keyness_sentences
from analysis.publish.sentences.text import possessive, quoted, rate_text


def _by_label(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each phrase named by its ``label`` where it has one (how pages name a family)."""
    if "label" not in table.columns:
        return table
    return table.assign(phrase=table["label"].where(table["label"].notna(), table["phrase"]))


def phrase_rates(counts: pd.DataFrame, speaker: str) -> str:
    """The most used phrase (ties said as ties; "most" only when its interval, which allows for uses
    bunched in statements, clears the next one's), its peak period (likewise), and the statement that
    carries most of that period's uses when one does."""
    from analysis.measures.coverage import enough as measured

    counts = _by_label(counts)
    totals = counts.groupby("phrase", sort=False)["count"].sum()
    if totals.sum() == 0:
        return f"None of the {len(totals)} phrases occurs in {speaker}'s words here"
    ranked = totals.sort_values(ascending=False, kind="stable")
    best = int(ranked.iloc[0])
    tied = [p for p, n in ranked.items() if n == best]
    if len(ranked) == 1:
        head = f"{quoted(ranked.index[0])} occurs {best} times in {speaker}'s words"
    elif len(tied) > 1:
        head = f"{_and([quoted(p) for p in tied])} are {speaker}'s most used, tied at {best} times each"
    elif len(ranked) > 1 and not clearly_above(counts, ranked.index[0], ranked.index[1]):
        second = ranked.index[1]
        head = (
            f"{quoted(ranked.index[0])} ({best} times) and {quoted(second)} ({int(ranked.iloc[1])}) are {speaker}'s "
            "most used, with no clear difference between them"
        )
    else:
        head = f"{quoted(ranked.index[0])} is {speaker}'s most used: {best} times"
    phrase = ranked.index[0]
    rows = counts[counts["phrase"] == phrase].sort_values(["count", "period"], ascending=[False, True])
    peak = rows.iloc[0]
    rated = len(measured(rows.iloc[:1])) > 0  # a rate is quoted only from enough words (the charts' rule)
    if counts["period"].nunique() <= 1:
        said = rated and (head.endswith(" times") or len(ranked) == 1)
        return head + (f" ({peak['per_10k']:.1f} per 10,000 words)" if said else "") + _concentration(peak)
    subject = (
        "most" if len(tied) == 1 and (head.endswith(f"{best} times") or len(ranked) == 1) else f"{quoted(phrase)} most"
    )
    same = rows[rows["count"] == peak["count"]]
    if len(same) > 1:
        return f"{head}; {subject} in {_and(list(same['period']))} ({int(peak['count'])} each){_concentration(peak)}"
    others = measured(rows.iloc[1:])  # a period of too few words is not drawn, nor compared with
    rate = (
        f"{peak['per_10k']:.1f} per 10,000 words"
        if rated
        else f"in {int(peak['speaker_words']):,} words: too few for a rate"
    )
    where = f"{subject} in {peak['period']} ({int(peak['count'])}, {rate})"
    rivals = others[others["per_10k_high"] >= peak["per_10k_low"]] if rated and "per_10k_low" in rows else others[:0]
    if len(rivals):
        where += f", not clearly more than in {_and(sorted(rivals['period'].head(3)))}"
    sep = ", " if subject == "most" else "; "
    if len(ranked) == 1:
        sep = ", "
    return head + sep + where + _concentration(peak)


def _concentration(row) -> str:
    """ "; 71 of 72 in one statement: “…”, 2020-06-19" when one statement carries most of a row's uses."""
    share = row.get("top_statement_share", 0) if hasattr(row, "get") else 0
    if not share or share <= CONCENTRATED or int(row["count"]) < 2 or int(row.get("documents", 2)) < 2:
        return ""  # (one statement in the period: nothing to say)
    return (
        f"; {int(row['top_statement_uses'])} of {int(row['count'])} in one statement: "
        f"{quoted(str(row['top_statement_title']))}, {row['top_statement_date']}"
    )


def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def headings(heads: pd.DataFrame, speaker: str | None = None, words: int | None = None) -> str:
    """The longest answer under a topic heading (ties said as ties); without headings, the words."""
    if heads.empty:
        if speaker is not None and words is not None:
            return f"{speaker}: {int(words):,} words in this statement"
        return "The statement has no topic headings"
    ranked = heads.sort_values(["speaker_words", "heading"], ascending=[False, True])
    top = ranked.iloc[0]
    tied = ranked[ranked["speaker_words"] == top["speaker_words"]]
    if len(tied) > 1:
        return (
            f"The longest answers, tied at {int(top['speaker_words'])} words each "
            f"({top['share_of_words']:.0%} of the statement), are {_and([quoted(h) for h in tied['heading']])}"
        )
    return (
        f"The longest answer is {quoted(top['heading'])}: {int(top['speaker_words'])} words, "
        f"{top['share_of_words']:.0%} of the statement"
    )


def catchphrases(found: pd.DataFrame, speaker: str) -> str:
    if found.empty:
        return f"No phrase recurs across {speaker}'s statements here"
    top = found.iloc[0]
    first, last = top["first_date"][:4], top["last_date"][:4]
    years = first if first == last else f"{first}–{last}"
    sentence = f"{quoted(top['phrase'])} recurs in {int(top['statements'])} of {speaker}'s statements, {years}"
    ref = top.get("reference_per_10k")
    if ref is not None and ref == ref:  # measured against other speakers' words: the two rates, as published
        rates = f"{top['per_10k']:g} against {ref:g} per 10,000 words"
        how = f"{top['per_10k'] / ref:.1f} times as often as" if ref else "never"
        sentence += f", {how} in other speakers' words ({rates})"
    return sentence


def topic_shares(shares: pd.DataFrame, speaker: str) -> str:
    overall = shares.groupby("topic", sort=False)[["topic_words", "speaker_words"]].sum()
    overall["share"] = overall["topic_words"] / overall["speaker_words"].where(overall["speaker_words"] > 0)
    top = overall.sort_values("share", ascending=False)
    if top.empty or not (top["topic_words"] > 0).any():
        return f"No topic of the lexicon occurs in {speaker}'s words here"
    first = top.index[0]
    tied = [t for t, w in zip(top.index, top["topic_words"], strict=True) if w == top["topic_words"].iloc[0]]
    if len(tied) > 1 and (overall.loc[tied, "speaker_words"] == overall["speaker_words"].iloc[0]).all():
        sentence = (
            f"Paragraphs on {_and(tied)} tie for the largest share of {speaker}'s words: "
            f"{top['share'].iloc[0]:.0%} each"
        )
        return sentence + _concentrated_peaks(shares)
    sentence = (  # a share of his words: the words of the paragraphs that mention one of the topic's terms
        f"Paragraphs on {first} (mentioning one of its terms) hold {top['share'].iloc[0]:.0%} of {speaker}'s "
        "words, the largest share of any topic"
    )
    if len(top) > 1:
        second = top.index[1]
        sentence += f", then {second} ({top['share'].iloc[1]:.0%})"
        if "topic_paragraphs" in shares.columns and not _paragraphs_apart(shares, first, second):
            sentence += ", with no clear difference between them"
    return sentence + _concentrated_peaks(shares)


def _paragraphs_apart(shares: pd.DataFrame, first: str, second: str) -> bool:
    """True when topic ``first``'s paragraphs are clearly more than ``second``'s in the same words: their
    counts' intervals apart, widened where a topic's paragraphs bunch in a few statements (``bunching``;
    without it, the paragraphs as independent)."""
    rows = shares[shares["topic"].isin([first, second])].rename(
        columns={"topic": "phrase", "topic_paragraphs": "count"}
    )
    return clearly_above(rows, first, second)


def _concentrated_peaks(shares: pd.DataFrame, *, limit: int = 2) -> str:
    """ "; war's 2020 peak: 84 of 97 hits in one statement: “…”, 2020-06-19" for topics whose peak
    period rests mostly on one statement (the highest peaks first, at most ``limit``)."""
    from analysis.measures.coverage import enough as measured

    if "top_statement_share" not in shares.columns or shares["period"].nunique() < 2:
        return ""
    peaks = (
        measured(shares[shares["topic_hits"] > 0])  # a period of too few words has no peak worth naming
        .sort_values(["share_of_words", "period"], ascending=[False, True])
        .drop_duplicates("topic")
    )
    notes = [
        f"{possessive(row.topic)} {row.period} peak: {int(row.top_statement_uses)} of {int(row.topic_hits)} hits "
        f"in one statement: {quoted(str(row.top_statement_title))}, {row.top_statement_date}"
        for row in peaks.itertuples(index=False)
        if row.top_statement_share > CONCENTRATED and row.topic_hits >= 2 and row.documents >= 2
    ]
    return "".join(f"; {n}" for n in notes[:limit])


def nmf_shares(shares: pd.DataFrame) -> str:
    overall = shares.groupby("topic", sort=False)["share_of_words"].mean().sort_values(ascending=False)
    if overall.empty:
        return "No suggested topic: too few paragraphs"
    return f"Suggested topic {quoted(overall.index[0])} takes the largest average share: {overall.iloc[0]:.0%}"


def rhetoric(counts: pd.DataFrame, speaker: str, baseline: pd.DataFrame | None = None) -> str:
    """The category that matters: clearly more frequent in the speaker's words than in everyone else's.

    Without a ``baseline`` (other speakers' hits and words, :func:`analysis.measures.rhetoric.baseline`)
    the most frequent category is named, as a frequency and no more. "Clearly" allows for hits bunched
    in a few statements on either side (the counts' ``bunching`` and the baseline's).
    """
    from analysis.measures.rhetoric import against_baseline

    totals = counts.groupby("phrase", sort=False)["count"].sum()
    words = counts.drop_duplicates("period")["speaker_words"].sum()
    if totals.sum() == 0 or words == 0:
        return f"No rhetoric marker occurs in {speaker}'s words here"
    named = dict(zip(counts["phrase"], counts["label"], strict=True)) if "label" in counts.columns else {}
    frequent = totals.idxmax()
    rate = f"{int(totals[frequent])} hits, {per_10k(totals[frequent], words):.1f} per 10,000 words"
    if baseline is None or baseline.empty or int(baseline["words"].iloc[0]) == 0:
        shown = named.get(frequent, frequent)
        return f"{shown[:1].upper() + shown[1:]} markers are the most frequent in {speaker}'s words: {rate}"
    most = f"{named.get(frequent, frequent)} is the most frequent ({rate})"
    ratios = against_baseline(counts, baseline)
    # the category most clearly more frequent: the highest lower bound, not the largest ratio (a
    # handful of hits against none elsewhere makes a large ratio and proves little)
    clear = [(r.log_ratio_low, r.log_ratio, r.category) for r in ratios.itertuples() if r.log_ratio_low > 0 and r.hits]
    if not clear:
        return f"No rhetoric category is clearly more frequent in {speaker}'s words than in other speakers'; {most}"
    cat = max(clear)[2]
    a, b = int(totals[cat]), int(baseline.set_index("category").loc[cat, "hits"])
    ref_words = int(baseline["words"].iloc[0])
    mine = f"{a:,} hits in {int(words):,} words, {rate_text(per_10k(a, words))} per 10,000"
    shown = named.get(cat, cat)
    head = f"{shown[:1].upper() + shown[1:]} markers are"
    if not b:
        return f"{head} clearly more frequent in {speaker}'s words than in other speakers' ({mine}; none in theirs)"
    theirs = f"{b:,} in {ref_words:,}, {rate_text(per_10k(b, ref_words))} per 10,000"  # the ratio is of these rates
    ratio = float(ratios.set_index("category").loc[cat, "rate_ratio"])
    return f"{head} {ratio:.1f} times as frequent in {speaker}'s words as in other speakers' ({mine}; others {theirs})"


#: The functions a published headline may come from (``report.json``: ``finding_from.function``).
def leaders(totals: pd.DataFrame) -> str:
    """Which side says each phrase clearly more often (the rate ratio's 95% interval clear of 1), with
    both rates and counts; "no clear difference" otherwise; a side with few words, and a rate resting
    mostly on one statement, said so."""
    totals = _by_label(totals)
    sides = list(dict.fromkeys(totals["side"]))
    plural = dict(zip(totals["side"], totals["members"] > 1, strict=True))
    whose = {s: (f"the {s}'" if plural[s] and s.endswith("s") else f"{s}'s") for s in sides}
    if totals["count"].sum() == 0:
        return f"None of the {totals['phrase'].nunique()} phrases occurs in the words of {_and(sides)}"
    rows = {(r.side, r.phrase): r for r in totals.itertuples()}
    phrases = list(dict.fromkeys(totals["phrase"]))
    clauses = []
    for side in sides:
        others = [s for s in sides if s != side]
        more = sorted(
            (p for p in phrases if rows[(side, p)].clearly == "more"), key=lambda p: -rows[(side, p)].ratio_to_others
        )
        if not more:
            continue
        items = []
        for p in more:
            r = rows[(side, p)]
            if len(others) == 1:
                o = rows[(others[0], p)]
                times = (
                    f"{r.ratio_to_others:.1f} times" if r.ratio_to_others != float("inf") else "never in the other's"
                )
                items.append(
                    f"{quoted(p)} ({r.per_10k:.2f} vs {o.per_10k:.2f} per 10,000 words, {int(r.count)} vs "
                    f"{int(o.count)} uses, {times}{_one_statement(r)})"
                )
            else:
                items.append(f"{quoted(p)} ({r.per_10k:.2f} per 10,000 words, {int(r.count)} uses{_one_statement(r)})")
        than = whose[others[0]] if len(others) == 1 else "the others'"
        clauses.append(f"clearly more often in {whose[side]} words than in {than}: {_and(items)}")
    same = [p for p in phrases if all(rows[(s, p)].clearly == "no clear difference" for s in sides)]
    if same:
        clauses.append(f"no clear difference: {_and([quoted(p) for p in same])}")
    few = [s for s in sides if rows[(s, phrases[0])].few_words]
    if few:
        words = _and([f"{rows[(s, phrases[0])].side_words:,}" for s in few])
        clauses.append(f"few words of {_and(few)} ({words}): read with care")
    text = "; ".join(clauses)
    span = str(totals["periods"].iloc[0]) if "periods" in totals.columns else ""
    text = (f"In {span}, the years every side has words: " if span else "") + text
    return text[:1].upper() + text[1:]


def leaders_title(totals: pd.DataFrame) -> str:
    """The chart's title: the phrase with the largest clear ratio, and how many others differ."""
    totals = _by_label(totals)
    clear = totals[totals["clearly"] == "more"].sort_values("ratio_to_others", ascending=False, kind="stable")
    if clear.empty:
        return "No phrase is clearly more frequent for one side than for the others"
    top = clear.iloc[0]
    others = [s for s in dict.fromkeys(totals["side"]) if s != top["side"]]
    than = (
        f"the {others[0]}"
        if len(others) == 1 and others[0].endswith("s")
        else (others[0] if len(others) == 1 else "the others")
    )
    verb = "say" if top["members"] > 1 else "says"
    if top["ratio_to_others"] == float("inf"):
        head = f"Only {top['side']} {'use' if top['members'] > 1 else 'uses'} {quoted(top['phrase'])}"
    else:
        head = f"{top['side']} {verb} {quoted(top['phrase'])} {top['ratio_to_others']:.1f} times as often as {than}"
    rest = len(clear) - 1
    return head + (
        f"; {rest} more phrase{'s' if rest > 1 else ''} clearly differ{'' if rest > 1 else 's'}" if rest else ""
    )


def _one_statement(row) -> str:
    if row.top_statement_share > CONCENTRATED and row.count >= 2 and row.statements_with_use >= 1:
        return f"; {int(row.top_statement_uses)} of {int(row.count)} in one statement, {row.top_statement_date}"
    return ""


PUBLISHED: dict[str, Callable[..., str]] = {
    "phrase_rates": phrase_rates,
    "headings": headings,
    "catchphrases": catchphrases,
    "topic_shares": topic_shares,
    "rhetoric": rhetoric,
    "keyness": keyness_sentences.from_table,
    "leaders": leaders,
}


def read_table(path: Path) -> pd.DataFrame:
    """A published CSV as the findings read it (empty cells are missing; "NA" stays a word)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def regenerate(folder: Path, recipe: dict) -> str:
    """The sentence ``recipe`` (``{"function", "tables": {argument: file}, "arguments"}``) gives
    from the CSV files in ``folder``."""
    function = PUBLISHED.get(recipe.get("function", ""))
    if function is None:
        raise ValueError(f"unknown finding function {recipe.get('function')!r}; known: {sorted(PUBLISHED)}")
    tables = {arg: read_table(Path(folder) / name) for arg, name in recipe.get("tables", {}).items()}
    return function(**tables, **recipe.get("arguments", {}))
