"""The table importer: CSV, TSV, JSON Lines and Parquet; columns, defaults, bad rows named by number."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.errors import IngestError
from analysis.ingest import ingest, parse_raw
from analysis.speakers import default_registry
from tests.conftest import FIXTURES

REG = default_registry()
HERE = FIXTURES / "tables"


def parse(name: str, raw: bytes | None = None, sidecar: bytes | None = None):
    path = HERE / name
    raw = path.read_bytes() if raw is None else raw
    side = HERE / (name.rsplit(".", 1)[0] + ".meta.yaml")
    sidecar = side.read_bytes() if sidecar is None else sidecar
    return parse_raw(name, raw, sha=hashlib.sha256(raw).hexdigest(), registry=REG, sidecar=sidecar)


def test_csv_rows_become_statements_and_bad_rows_are_named():
    found = parse("speeches.csv")
    docs = {d.raw_row: d for d in found.documents}
    assert sorted(docs) == ["1", "2", "5", "7"]
    putin = docs["1"]
    assert (putin.doc_id, str(putin.date), putin.title, putin.source, putin.source_url, putin.licence) == (
        "speeches-r1",
        "2021-03-02",
        "Statement on security",
        "Collected speeches",  # from the defaults
        "https://example.org/1",
        "CC BY 4.0",
    )
    assert [(p.speaker, p.role, p.attribution) for p in putin.paragraphs] == [("Vladimir Putin", "speech", "row")]
    biden = docs["2"]  # a quoted cell over two paragraphs; no date in the row: the default
    assert (str(biden.date), [p.speaker for p in biden.paragraphs]) == ("2021-03-01", ["Joe Biden", "Joe Biden"])
    assert docs["5"].paragraphs[0].speaker == "DEU"  # not in the map: kept as printed
    assert any("row 5: encoding damage: 1 replacement character(s)" in w for w in docs["5"].warnings)
    assert docs["7"].paragraphs[0].role == "narration"
    assert any("row 7: no speaker" in w for w in docs["7"].warnings)
    rejected = dict(found.rejected)
    assert rejected["3"].startswith("no-text")
    assert rejected["4"].startswith("bad-date: unreadable date '2021-13-45'")
    assert rejected["6"].startswith("bad-row: 6 fields but the header has 5")


def test_tsv_rows_grouped_into_statements_by_their_id():
    found = parse("turns.tsv")
    assert [(d.doc_id, d.raw_row, [p.speaker for p in d.paragraphs]) for d in found.documents] == [
        ("talks-1", "1-2", ["Vladimir Putin", "Xi Jinping"]),
        ("talks-2", "3", ["Vladimir Putin"]),
    ]
    assert found.documents[0].kind == "transcript" and found.documents[0].title == "Talks"


def test_jsonl_lines_and_their_problems():
    found = parse("lines.jsonl")
    assert [(d.raw_row, d.title, d.source) for d in found.documents] == [("1", "One", "JSONL test")]
    rejected = dict(found.rejected)
    assert rejected["2"].startswith("bad-row: not JSON")
    assert rejected["3"] == "bad-row: a JSON list, not an object"
    assert rejected["4"].startswith("no-date")


def test_parquet_with_typed_dates(tmp_path):
    import datetime as dt

    frame = pd.DataFrame(
        {"speech": ["Our partners.", ""], "who": ["Vladimir Putin", "Vladimir Putin"], "day": [dt.date(2018, 5, 1)] * 2}
    )
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    sidecar = b"format: table\ncolumns: {text: speech, speaker: who, date: day}\ndefaults: {title: T, source: P}\n"
    found = parse_raw("t.parquet", path.read_bytes(), sha="0", registry=REG, sidecar=sidecar)
    assert [(d.raw_row, str(d.date)) for d in found.documents] == [("1", "2018-05-01")]
    assert dict(found.rejected) == {"2": "no-text: the row has no text"}


@pytest.mark.parametrize(
    "raw, sidecar, code, message",
    [
        (b"a,b\n1,2\n", b"format: table\n", "bad-metadata", "no text column"),
        (b"text,text\nx,y\n", b"format: table\n", "bad-table", "more than once"),
        (b"text\nx\n", b"format: table\ncolumns: {text: speech}\n", "bad-metadata", "'speech' not in the table"),
        (b"text\nx\n", b"format: table\ncolumns: {words: text}\n", "bad-metadata", "unknown field(s) words"),
        (b"", b"format: table\n", "empty-body", "empty"),
        (b"PAR1 not parquet", b"format: table\n", "bad-table", "Parquet"),
    ],
)
def test_tables_that_cannot_be_read_say_why(raw, sidecar, code, message):
    name = "bad.parquet" if raw.startswith(b"PAR1") else "bad.csv"
    with pytest.raises(IngestError) as err:
        parse_raw(name, raw, sha="0", registry=REG, sidecar=sidecar)
    assert err.value.code == code and message in err.value.message


def test_every_row_is_in_the_ingest_report(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(HERE, raw)
    (raw / "orphan.csv").write_text("text,date\nHello,2020-01-01\n", encoding="utf-8")  # no sidecar
    ingest(raw, tmp_path / "out", quiet=True)
    report = pd.read_csv(tmp_path / "out" / config.INGEST_REPORT_FILE, dtype=str, keep_default_na=False)
    speeches = report[report["path"] == "speeches.csv"].set_index("row")
    assert list(speeches.index) == ["1", "2", "3", "4", "5", "6", "7"]
    assert speeches.loc["1", ["status", "doc_id"]].tolist() == ["ingested", "speeches-r1"]
    assert speeches.loc["3", "status"] == "skipped" and speeches.loc["3", "reason"].startswith("no-text")
    assert speeches.loc["6", "reason"].startswith("bad-row")
    assert "encoding damage" in speeches.loc["5", "warnings"]
    assert report.set_index("path").loc["orphan.csv", "reason"].startswith("no-metadata")
    corpus = Corpus.load(tmp_path / "out")
    assert corpus.documents.set_index("doc_id").loc["talks-1", "raw_row"] == "1-2"
    assert set(corpus.turns[corpus.turns["doc_id"] == "talks-1"]["speaker"]) == {"Vladimir Putin", "Xi Jinping"}


def test_a_duplicate_row_is_skipped_with_its_row_number(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "d.csv").write_text("text,date,speaker\nSame words.,2020-01-01,A B\nSame words.,2020-01-02,A B\n")
    (raw / "d.meta.yaml").write_text("format: table\ndefaults: {title: T, source: S}\n")
    result = ingest(raw, tmp_path / "out", quiet=True)
    rows = {r["row"]: r for r in result.report if r["path"] == "d.csv"}
    assert rows["1"]["status"] == "ingested"
    assert rows["2"]["status"] == "skipped" and rows["2"]["reason"].startswith("duplicate-body: same body text as d-r1")
