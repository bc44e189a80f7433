"""The part every story shares: the corpus, the selection resolved once, the report being written."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.engine import engine_for
from analysis.index.reads import data_of
from analysis.measures.count import DENOMINATORS, period_of
from analysis.measures.coverage import by_side, coverage_of
from analysis.params import CorpusParams, Params, ReportsDirParams, param
from analysis.publish.charts import bar_chart
from analysis.publish.charts import coverage as coverage_strip
from analysis.publish.sentences import coverage as coverage_sentence
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import plural, source_line
from analysis.publish.site import report as rp
from analysis.publish.site.columns import write_column_dictionary
from analysis.publish.site.html import HTML, paragraph, render, show, table
from analysis.publish.stories.parameters import from_namespace
from analysis.selection import Scope, Selection


@dataclass(frozen=True)
class ReportParams(ReportsDirParams, CorpusParams):
    """Where a report goes and what it is called (a notebook's own parameters; the render step sets them)."""

    report_name: str = param(
        "report", "report name: its charts and tables go to <reports_dir>/<report_name>/", cli=False, tail=True
    )
    report_title: str = param("", "title of the report", cli=False, tail=True)


@dataclass(frozen=True)
class RateParams(Params):
    """Which rate a report charts."""

    per: str = param(
        "words",
        "denominator charted: words (per 10,000 of his words), statements (share of statements) or raw (counts)",
        choices=tuple(DENOMINATORS),
    )


class Story:
    """A report over one :class:`~analysis.selection.Selection` of the corpus.

    A story module declares ``NOTEBOOK`` (the notebook that tells it) and its story class's ``PARAMS``:
    the measure's parameter dataclass with the report's own parameters (:class:`ReportParams`). The
    notebook's ``parameters`` cell is written from it (``python -m analysis docs``), reports.yaml
    is checked against it, and the header shows its values.
    """

    PARAMS: type[ReportParams] = ReportParams

    def __init__(self, params, *, selection: Selection | None = None, select: bool = True) -> None:
        """``select=False``: the story selects its own words (several speakers) and sets ``speaker``,
        ``turns`` and ``src`` itself, then calls ``rep.measured``."""
        self.params = params
        self.names: dict[str, str] = {}  # term name → the label pages show (set by stories with a lexicon)
        self.title = params.report_title
        self.corpus, self.rep = rp.start(
            params.report_name, params.report_title, processed_dir=params.processed_dir, reports_dir=params.reports_dir
        )
        self.corpus.index.engine = engine_for(params)
        self.rep.describe = self.data
        self.selection = selection if selection is not None else params.selection()
        if len(getattr(params, "speakers", ())) > 1 and select:
            raise ValueError(
                f"this report follows one speaker; got {len(params.speakers)} (07-compare-leaders compares several)"
            )
        self.parameters = params.measured()
        if not select:
            return
        self.selected = self.corpus.select(self.selection)
        self.speaker = self.selected.speaker
        self.turns = self.selected.turns
        self.src = source_line(self.turns["source"]) if len(self.turns) else source_line([])
        self.rep.measured(self.speaker, self.turns["date"])

    @classmethod
    def from_parameters(cls, namespace: dict):
        """The story of a notebook's parameters, read from its namespace (``globals()``): unknown names
        fail, values given on papermill's command line become the declared types
        (:func:`analysis.publish.stories.parameters.from_namespace`)."""
        return cls(cls.PARAMS.of(from_namespace(namespace)))

    def header(self, measured: str) -> HTML:
        """What the report measured, on which corpus version, with which parameters."""
        return rp.header(self.corpus, title=self.title, measured=measured, parameters=self.parameters, rep=self.rep)

    def method(self) -> HTML:
        """The methodology box with links to every data file of the report (run by hand, the
        report's folder gets its column dictionary here; the render step writes it otherwise)."""
        if self.rep.by_hand:
            write_column_dictionary(
                self.rep.asset_dir, notebook=None, title=self.title, parameters=self.parameters, corpus=self.rep.data
            )
        self.rep.save()  # the story's last call: report.json records everything the report read
        return rp.method(self.rep)

    def data(self) -> dict:
        """The version of the data the report shows: the statements with words of its sides (the scopes
        of :meth:`coverage_sides`), how many, their dates and sources (its pages name it)."""
        return data_of(self.corpus.index, self.coverage_sides().values())

    def coverage_sides(self) -> dict[str, Scope]:
        """The words the report's rates rest on, by side (label → scope): the speaker's selection; a
        comparison has one entry per side."""
        return {self.speaker: self.corpus.scope(self.selection)}

    def coverage(self) -> None:
        """What the report's numbers rest on (shown under its time charts): each side's own words and
        statements per period, from which sources, and the periods with none or too few, drawn as a strip
        (``coverage.png``) from ``coverage.csv`` and said in a sentence made from that table."""
        by = self.selection.period
        cov = coverage_of(self.corpus, self.coverage_sides(), by=by)
        drawn = by_side(cov)
        said = coverage_sentence.sentence(drawn)
        unit = "statement" if by == "document" else by
        chart = self.rep.chart(
            lambda: coverage_strip.strip(
                drawn, title=f"The words behind the numbers, {unit} by {unit}", source=self.src
            ),
            cov,
            "coverage",
            name="coverage",
            title=f"Coverage: own words per {unit}",
            alt=f"Strip of each side's own words per {unit}. {said}.",
        )
        show(chart, paragraph(said + "."))

    def statements(self) -> str:
        """ "12 statements": the number of statements in the selection."""
        return plural(int(self.turns["doc_id"].nunique()), "statement")

    def linked(
        self,
        table: pd.DataFrame,
        ev: pd.DataFrame,
        *,
        back: str,
        keys: tuple[str, ...] = ("speaker", "phrase", "period"),
        count: str = "count",
        period: str | None = None,
    ) -> pd.DataFrame:
        """``table`` with an ``evidence`` column: for every row with uses (``count`` > 0), the link of
        the group of its quotes, made from the evidence rows ``ev`` (a ``period`` computed from each
        quote's date as the table's periods were, ``self.selection.period`` unless given). ``back``
        is the anchor of the chart or table that counts them ("#phrase_rates")."""
        if "period" in keys and "period" not in ev.columns:
            ev = ev.assign(period=period_of(ev["date"], ev["doc_id"], period or self.selection.period))
        if "speaker" in keys and "speaker" not in ev.columns:
            ev = ev.assign(speaker=self.speaker)
        names = self.names
        links = self.rep.book.add(
            ev, list(keys), back=back, label=lambda k: _label(dict(zip(keys, k, strict=True)), names)
        )
        return table.assign(evidence=self.rep.book.link_column(table, links, list(keys), count))

    def evidence_block(self, ev: pd.DataFrame, *, filename: str = "evidence.csv") -> HTML:
        """Every quote as a downloadable CSV, and the evidence pages the report's numbers link to."""
        link = self.rep.table_file(ev.drop(columns=["char_start"], errors="ignore"), filename)
        return HTML(
            render("evidence_block.html", quotes=plural(len(ev), "quote"), csv=link, pages=self.rep.book.index_html())
        )

    def heading_bars(self, heads: pd.DataFrame, *, none: str, with_table: bool = True) -> None:
        """Horizontal bars of the speaker's words under each of the outlet's topic headings, titled with
        the finding, and the table (shown); the sentence ``none`` when there are no headings."""
        if heads.empty:
            show(paragraph(none))
            return
        chart = self.rep.chart(
            lambda: bar_chart(
                heads["heading"],
                heads["speaker_words"],
                horizontal=True,
                title=findings.headings(heads),
                xlabel="Words (speaker's own)",
                ylabel="",
                source=self.src,
            ),
            heads,
            "words_per_heading",
            title="Words per topic heading",
            alt=f"Horizontal bars of the speaker's words under {len(heads)} headings: "
            + "; ".join(f"{h}: {w}" for h, w in heads[["heading", "speaker_words"]].itertuples(index=False)),
        )
        if with_table:
            show(chart, table(heads))
        else:
            show(chart)


def _label(key: dict, names: dict[str, str] | None = None) -> str:
    """ "2016 · “our partners” (our Western partners) · Vladimir Putin": a group of quotes' name on its page
    (a term by its label in ``names``)."""
    parts = [str(key[k]) for k in ("period", "section") if key.get(k) not in (None, "")]
    if key.get("phrase") not in (None, ""):
        form = f" ({key['form']})" if key.get("form") not in (None, "", key.get("phrase")) else ""
        parts.append(f"“{(names or {}).get(key['phrase'], key['phrase'])}”{form}")
    parts += [str(key[k]) for k in ("speaker", "side") if key.get(k) not in (None, "")]
    return " · ".join(parts)
