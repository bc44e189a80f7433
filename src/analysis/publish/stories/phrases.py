"""Notebook 01, track phrases: phrases and families per period, with rates, intervals and evidence."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.measures import lexicon
from analysis.measures import topics as tp
from analysis.measures.changes import MIN_STATEMENTS, changes_of
from analysis.measures.count import DENOMINATORS, CountParams, count_phrases, evidence, smooth
from analysis.measures.coverage import MIN_PERIOD_WORDS
from analysis.measures.dispersion import dispersion_of
from analysis.params import like, param
from analysis.publish.charts import dispersion_chart, phrase_rate_chart
from analysis.publish.sentences import changes as shown_changes
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import plural
from analysis.publish.site.html import HTML, grid, paragraph, render, show, table
from analysis.publish.stories.base import RateParams, ReportParams, Story

NOTEBOOK = "01-track-phrases.ipynb"


@dataclass(frozen=True)
class PhrasesParams(RateParams, CountParams, ReportParams):
    """The ``count`` measure's parameters, the chart's denominator and smoothing, and the report's."""

    phrases: list[str] = like(CountParams, "phrases", ["finality", "military-means", "legally-impossible"])
    smooth_periods: int = param(
        0, "0 for none (the default); N of 2 or more adds a centred N-period rolling mean of the rate", minimum=0
    )
    report_name: str = like(ReportParams, "report_name", "track-phrases")
    report_title: str = like(ReportParams, "report_title", "How often does he say it?")


class PhrasesStory(Story):
    """How often the speaker uses each phrase or family, per period."""

    PARAMS = PhrasesParams

    def __init__(self, params: PhrasesParams) -> None:
        super().__init__(params)
        selection = self.selection
        phrases, per, smooth_periods = params.phrases, params.per, params.smooth_periods
        self.phrases, self.per, self.breakdown, self.smooth_periods = phrases, per, params.breakdown, smooth_periods
        self.lex = lexicon.load(params.phrase_lexicon or None)
        self.terms = lexicon.resolve_terms(phrases, self.lex)
        self.ev = evidence(self.corpus, selection, phrases, lexicon=self.lex)  # the quotes every count adds up
        counts = smooth(
            count_phrases(self.corpus, selection, phrases, lexicon=self.lex), smooth_periods, DENOMINATORS[per][0]
        )
        self.names = {t.name: t.shown for t in self.terms}
        self.counts = self.linked(lexicon.labelled(counts, self.terms), self.ev, back="#phrase_rates")
        self.totals = self.counts.groupby("phrase", sort=False)["count"].sum()

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        show(
            self.header(
                f"Uses of {plural(len(self.terms), 'phrase or family', 'phrases or families')} in "
                f"{self.speaker}'s own words, per {self.selection.period} ({self.lex.label()})."
            )
        )
        return self.rep.finding(function="phrase_rates", tables={"counts": self.counts}, speaker=self.speaker)

    def terms_table(self) -> HTML:
        return table(lexicon.describe(self.terms))

    def totals_sentence(self) -> HTML:
        """The totals, each linked to all its quotes."""
        totals = self.totals.reset_index().assign(speaker=self.speaker, period="all periods")
        totals = self.linked(totals, self.ev.assign(period="all periods"), back="#phrase_rates")
        parts = [
            {"label": self.names.get(p, p), "count": int(n), "href": u}
            for p, n, u in totals[["phrase", "count", "evidence"]].itertuples(index=False)
        ]
        return HTML(render("totals.html", totals=parts))

    def rates_chart(self) -> HTML:
        column, _, _, label = DENOMINATORS[self.per]
        smoothed = f"{column}_smoothed" if self.smooth_periods >= 2 else None
        return self.rep.chart(
            lambda: phrase_rate_chart(
                self.counts,
                title=findings.phrase_rates(self.counts, self.speaker),
                source=self.src,
                per=self.per,
                smoothed=smoothed,
            ),
            self.counts,
            "phrase_rates",
            title=f"Phrases per {self.selection.period}: {label}",
            alt=f"Small multiples of {label} per {self.selection.period}: "
            + "; ".join(f"“{self.names.get(p, p)}” {int(n)} uses in total" for p, n in self.totals.items()),
        )

    def rates_table(self) -> HTML:
        """The counts and rates behind the chart, phrase by period (every column in the chart's CSV)."""
        return grid(
            self.counts,
            csv=self.rep.data_link(self.counts, "phrase_rates"),
            caption=f"Uses per {self.selection.period}",
            anchor="rates_table",
        )

    def dispersion(self) -> HTML:
        """Where in each statement, and across the years, each phrase falls: a dispersion plot of every use
        (:mod:`analysis.measures.dispersion`), its table as the chart's CSV."""
        found = lexicon.labelled(dispersion_of(self.corpus, self.selection, self.phrases, lexicon=self.lex), self.terms)
        whose = f"{self.speaker}'s statements"
        return self.rep.chart(
            lambda: dispersion_chart(found, title=f"Where in {whose} each phrase falls", source=self.src),
            found,
            "dispersion",
            title=f"Where in {whose} each phrase falls",
            alt=f"Dispersion plot: each of {plural(len(found), 'use')} placed across by its statement's date and "
            "down by where in the statement it starts: "
            + "; ".join(f"“{self.names.get(p, p)}” {plural(int(n), 'use')}" for p, n in self.totals.items()),
        )

    def changes(self) -> None:
        """When each phrase's rate changed over his statements (:mod:`analysis.measures.changes`), with
        first and last use read against what the corpus holds: a sentence and a table (shown), ``changes.csv``."""
        statements = int(self.turns["doc_id"].nunique())
        least = 2 * MIN_STATEMENTS
        if statements < least:
            show(paragraph(f"{plural(statements, 'statement')}: too few to look for a change (it takes {least})."))
            return
        found = lexicon.labelled(changes_of(self.corpus, self.selection, self.phrases, lexicon=self.lex), self.terms)
        self.rep.table_file(found, "changes.csv")
        runs = found.assign(
            **{
                "per 10k (95%)": [
                    f"{v:.2f} ({lo:.2f}–{hi:.2f})" if words >= MIN_PERIOD_WORDS else "too few words"
                    for v, lo, hi, words in found[["per_10k", "per_10k_low", "per_10k_high", "words"]].itertuples(
                        index=False
                    )
                ]
            }
        )
        cols = ["label", "start", "end", "statements", "count", "per 10k (95%)", "change_p"]
        show(
            paragraph(shown_changes.sentence(found, self.speaker) + "."),
            table(runs[cols].rename(columns={"label": "phrase", "change_p": "p of the change"})),
        )

    def forms(self) -> None:
        """Uses by surface form (shown only when the parameters ask for a breakdown)."""
        if not self.breakdown:
            return
        forms = count_phrases(self.corpus, self.selection, self.phrases, lexicon=self.lex, breakdown=True)
        forms = forms[forms["count"] > 0]
        forms = self.linked(forms, self.ev, back="#forms", keys=("speaker", "phrase", "form", "period"))
        show(
            paragraph("Uses by surface form (periods with at least one use):", anchor="forms"),
            table(
                forms[["period", "phrase", "form", "count", "per_10k", "documents_with_match", "evidence"]],
                links={"count": "evidence"},
            ),
        )

    def headings(self) -> None:
        """The speaker's words under each of the outlet's topic headings (shown)."""
        self.heading_bars(tp.headings(self.turns), none="No statement in this selection has topic headings.")

    def evidence(self) -> HTML:
        """Every use counted above; the counts are computed from these very rows."""
        ev = self.ev
        if len(ev) != int(self.counts["count"].sum()):
            raise RuntimeError(f"evidence rows ({len(ev)}) differ from the count ({int(self.counts['count'].sum())})")
        return self.evidence_block(ev)
