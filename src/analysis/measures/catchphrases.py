"""Catchphrase discovery: what a speaker repeats across statements without being told.

1. The speaker's words are read from the index (:mod:`analysis.measures.ngrams`): a *word* is an
   atom, or atoms joined by an apostrophe or a hyphen ("that's"); a phrase is words with single
   spaces between them, so it never spans a sentence or clause break and appears in the text
   exactly as it is written (the phrase matcher finds it again).
2. Word n-grams of ``min_n``…``max_n`` words are counted by the number of distinct statements
   they occur in, growing n level by level (an (n+1)-gram is only counted where both of its
   n-grams are frequent enough), with NumPy on hashes of the words' ids.
3. Dropped: n-grams made only of stop words; n-grams that the *publisher's* own text (leads,
   narration, headings, editor's notes) also uses in ``min_docs`` or more documents (site
   boilerplate, not the speaker's); and non-maximal n-grams (one word shorter than a longer
   n-gram found in exactly as many statements).
4. The top candidates are then counted again with the same matcher that counts phrases and
   produces evidence, so every figure shown (statements, uses, first and last date) can be
   expanded to its quotes with ``analysis kwic --phrase "<phrase>"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config, safe_yaml
from analysis.corpus import Corpus
from analysis.index import CorpusIndex
from analysis.measures import Measure, Result, per_speaker
from analysis.measures.match import Query
from analysis.measures.ngrams import Level, Vocabulary, Words, boilerplate, frequent, prune
from analysis.measures.search import search, selects, union
from analysis.measures.stats import bunching_by, log_ratio, per_10k
from analysis.measures.stopwords import STOP_WORDS
from analysis.params import TopParams, param
from analysis.selection import Scope, Selection, SelectionParams

if TYPE_CHECKING:
    import pandas as pd

PUBLISHER_ROLES = ("lead", "narration", "heading", "headline", "editorial", "boilerplate")
COLUMNS = [
    "phrase", "n_words", "statements", "years", "uses", "per_10k", "reference_per_10k", "log_ratio",
    "log_ratio_low", "bunching", "first_date", "last_date", "example_doc_id",
]  # fmt: skip
DISTINCT = 1.0  # at least twice as frequent (log2 ratio 1) as in the other speakers' words, clearly (interval > 0)
NESTED = 0.8  # a phrase inside a longer one found in at least this share of its statements is the longer one
STOP_PHRASES_FILE = config.CONFIG_DIR / "lexicons" / "stop-phrases.yaml"


@dataclass(frozen=True)
class CatchphrasesParams(TopParams, SelectionParams):
    """Which recurring phrases: their length, spread and number, and what they are measured against."""

    min_phrase_words: int = param(3, "shortest phrase, in words", minimum=1)
    max_phrase_words: int = param(8, "longest phrase, in words (at most 12)", minimum=1)
    min_statements: int = param(2, "a phrase must occur in at least this many statements", minimum=2)
    reference: str = param(
        "others",
        "keep phrases distinctive against the other speakers' words of the same source (others), or every "
        "recurring one (none)",
        choices=("others", "none"),
    )

    def validate(self) -> None:
        super().validate()
        if not self.min_phrase_words <= self.max_phrase_words <= 12:
            raise ValueError(
                f"need min_phrase_words <= max_phrase_words <= 12; got {self.min_phrase_words} and "
                f"{self.max_phrase_words}"
            )


def compute(corpus: Corpus, params: CatchphrasesParams) -> Result:
    """The ``catchphrases`` measure for each speaker asked for."""
    publisher = publisher_scope(corpus)
    return per_speaker(
        corpus,
        params,
        lambda selection: catchphrase_table(
            corpus.index,
            corpus.scope(selection),
            publisher=publisher,
            reference=reference_scope(corpus, selection) if params.reference == "others" else None,
            min_n=params.min_phrase_words,
            max_n=params.max_phrase_words,
            min_docs=params.min_statements,
            top=params.top,
        ),
    )


MEASURE = Measure(
    "catchphrases",
    "recurring phrases of a speaker across statements",
    CatchphrasesParams,
    "catchphrases.csv",
    compute,
    lean=True,
)


def reference_scope(corpus: Corpus, selection: Selection) -> Scope:
    """Everyone else's own words in the selection's source (all sources when it names none), at any
    date: the reference a speaker's catchphrases and rhetoric are measured against. Kremlin
    transcripts are measured against the ministers, journalists and other leaders of the same
    transcripts, not against another collection's speeches."""
    speaker = corpus.resolve_speaker(selection.speaker)
    corpus.check_source(selection.source)
    return Scope.of(None, source=selection.source, exclude=[speaker])


def publisher_scope(corpus: Corpus) -> Scope:
    """The publishers' own text (leads, narration, headings, editor's notes) of the whole corpus."""
    return Scope.of(None, roles=PUBLISHER_ROLES)


def stop_phrase_list(path: Path | None = None) -> tuple[int, list[str]]:
    """The versioned stop-phrase list: formulas of politeness and procedure (its version, the phrases)."""
    path = Path(path or STOP_PHRASES_FILE)
    data = safe_yaml.load(path.read_text(encoding="utf-8"), what=str(path)) or {}
    phrases = data.get("phrases") or []
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ValueError(f"{path}: 'phrases' must be a list of phrases")
    return int(data.get("version", 0)), [p.strip() for p in phrases]


def stop_phrases(path: Path | None = None) -> tuple[int, list[frozenset[str]]]:
    """The versioned stop-phrase list, as the content-word sets that are left out."""
    version, phrases = stop_phrase_list(path)
    return version, [_content(tuple(p.lower().split())) for p in phrases]


def _content(gram: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in gram if t not in STOP_WORDS)


def _collapse_nested(freq: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], int]:
    """Drop an n-gram when a longer n-gram containing it occurs in at least :data:`NESTED` of its statements."""
    covered = set()
    for gram, df in freq.items():
        n = len(gram)
        for size in range(1, n):
            for i in range(n - size + 1):
                sub = gram[i : i + size]
                if sub in freq and df >= NESTED * freq[sub]:
                    covered.add(sub)
    return {g: c for g, c in freq.items() if g not in covered}


def _maximal(freq: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], int]:
    """Drop an n-gram when an (n+1)-gram extending it occurs in as many documents."""
    covered = set()
    for gram, df in freq.items():
        for sub in (gram[:-1], gram[1:]):
            if freq.get(sub) == df:
                covered.add(sub)
    return {g: c for g, c in freq.items() if g not in covered}


def _ranked(words: Words, levels: dict[int, Level], keep: dict[int, np.ndarray], stop, stops, limit: int) -> list[str]:
    """The first ``limit`` phrases by statements, then length, then text, that are not only stop words
    nor a formula of the stop-phrase list."""
    n_all = np.concatenate([np.full(int(keep[n].sum()), n) for n in levels]) if levels else np.zeros(0, int)
    df_all = np.concatenate([levels[n].df[keep[n]] for n in levels]) if levels else np.zeros(0, int)
    pos_all = np.concatenate([levels[n].position[keep[n]] for n in levels]) if levels else np.zeros(0, int)
    order = np.lexsort((-n_all, -df_all))
    out: list[str] = []
    i = 0
    while i < len(order) and len(out) < limit:  # one (statements, length) group at a time, by text
        j = i
        while j < len(order) and (df_all[order[j]], n_all[order[j]]) == (df_all[order[i]], n_all[order[i]]):
            j += 1
        group = sorted(words.gram(int(pos_all[k]), int(n_all[k])) for k in order[i:j])
        texts = sorted(" ".join(g) for g in group if not all(t in stop for t in g) and _content(g) not in stops)
        out += texts
        i = j
    return out[:limit]


def discover(
    speaker_turns: pd.DataFrame,
    *,
    publisher_turns: pd.DataFrame | None = None,
    min_n: int = 3,
    max_n: int = 8,
    min_docs: int = 2,
    top: int = 50,
    stop_words: Iterable[str] = STOP_WORDS,
    reference_turns: pd.DataFrame | None = None,
    stop_list: list[frozenset[str]] | None = None,
) -> pd.DataFrame:
    """:func:`discover_in` for paragraphs given as tables (not from a corpus): an index of them is made
    in memory and searched as a corpus's would be."""
    bodies = {"speaker": speaker_turns}
    if publisher_turns is not None and len(publisher_turns):
        bodies["publisher"] = publisher_turns
    if reference_turns is not None and len(reference_turns):
        bodies["reference"] = reference_turns
    index = CorpusIndex.in_memory(bodies)
    return discover_in(
        index,
        Scope.of(["speaker"]),
        publisher=Scope.of(["publisher"]) if "publisher" in bodies else None,
        reference=Scope.of(["reference"]) if "reference" in bodies else None,
        min_n=min_n,
        max_n=max_n,
        min_docs=min_docs,
        top=top,
        stop_words=stop_words,
        stop_list=stop_list,
    )


def discover_in(index: CorpusIndex, scope: Scope, **options) -> pd.DataFrame:
    """:func:`catchphrase_table` as a DataFrame."""
    return catchphrase_table(index, scope, **options).to_pandas()


def catchphrase_table(
    index: CorpusIndex,
    scope: Scope,
    *,
    publisher: Scope | None = None,
    reference: Scope | None = None,
    min_n: int = 3,
    max_n: int = 8,
    min_docs: int = 2,
    top: int = 50,
    stop_words: Iterable[str] = STOP_WORDS,
    stop_list: list[frozenset[str]] | None = None,
    within: Scope | None = None,
) -> pa.Table:
    """Recurring phrases of the words ``scope`` selects, most widespread first (see the module docstring).

    ``within`` (a part of ``scope``, e.g. one statement): only the phrases used there, each still
    measured over all of ``scope`` (they are found there first, so the whole scope is searched for few).

    With a ``reference`` (other speakers' words), only phrases distinctive of the speaker are kept:
    at least twice as frequent as in the reference, and clearly so (the log ratio's 95% interval
    above 0). ``publisher`` is the text whose recurring phrases are boilerplate. ``stop_list``
    (default: ``config/lexicons/stop-phrases.yaml``) leaves out formulas.
    """
    if not 1 <= min_n <= max_n <= 12:
        raise ValueError(f"need 1 <= min_n <= max_n <= 12; got min_n={min_n}, max_n={max_n}")
    if min_docs < 2:
        raise ValueError("min_docs must be at least 2: a catchphrase recurs across statements")
    if top < 1:
        raise ValueError("top must be at least 1")
    stop = frozenset(stop_words)
    vocab = Vocabulary(index) if index._memory is None else Vocabulary.of_part(index.part(0))
    words = Words(index, vocab, scope)
    levels = frequent(words, min_n=min_n, max_n=max_n, min_docs=min_docs)
    keep = prune(words, levels, NESTED)
    if publisher is not None and levels:
        seen = boilerplate(Words(index, vocab, publisher), levels, keep, min_docs)
        for n in levels:
            keep[n] &= ~seen[n]
    stops = set(stop_list if stop_list is not None else stop_phrases()[1])
    candidates = _ranked(words, levels, keep, stop, stops, top * 4)
    if within is not None and candidates:
        there = phrase_summary(index, within, candidates)
        used = set(there.filter(pc.greater(there["uses"], 0))["phrase"].to_pylist())
        candidates = [p for p in candidates if p in used]
    found = phrase_summary(index, scope, candidates, reference=reference)
    if reference is not None and found.num_rows:
        lr, low = found["log_ratio"].to_numpy(), found["log_ratio_low"].to_numpy()
        found = found.filter(pa.array((low > 0) & (lr >= DISTINCT)))
    return found.slice(0, top)


def summarise(
    speaker_turns: pd.DataFrame, phrases: list[str], *, reference_turns: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`summarise_in` for paragraphs given as tables."""
    bodies = {"speaker": speaker_turns}
    if reference_turns is not None and len(reference_turns):
        bodies["reference"] = reference_turns
    index = CorpusIndex.in_memory(bodies)
    return summarise_in(
        index, Scope.of(["speaker"]), phrases, reference=Scope.of(["reference"]) if "reference" in bodies else None
    )


def summarise_in(index: CorpusIndex, scope: Scope, phrases: list[str], *, reference: Scope | None = None):
    """:func:`phrase_summary` as a DataFrame."""
    return phrase_summary(index, scope, phrases, reference=reference).to_pandas()


def _bunching(found, side: np.ndarray, hits: np.ndarray, n: int) -> np.ndarray:
    """Each phrase's :func:`~analysis.measures.stats.bunching` in the paragraphs ``side`` selects, from
    its uses there (``hits``: rows of the search's matches) and the side's words in each statement."""
    doc_words = np.bincount(found.par_doc[side], weights=found.par_words[side], minlength=len(found.index.doc_ids))
    return bunching_by(found.hit_term[hits], found.par_doc[found.hit_par[hits]], doc_words, n)


def phrase_summary(index: CorpusIndex, scope: Scope, phrases: list[str], *, reference: Scope | None = None) -> pa.Table:
    """Statements, years, uses, rates and first/last date of each phrase, from the evidence matcher itself
    (the speaker's words and the reference searched in one pass), most widespread first.

    ``reference_per_10k`` and ``log_ratio`` compare the speaker's rate with the reference's (other
    speakers' words), with the same size-split pseudo-count as keyness.
    """
    if not phrases:
        return _empty()
    query = Query(phrases)
    found = search(index, union([scope, reference]) if reference is not None else scope, query, chars=False)
    mine = selects(found, scope) if reference is not None else np.ones(len(found.par_doc), dtype=bool)
    hit = np.flatnonzero(mine[found.hit_par])
    if not len(hit):
        return _empty()
    doc = found.par_doc[found.hit_par[hit]]
    term = found.hit_term[hit]
    day = index.doc_days[doc].astype(np.int64)
    order = np.lexsort((np.arange(len(hit)), index.doc_rank[doc], day, term))  # per phrase, oldest first
    term, doc, day = term[order], doc[order], day[order]
    present, first = np.unique(term, return_index=True)
    last = np.r_[first[1:], len(term)] - 1
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    statements = np.array([len(np.unique(doc[a : b + 1])) for a, b in zip(first, last, strict=True)], np.int64)
    years = np.array([len(np.unique(year[a : b + 1])) for a, b in zip(first, last, strict=True)], np.int64)
    uses = last - first + 1
    words = max(int(found.par_words[mine].sum()), 1)
    names = [query.terms[t].name for t in present.tolist()]
    bunched = _bunching(found, mine, hit, len(query.terms))[present]
    if reference is not None:
        theirs = selects(found, reference) & (found.par_speaker >= 0)
        ref_words = max(int(found.par_words[theirs].sum()), 1)
        their_hits = np.flatnonzero(theirs[found.hit_par])
        r = np.bincount(found.hit_term[their_hits], minlength=len(query.terms))[present].astype(float)
        their_bunching = _bunching(found, theirs, their_hits, len(query.terms))[present]
        lr, low, _ = log_ratio(uses, words, r, ref_words, bunched, their_bunching)  # bunched uses widen it
        reference_rate, lr, low = np.round(per_10k(r, ref_words), 3), np.round(lr, 3), np.round(low, 3)
    else:
        reference_rate = lr = low = np.full(len(present), np.nan)
    n_words = np.array([len(n.split()) for n in names], dtype=np.int64)
    table = pa.table(
        {
            "phrase": pa.array(names, pa.string()),
            "n_words": n_words,
            "statements": statements,
            "years": years,
            "uses": uses.astype(np.int64),
            "per_10k": np.round(per_10k(uses, words), 3),
            "reference_per_10k": reference_rate,
            "log_ratio": lr,
            "log_ratio_low": low,
            "bunching": pa.array(np.round(bunched, 4), mask=np.isnan(bunched)),
            "first_date": pa.array([_iso(d) for d in day[first].tolist()], pa.string()),
            "last_date": pa.array([_iso(d) for d in day[last].tolist()], pa.string()),
            "example_doc_id": index.doc_ids.take(pa.array(doc[first])),
        }
    )
    ranked = sorted(range(len(names)), key=lambda i: (-statements[i], -years[i], -n_words[i], names[i]))
    return table.take(pa.array(ranked, pa.int64()))


def _iso(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _empty() -> pa.Table:
    text, whole = ("phrase", "first_date", "last_date", "example_doc_id"), ("n_words", "statements", "years", "uses")
    kinds = [(c, pa.string() if c in text else pa.int64() if c in whole else pa.float64()) for c in COLUMNS]
    return pa.schema(kinds).empty_table()
