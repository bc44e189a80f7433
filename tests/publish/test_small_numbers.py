"""One rule for small numbers, walked over every published report: what each report's numbers rest on
(``coverage.csv`` and its strip), and no rate drawn, ranked or quoted from too few words
(:func:`analysis.measures.coverage.enough`)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from analysis.measures.coverage import COLUMNS, by_side, floor, load
from analysis.publish.render.specs import load_specs
from analysis.publish.sentences import findings
from analysis.publish.sentences.coverage import sentence

pytestmark = pytest.mark.notebook

WORDS = ("speaker_words", "side_words", "words")  # the words a row's rate rests on, by table


def _meta(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _words_column(table: pd.DataFrame) -> str | None:
    return next((c for c in WORDS if c in table.columns), None)


def test_every_report_publishes_its_coverage_table_strip_and_sentence(published):
    for spec in load_specs():
        folder = published / spec.name
        cov = load(folder / "coverage.csv")
        assert list(cov.columns) == COLUMNS, spec.name
        assert len(cov) and (cov["words"] >= 0).all(), spec.name
        assert (cov["enough_words"] == (cov["words"] >= floor(cov["period"].astype(str)))).all(), spec.name
        assert (folder / "coverage.svg").is_file() and (folder / "coverage.png").is_file(), spec.name
        page = unescape((published / f"{spec.name}.html").read_text(encoding="utf-8"))
        assert 'id="coverage"' in page, spec.name
        said = sentence(by_side(cov))  # the sentence, from the published table
        assert said + "." in page, (spec.name, said)
        charts = [c["csv"] for c in _meta(folder)["charts"]]
        assert "coverage.csv" in charts, spec.name


def test_no_chart_draws_a_rate_from_too_few_words(published):
    """A chart's marks link to their quotes: on a chart of rates (its text says "per 10,000" or "share of
    statements"; raw counts may be drawn from any words), no period or statement under the floor has a mark."""
    checked = 0
    for spec in load_specs():
        folder = published / spec.name
        for chart in _meta(folder)["charts"]:
            data = findings.read_table(folder / chart["csv"])
            words = _words_column(data)
            if "period" not in data.columns or words is None or "evidence" not in data.columns:
                continue
            svg = (folder / chart["csv"]).with_suffix(".svg").read_text(encoding="utf-8")
            if "per 10,000" not in svg and "share of statements" not in svg:
                continue
            linked = data[data["evidence"].notna()]
            thin = linked[linked[words] < floor(linked["period"].astype(str))]
            for link in thin["evidence"]:
                assert f'xlink:href="{link.split("/", 1)[1]}"' not in svg, (spec.name, chart["csv"], link)
            drawn = linked.drop(thin.index)
            if len(thin) and len(drawn):  # the links are what the marks carry: some of the rest are there
                assert any(f'xlink:href="{u.split("/", 1)[1]}"' in svg for u in drawn["evidence"]), chart["csv"]
                checked += 1
    assert checked, "no chart with periods on both sides of the floor: the walk checked nothing"


def test_no_table_ranks_rows_of_too_few_words(published):
    """A report's own tables (not the data of a chart, not the input of a sentence) list only rates
    that rest on enough words."""
    for spec in load_specs():
        folder = published / spec.name
        for name in _meta(folder)["tables"]:
            if name.startswith("finding_") or name in ("evidence.csv", "coverage.csv"):
                continue
            table = findings.read_table(folder / name)
            words = _words_column(table)
            if words is None or "period" not in table.columns or not len(table):
                continue
            low = table[table[words] < floor(table["period"].astype(str))]
            assert low.empty, (spec.name, name, low[["period", words]].head().to_dict("records"))


RATE = re.compile(r"(\d[\d,]*(?:\.\d+)?) per 10,000")
YEAR = re.compile(r"(?<![\d–-])\b((?:1[789]|20)\d\d)\b(?![\d–-])")


def test_no_sentence_quotes_a_rate_or_names_a_period_from_too_few_words(published):
    """Every rate a headline quotes is one of its tables' rates resting on enough words, and every year
    it names on its own (not a span's end, not a date) has enough of the words in ``coverage.csv``."""
    quoted = 0
    for spec in load_specs():
        folder = published / spec.name
        meta = _meta(folder)
        sentence = meta["finding"]
        tables = [findings.read_table(folder / f) for f in meta["finding_from"]["tables"].values()]
        for value in RATE.findall(sentence):
            places = len(value.split(".")[1]) if "." in value else 0
            rows = [
                (t, t[(t["per_10k"].round(places) == float(value.replace(",", "")))])
                for t in tables
                if "per_10k" in t.columns and _words_column(t)
            ]
            matched = [r for t, r in rows if len(r)]
            if not matched:
                continue  # a pooled rate (its words are the whole side's)
            quoted += 1
            enough = [
                r[r[_words_column(t)] >= floor(r["period"].astype(str)) if "period" in r else r.index == r.index]
                for t, r in rows
                if len(r)
            ]
            assert any(len(e) for e in enough), (spec.name, value, sentence)
        sides = by_side(load(folder / "coverage.csv"))
        enough_years = set(sides.loc[sides["enough_words"], "period"])
        for year in YEAR.findall(re.sub(r"\d{4}-\d{2}-\d{2}", " ", sentence)):
            if year in set(sides["period"]):
                assert year in enough_years, (spec.name, year, sentence)
    assert quoted, "no headline quotes a rate: the walk checked nothing"
