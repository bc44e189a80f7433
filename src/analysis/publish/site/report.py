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
from markupsafe import Markup

from analysis import config, csvout
from analysis.corpus import Corpus
from analysis.index.reads import Reads
from analysis.publish.charts.figures import SavedChart, save_chart
from analysis.publish.escaping import escape
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import plural, possessive_words
from analysis.publish.site.groups import EvidenceBook
from analysis.publish.site.html import HTML, render
from analysis.publish.site.pages import page


@dataclass
class Report:
    """Collects a report's charts, tables and finding; writes their files under ``reports_dir/name``.

    ``report.json`` in that folder records the finding, the charts (file, title, alt text) and the
    tables, for the index page and the column dictionary that the render step writes; the version
    of the data the report shows (``data``: its speakers' own words, :func:`analysis.index.reads.data_of`)
    and everything it read from the corpus (``reads``), from which the render step tells whether
    a later corpus changes the report.
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
    describe: Callable[[], dict] | None = None  # the report's data (set by its story; else the corpus's)
    corpus_info: dict = field(default_factory=dict)
    reads: Reads | None = None  # what the report read from the corpus (the index's record)
    _data: dict | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.name):
            raise ValueError(f"report name {self.name!r}: use lower-case letters, digits, '-' and '_'")
        self.reports_dir = Path(self.reports_dir)
        self.asset_dir.mkdir(parents=True, exist_ok=True)
        self.book = EvidenceBook(self.name, self.asset_dir)
        self._save()

    def set_corpus(self, info: dict, reads: Reads | None = None) -> None:
        """The corpus the report measures and the record of what it reads there (its evidence pages
        name the version of its data in their footer)."""
        self.corpus_info, self.reads = info, reads
        self.book.by_hand = self.by_hand  # no gallery, explorer or report page beside a run by hand
        self.book.page_html = lambda title, body: page(
            title=title, body=body, corpus=self.data, root="../../", site=not self.by_hand
        )

    @property
    def data(self) -> dict:
        """The version of the data the report shows, how many statements, their dates and sources (its
        story's :attr:`describe`, computed once); the whole corpus's when no story says."""
        if self._data is None:
            self._data = self.describe() if self.describe is not None else dict(self.corpus_info)
        return self._data

    def save(self) -> None:
        """Write ``report.json`` now, with the report's data (a story's last call: it records everything
        the report read)."""
        self.data  # noqa: B018  computed once, here at the latest
        self._save()

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
        return figure(saved, self.name, anchor=anchor, standalone=self.by_hand)

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
        return HTML(render("finding.html", finding=self.headline))

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
        if self._data is not None:  # known from the header on (a story's sides are set by then)
            meta["data"] = self._data
        if self.reads is not None:
            meta["reads"] = self.reads.to_json()
        (self.asset_dir / "report.json").write_text(
            json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


#: In a notebook's output (no house stylesheet there), one drawing per chart: the phone drawing is
#: hidden, and shown instead of the wide one when the output is narrow (a container query).
NOTEBOOK_CSS = (Path(__file__).parent / "static" / "notebook.css").read_text(encoding="utf-8").strip()


def figure(saved: SavedChart, link_prefix: str, anchor: str, *, standalone: bool = False) -> HTML:
    """A saved chart on the page: the wide drawing, the phone drawing (the page shows one by its width),
    the caption with links to the data (CSV) and the files (``link_prefix``: the report's folder).
    ``standalone`` (a notebook run by hand): the chart carries its own width switch, and its links are
    HTML links over the drawing (:func:`html_links`)."""
    drawing = html_links if standalone else str
    return HTML(
        render(
            "figure.html",
            standalone=Markup(NOTEBOOK_CSS) if standalone else "",
            anchor=anchor,
            wide=Markup(drawing(saved.wide_svg)),
            phone=Markup(drawing(saved.phone_svg)),
            title=saved.title,
            files=f"{link_prefix}/{saved.stem.name}",
            linked="<a " in saved.wide_svg,  # say only what is true
        )
    )


_SVG_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_PATH_D = re.compile(r'<path\b[^>]*?\bd="([^"]*)"')
_USE_XY = re.compile(r'<use\b[^>]*?\bx="([-\d.]+)"[^>]*?\by="([-\d.]+)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
DOT = 5.0  # half the side of the square that opens a dot's quotes, in the drawing's points


def html_links(svg: str) -> str:
    """A drawing's links as HTML links laid over what they wrap (``<foreignObject>``, last in the
    drawing so that whiskers and labels drawn later do not cover them), its SVG links removed.
    JupyterLab opens an HTML link relative to the notebook, in a tab of its own, and fails on a
    relative SVG link (it cannot set an SVG link's ``href``: the output turns into an error)."""
    overlays: list[str] = []

    def over(m: re.Match) -> str:
        href, inner = m.group(1), m.group(2)
        xs, ys = [], []
        for d in _PATH_D.findall(inner):
            numbers = [float(n) for n in _NUMBER.findall(d)]
            xs += numbers[0::2]
            ys += numbers[1::2]
        for x, y in _USE_XY.findall(inner):
            xs += [float(x) - DOT, float(x) + DOT]
            ys += [float(y) - DOT, float(y) + DOT]
        if not xs or not ys:
            return inner  # nothing drawn to click: the link is left out rather than misplaced
        x, y = min(xs), min(ys)
        box = {
            k: f"{v:.3f}"
            for k, v in (("x", x), ("y", y), ("width", max(max(xs) - x, 2)), ("height", max(max(ys) - y, 2)))
        }
        overlays.append(render("svg_link.html", href=Markup(href), label="Open the quotes behind this mark", **box))
        return inner

    drawn = _SVG_LINK.sub(over, svg)
    end = drawn.rindex("</svg>")
    return drawn[:end] + "".join(overlays) + drawn[end:]


def start(
    name: str, title: str, *, processed_dir: str | Path = "", reports_dir: str | Path = ""
) -> tuple[Corpus, Report]:
    """What every notebook does first: load the corpus and open its report. An empty ``reports_dir``
    (a notebook run by hand, not by the render step) writes to ``build/runs/``, never to ``reports/``."""
    corpus = Corpus.load(processed_dir or config.PROCESSED_DIR)
    rep = Report(name, title, Path(reports_dir or config.RUNS_DIR), by_hand=not reports_dir)
    rep.set_corpus(corpus.info, corpus.index.reads)
    if not reports_dir:  # run by hand: the notebook's links lead from notebooks/ to build/runs/<name>/
        _links_from_notebook(f"{name}/", os.path.relpath(rep.asset_dir, config.NOTEBOOKS_DIR) + "/")
    return corpus, rep


def _links_from_notebook(published: str, here: str) -> None:
    """In a notebook run by hand, show links that start with ``published`` (``"track-phrases/"``,
    relative to the reports folder) as starting with ``here`` (``"../build/runs/track-phrases/"``,
    relative to the notebook), so that they lead to files that exist. Registered with the kernel's
    HTML formatter (the kernel runs one report); the files written keep the published links."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    shell = get_ipython()
    if shell is None:  # not in a kernel: nothing is displayed
        return
    old, new = f'href="{escape(published)}', f'href="{escape(here)}'
    shell.display_formatter.formatters["text/html"].for_type(HTML, lambda h: h.data.replace(old, new))


def header(corpus: Corpus, *, title: str, measured: str, parameters: dict, rep: Report | None = None) -> HTML:
    """The report's opening: what it measured, whose words from when, the corpus version, the parameters."""
    info = rep.data if rep is not None else corpus.info
    return HTML(
        render(
            "report_header.html",
            title=title,
            measured=measured,
            data="data_version" in info,
            version=str(info.get("data_version") or info.get("corpus_version", "unknown")),
            documents=plural(int(info.get("documents") or 0), "statement" if "data_version" in info else "document"),
            sources=", ".join(info.get("sources") or ()),
            date_min=str(info.get("date_min")),
            date_max=str(info.get("date_max")),
            words=None if rep is None or not rep.words_from else rep,
            whose=possessive_words(str(rep.speaker)) if rep is not None else "",
            parameters=[(str(k), json.dumps(v, ensure_ascii=False)) for k, v in parameters.items()],
        )
    )


def method(rep: Report | None = None) -> HTML:
    """The methodology box, with links to every data file of the report."""
    files = [c["csv"] for c in rep.charts] + rep.tables if rep is not None else []
    return HTML(render("method.html", name=rep.name if rep is not None else "", files=files))
