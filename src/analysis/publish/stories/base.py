"""The part every story shares: the corpus, the selection resolved once, the report being written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.publish import findings
from analysis.publish import report as rp
from analysis.publish.charts import bar_chart, source_line
from analysis.publish.evidence import evidence_html
from analysis.publish.html import HTML, paragraph, plural, show, table
from analysis.selection import Selection


class Story:
    """A report over one :class:`~analysis.selection.Selection` of the corpus.

    ``parameters`` are the notebook's own (as the reader will see them in the header), in the
    notebook's order; ``selection`` is built from them with :meth:`Selection.of`, as the command
    line builds its own.
    """

    def __init__(
        self,
        selection: Selection,
        *,
        parameters: dict,
        name: str,
        title: str,
        processed_dir: str | Path = "",
        reports_dir: str | Path = "",
        select: bool = True,
    ) -> None:
        """``select=False``: the story selects its own words (several speakers) and sets ``speaker``,
        ``turns`` and ``src`` itself, then calls ``rep.measured``."""
        self.corpus, self.rep = rp.start(name, title, processed_dir=processed_dir, reports_dir=reports_dir)
        self.title = title
        self.selection = selection
        self.parameters = parameters
        if not select:
            return
        self.selected = self.corpus.select(selection)
        self.speaker = self.selected.speaker
        self.turns = self.selected.turns
        self.src = source_line(self.turns["source"]) if len(self.turns) else source_line([])
        self.rep.measured(self.speaker, self.turns["date"])

    def header(self, measured: str) -> HTML:
        """What the report measured, on which corpus version, with which parameters."""
        return rp.header(self.corpus, title=self.title, measured=measured, parameters=self.parameters, rep=self.rep)

    def method(self) -> HTML:
        """The methodology box with links to every data file of the report."""
        return rp.method(self.rep)

    def statements(self) -> str:
        """ "12 statements": the number of statements in the selection."""
        return plural(int(self.turns["doc_id"].nunique()), "statement")

    def evidence_block(self, ev: pd.DataFrame, *, max_rows: int, filename: str = "evidence.csv") -> HTML:
        """The evidence rows as a downloadable CSV and an escaped table (the first ``max_rows``)."""
        link = self.rep.table_file(ev.drop(columns=["char_start"]), filename)
        return HTML(
            f'<p>{plural(len(ev), "match", "matches")}. <a href="{link}">Download the evidence (CSV)</a>.</p>'
            + evidence_html(ev, max_rows=max_rows)
        )

    def heading_bars(self, heads: pd.DataFrame, *, none: str, with_table: bool = True) -> None:
        """Horizontal bars of the speaker's words under each of the outlet's topic headings, titled with
        the finding, and the table (shown); the sentence ``none`` when there are no headings."""
        if heads.empty:
            show(paragraph(none))
            return
        fig = bar_chart(
            heads["heading"],
            heads["speaker_words"],
            horizontal=True,
            title=findings.headings(heads),
            xlabel="Words (speaker's own)",
            ylabel="",
            source=self.src,
        )
        chart = self.rep.chart(
            fig,
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
