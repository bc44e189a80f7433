"""Notebook 02, find catchphrases: recurring word sequences in the speaker's own words, and when he says them."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures.catchphrases import CatchphrasesParams, compute
from analysis.measures.count import count_phrases, evidence
from analysis.params import like, param
from analysis.publish.charts import bar_chart, dot_timeline
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import plural
from analysis.publish.site.html import HTML, paragraph, show, table
from analysis.publish.stories.base import ReportParams, Story

NOTEBOOK = "02-find-catchphrases.ipynb"


@dataclass(frozen=True)
class CatchphrasesReport(CatchphrasesParams, ReportParams):
    """The ``catchphrases`` measure's parameters, the phrases followed over time, and the report's."""

    top: int = like(CatchphrasesParams, "top", 25)
    timeline: int = param(12, "how many of the top phrases to follow year by year", minimum=0)
    report_name: str = like(ReportParams, "report_name", "find-catchphrases")
    report_title: str = like(ReportParams, "report_title", "What does he keep saying?")


class CatchphrasesStory(Story):
    """What the speaker repeats: phrases ranked by the number of separate statements they occur in."""

    PARAMS = CatchphrasesReport

    def __init__(self, params: CatchphrasesReport) -> None:
        super().__init__(params)
        self.min_words, self.max_words = params.min_phrase_words, params.max_phrase_words
        self.min_statements = params.min_statements
        self.found = compute(self.corpus, params).table.drop_columns(["speaker"]).to_pandas()
        timeline = params.timeline
        self.follow: list[str] = list(self.found["phrase"].head(timeline))

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        show(
            self.header(
                f"Recurring {self.min_words}- to {self.max_words}-word phrases in {self.speaker}'s own "
                f"words, found in at least {plural(self.min_statements, 'statement')}."
            )
        )
        return self.rep.finding(function="catchphrases", tables={"found": self.found}, speaker=self.speaker)

    def found_sentence(self) -> HTML:
        """How many phrases were found, and the most widespread (the phrases are also written as a CSV)."""
        found = self.found
        self.rep.table_file(found, "catchphrases.csv")
        most = (
            f"; the most widespread, “{found.iloc[0]['phrase']}”, occurs in "
            f"{plural(int(found.iloc[0]['statements']), 'statement')}."
            if len(found)
            else "."
        )
        turns = self.turns
        held = (
            f" First and last dates are the first and last in this corpus, which holds {self.statements()} of "
            f"{self.speaker} from {turns['date'].min():%Y-%m-%d} to {turns['date'].max():%Y-%m-%d}."
            if len(turns)
            else ""
        )
        return paragraph(f"{plural(len(found), 'phrase')} found in {self.statements()}" + most + held)

    def found_chart(self) -> None:
        """Horizontal bars of the 15 most widespread phrases, and the table of all (shown when any was found)."""
        found = self.found
        if not len(found):
            return
        quotes = evidence(self.corpus, self.selection, list(found["phrase"]))
        found = found.assign(speaker=self.speaker, period="all periods")
        found = self.linked(found, quotes.assign(period="all periods"), back="#catchphrases", count="uses")
        found = found.drop(columns=["speaker", "period"])
        shown = found.head(15)
        show(
            self.rep.chart(
                lambda: bar_chart(
                    shown["phrase"],
                    shown["statements"],
                    horizontal=True,
                    title=findings.catchphrases(found, self.speaker),
                    xlabel="Statements containing the phrase",
                    ylabel="",
                    source=self.src,
                    links=shown["evidence"],
                ),
                found,
                "catchphrases",
                title="Catchphrases by number of statements",
                alt="Horizontal bars of the most widespread phrases: "
                + "; ".join(
                    f"“{p}” in {s} statements" for p, s in shown[["phrase", "statements"]].itertuples(index=False)
                ),
            ),
            table(found, links={"uses": "evidence"}),
        )

    def timeline(self) -> None:
        """Dot timeline of the uses per year of the phrases followed (shown when there are any)."""
        follow = self.follow
        if not follow:
            return
        yearly = count_phrases(self.corpus, self.selection.with_(period="year"), follow)
        ev = evidence(self.corpus, self.selection, follow)
        yearly = self.linked(yearly, ev, back="#catchphrase_timeline", period="year")
        totals = yearly.groupby("phrase", sort=False)["count"].sum()
        show(
            self.rep.chart(
                lambda: dot_timeline(
                    yearly,
                    x="period",
                    y="phrase",
                    size="per_10k",
                    label="count",
                    size_name="uses per 10,000 of his words in the year",
                    source=self.src,
                    title=f"When he says them: uses per 10,000 words, per year, of the {len(follow)} most "
                    "widespread phrases",
                ),
                yearly,
                "catchphrase_timeline",
                title="Catchphrases year by year",
                alt="Dot timeline of uses per year of "
                + "; ".join(f"“{p}” ({int(n)} uses)" for p, n in totals.items()),
            )
        )

    def evidence(self) -> None:
        """Every use of the phrases followed, oldest first (shown when there are any)."""
        if not self.follow:
            return
        show(self.evidence_block(evidence(self.corpus, self.selection, self.follow)))
