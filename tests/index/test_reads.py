"""What a question read, and the version of those rows: a statement outside what a report reads leaves
its version alone; one inside, or a name that now stands for other speakers, changes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.corpus import Corpus
from analysis.index.reads import Reads, data_of, scope_from_json, scope_json, version_of
from analysis.ingest import ingest
from analysis.measures.count import CountParams
from analysis.measures.count import compute as count
from analysis.selection import Scope
from tests.conftest import FIXTURES

STATEMENT = """---
title: {title}
date: {date}
speaker: {speaker}
source: {source}
---
{text}
"""


def add_statement(
    raw: Path, name: str, *, speaker: str, source: str = "Test fixture", date="2021-07-01", text=""
) -> None:
    body = STATEMENT.format(title=name, date=date, speaker=speaker, source=source, text=text or f"Words of {name}.")
    (raw / "statements" / f"{name}.md").write_text(body, encoding="utf-8")


@pytest.fixture
def raw(tmp_path) -> Path:
    out = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", out)
    return out


def load(raw: Path, processed: Path) -> Corpus:
    ingest(raw, processed, quiet=True)
    return Corpus.load(processed)


def test_a_question_records_its_scopes_and_the_names_it_resolved(fixture_corpus):
    corpus = Corpus.load(fixture_corpus.path)
    try:
        count(corpus, CountParams.of({"speakers": ["Putin"], "phrases": ["that is all there is to it"]}))
        recorded = corpus.index.reads
        assert recorded.names["Putin"] == ["Vladimir Putin"]
        assert any(s.speakers == frozenset({"Vladimir Putin"}) for s in recorded.scopes)
        back = Reads.from_json(recorded.to_json())
        assert back.to_json() == recorded.to_json()
    finally:
        corpus.close()


def test_a_scope_survives_json():
    scope = Scope.of(["B", "A"], "2014-03-01", "2020-12-31", "en.kremlin.ru", exclude=["C"], documents=["d2", "d1"])
    data = scope_json(scope)
    assert data["speakers"] == ["A", "B"] and data["start"] == "2014-03-01" and data["documents"] == ["d1", "d2"]
    assert scope_from_json(data) == scope
    assert scope_from_json(scope_json(Scope.of(None, roles=("lead", "headline")))) == Scope.of(
        None, roles=("lead", "headline")
    )


def test_the_version_moves_only_with_the_rows_read(raw, tmp_path):
    putin = Reads()
    putin.scope(Scope.of(["Vladimir Putin"]))
    everyone = Reads()
    everyone.scope(Scope.of(None))

    def versions(corpus: Corpus) -> tuple[str, str, dict]:
        try:
            return (
                version_of(corpus.index, putin, corpus.resolution),
                version_of(corpus.index, everyone, corpus.resolution),
                data_of(corpus.index, putin.scopes),
            )
        finally:
            corpus.close()

    processed = tmp_path / "processed"
    before = versions(load(raw, processed))
    assert versions(load(raw, processed)) == before  # nothing changed: the same version

    add_statement(raw, "someone-else", speaker="Angela Merkel", text="Angela Merkel: We will manage this.")
    after = versions(load(raw, processed))
    assert after[0] == before[0], "a statement without Putin's words changed the version of Putin's words"
    assert after[1] != before[1], "a statement in a scope of everyone's words left its version alone"
    assert after[2] == before[2]

    add_statement(raw, "putin-again", speaker="Vladimir Putin", date="2021-08-01")
    again = versions(load(raw, processed))
    assert again[0] != after[0]
    assert again[2]["documents"] == before[2]["documents"] + 1
    assert again[2]["date_max"] == "2021-08-01"


def test_a_name_that_stands_for_other_speakers_changes_the_version(fixture_corpus):
    corpus = Corpus.load(fixture_corpus.path)
    try:
        reads = Reads()
        reads.scope(Scope.of(["Vladimir Putin"]))
        reads.name("the leader", ["Vladimir Putin"])
        same = version_of(corpus.index, reads, lambda name: ["Vladimir Putin"])
        other = version_of(corpus.index, reads, lambda name: ["Someone Else"])
        assert same != other
        assert version_of(corpus.index, reads, lambda name: ["Vladimir Putin"]) == same
    finally:
        corpus.close()


def test_a_listing_of_every_speaker_reads_everything(fixture_corpus):
    corpus = Corpus.load(fixture_corpus.path)
    try:
        assert not corpus.index.reads.everything
        corpus.speakers()
        assert corpus.index.reads.everything
    finally:
        corpus.close()


def test_quotes_read_past_the_display_cache_are_the_same(default_corpus, monkeypatch):
    """The display text kept between questions is bounded: with room for about one part, parts are let go
    oldest first and read again when needed, and the quotes equal those of a fresh index."""
    import numpy as np

    import analysis.index as index_module
    from analysis.index import CorpusIndex

    fresh = CorpusIndex(default_corpus.generation)
    parts = [k for k in range(len(fresh)) if fresh.part(k).n][:4]
    assert len(parts) == 4
    want = {k: fresh.display(k, np.arange(fresh.part(k).n)) for k in parts}
    room = max(t.nbytes for t in fresh._shown.values())
    monkeypatch.setattr(index_module, "CACHE_DISPLAY_BYTES", room)
    small = CorpusIndex(default_corpus.generation)
    for _ in range(2):
        for k in parts:
            assert small.display(k, np.arange(small.part(k).n)) == want[k]
            assert sum(t.nbytes for t in small._shown.values()) <= room
            assert list(small._shown)[-1] == k  # the part read last is kept
    assert len(small._shown) < len(parts)
