"""Friendlier table inputs: ``date_format``, and sidecars named after the whole file (``X.csv.meta.yaml``)."""

from __future__ import annotations

import pytest

from analysis.corpus import Corpus
from analysis.errors import IngestError
from analysis.ingest import ingest, parse_raw
from analysis.speakers import default_registry

REG = default_registry()
DMY = b"text,date,speaker\nFirst words.,14/03/2021,Vladimir Putin\nSecond words.,2021-03-15,Vladimir Putin\n"
SIDECAR = b"format: table\ndefaults: {title: T, source: S}\n"


def test_a_date_format_reads_the_date_column_and_names_each_row_it_cannot_read():
    found = parse_raw("dmy.csv", DMY, sha="0", registry=REG, sidecar=SIDECAR + b'date_format: "%d/%m/%Y"\n')
    assert [(d.raw_row, str(d.date)) for d in found.documents] == [("1", "2021-03-14")]
    assert dict(found.rejected) == {"2": "bad-date: date '2021-03-15' is not written as %d/%m/%Y (e.g. 14/03/2021)"}


def test_without_a_date_format_such_dates_are_refused():
    found = parse_raw("dmy.csv", DMY, sha="0", registry=REG, sidecar=SIDECAR)
    assert [d.raw_row for d in found.documents] == ["2"]
    assert dict(found.rejected)["1"].startswith("bad-date: unreadable date '14/03/2021' (expected YYYY-MM-DD)")


@pytest.mark.parametrize("fmt", ["'%d/%m'", "'%Q/%m/%Y'", "DD/MM/YYYY", "[1]"])
def test_a_bad_date_format_is_an_error_naming_the_file(fmt):
    with pytest.raises(IngestError) as err:
        parse_raw("dmy.csv", DMY, sha="0", registry=REG, sidecar=SIDECAR + f"date_format: {fmt}\n".encode())
    assert err.value.code == "bad-metadata"
    assert err.value.message.startswith("dmy.csv: date_format ")
    assert "of its .meta.yaml sidecar is not a date format" in err.value.message


def _raw(tmp_path, sidecars: dict[str, bytes]):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "statements.csv").write_bytes(b"text,date,speaker\nOur partners.,2021-03-14,Vladimir Putin\n")
    for name, data in sidecars.items():
        (raw / name).write_bytes(data)
    return raw


def _rows(result, path: str) -> list[tuple[str, str]]:
    return [(r["status"], r["reason"]) for r in result.report if r["path"] == path]


def test_a_sidecar_named_after_the_whole_file_is_read_and_its_changes_noticed(tmp_path):
    raw = _raw(tmp_path, {"statements.csv.meta.yaml": b"format: table\ndefaults: {title: First, source: S}\n"})
    result = ingest(raw, tmp_path / "out", quiet=True)
    assert _rows(result, "statements.csv")[0][0] == "ingested"
    assert _rows(result, "statements.csv.meta.yaml") == [("metadata", "sidecar metadata")]  # not an orphan
    assert Corpus.load(tmp_path / "out").documents["title"].tolist() == ["First"]
    (raw / "statements.csv.meta.yaml").write_bytes(b"format: table\ndefaults: {title: Second, source: S}\n")
    ingest(raw, tmp_path / "out", quiet=True)
    assert Corpus.load(tmp_path / "out").documents["title"].tolist() == ["Second"]


def test_two_sidecars_for_one_file_are_refused_naming_both(tmp_path):
    raw = _raw(tmp_path, {"statements.csv.meta.yaml": SIDECAR, "statements.meta.yaml": SIDECAR})
    result = ingest(raw, tmp_path / "out", quiet=True)
    [(status, reason)] = _rows(result, "statements.csv")
    assert status == "skipped"
    assert reason.startswith("sidecar-clash: ") and "statements.csv.meta.yaml" in reason
    assert "statements.meta.yaml" in reason and reason.endswith("both describe statements.csv: keep one of them")
