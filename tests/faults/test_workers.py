"""A parse worker that dies or stalls ends neither the run nor the corpus: the file is listed, the rest ingested."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.ingest import parse as parse_module
from tests.conftest import kremlin_html

pytestmark = pytest.mark.faults


@pytest.fixture
def pages(tmp_path):
    """80 Kremlin pages: enough for the parallel path (at least 64 files to parse)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in sorted(kremlin_html().glob("*.html"))[:80]:
        shutil.copy(page, raw / page.name)
    return raw


def _misbehave_on(name: str, how: str, monkeypatch) -> None:
    real = parse_module.parse_raw

    def parse_raw(rel, raw, **kw):
        if rel.endswith(name):
            if how == "die":
                os._exit(9)  # as a SIGKILL or a crash in a C library would
            time.sleep(3600)
        return real(rel, raw, **kw)

    monkeypatch.setattr(parse_module, "parse_raw", parse_raw)  # workers are forked: they see it


def _row(result, path):
    return next(r for r in result.report if r["path"] == path)


def test_a_worker_that_dies_names_its_file_and_the_rest_is_ingested(pages, tmp_path, monkeypatch):
    victim = sorted(p.name for p in pages.iterdir())[40]
    _misbehave_on(victim, "die", monkeypatch)
    result = ingest(pages, tmp_path / "out", quiet=True, jobs=2)
    row = _row(result, victim)
    assert row["status"] == "skipped" and row["reason"].startswith("parse-crash: the worker parsing this file died")
    others = [r for r in result.report if r["path"] != victim]
    assert all(r["status"] in ("ingested", "skipped", "metadata") for r in others)
    assert not any(r["reason"].startswith("parse-") for r in others)
    monkeypatch.undo()
    clean = ingest(pages, tmp_path / "clean", quiet=True, jobs=1, full=True)
    expected = {d["doc_id"] for d in clean.documents} - {f"kremlin-{victim.removesuffix('.html')}"}
    assert {d["doc_id"] for d in result.documents} == expected
    assert len(Corpus.load(tmp_path / "out", verify=True).documents) == len(expected)


def test_a_worker_that_stalls_is_stopped_and_its_file_named(pages, tmp_path, monkeypatch):
    victim = sorted(p.name for p in pages.iterdir())[10]
    _misbehave_on(victim, "stall", monkeypatch)
    monkeypatch.setattr(parse_module, "FILE_SECONDS", 2.0)
    result = ingest(pages, tmp_path / "out", quiet=True, jobs=2)
    row = _row(result, victim)
    assert row["status"] == "skipped" and row["reason"].startswith("parse-timeout: parsing took longer than 2 s")
    assert sum(r["status"] == "ingested" for r in result.report) >= 70
