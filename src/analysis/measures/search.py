"""One pass over the index: the paragraphs a scope selects and every match of a query in them.

:func:`search` walks the index part by part (never holding more than one part's tokens), keeping,
per selected paragraph, its document, speaker and words, and per match its paragraph, term, form and
span. Counts (:mod:`analysis.measures.count`) add up exactly these matches; quotes
(:func:`evidence_rows`) print exactly these matches. A scope may hold any number of speakers: they
are searched together, in one pass, and told apart afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa

from analysis.index import CorpusIndex, PartIndex
from analysis.measures.match import CONTEXT_CHARS, Query
from analysis.selection import Scope

_I64 = np.int64
# The published columns of evidence rows (``evidence.csv``), and their order: oldest first.
EVIDENCE_COLUMNS = ["date", "doc_id", "title", "source_url", "speaker", "section", "phrase", "form"]
EVIDENCE_COLUMNS += ["left", "match", "right"]
EVIDENCE_ORDER = ["date", "doc_id", "para_no", "char_start", "phrase"]


@dataclass
class Search:
    """The selected paragraphs (``par_*``, one entry each) and the matches in them (``hit_*``)."""

    index: CorpusIndex
    query: Query | None
    speakers: list[str] = field(default_factory=list)  # names, by code
    par_part: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    par_row: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    par_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))  # row in index.documents
    par_speaker: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))  # code into speakers
    par_words: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    par_no: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    hit_par: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))  # position in par_*
    hit_term: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    hit_pattern: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    hit_start: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))  # in the folded spoken text
    hit_end: np.ndarray = field(default_factory=lambda: np.zeros(0, _I64))
    memo: dict = field(default_factory=dict, repr=False)  # what measures derive from it once (periods)

    @property
    def n_hits(self) -> int:
        return len(self.hit_par)


def search(index: CorpusIndex, scope: Scope, query: Query | None, *, chars: bool = True) -> Search:
    """The paragraphs ``scope`` selects and, with a ``query``, every match in them; paragraphs in
    corpus order (part, row), matches in paragraph and position order. ``chars=False``: spans in
    tokens where that suffices (a count; quotes need characters)."""
    out = Search(index, query)
    codes: dict[str, int] = {}
    pars: list[tuple] = []
    hits: list[tuple] = []
    n = 0
    for k, (names, speaker, rows, doc, words, par_no, h) in index.each_part(_search_part, scope, query, chars):
        local = np.array([codes.setdefault(s, len(codes)) if s is not None else -1 for s in names] + [-1], dtype=_I64)
        pars.append((np.full(len(rows), k, dtype=_I64), rows, doc, local[speaker], words, par_no))
        if h is not None:
            hits.append((h[0] + n, *h[1:]))
        n += len(rows)
    out.speakers = list(codes)
    if pars:
        out.par_part, out.par_row, out.par_doc, out.par_speaker, out.par_words, out.par_no = (
            np.concatenate(c) for c in zip(*pars, strict=True)
        )
    if hits:
        out.hit_par, out.hit_term, out.hit_pattern, out.hit_start, out.hit_end = (
            np.concatenate(c) for c in zip(*hits, strict=True)
        )
    return out


def _search_part(index: CorpusIndex, k: int, part: PartIndex, rows: np.ndarray, query: Query | None, chars: bool):
    """One part's share of :func:`search` (run where the engine runs it): the part's speaker names and
    each selected row's code into them (an empty speaker: -1, the last entry), its row, document,
    words and paragraph number; the matches (paragraph within ``rows``, term, pattern, start, end)."""
    local_codes, names = part.codes("speaker")
    speaker = np.where(local_codes[rows] >= 0, local_codes[rows], len(names)).astype(_I64)
    found = None
    if query is not None:
        h = query.match(part, rows, chars=chars)
        if len(h):
            found = (np.searchsorted(rows, h.row), h.term, h.pattern, h.start, h.end)
    return (
        list(names),
        speaker,
        rows,
        index.doc_rows(part)[rows],
        part.column("n_words").to_numpy(zero_copy_only=False)[rows].astype(_I64),
        part.column("para_no").to_numpy(zero_copy_only=False)[rows].astype(_I64),
        found,
    )


def _union_of(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    """Every member of ``sets``; None (no limit) when one of them is None."""
    out: frozenset[str] = frozenset()
    for one in sets:
        if one is None:
            return None
        out |= one
    return out


def union(scopes: Sequence[Scope]) -> Scope:
    """A scope that holds every paragraph of each of ``scopes`` (and perhaps more): several sides of a
    question searched in one pass, told apart afterwards by :func:`selects`."""
    first = scopes[0]
    speakers = _union_of([s.speakers for s in scopes])
    documents = _union_of([s.documents for s in scopes])
    starts, ends = [s.start for s in scopes], [s.end for s in scopes]
    return Scope(
        speakers,
        None if None in starts else min(b for b in starts if b is not None),
        None if None in ends else max(b for b in ends if b is not None),
        first.source if all(s.source == first.source for s in scopes) else None,
        frozenset().union(*(s.roles for s in scopes)),
        frozenset.intersection(*(s.exclude for s in scopes)),
        documents,
    )


def selects(found: Search, scope: Scope) -> np.ndarray:
    """For each paragraph of a search (made over a wider scope, :func:`union`), whether ``scope`` holds it.
    The search's paragraphs are all of one role set; roles are not told apart here."""
    index, n = found.index, len(found.par_doc)
    names = np.array([*found.speakers, None], dtype=object)[found.par_speaker]  # code -1: the last, None
    keep = np.ones(n, dtype=bool)
    if scope.speakers is not None:
        keep &= np.isin(names, list(scope.speakers))
    if scope.exclude:
        keep &= ~np.isin(names, list(scope.exclude)) & (found.par_speaker >= 0)
    days = index.doc_days[found.par_doc]
    if scope.start is not None:
        keep &= days >= scope.start
    if scope.end is not None:
        keep &= days <= scope.end
    if scope.source:
        code = index.sources.index(scope.source) if scope.source in index.sources else -1
        keep &= index.doc_source[found.par_doc] == code
    if scope.documents is not None:
        wanted = [index.doc_position[d] for d in scope.documents if d in index.doc_position]
        keep &= np.isin(found.par_doc, wanted)
    return keep


def first_terms(found: Search, n: int) -> Search:
    """``found`` with the matches of its query's first ``n`` terms only (the others were searched for a hint)."""
    keep = found.hit_term < n
    if keep.all():
        return found
    hits = {f: getattr(found, f)[keep] for f in ("hit_par", "hit_term", "hit_pattern", "hit_start", "hit_end")}
    return replace(found, **hits, memo=dict(found.memo))


# --- quotes --------------------------------------------------------------------------------------

EVIDENCE_FIELDS = ("doc_id", "para_no", "date", "title", "source_url", "speaker", "section")


def evidence_rows(found: Search, order: np.ndarray | None = None, *, context_chars: int = CONTEXT_CHARS) -> pa.Table:
    """A row per match (in ``order``, default as found): the statement's metadata, the phrase and form,
    and the match in its context, quoted from the display text (translator's [insertions] shown)."""
    from analysis.text import spoken_with_map

    assert found.query is not None
    hits = np.arange(found.n_hits) if order is None else order
    par = found.hit_par[hits]
    texts, sections = _display(found, np.unique(par))
    docs = found.index.documents
    doc = found.par_doc[par]
    left, match, right, char_start = [], [], [], []
    maps: dict[int, list[int] | None] = {}  # a paragraph's spoken-to-display offsets, made once for its matches
    for p, s, e in zip(par.tolist(), found.hit_start[hits].tolist(), found.hit_end[hits].tolist(), strict=True):
        display = texts[p]
        if p not in maps:
            maps[p] = spoken_with_map(display)[1] if "[" in display or "(" in display else None
        offsets = maps[p]
        d_start = offsets[s] if offsets else s
        d_end = (offsets[e - 1] + 1) if offsets else e
        left.append(_left(display, d_start, context_chars) if context_chars else "")
        match.append(display[d_start:d_end])
        right.append(_right(display, d_end, context_chars) if context_chars else "")
        char_start.append(d_start)
    terms = [t.name for t in found.query.terms]
    forms = [p.form for p in found.query.patterns]
    return pa.table(
        {
            "doc_id": docs["doc_id"].take(pa.array(doc)),
            "para_no": pa.array(found.par_no[par], pa.int32()),
            "date": docs["date"].take(pa.array(doc)),
            "title": docs["title"].take(pa.array(doc)),
            "source_url": docs["source_url"].take(pa.array(doc)),
            "speaker": pa.array([found.speakers[c] for c in found.par_speaker[par].tolist()], pa.string()),
            "section": pa.array([sections[p] for p in par.tolist()], pa.string()),
            "phrase": pa.array([terms[t] for t in found.hit_term[hits].tolist()], pa.string()),
            "form": pa.array([forms[f] for f in found.hit_pattern[hits].tolist()], pa.string()),
            "left": pa.array(left, pa.string()),
            "match": pa.array(match, pa.string()),
            "right": pa.array(right, pa.string()),
            "char_start": pa.array(char_start, pa.int64()),
        }
    )


def _display(found: Search, pars: np.ndarray) -> tuple[dict[int, str], dict[int, str | None]]:
    """The display text and section of the paragraphs ``pars`` (read from their turn parts)."""
    texts: dict[int, str] = {}
    sections: dict[int, str | None] = {}
    for k in np.unique(found.par_part[pars]).tolist():
        mine = pars[found.par_part[pars] == k]
        shown, section = found.index.display(k, found.par_row[mine])
        for p, text, sec in zip(mine.tolist(), shown, section, strict=True):
            texts[p], sections[p] = text, sec
    return texts, sections


def _left(text: str, start: int, n: int) -> str:
    lo = max(0, start - n)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
        return "…" + text[lo:start]
    return text[:start]


def _right(text: str, end: int, n: int) -> str:
    hi = min(len(text), end + n)
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
        return text[end:hi] + "…"
    return text[end:]


def paragraphs(found: Search):
    """The selected paragraphs as a DataFrame: document, paragraph, speaker, date, source and words."""
    import pandas as pd

    docs = pa.array(found.par_doc)
    index = found.index
    return pd.DataFrame(
        {
            "doc_id": index.doc_ids.take(docs).to_pylist(),
            "para_no": found.par_no,
            "speaker": [found.speakers[c] if c >= 0 else None for c in found.par_speaker.tolist()],
            "date": pd.to_datetime(index.doc_days[found.par_doc], unit="D"),
            "source": index.documents["source"].take(docs).to_pylist(),
            "n_words": found.par_words,
        }
    )


def find_matches(turns, phrases: Sequence, *, context_chars: int = CONTEXT_CHARS):
    """One row per match of any phrase in the ``text`` of paragraphs given as a table (not from a corpus),
    with the table's metadata columns, in row and position order: the corpus's own search
    (:func:`analysis.measures.search.search`) on an index of the table made in memory."""
    import pandas as pd

    from analysis.index import CorpusIndex

    frame = turns.reset_index(drop=True)
    index = CorpusIndex.in_memory({"table": frame.assign(doc_id=[str(i) for i in range(len(frame))])})
    found = search(index, Scope.of(["table"]), Query(phrases))
    ev = evidence_rows(found, context_chars=context_chars).to_pandas()
    rows = found.par_row[found.hit_par]
    keep = [c for c in ("doc_id", "para_no", "date", "title", "source_url", "speaker", "section") if c in frame.columns]
    meta = frame[keep].iloc[rows].reset_index(drop=True)
    return pd.concat([meta, ev[["phrase", "form", "left", "match", "right", "char_start"]]], axis=1)
