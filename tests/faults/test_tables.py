"""Tables under attack: a row's identity is its own, cells are checked by kind, nothing is merged or
shifted, and a large table streams in bounded memory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.ingest.importers import tabular

SIDECAR = "format: table\ndefaults: {title: T, source: S}\n"


def build(raw, tmp_path, **kw):
    return ingest(raw, tmp_path / "out", quiet=True, jobs=1, **kw)


def report(result, path: str) -> dict[str, dict]:
    return {r["row"]: r for r in result.report if r["path"] == path}


def table(raw, name: str, text: str, sidecar: str = SIDECAR) -> None:
    (raw / name).write_text(text, encoding="utf-8")
    (raw / (name.rsplit(".", 1)[0] + ".meta.yaml")).write_text(sidecar, encoding="utf-8")


def test_ids_that_differ_after_a_dot_are_three_statements_of_their_own_speakers(raw_dir, tmp_path):
    table(
        raw_dir,
        "t.csv",
        "id,date,speaker,text\n1.1,2021-01-01,Vladimir Putin,Putin speaks.\n"
        "1.2,2021-01-02,Joe Biden,Biden speaks.\n1.3,2021-01-03,Donald Trump,Trump speaks.\n",
    )
    result = build(raw_dir, tmp_path)
    rows = report(result, "t.csv")
    assert [rows[n]["status"] for n in "123"] == ["ingested"] * 3
    turns = Corpus.load(tmp_path / "out").turns.set_index("doc_id")
    assert turns.loc["1.1", "speaker"] == "Vladimir Putin" and turns.loc["1.2", "speaker"] == "Joe Biden"
    assert turns.loc["1.3", "text"] == "Trump speaks."


def test_rows_sharing_an_id_are_listed_as_duplicates_never_merged(raw_dir, tmp_path):
    table(
        raw_dir,
        "t.csv",
        "id,date,speaker,text\nA,2021-01-01,Vladimir Putin,First words.\nA,2021-01-02,Joe Biden,Other words.\n",
    )
    rows = report(build(raw_dir, tmp_path), "t.csv")
    assert rows["1"]["status"] == "ingested" and rows["1"]["doc_id"] == "A"
    assert rows["2"]["status"] == "skipped"
    assert rows["2"]["reason"] == "duplicate-id: id A is already used by t.csv row 1"
    turns = Corpus.load(tmp_path / "out").turns
    assert list(turns["text"]) == ["First words."]  # Biden's row is not a paragraph of Putin's statement


def test_an_id_that_climbs_out_becomes_a_safe_id_with_a_warning(raw_dir, tmp_path):
    table(raw_dir, "t.csv", "id,date,text\n../../etc/passwd,2021-01-01,Words.\n///,2021-01-02,More words.\n")
    rows = report(build(raw_dir, tmp_path), "t.csv")
    assert rows["1"]["doc_id"] == "etc-passwd"
    assert "id '../../etc/passwd' stored as 'etc-passwd'" in rows["1"]["warnings"]
    assert rows["2"]["status"] == "skipped" and rows["2"]["reason"] == "bad-id: id '///' has no letters or digits"


def test_nested_parquet_values_are_refused_by_column(raw_dir, tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["Nested.", "Plain."],
            "speaker": [["Joe Biden", "Vladimir Putin"], ["Vladimir Putin"]],
            "title": [{"en": "T"}, {"en": "U"}],
            "date": ["2021-01-01", "2021-01-02"],
        }
    )
    frame.to_parquet(raw_dir / "t.parquet")
    (raw_dir / "t.meta.yaml").write_text("format: table\ndefaults: {source: S}\n", encoding="utf-8")
    rows = report(build(raw_dir, tmp_path), "t.parquet")
    assert rows["1"]["status"] == "skipped"
    assert rows["1"]["reason"].startswith("bad-cell: column 'speaker' holds a list, not a single value: ['Joe Biden'")
    assert "Vladimir Putin']" not in Corpus.load(tmp_path / "out").documents["speakers"].to_list()


@pytest.mark.parametrize("value, shown", [("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf")])
def test_json_nan_and_infinity_are_refused_by_column(raw_dir, tmp_path, value, shown):
    lines = [
        json.dumps({"text": "Good.", "date": "2021-01-01", "speaker": "Vladimir Putin"}),
        f'{{"text": "Bad.", "date": "2021-01-02", "speaker": {value}}}',
    ]
    table(raw_dir, "t.jsonl", "\n".join(lines) + "\n")
    rows = report(build(raw_dir, tmp_path), "t.jsonl")
    assert rows["1"]["status"] == "ingested"
    assert rows["2"]["reason"] == f"bad-cell: column 'speaker' holds {shown}, not a value"


def test_a_huge_cell_refuses_its_row_only(raw_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "FIELD_MAX", 1_000)
    monkeypatch.setattr("analysis.ingest.importers.table.FIELD_MAX", 1_000)
    table(raw_dir, "t.csv", f"date,text\n2021-01-01,Short.\n2021-01-02,{'x' * 5_000}\n2021-01-03,Also short.\n")
    rows = report(build(raw_dir, tmp_path), "t.csv")
    assert (rows["1"]["status"], rows["3"]["status"]) == ("ingested", "ingested")
    assert rows["2"]["reason"] == "bad-cell: column 'text' holds 5,000 characters, more than 1,000"


def test_a_broken_json_line_refuses_that_line_only(raw_dir, tmp_path):
    lines = [
        json.dumps({"text": "One.", "date": "2021-01-01"}),
        "[" * 100_000,  # too deep for the JSON parser
        '{"text": "Three", "date":',
        json.dumps({"text": "Four.", "date": "2021-01-04"}),
    ]
    table(raw_dir, "t.jsonl", "\n".join(lines) + "\n")
    rows = report(build(raw_dir, tmp_path), "t.jsonl")
    assert [rows[n]["status"] for n in "1234"] == ["ingested", "skipped", "skipped", "ingested"]
    assert rows["2"]["reason"] == "bad-row: JSON nested too deeply"
    assert rows["3"]["reason"].startswith("bad-row: not JSON")


def test_a_lone_carriage_return_in_a_cell_shifts_no_row(raw_dir, tmp_path):
    table(raw_dir, "t.csv", "date,text\n2021-01-01,One\rstill one.\n2021-01-02,Two.\n2021-01-03,Three.\n")
    result = build(raw_dir, tmp_path)
    rows = report(result, "t.csv")
    assert sorted(rows) == ["1", "2", "3"]
    assert "1 lone carriage return(s) inside cells read as spaces" in rows["1"]["warnings"]
    docs = Corpus.load(tmp_path / "out").documents.set_index("raw_row")
    assert docs.loc["2", "date"].strftime("%Y-%m-%d") == "2021-01-02"
    turns = Corpus.load(tmp_path / "out").turns
    assert "One still one." in set(turns["text"])


def test_a_large_table_streams_through_in_one_pass(raw_dir, tmp_path):
    """50,000 rows (the old importer filtered the whole table once per statement: quadratic)."""
    n = 50_000
    body = "".join(f"r{i},2021-01-{1 + i % 28:02d},Vladimir Putin,Statement number {i} here.\n" for i in range(n))
    table(raw_dir, "t.csv", "id,date,speaker,text\n" + body)
    result = build(raw_dir, tmp_path)
    assert result.info["documents"] == n
    report_rows = pd.read_csv(tmp_path / "out" / config.INGEST_REPORT_FILE, dtype=str, keep_default_na=False)
    assert (report_rows["status"] == "ingested").sum() == n
    corpus = Corpus.load(tmp_path / "out")
    assert len(corpus.turns) == n and corpus.turns["doc_id"].is_unique
