"""Notebook 06, profile one statement: its headings, phrase families and rhetoric markers, and shared phrases."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import lexicon
from analysis.measures import profile as st
from analysis.measures.catchphrases import CatchphrasesParams
from analysis.measures.count import evidence
from analysis.measures.profile import ProfileParams
from analysis.params import like
from analysis.publish.sentences.text import plural, source_line
from analysis.publish.site.html import HTML, paragraph, render, safe_url, show, table
from analysis.publish.stories.base import ReportParams, Story

NOTEBOOK = "06-profile-statement.ipynb"


@dataclass(frozen=True)
class StatementReport(ProfileParams, ReportParams):
    """The ``profile`` measure's parameters, the shortest shared phrase, and the report's."""

    doc_id: str = like(ProfileParams, "doc_id", "meduza-2025-11-27-putin-bishkek")
    min_phrase_words: int = like(CatchphrasesParams, "min_phrase_words", 3)
    report_name: str = like(ReportParams, "report_name", "profile-statement")
    report_title: str = like(ReportParams, "report_title", "One statement, taken apart")


class StatementStory(Story):
    """One statement taken apart: the speaker's words per heading, the markers under each, the phrases he repeats."""

    PARAMS = StatementReport

    def __init__(self, params: StatementReport) -> None:
        super().__init__(params)
        selection = self.selection
        doc_id, families, min_words = params.doc_id, params.families, params.min_phrase_words
        self.doc_id, self.families, self.min_words = doc_id, families, min_words
        self.doc = st.document(self.corpus, doc_id)
        self.doc_turns = st.statement_turns(self.corpus, selection, doc_id)
        self.rep.measured(self.speaker, self.doc_turns["date"])
        self.src = source_line([self.doc["source"]])
        self.heads = st.words_per_heading(self.corpus, selection, doc_id)
        self.ev = st.markers(
            self.corpus,
            selection,
            doc_id,
            families,
            lexicon=lexicon.load(params.phrase_lexicon or None),
            rhetoric=lexicon.load(kind="rhetoric"),
        )

    def words(self) -> int:
        """The speaker's words in the statement."""
        return int(self.doc_turns["n_words"].sum())

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        doc = self.doc
        show(self.header(f"{self.speaker}'s words in “{doc['title']}” ({doc['date']:%d %b %Y})."))
        return self.rep.finding(
            function="headings", tables={"heads": self.heads}, speaker=self.speaker, words=self.words()
        )

    def statement_line(self) -> HTML:
        """The statement (linked to its source), outlet, date and place, and the speaker's words in it."""
        doc = self.doc
        return HTML(
            render(
                "statement_line.html",
                text=str(doc["title"]),
                href=safe_url(doc["source_url"]),
                source=str(doc["source"]),
                date=f"{doc['date']:%Y-%m-%d}",
                place=str(doc["place"]) if doc["place"] else "",
                speaker=self.speaker,
                words=f"{self.words():,}",
                paragraphs=plural(len(self.doc_turns), "paragraph"),
            )
        )

    def headings_chart(self) -> None:
        """Horizontal bars of the speaker's words per heading (shown), or a sentence when there are no headings."""
        self.heading_bars(self.heads, none="This statement has no topic headings.", with_table=False)

    def markers_table(self) -> HTML:
        """Uses of each phrase family and rhetoric category per heading (the long table is written as a CSV)."""
        long = st.markers_by_heading(self.ev)
        ev = self.ev.assign(section=self.ev["section"].fillna(st.NO_HEADING))
        long = self.linked(long, ev, back="#markers", keys=("section", "phrase"))
        self.rep.table_file(long, "markers_by_heading.csv")
        grid = st.marker_grid(long)
        links = long.set_index(["section", "phrase"])["evidence"]
        for marker in [c for c in grid.columns if c != "section"]:
            grid[f"evidence:{marker}"] = [links.get((h, marker), "") for h in grid["section"]]
        markers = [c for c in grid.columns if c != "section" and not c.startswith("evidence:")]
        return table(grid, links={m: f"evidence:{m}" for m in markers}, anchor="markers")

    def shared_table(self) -> HTML:
        """The statement's phrases that recur in his other statements (also written as a CSV)."""
        shared = st.shared_phrases(self.corpus, self.selection, self.doc_id, min_words=self.min_words)
        if not len(shared):
            self.rep.table_file(shared, "shared_phrases.csv")
            return paragraph("No phrase of this statement recurs elsewhere in the corpus.")
        quotes = evidence(self.corpus, self.selection, list(shared["phrase"])).assign(period="all statements")
        shared = self.linked(
            shared.assign(speaker=self.speaker, period="all statements"), quotes, back="#shared", count="uses"
        ).drop(columns=["speaker", "period"])
        self.rep.table_file(shared, "shared_phrases.csv")
        return table(shared, links={"uses": "evidence"}, anchor="shared")

    def evidence(self) -> HTML:
        """Every family and rhetoric match in the statement, in text order: the CSV and the pages of quotes."""
        return self.evidence_block(self.ev)
