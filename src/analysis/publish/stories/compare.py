"""Notebook 05, compare periods or speakers: the terms each side over-uses (G², log ratio), with quotes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.measures.count import evidence_in
from analysis.measures.keyness import KeynessParams, compare_scopes
from analysis.measures.search import paragraphs, search
from analysis.params import like, param
from analysis.publish.charts import diverging_bars
from analysis.publish.sentences import keyness
from analysis.publish.sentences.text import source_line
from analysis.publish.site.html import HTML, show, table
from analysis.publish.stories.base import ReportParams, Story
from analysis.selection import Scope


def _noted(df: pd.DataFrame) -> pd.DataFrame:
    """The terms with the bar labels: ``note`` "G²=… (freq_a/freq_b)", and ``short_note`` "freq_a/freq_b"
    for the phone's drawing."""
    rows = list(df[["g2", "freq_a", "freq_b"]].itertuples(index=False))
    return df.assign(note=[f"G²={g:.0f} ({a}/{b})" for g, a, b in rows], short_note=[f"{a}/{b}" for _, a, b in rows])


NOTEBOOK = "05-compare-periods.ipynb"


@dataclass(frozen=True)
class CompareReport(KeynessParams, ReportParams):
    """The ``keyness`` measure's parameters, how many terms are quoted, and the report's."""

    split: str = like(KeynessParams, "split", "2014-03-01")
    top: int = like(KeynessParams, "top", 20)
    evidence_terms: int = param(5, "quotes for this many top terms of each side", minimum=0)
    report_name: str = like(ReportParams, "report_name", "compare-periods")
    report_title: str = like(ReportParams, "report_title", "What changed?")


class CompareStory(Story):
    """Which terms the speaker over-uses in one period against another, or against another speaker."""

    PARAMS = CompareReport

    def __init__(self, params: CompareReport) -> None:
        super().__init__(params.with_(split="") if params.speaker_b else params)
        selection = self.selection
        ngram, min_freq, top = params.ngram, params.min_freq, params.top
        self.evidence_terms = params.evidence_terms
        self.scope_a, self.scope_b, self.label_a, self.label_b = self.params.scopes(self.corpus, selection)
        index = self.corpus.index
        self.turns_a = paragraphs(search(index, self.scope_a, None))
        self.turns_b = paragraphs(search(index, self.scope_b, None))
        self.src = source_line(list(self.turns_a["source"]) + list(self.turns_b["source"]))
        self.rep.measured(self.speaker, list(self.turns_a["date"]) + list(self.turns_b["date"]))
        self.result = compare_scopes(index, self.scope_a, self.scope_b, ngram=ngram, min_freq=min_freq, top=top)
        self.a, self.b = self._quoted(_noted(self.result["a"]), "A"), self._quoted(_noted(self.result["b"]), "B")

    def _quoted(self, terms: pd.DataFrame, side: str) -> pd.DataFrame:
        """The terms over-used on ``side`` with ``count``, the phrase matcher's uses of each in that side's
        words (the quotes: the tokenizer's ``freq_a``/``freq_b`` may differ by a contraction), linked."""
        scope = self.scope_a if side == "A" else self.scope_b
        ev = evidence_in(self.corpus.index, scope, list(terms["term"]) or ["x"])
        ev = (ev if len(terms) else ev.iloc[0:0]).assign(side=side)
        self.matches = pd.concat([getattr(self, "matches", ev.iloc[0:0]), ev], ignore_index=True)
        counts = ev.groupby("phrase").size()
        terms = terms.assign(side=side, count=[int(counts.get(t, 0)) for t in terms["term"]])
        linked = self.linked(
            terms.rename(columns={"term": "phrase"}), ev, back="#keyness", keys=("side", "phrase")
        ).rename(columns={"phrase": "term"})
        return linked.drop(columns=["side"])

    def coverage_sides(self) -> dict[str, Scope]:
        return {f"A: {self.label_a}": self.scope_a, f"B: {self.label_b}": self.scope_b}

    def opening(self) -> HTML:
        """The header (shown) and the finding (returned)."""
        show(self.header(f"Terms {self.speaker} over-uses {self.label_a} against {self.label_b}, and the reverse."))
        a, b = self.result["a"], self.result["b"]
        assert isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)
        terms = pd.concat([a.assign(side="A"), b.assign(side="B")], ignore_index=True)
        return self.rep.finding(function="keyness", tables={"terms": terms}, label_a=self.label_a, label_b=self.label_b)

    def keyness_chart(self) -> HTML:
        """Diverging bars of the log ratio of the top terms of each side, labelled with G² and frequencies."""
        a, b = self.a, self.b
        both = pd.concat([a.assign(side="A"), b.assign(side="B")], ignore_index=True)
        return self.rep.chart(
            lambda: diverging_bars(
                a,
                b,
                label="term",
                value="log_ratio",
                note="note",
                short_note="short_note",
                muted="reason",
                left_name=self.label_a,
                right_name=self.label_b,
                title=keyness.sentence(a, b, self.label_a, self.label_b),
                source=self.src,
            ),
            both.drop(columns=["note", "short_note"]),
            "keyness",
            title="Keyness: over-used terms on each side",
            alt=f"Diverging bars of the top terms over-used {self.label_a}: "
            + ", ".join(a["term"].head(8))
            + f"; and {self.label_b}: "
            + ", ".join(b["term"].head(8)),
        )

    def tables(self) -> None:
        """The over-used terms of side A, then of side B (shown)."""
        show(
            table(
                self.a.drop(columns=["note", "short_note"]),
                caption=f"Over-used in A ({self.label_a})",
                links={"count": "evidence"},
            ),
            table(
                self.b.drop(columns=["note", "short_note"]),
                caption=f"Over-used in B ({self.label_b})",
                links={"count": "evidence"},
            ),
        )

    def evidence(self) -> None:
        """Every use of the terms shown, by side (shown when there are any): the CSV and the pages of quotes."""
        if len(self.matches):
            show(self.evidence_block(self.matches))
