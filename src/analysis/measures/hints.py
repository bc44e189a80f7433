"""Hints beside a count: an ad-hoc phrase whose last word, taken as a prefix, has many more uses.

“Nazi”: 24 uses; “Nazi*”: 53 (nazis 20, nazism 9, …): ask for “Nazi*” to count every word that
starts so. ``count`` and ``kwic`` give them from the count's own search (handed over by
:mod:`analysis.measures.count`): a journalist learns of the forms an exact phrase leaves out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from analysis.measures.lexicon import Lexicon, Term
from analysis.measures.search import Search, evidence_rows

INFLECTION_RATIO = 1.5  # a prefix form with at least this many times the uses (and 5 more) is worth a hint


def hint_candidates(phrases: Sequence[str], lexicon: Lexicon) -> list[str]:
    """The ad-hoc phrases (not families, not ending in ``*``) whose last word could be a prefix."""
    asked = [p for p in dict.fromkeys(phrases) if isinstance(p, str) and p.strip() and lexicon.get(p) is None]
    return [p for p in asked if re.fullmatch(r"[^\W\d_]{2,}", p.split()[-1]) and f"{p}*" not in phrases]


def hints(hits: Search, terms: list[Term], wider: list[str], find: Callable[[list[str]], Search]) -> list[str]:
    """A sentence for each ad-hoc phrase whose last word, as a prefix (``Nazi*``), has many more uses
    than the phrase itself in the same words: "“Nazi”: 24 uses; “Nazi*”: 53 (nazis 20, nazism 9, …)".
    The uses come from the count's own search; the forms are quoted only when a hint is given, from
    ``find`` (the same search for other phrases)."""
    names = [t.name for t in terms]
    out = []
    for phrase in wider:
        exact = int((hits.hit_term == names.index(phrase)).sum())
        wide = int((hits.hit_term == names.index(f"{phrase}*")).sum())
        if wide < max(exact * INFLECTION_RATIO, exact + 5):
            continue
        quoted = find([f"{phrase}*"])
        got = evidence_rows(quoted, context_chars=0)
        forms: Counter[str] = Counter(m.lower() for m in got["match"].to_pylist())
        others = [f"{f} {n:,}" for f, n in forms.most_common() if f != phrase.lower()][:4]
        out.append(
            f"“{phrase}”: {exact:,} use{'s' if exact != 1 else ''}; “{phrase}*”: {wide:,} "
            f"({', '.join(others)}{', …' if len(forms) > len(others) + 1 else ''}): "
            f"ask for “{phrase}*” to count every word that starts so"
        )
    return out
