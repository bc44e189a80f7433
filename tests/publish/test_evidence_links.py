"""Every number of every published report opens exactly the quotes behind it.

The contract (see :mod:`analysis.publish.site.groups`): each chart CSV with counts has an ``evidence``
column; for every row with a non-zero count it holds ``<report>/evidence/<page>.html#<id>``, and the
element with that id has ``data-count`` equal to the count and holds that many ``class="quote"``
elements. The same holds for every count cell of a table and every linked mark of a chart, and every
group links back to an anchor of its report.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from analysis.publish.render.specs import load_specs

pytestmark = pytest.mark.notebook

COUNT_COLUMNS = ("count", "uses", "topic_hits")  # the column of a chart CSV that its evidence adds up


@cache
def _doc(path: Path):
    return lxml.html.parse(str(path)).getroot()


def group(reports: Path, href: str):
    """The element an evidence link points at (None when the page or the id is missing)."""
    page, _, ident = href.partition("#")
    path = reports / page
    if not ident or not path.is_file():
        return None
    found = _doc(path).xpath("//*[@id=$i]", i=ident)
    return found[0] if found else None


def quotes(element) -> int:
    return len(element.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' quote ')]"))


def chart_csvs(reports: Path):
    for spec in load_specs():
        for csv in sorted((reports / spec.name).glob("fig*.csv")):
            table = pd.read_csv(csv, keep_default_na=False)
            column = next((c for c in COUNT_COLUMNS if c in table.columns), None)
            if column is not None:
                yield spec.name, csv, table, column


def test_every_chart_row_with_uses_opens_exactly_its_quotes(published):
    checked = 0
    for name, csv, table, column in chart_csvs(published):
        assert "evidence" in table.columns, f"{csv.name} of {name} has counts but no evidence column"
        for row in table.itertuples(index=False):
            n, href = int(float(getattr(row, column) or 0)), row.evidence
            if n == 0:
                assert href == "", (csv.name, href)
                continue
            assert href.startswith(f"{name}/evidence/"), (csv.name, href)
            target = group(published, href)
            assert target is not None, f"{csv.name}: {href} points at nothing"
            assert int(target.get("data-count")) == n == quotes(target), (csv.name, href, n)
            checked += 1
    assert checked > 100  # the walk saw the reports' numbers, not an empty folder


def test_every_count_in_a_report_page_links_to_that_many_quotes(published):
    for spec in load_specs():
        page = _doc(published / f"{spec.name}.html")
        cells = page.xpath("//td/a[contains(@href, '/evidence/')]")
        marks = page.xpath("//svg//a[contains(@href, '/evidence/')]")
        assert cells or marks, spec.name
        for a in cells:
            target = group(published, a.get("href"))
            assert target is not None, (spec.name, a.get("href"))
            assert int(a.text_content().replace(",", "")) == int(target.get("data-count")) == quotes(target)
        for a in marks:
            assert group(published, a.get("href")) is not None, (spec.name, a.get("href"))


def test_every_group_names_its_count_and_links_back_to_its_number(published):
    for spec in load_specs():
        report = _doc(published / f"{spec.name}.html")
        anchors = set(report.xpath("//@id"))
        pages = sorted((published / spec.name / "evidence").glob("*.html"))
        assert pages, spec.name
        for path in pages:
            groups = _doc(path).xpath("//*[@data-count]")
            assert groups, path
            for g in groups:
                n = int(g.get("data-count"))
                assert n == quotes(g) > 0, (path.name, g.get("id"))
                assert f": {n:,} quote" in g.xpath("string(./summary)"), (path.name, g.get("id"))
                back = [h for h in g.xpath(".//a/@href") if h.startswith(f"../../{spec.name}.html#")]
                assert back, (path.name, g.get("id"))
                assert back[0].split("#", 1)[1] in anchors, (path.name, back[0])
                for q in g.xpath(".//*[contains(@class, 'quote')]"):  # date, title, the match highlighted
                    assert q.xpath(".//mark") and q.xpath(".//p[@class='cite']"), (path.name, g.get("id"))


def test_evidence_pages_are_listed_in_their_report(published):
    for spec in load_specs():
        report = _doc(published / f"{spec.name}.html")
        listed = set(report.xpath("//ul[@class='evidence-pages']//a/@href"))
        on_disk = {f"{spec.name}/evidence/{p.name}" for p in (published / spec.name / "evidence").glob("*.html")}
        assert listed == on_disk, spec.name
