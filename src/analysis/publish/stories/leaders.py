"""Notebook 07, compare leaders: the same phrases in several leaders' own words, on one time axis."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import ParameterError
from analysis.measures import leaders, lexicon
from analysis.measures.count import PhraseParams, evidence, period_of
from analysis.params import like, param
from analysis.publish.charts.overlay import overlay_chart, speaker_colours
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import plural, source_line
from analysis.publish.site.html import HTML, grid, paragraph, show, table
from analysis.publish.stories.base import ReportParams, Story
from analysis.selection import PeriodParams, Scope

NOTEBOOK = "07-compare-leaders.ipynb"


@dataclass(frozen=True)
class LeadersReport(PeriodParams, PhraseParams, ReportParams):
    """The ``count`` measure's parameters for two sides or more, the floor of a period drawn, and the
    report's."""

    speakers: list[str] = like(PhraseParams, "speakers", ["Vladimir Putin", "US presidents"])
    phrases: list[str] = like(
        PhraseParams, "phrases", ["our-partners", "terrorism", "sovereignty", "threat-of-force", "finality"]
    )
    side_sources: list[str] = param(
        [],
        "one source per side, in the order of speakers ('' for any): that side's words only from it "
        "(source applies to every side)",
        one="side_source",
    )
    min_period_words: int = param(
        5000, "a speaker's period with fewer of his own words than this is not drawn (too few words)", minimum=0
    )
    report_name: str = like(ReportParams, "report_name", "compare-leaders")
    report_title: str = like(ReportParams, "report_title", "Who says it more?")

    def validate(self) -> None:
        super().validate()
        if len(self.speakers) < 2:
            raise ParameterError(f"speakers: name two sides or more (a speaker or a group); got {self.speakers!r}")
        if self.side_sources and len(self.side_sources) != len(self.speakers):
            raise ParameterError(
                f"side_sources: one per side ({len(self.speakers)}, '' for any), or none; got {self.side_sources!r}"
            )
        if self.period not in ("year", "month"):
            raise ParameterError(f"period must be year or month on a shared time axis; got {self.period!r}")


class LeadersStory(Story):
    """Phrases and families counted for each side (a speaker, or a group pooled), each in its own words."""

    PARAMS = LeadersReport

    def __init__(self, params: LeadersReport) -> None:
        base = params.selection()
        self.lex = lexicon.load(params.phrase_lexicon or None)
        speakers, phrases, period = params.speakers, params.phrases, params.period
        self.phrases, self.min_words = phrases, params.min_period_words
        min_words = params.min_period_words
        super().__init__(params, selection=base, select=False)
        self.sides = leaders.sides_of(self.corpus, speakers, base, params.side_sources)
        self.labels = list(self.sides)
        self.turns = pd.concat(
            [self.corpus.select(s).turns for sels in self.sides.values() for s in sels], ignore_index=True
        )
        self.speaker = " and ".join(self.labels)
        self.src = source_line(self.turns["source"])
        self.rep.measured(self.speaker, self.turns["date"])
        self.ev = pd.concat(  # every use, by speaker: the quotes each count adds up
            [
                evidence(self.corpus, s, phrases, lexicon=self.lex).assign(side=side)
                for side, sels in self.sides.items()
                for s in sels
            ],
            ignore_index=True,
        )
        self.terms = lexicon.resolve_terms(phrases, self.lex)
        self.names = {t.name: t.shown for t in self.terms}
        counts = leaders.counts_by_speaker(self.corpus, self.sides, phrases, lexicon=self.lex)
        self.counts = self.linked(lexicon.labelled(counts, self.terms), self.ev, back="#rates_by_speaker")
        self.common = leaders.common_periods(self.counts, min_words=min_words)
        totals = leaders.totals(self.counts.drop(columns=["evidence", "label"]), periods=self.common)
        self.totals = lexicon.labelled(totals, self.terms)
        in_common = self.ev[period_of(self.ev["date"], self.ev["doc_id"], period).isin(self.common)]
        self.totals_linked = self.linked(
            self.totals, in_common.assign(period="totals"), back="#totals", keys=("side", "phrase")
        )
        self.speaker_words = leaders.coverage(self.counts, min_words=min_words)
        self.colours = speaker_colours([s.speaker for sels in self.sides.values() for s in sels])

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        terms = lexicon.resolve_terms(self.phrases, self.lex)
        show(
            self.header(
                f"Uses of {plural(len(terms), 'phrase or family', 'phrases or families')} in the own words of "
                f"{' and '.join(self.labels)}, per {self.selection.period}, each rate over the speaker's own words "
                f"({self.lex.label()})."
            )
        )
        return self.rep.finding(function="leaders", tables={"totals": self.totals})

    def terms_table(self) -> HTML:
        return table(lexicon.describe(lexicon.resolve_terms(self.phrases, self.lex)))

    def coverage_sides(self) -> dict[str, Scope]:
        return {
            side: self.corpus.scope(sels[0], speakers=[s.speaker for s in sels]) for side, sels in self.sides.items()
        }

    def sides_sentence(self) -> HTML:
        """Who is on each side, with their words, statements and dates."""
        parts = []
        for side, sels in self.sides.items():
            turns = pd.concat([self.corpus.select(s).turns for s in sels], ignore_index=True)
            who = f" ({', '.join(s.speaker for s in sels)})" if len(sels) > 1 or sels[0].speaker != side else ""
            parts.append(
                f"{side}{who}: {int(turns['n_words'].sum()):,} words of their own in "
                f"{plural(int(turns['doc_id'].nunique()), 'statement')}, "
                f"{turns['date'].min():%Y-%m-%d} to {turns['date'].max():%Y-%m-%d}"
            )
        return paragraph("; ".join(parts) + ".")

    def thin_sentence(self) -> HTML:
        """The periods where a speaker's words are too few for a rate, said plainly."""
        thin = self.speaker_words[self.speaker_words["too_few"]]
        if thin.empty:
            return paragraph(f"Every speaker has at least {self.min_words:,} words in every period drawn.")
        per = "; ".join(f"{s} in {', '.join(g['period'])}" for s, g in thin.groupby("speaker", sort=False) if len(g))
        return paragraph(
            f"Too few words (under {self.min_words:,} of the speaker's own in the period) for a rate to be drawn: "
            f"{per}. Those periods are left out of the lines below; the totals add them in when they fall in a "
            "year the totals compare."
        )

    def totals_sentence(self) -> HTML:
        """Which periods the totals add up, and why."""
        return paragraph(
            f"The totals compare the {self.selection.period}s in which every side has at least "
            f"{self.min_words:,} words of its own: {leaders.spans(self.common)}. Other years would weigh on "
            "one side only."
        )

    def totals_table(self) -> HTML:
        """The totals, shown compactly (rates and ratios with their intervals); every column is in the
        finding's table, finding_totals.csv."""
        t = self.totals_linked

        def ci(cols: list[str]) -> list[str]:
            return [f"{v:.2f} ({lo:.2f}–{hi:.2f})" for v, lo, hi in t[cols].itertuples(index=False)]

        shown = pd.DataFrame(
            {
                "side": t["side"],
                "phrase": t["label"],
                "uses": t["count"],
                "words": t["side_words"].map("{:,}".format),
                "per 10k (95%)": ci(["per_10k", "per_10k_low", "per_10k_high"]),
                "ratio (95%)": ci(["ratio_to_others", "ratio_low", "ratio_high"]),
                "clearly": t["clearly"],
                "evidence": t["evidence"],
            }
        )
        return table(shown, links={"uses": "evidence"}, anchor="totals")

    def overlay(self) -> HTML:
        return self.rep.chart(
            lambda: overlay_chart(
                self.counts, title=findings.leaders_title(self.totals), source=self.src, min_words=self.min_words
            ),
            self.counts,
            "rates_by_speaker",
            title=f"Uses per 10,000 words per {self.selection.period}, one line per speaker",
            alt="Small multiples, one per phrase, of uses per 10,000 words per period, one line per speaker: "
            + "; ".join(
                f"“{self.names.get(p, p)}”: "
                + ", ".join(f"{s} {int(n)}" for s, n in g.groupby("speaker", sort=False)["count"].sum().items())
                for p, g in self.counts.groupby("phrase", sort=False)
            ),
        )

    def counts_table(self) -> HTML:
        """Each speaker's uses of each phrase per period (every column in the chart's CSV)."""
        return grid(
            self.counts,
            rows=("speaker", "label"),
            csv=self.rep.data_link(self.counts, "rates_by_speaker"),
            caption=f"Uses per {self.selection.period}, speaker by speaker",
            anchor="counts_table",
            rate_name="per 10,000 of that speaker's words",
        )

    def evidence(self) -> None:
        """Every use counted, by side; the counts above are computed from these very rows."""
        for side in self.sides:
            ev = self.ev[self.ev["side"] == side]
            expected = int(self.counts.loc[self.counts["side"] == side, "count"].sum())
            if len(ev) != expected:
                raise RuntimeError(f"{side}: evidence rows ({len(ev)}) differ from the count ({expected})")
        show(self.evidence_block(self.ev))
