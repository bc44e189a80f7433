"""Notebook 04, mark rhetoric: rhetoric markers per period and per statement, their precision and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from analysis.measures import lexicon, rhetoric
from analysis.measures.catchphrases import reference_scope
from analysis.measures.count import DENOMINATORS, count_phrases, evidence
from analysis.measures.coverage import MIN_STATEMENT_WORDS
from analysis.measures.rhetoric import RhetoricParams
from analysis.params import like, param
from analysis.publish.charts.rates import phrase_rate_chart
from analysis.publish.sentences import findings
from analysis.publish.site.html import HTML, grid, show, table
from analysis.publish.stories.base import RateParams, ReportParams, Story

NOTEBOOK = "04-mark-rhetoric.ipynb"


@dataclass(frozen=True)
class RhetoricReport(RateParams, RhetoricParams, ReportParams):
    """The ``rhetoric`` measure's parameters, the chart's denominator, the per-statement table's floor, and
    the report's."""

    min_statement_words: int = param(
        MIN_STATEMENT_WORDS,
        "per-statement table: only statements with at least this many of his words (the reports' floor for "
        "one statement's rate)",
        minimum=0,
    )
    report_name: str = like(ReportParams, "report_name", "mark-rhetoric")
    report_title: str = like(ReportParams, "report_title", "How does he argue?")


class RhetoricStory(Story):
    """How often the speaker threatens, delegitimises, dismisses, hedges, closes a topic or frames 'us and them'."""

    PARAMS = RhetoricReport

    def __init__(self, params: RhetoricReport) -> None:
        lex, cats = params.lexicon_and_names()
        super().__init__(params.with_(categories=cats))
        selection = self.selection
        per, min_statement_words = params.per, params.min_statement_words
        self.lex, self.cats, self.per, self.min_statement_words = lex, cats, per, min_statement_words
        self.terms = [t for t in lex.entries if t.name in cats]
        self.names = {t.name: t.shown for t in self.terms}
        counts = lexicon.labelled(count_phrases(self.corpus, selection, cats, lexicon=lex), self.terms)
        self.counts = self.linked(counts, self.hits, back="#rhetoric_rates")
        others = reference_scope(self.corpus, selection)  # everyone else's own words in the source: the baseline
        self.baseline = rhetoric.baseline(self.corpus, others, lex, cats)

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        show(
            self.header(
                f"Rhetoric markers ({self.lex.label()}) in {self.speaker}'s own words, per "
                f"{self.selection.period} and per statement."
            )
        )
        return self.rep.finding(
            function="rhetoric", tables={"counts": self.counts, "baseline": self.baseline}, speaker=self.speaker
        )

    def markers_table(self) -> HTML:
        """The patterns of each category counted."""
        return table(lexicon.describe(self.terms), caption=self.lex.label())

    def rates_chart(self) -> HTML:
        """Small multiples of each category's rate per period."""
        counts, period = self.counts, self.selection.period
        totals = counts.groupby("phrase", sort=False)["count"].sum()
        return self.rep.chart(
            lambda: phrase_rate_chart(
                counts, title=findings.rhetoric(counts, self.speaker, self.baseline), source=self.src, per=self.per
            ),
            counts,
            "rhetoric_rates",
            title=f"Rhetoric markers per {period}",
            alt=f"Small multiples of rhetoric-marker {DENOMINATORS[self.per][3]} per {period}: "
            + "; ".join(f"{self.names.get(c, c)} {int(n)} hits" for c, n in totals.items()),
        )

    def rates_table(self) -> HTML:
        """The counts and rates behind the chart, category by period (every column in the chart's CSV)."""
        return grid(
            self.counts,
            csv=self.rep.data_link(self.counts, "rhetoric_rates"),
            caption=f"Hits per {self.selection.period}",
            anchor="rates_table",
        )

    def per_statement(self) -> HTML:
        """The three statements with the highest rate per category (all of them in a CSV)."""
        per_doc = count_phrases(self.corpus, self.selection.with_(period="document"), self.cats, lexicon=self.lex)
        per_doc = lexicon.labelled(per_doc[per_doc["speaker_words"] >= self.min_statement_words], self.terms)
        per_doc = self.linked(per_doc, self.hits, back="#per_statement", period="document")
        self.rep.table_file(per_doc, "rhetoric_per_statement.csv")
        top_docs = (
            per_doc.sort_values(["phrase", "per_10k", "period"], ascending=[True, False, True])
            .groupby("phrase")
            .head(3)
        )
        cols = ["label", "period", "count", "speaker_words", "per_10k", "low_count", "evidence"]
        return table(top_docs[cols], links={"count": "evidence"}, anchor="per_statement")

    @cached_property
    def hits(self) -> pd.DataFrame:
        """Every hit of the categories in the selection, oldest first."""
        return evidence(self.corpus, self.selection, self.cats, lexicon=self.lex)

    def precision(self) -> HTML:
        """Labelled precision per category, with a Wilson interval (also as a CSV)."""
        prec = rhetoric.precision(self.hits, rhetoric.read_labels(), self.cats)
        self.rep.table_file(prec, "precision.csv")
        return table(prec)

    def evidence(self) -> HTML:
        """Every hit counted above: a downloadable CSV and the pages of the quotes."""
        return self.evidence_block(self.hits)
