"""Notebook 03, track topics: the outlet's headings, a topic lexicon and NMF suggestions, per period."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from analysis.measures import lexicon
from analysis.measures import topics as tp
from analysis.measures.count import evidence_in
from analysis.measures.nmf_topics import NmfParams
from analysis.measures.topics import TopicsParams
from analysis.params import like
from analysis.publish.charts import line_chart
from analysis.publish.sentences import findings
from analysis.publish.site.html import HTML, show, table
from analysis.publish.stories.base import ReportParams, Story

NOTEBOOK = "03-track-topics.ipynb"


@dataclass(frozen=True)
class TopicsReport(NmfParams, TopicsParams, ReportParams):
    """The ``topics`` and ``nmf-topics`` measures' parameters, and the report's."""

    report_name: str = like(ReportParams, "report_name", "track-topics")
    report_title: str = like(ReportParams, "report_title", "What does he talk about?")


class TopicsStory(Story):
    """Which topics rise and fall in the speaker's own words, three ways."""

    PARAMS = TopicsReport

    def __init__(self, params: TopicsReport) -> None:
        super().__init__(params)
        selection = self.selection
        self.n_topics, self.seed = params.n_topics, params.seed
        self.lex = lexicon.load(params.topic_lexicon or None, kind="topics")
        index, scope = self.corpus.index, self.corpus.scope(selection)
        self.term_matches = evidence_in(index, scope, list(self.lex.entries))  # the quotes behind every share
        shares = tp.lexicon_shares_in(index, scope, self.lex, by=self.selection.period).assign(speaker=self.speaker)
        ev = self.term_matches.assign(speaker=self.speaker)
        self.shares = (
            self.linked(shares.rename(columns={"topic": "phrase"}), ev, back="#topic_shares", count="topic_hits")
            .rename(columns={"phrase": "topic"})
            .drop(columns=["speaker"])
        )

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        show(
            self.header(
                f"Topics in {self.speaker}'s own words per {self.selection.period}: headings, "
                f"{self.lex.label()}, and {self.n_topics} NMF topics."
            )
        )
        return self.rep.finding(function="topic_shares", tables={"shares": self.shares}, speaker=self.speaker)

    def headings(self) -> None:
        """The speaker's words under each of the outlet's topic headings (shown)."""
        self.heading_bars(tp.headings(self.turns), none="No statement in this selection has topic headings.")

    def lexicon_table(self) -> HTML:
        """The topics and their terms."""
        return table(lexicon.describe(self.lex.entries), caption=self.lex.label())

    def shares_chart(self) -> HTML:
        """Each topic's share of the speaker's words per period, as lines."""
        period = self.selection.period
        last = self.shares[self.shares["period"] == self.shares["period"].max()]
        return self.rep.chart(
            lambda: line_chart(
                self.shares,
                x="period",
                y="share_of_words",
                series="topic",
                percent=True,
                title=findings.topic_shares(self.shares, self.speaker),
                xlabel=period.capitalize(),
                ylabel="Share of his words",
                source=self.src,
            ),
            self.shares,
            "topic_shares",
            title="Topic shares per period",
            alt=f"Lines of topic shares per {period}; in {last['period'].iloc[0]}: "
            + "; ".join(f"{t} {s:.0%}" for t, s in last[["topic", "share_of_words"]].itertuples(index=False)),
        )

    def shares_table(self) -> HTML:
        return table(self.shares, links={"topic_hits": "evidence"})

    def lexicon_evidence(self) -> HTML:
        """The term matches behind the shares: all as CSV, and the pages of the quotes by topic."""
        return self.evidence_block(self.term_matches, filename="topic_evidence.csv")

    @cached_property
    def found(self) -> dict[str, pd.DataFrame]:
        """The NMF topics (computed when first asked for)."""
        return tp.discover(self.turns, n_topics=self.n_topics, by=self.selection.period, seed=self.seed)

    @cached_property
    def nmf_terms(self) -> pd.DataFrame:
        """One row per NMF topic with its top terms."""
        return self.found["terms"].groupby("topic", sort=False)["term"].apply(", ".join).reset_index(name="top terms")

    def nmf_terms_table(self) -> HTML:
        """The suggested topics' top terms (all terms and weights as CSV)."""
        terms = self.nmf_terms
        self.rep.table_file(self.found["terms"], "nmf_terms.csv")
        return table(terms)

    def nmf_chart(self) -> HTML:
        """Each suggested topic's share of the speaker's words per period, as lines."""
        shares, period = self.found["shares"], self.selection.period
        return self.rep.chart(
            lambda: line_chart(
                shares,
                x="period",
                y="share_of_words",
                series="topic",
                percent=True,
                title=findings.nmf_shares(shares),
                xlabel=period.capitalize(),
                ylabel="Share of his words",
                source=self.src,
            ),
            shares,
            "nmf_shares",
            title="NMF topic shares per period",
            alt=f"Lines of {self.n_topics} suggested topics' shares of the speaker's words per "
            f"{period}: " + "; ".join(self.nmf_terms["topic"]),
        )

    def nmf_examples(self) -> HTML:
        """The paragraphs that weigh most in each suggested topic (texts cut to 400 characters)."""
        ex = self.found["examples"]
        self.rep.table_file(ex, "nmf_examples.csv")
        return table(ex[["topic", "date", "title", "weight", "text"]].assign(text=ex["text"].str.slice(0, 400)))
