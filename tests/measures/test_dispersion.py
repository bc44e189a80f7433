"""Where in each statement a phrase falls (analysis.measures.dispersion): offsets among the speaker's own
words only, shares from 0 (first word) to 1 (last), one row per use that a count adds up."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures import measures
from analysis.measures.count import CountParams, ExactParams
from analysis.measures.dispersion import COLUMNS

FILL = " ".join(["word"] * 8)


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory) -> Corpus:
    """One statement: Anna Alpha opens with "our partners" (10 words), Bob Beta asks about "our partners"
    (5 words), Anna Alpha closes with it (10 words); a second statement of Anna's with no use."""
    root = tmp_path_factory.mktemp("dialogue")
    raw = root / "raw" / "statements"
    raw.mkdir(parents=True)
    paragraphs = [
        f"Anna Alpha: our partners {FILL}.",
        "Bob Beta: what of our partners then?",
        f"Anna Alpha: {FILL} our partners.",
    ]
    for day, body in (("2020-01-01", paragraphs), ("2021-06-01", [f"Anna Alpha: {FILL} {FILL}."])):
        front = f"title: T {day}\ndate: {day}\nspeaker: Anna Alpha\nsource: s\nsource_url: https://example.org/{day}"
        (raw / f"{day}-talk.md").write_text(f"---\n{front}\n---\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    ingest(root / "raw", root / "processed", quiet=True)
    return Corpus.load(root / "processed")


def _rows(corpus: Corpus, **kw) -> list[dict]:
    params = ExactParams(phrases=["our partners"], **kw)
    return measures()["dispersion"].compute(corpus, params).table.to_pylist()


def test_offsets_count_only_the_speakers_own_words(dialogue):
    rows = _rows(dialogue, speakers=["Anna Alpha"])
    assert [r["word_offset"] for r in rows] == [0, 18]  # Bob's five words are not part of her statement
    assert {r["statement_words"] for r in rows} == {20}
    assert [r["position"] for r in rows] == [0.0, round(18 / 19, 4)]
    assert list(rows[0]) == COLUMNS


def test_each_speaker_is_placed_in_his_own_words(dialogue):
    rows = _rows(dialogue, speakers=["Anna Alpha", "Bob Beta"])
    bob = [r for r in rows if r["speaker"] == "Bob Beta"]
    assert [(r["word_offset"], r["statement_words"]) for r in bob] == [(2, 5)]
    assert bob[0]["position"] == 0.5


def test_one_row_per_use_the_count_adds_up(dialogue):
    rows = _rows(dialogue, speakers=["Anna Alpha", "Bob Beta"])
    counts = measures()["count"].compute(
        dialogue, CountParams(phrases=["our partners"], speakers=["Anna Alpha", "Bob Beta"])
    )
    assert len(rows) == sum(counts.table.column("count").to_pylist()) == 3


def test_no_use_gives_an_empty_table_with_the_columns(dialogue):
    table = (
        measures()["dispersion"]
        .compute(dialogue, ExactParams(phrases=["zebra crossing"], speakers=["Anna Alpha"]))
        .table
    )
    assert table.num_rows == 0 and table.column_names == COLUMNS


def test_the_command_line_writes_the_table(dialogue, tmp_path: Path, capsys):
    from analysis.cli import main

    out = tmp_path / "d.csv"
    code = main(
        [
            "dispersion",
            "--processed-dir",
            str(dialogue.path),
            "--phrase",
            "our partners",
            "--speaker",
            "Anna Alpha",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_a_family_is_named_in_the_notes_and_exact_counts_the_words(dialogue):
    asked = ExactParams(phrases=["finality"], speakers=["Anna Alpha"])
    result = measures()["dispersion"].compute(dialogue, asked)
    assert any(n.startswith("“finality” is the phrase family finality") for n in result.notes)
    exact = measures()["dispersion"].compute(
        dialogue, ExactParams(phrases=["finality"], speakers=["Anna Alpha"], exact=True)
    )
    assert exact.notes == [] and exact.table.num_rows == 0
