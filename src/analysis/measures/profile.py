"""One statement taken apart, heading by heading.

A statement is one document of the corpus (``documents.doc_id``); what is measured is the
selection's speaker's own words in it, under the outlet's topic headings where it has them:

* :func:`words_per_heading` – the speaker's paragraphs and words under each heading;
* :func:`markers` – every use of the asked phrase families and of every rhetoric category in the
  statement (the evidence rows, ``phrase`` prefixed ``family: `` or ``rhetoric: ``);
  :func:`markers_by_heading` counts them per heading and :func:`marker_grid` spreads the counts
  into one column per marker;
* :func:`shared_phrases` – word sequences of the statement the speaker also uses in at least one
  other statement of the selection (the catchphrase finder, minus the publisher's boilerplate);
* :func:`heading_profile` – one row per heading: words, share, and the markers found under it.

The measures take the corpus, a :class:`~analysis.selection.Selection` (whose speaker is
profiled; dates and source bound where the shared phrases may recur) and the ``doc_id``;
:func:`markers_by_heading` and :func:`marker_grid` reshape the rows of :func:`markers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.corpus import Corpus
from analysis.errors import CorpusError
from analysis.measures import Measure, Result, topics
from analysis.measures import lexicon as lx
from analysis.measures.catchphrases import discover_in, publisher_scope
from analysis.measures.count import evidence
from analysis.params import param
from analysis.selection import Selection, SelectionParams

DEFAULT_FAMILIES = ("finality", "military-means", "legally-impossible", "emphasis", "our-partners", "as-i-said")
NO_HEADING = "(no heading)"
PROFILE_COLUMNS = [
    "heading",
    "paragraphs",
    "speaker_words",
    "share_of_words",
    "family_uses",
    "rhetoric_uses",
    "markers",
]


@dataclass(frozen=True)
class ProfileParams(SelectionParams):
    """Which statement, and which phrase families to look for in it."""

    doc_id: str = param("", "the statement to profile (a documents.doc_id)", required=True)
    families: list[str] = param(list(DEFAULT_FAMILIES), "phrase families (or phrases) to look for", one="family")
    phrase_lexicon: str = param("", "phrase lexicon file; empty for config/lexicons/phrases.yaml")

    def validate(self) -> None:
        super().validate()
        if len(self.speakers) > 1:
            raise ValueError("profile takes one speaker (the statement's speaker)")


def compute(corpus: Corpus, params: ProfileParams) -> Result:
    """The ``profile`` measure: one row per heading of the statement."""
    selection = corpus.selections(params)[0]
    lexicon = lx.load(params.phrase_lexicon or None)
    return Result(heading_profile(corpus, selection, params.doc_id, params.families, lexicon=lexicon))


MEASURE = Measure(
    "profile",
    "one statement taken apart: words, phrase families and markers per heading",
    ProfileParams,
    "profile",
    compute,
)


def document(corpus: Corpus, doc_id: str) -> pd.Series:
    """The statement's row of ``corpus.documents`` (title, date, source, place, source_url…)."""
    corpus.index.reads.document(doc_id)
    docs = corpus.documents.set_index("doc_id")
    if doc_id not in docs.index:
        raise CorpusError(f"no document {doc_id!r} in the corpus")
    return docs.loc[doc_id]


def statement_turns(corpus: Corpus, selection: Selection, doc_id: str) -> pd.DataFrame:
    """The selection speaker's own paragraphs in the statement, in order; an error if there are none."""
    document(corpus, doc_id)
    sel = corpus.select(selection)
    turns = sel.turns[sel.turns["doc_id"] == doc_id].reset_index(drop=True)
    if turns.empty:
        raise CorpusError(f"{sel.speaker} has no words in {doc_id}")
    return turns


def words_per_heading(corpus: Corpus, selection: Selection, doc_id: str) -> pd.DataFrame:
    """Paragraphs, words and share of words under each heading (empty when the statement has none).

    Columns: date, doc_id, heading, paragraphs, speaker_words, share_of_words (of the words under
    headings), in the statement's order.
    """
    return topics.headings(statement_turns(corpus, selection, doc_id))


def markers(
    corpus: Corpus,
    selection: Selection,
    doc_id: str,
    families: Sequence[str] = DEFAULT_FAMILIES,
    *,
    lexicon: lx.Lexicon | None = None,
    rhetoric: lx.Lexicon | None = None,
) -> pd.DataFrame:
    """Every use of ``families`` and of every rhetoric category in the statement: the evidence rows.

    Families first, then rhetoric categories, each in text order; ``phrase`` reads
    ``family: finality`` or ``rhetoric: force``.
    """
    statement_turns(corpus, selection, doc_id)
    fam_lex = lexicon if lexicon is not None else lx.load()
    rh_lex = rhetoric if rhetoric is not None else lx.load(kind="rhetoric")
    ev_fam = evidence(corpus, selection, families, lexicon=fam_lex)
    ev_rh = evidence(corpus, selection, rh_lex.names, lexicon=rh_lex)
    ev_fam, ev_rh = ev_fam[ev_fam["doc_id"] == doc_id], ev_rh[ev_rh["doc_id"] == doc_id]
    return pd.concat(
        [
            ev_fam.assign(phrase="family: " + ev_fam["phrase"].astype(str)),
            ev_rh.assign(phrase="rhetoric: " + ev_rh["phrase"].astype(str)),
        ],
        ignore_index=True,
    )


def markers_by_heading(ev: pd.DataFrame) -> pd.DataFrame:
    """Uses per (heading, marker) of :func:`markers` rows: columns section, phrase, count (first-seen order)."""
    return (
        ev.assign(section=ev["section"].fillna(NO_HEADING))
        .groupby(["section", "phrase"], sort=False)
        .size()
        .reset_index(name="count")
    )


def marker_grid(long: pd.DataFrame) -> pd.DataFrame:
    """:func:`markers_by_heading` as one row per heading and one column per marker (0 where absent).

    The counts come out of the pivot as floats (``1.0``), as the published report shows them.
    """
    grid = long.pivot_table(index="section", columns="phrase", values="count", fill_value=0, sort=False)
    return grid.reset_index()


def shared_phrases(
    corpus: Corpus, selection: Selection, doc_id: str, *, min_words: int = 3, max_words: int = 8, top: int = 30
) -> pd.DataFrame:
    """Word sequences of the statement that recur in another of the speaker's statements in the selection.

    The catchphrase finder's columns (phrase, n_words, statements, uses, first_date, last_date,
    example_doc_id) over the whole selection, most widespread first, the first ``top`` of them.
    """
    statement_turns(corpus, selection, doc_id)
    scope = corpus.scope(selection)
    this = type(scope).of(scope.speakers, documents=[doc_id])
    shared = discover_in(
        corpus.index,
        scope,
        publisher=publisher_scope(corpus),
        min_n=min_words,
        max_n=max_words,
        min_docs=2,
        top=5000,
        within=this,
    )
    return shared.head(top).reset_index(drop=True)


def heading_profile(
    corpus: Corpus,
    selection: Selection,
    doc_id: str,
    families: Sequence[str] = DEFAULT_FAMILIES,
    *,
    lexicon: lx.Lexicon | None = None,
    rhetoric: lx.Lexicon | None = None,
) -> pd.DataFrame:
    """One row per heading of the statement (``(no heading)`` for words outside any), in order.

    Columns: heading, paragraphs, speaker_words, share_of_words (of all the speaker's words in the
    statement), family_uses, rhetoric_uses, and markers ("family: finality 1; rhetoric: force 2").
    """
    turns = statement_turns(corpus, selection, doc_id)
    out = (
        turns.assign(heading=turns["section"].fillna(NO_HEADING))
        .groupby("heading", sort=False)
        .agg(paragraphs=("para_no", "size"), speaker_words=("n_words", "sum"))
        .reset_index()
    )
    out["share_of_words"] = (out["speaker_words"] / out["speaker_words"].sum()).round(4)
    long = markers_by_heading(markers(corpus, selection, doc_id, families, lexicon=lexicon, rhetoric=rhetoric))
    kinds = long["phrase"].str.split(": ", n=1).str[0]
    for kind in ("family", "rhetoric"):
        uses = long[kinds == kind].groupby("section")["count"].sum()
        out[f"{kind}_uses"] = out["heading"].map(uses).fillna(0).astype(int)
    listed: dict[str, list[str]] = {}
    for section, phrase, count in long[["section", "phrase", "count"]].itertuples(index=False):
        listed.setdefault(section, []).append(f"{phrase} {count}")
    out["markers"] = out["heading"].map(lambda h: "; ".join(listed.get(h, [])))
    return out[PROFILE_COLUMNS]
