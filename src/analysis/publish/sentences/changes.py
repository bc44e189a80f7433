"""When a phrase's rate changed, as readers see it: one sentence per phrase, made from the ``changes``
table (:mod:`analysis.measures.changes`), with first and last use read against what the corpus holds."""

from __future__ import annotations

import pandas as pd

from analysis.publish.sentences.text import rate_text


def sentence(changes: pd.DataFrame, speaker: str) -> str:
    """ "“our partners”: a clear change on 2016-01-18, from 1.9 to 5.3 per 10,000 words (p = 0.001);
    first used here 2012-12-20, last 2020-08-27" per phrase; "no clear change" when it has one run. The
    statements and dates the corpus holds close the sentence: a first use is the first in this corpus."""
    if changes.empty:
        return f"No statements of {speaker} in this selection"
    parts = []
    named = changes["label"] if "label" in changes.columns else changes["phrase"]
    for name, runs in changes.assign(_name=named).groupby("_name", sort=False):
        runs = runs.sort_values("segment")
        if int(runs["count"].sum()) == 0:
            parts.append(f"“{name}”: not used")
            continue
        if len(runs) == 1:
            said = "no clear change in its rate"
        else:
            steps = [
                f"on {r.start}, from {rate_text(p.per_10k)} to {rate_text(r.per_10k)} per 10,000 words "
                f"(p = {r.change_p:g})"
                for p, r in zip(runs.iloc[:-1].itertuples(), runs.iloc[1:].itertuples(), strict=True)
            ]
            said = f"{'a clear change' if len(steps) == 1 else 'clear changes'} " + "; ".join(steps)
        first, last = runs["first_use"].iloc[0], runs["last_use"].iloc[0]
        once = int(runs["count"].sum()) == 1
        used = f"used once, on {first}" if once else f"first used {first}, last {last}"
        parts.append(f"“{name}”: {said}; {used}")
    one = changes[changes["phrase"] == changes["phrase"].iloc[0]]  # every phrase's runs cover his statements
    held = f"{int(one['statements'].sum()):,} of {speaker}'s statements, {one['start'].min()} to {one['end'].max()}"
    return ". ".join(parts) + f". First and last are the first and last in this corpus, which holds {held}"
