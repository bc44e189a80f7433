"""Helpers a notebook calls to build its report: header, charts, tables, methodology.

A notebook creates one :class:`Report` from its parameters; every chart it adds is numbered
(``fig1_…``), written as PNG, SVG and CSV under ``reports/<name>/`` and returned as escaped HTML
with alt text and data links. Nothing here reads the clock: the same inputs give the same report.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config, csvout
from analysis.corpus import Corpus
from analysis.publish.sentences import findings
from analysis.publish.charts.figures import SavedChart, save_chart
from analysis.publish.site.groups import EvidenceBook
from analysis.publish.site.html import HTML, escape, rebase_links
from analysis.publish.sentences.text import possessive_words
from analysis.publish.site.pages import page

METHOD_HTML = (
    """
<section class="method" id="method"><h2>Method</h2><ul>
<li><b>Whose words count.</b> Only paragraphs attributed to the speaker: in transcripts, the turns
under the speaker's label; in translated Q&amp;A articles, the remarks under each topic heading.
Interviewers' questions, other speakers, page leads, headlines, the outlet's promo lines, pull-quotes
and third-person narration are kept in the corpus but never counted. Translator's [bracketed]
insertions are shown but neither counted nor matched.</li>
<li><b>How phrases match.</b> Case-insensitive, whole phrase (no match inside a longer word),
after folding typographic quotes and dashes to plain ones and joining line breaks, so
“That’s” matches "that's".</li>
<li><b>Denominators.</b> Rates are uses per 10,000 of the speaker's own words in the period, shown
beside the raw count and the number of the speaker's statements. Whiskers are 95% intervals that
allow for uses bunched in a few statements: the exact Poisson interval, widened by how much more the
uses bunch in statements than chance would (the CSV's <code>bunching</code>), so that one speech full of a
phrase does not pass for a habit. Counts under 5 are flagged as low. No smoothing.</li>
<li><b>Known limits.</b> English translations vary: one Russian phrase can be rendered several ways
(track a family of forms). Speaker labels on older pages are inconsistent; the ingest report lists
every page that needed a guess, and who-said-what is measured against a hand-checked gold set of
transcripts (<code>python -m analysis score-attribution</code>). """
    """Each source is what its publisher chose to publish (the Kremlin's transcripts,
the Miller Center's selection of speeches), not a random sample of everything a leader said; a
comparison of leaders compares those selections.</li></ul></section>
"""
)


@dataclass
class Report:
    """Collects a report's charts, tables and finding; writes their files under ``reports_dir/name``.

    ``report.json`` in that folder records the finding, the charts (file, title, alt text) and the
    tables, for the index page and the column dictionary that the render step writes.
    """

    name: str
    title: str
    reports_dir: Path = config.RUNS_DIR
    charts: list[dict] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    headline: str | None = None
    words_from: str | None = None  # the first and last date of the speaker's words the report measured
    words_to: str | None = None
    speaker: str | None = None
    finding_from: dict | None = None  # how the headline is regenerated from the published CSVs
    by_hand: bool = False  # run by hand (JupyterLab, papermill), not by the render step

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.name):
            raise ValueError(f"report name {self.name!r}: use lower-case letters, digits, '-' and '_'")
        self.reports_dir = Path(self.reports_dir)
        self.asset_dir.mkdir(parents=True, exist_ok=True)
        self.book = EvidenceBook(self.name, self.asset_dir)
        self._save()

    def set_corpus(self, info: dict) -> None:
        """The corpus the report measures (its evidence pages name it in their footer)."""
        self.book.page_html = lambda title, body: page(title=title, body=body, corpus=info, root="../../")

    @property
    def asset_dir(self) -> Path:
        return self.reports_dir / self.name

    def chart(
        self, draw: Callable[[], Any], data: pd.DataFrame, slug: str, *, alt: str, title: str, name: str = ""
    ) -> HTML:
        """Draw the next numbered chart (``draw()`` makes the figure; it is called for the wide and the
        phone drawing), save it (PNG, SVG, CSV: ``figN_<slug>.*``, or ``<name>.*`` for a chart every
        report has under one name) and return it as displayable HTML. The figure's id is ``slug``
        (evidence groups link back to ``#slug``)."""
        n = sum(c["csv"].startswith("fig") for c in self.charts) + 1  # named charts are not numbered
        stem = self.asset_dir / (name or f"fig{n}_{slug}")
        saved: SavedChart = save_chart(draw, data, stem, alt=alt, title=title, report=self.name)
        self.charts.append({"file": f"{stem.name}.png", "csv": f"{stem.name}.csv", "title": title, "alt": alt})
        self._save()
        used = [c["csv"].removesuffix(".csv").split("_", 1)[-1] for c in self.charts[:-1]]
        anchor = slug if slug not in used else f"{slug}-{n}"
        return HTML(saved.html(self.name, anchor=anchor))

    def data_link(self, data: pd.DataFrame, slug: str) -> str:
        """The link to the CSV of the chart ``slug`` (``figN_<slug>.csv``), or, without such a chart, to
        ``data`` written as ``<slug>.csv``: where a compact table sends readers for every column."""
        for c in self.charts:
            if c["csv"].removesuffix(".csv").split("_", 1)[-1] == slug:
                return f"{self.name}/{c['csv']}"
        return self.table_file(data, f"{slug}.csv")

    def table_file(self, data: pd.DataFrame, filename: str) -> str:
        """Write a CSV table under the report folder; return its link (relative to the report)."""
        path = self.asset_dir / filename
        csvout.to_csv(data, path)
        if filename not in self.tables:
            self.tables.append(filename)
            self._save()
        return f"{self.name}/{filename}"

    def measured(self, speaker: str, dates) -> None:
        """Record whose words, and from which dates, the report measured (the gallery shows them)."""
        dates = pd.to_datetime(pd.Series(list(dates))).dropna()
        self.speaker = speaker
        self.words_from = dates.min().strftime("%Y-%m-%d") if len(dates) else None
        self.words_to = dates.max().strftime("%Y-%m-%d") if len(dates) else None
        self._save()

    def finding(
        self,
        text: str | None = None,
        *,
        function: str | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
        **arguments,
    ) -> HTML:
        """The report's headline finding: shown here and on the index page.

        With ``function`` (a name in :data:`analysis.publish.sentences.findings.PUBLISHED`), the sentence is
        generated from the published tables: each of ``tables`` is written as
        ``finding_<argument>.csv``, read back, and passed with ``arguments`` to the function; the
        recipe goes into ``report.json`` (``finding_from``) for :func:`findings.regenerate`.
        """
        if function is not None:
            files = {}
            for argument, data in (tables or {}).items():
                files[argument] = f"finding_{argument}.csv"
                self.table_file(data, files[argument])
            self.finding_from = {"function": function, "tables": files, "arguments": arguments}
            text = findings.regenerate(self.asset_dir, self.finding_from)
        if text is None:
            raise ValueError("finding: give the sentence or the function that makes it from the tables")
        self.headline = text.rstrip(".") + "."
        self._save()
        return HTML(f'<p class="finding"><strong>Finding:</strong> {escape(self.headline)}</p>')

    def _save(self) -> None:
        meta = {
            "name": self.name,
            "title": self.title,
            "finding": self.headline,
            "finding_from": self.finding_from,
            "speaker": self.speaker,
            "words_from": self.words_from,
            "words_to": self.words_to,
            "charts": self.charts,
            "tables": self.tables,
        }
        (self.asset_dir / "report.json").write_text(
            json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def start(
    name: str, title: str, *, processed_dir: str | Path = "", reports_dir: str | Path = ""
) -> tuple[Corpus, Report]:
    """What every notebook does first: load the corpus and open its report. An empty ``reports_dir``
    (a notebook run by hand, not by the render step) writes to ``build/runs/``, never to ``reports/``."""
    corpus = Corpus.load(processed_dir or config.PROCESSED_DIR)
    rep = Report(name, title, Path(reports_dir or config.RUNS_DIR), by_hand=not reports_dir)
    rep.set_corpus(corpus.info)
    if not reports_dir:  # run by hand: the notebook's links lead from notebooks/ to build/runs/<name>/
        rebase_links(f"{name}/", os.path.relpath(rep.asset_dir, config.NOTEBOOKS_DIR) + "/")
    return corpus, rep


def header(corpus: Corpus, *, title: str, measured: str, parameters: dict, rep: Report | None = None) -> HTML:
    """The report's opening: what it measured, whose words from when, the corpus version, the parameters."""
    e = escape
    info = corpus.info
    params = "".join(
        f"<tr><th>{e(str(k))}</th><td><code>{e(json.dumps(v, ensure_ascii=False))}</code></td></tr>"
        for k, v in parameters.items()
    )
    return HTML(
        f'<header class="report-header"><h1>{e(title)}</h1><p class="measured">{e(measured)}</p>'
        f"<p>Corpus version <code>{e(str(info.get('corpus_version', 'unknown')))}</code>: "
        f"{e(str(info.get('documents', '?')))} documents dated {e(str(info.get('date_min')))} to "
        f"{e(str(info.get('date_max')))}.{_words_line(rep)}</p>"
        f'<details><summary>Parameters</summary><table class="params">{params}</table></details></header>'
    )


def _words_line(rep: Report | None) -> str:
    if rep is None or not rep.words_from:
        return ""
    whose = possessive_words(str(rep.speaker))
    return f" {escape(whose)} measured here run from {escape(rep.words_from)} to {escape(str(rep.words_to))}."


def method(rep: Report | None = None) -> HTML:
    """The methodology box, with links to every data file of the report."""
    links = ""
    if rep is not None:
        files = [c["csv"] for c in rep.charts] + rep.tables
        items = "".join(f'<li><a href="{escape(rep.name)}/{escape(f)}">{escape(f)}</a></li>' for f in files)
        links = (
            f'<section class="data-files"><h2>Data and evidence</h2><p>Every chart and table above, as CSV; '
            f'columns are described in <a href="{escape(rep.name)}/README.md">README.md</a>.</p>'
            f"<ul>{items}</ul></section>"
        )
    return HTML(METHOD_HTML + links)
