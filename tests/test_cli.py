"""The command line, as scripts and CI call it."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from tests.conftest import FIXTURES


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    res = run("ingest", "--raw", str(FIXTURES / "raw"), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "3 documents" in res.stderr
    return out


def test_count_csv(processed):
    res = run(
        "count",
        "--processed",
        str(processed),
        "--speaker",
        "Vladimir Putin",
        "--phrase",
        "That's all there is to it",
        "--phrase",
        "legally impossible",
        "--by",
        "year",
        "--format",
        "csv",
    )
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert list(table.columns[:6]) == ["period", "phrase", "count", "documents", "speaker_words", "per_10k"]
    assert table.groupby("phrase")["count"].sum().to_dict() == {"That's all there is to it": 2, "legally impossible": 1}


def test_kwic_csv_rows_equal_count(processed, tmp_path):
    out = tmp_path / "ev.csv"
    assert (
        main(["kwic", "--processed", str(processed), "--phrase", "That's all there is to it", "--out", str(out)]) == 0
    )
    ev = pd.read_csv(out)
    assert len(ev) == 2
    assert list(ev.columns) == [
        "date",
        "doc_id",
        "title",
        "source_url",
        "speaker",
        "section",
        "phrase",
        "form",
        "left",
        "match",
        "right",
    ]


def test_kwic_html_escapes_source_text(processed):
    res = run("kwic", "--processed", str(processed), "--phrase", "It shows as text", "--format", "html")
    assert res.returncode == 0, res.stderr
    assert "<img src=x onerror" not in res.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", "week"], "invalid choice"),
        (["--speaker", "Nobody Atall"], "no words in this corpus"),
        (["--start", "yesterday"], "ISO date"),
        (["--phrase", "   "], "no letters or digits"),
    ],
)
def test_bad_parameters_exit_2_with_a_message(processed, args, message):
    res = run("count", "--processed", str(processed), "--phrase", "x", *args)
    assert res.returncode == 2
    assert message in res.stderr


def test_missing_corpus(tmp_path):
    res = run("count", "--processed", str(tmp_path), "--phrase", "x")
    assert res.returncode == 2
    assert "run `python -m analysis ingest` first" in res.stderr


def test_count_family_with_breakdown(processed):
    res = run("count", "--processed", str(processed), "--phrase", "finality", "--breakdown", "--by", "year")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert "form" in table.columns
    assert set(table["phrase"]) == {"finality"}
    assert table["count"].sum() == 3


@pytest.mark.parametrize(
    "args, columns",
    [
        (
            ["catchphrases", "--min-statements", "2"],
            ["phrase", "n_words", "statements", "uses", "first_date", "last_date", "example_doc_id"],
        ),
        (
            ["topics", "--by", "year"],
            [
                "period",
                "topic",
                "topic_paragraphs",
                "paragraphs",
                "share_of_paragraphs",
                "topic_words",
                "speaker_words",
                "share_of_words",
                "topic_documents",
                "documents",
            ],
        ),
        (["rhetoric", "--by", "year"], None),
        (
            ["rhetoric", "--precision"],
            ["category", "hits", "labelled", "true", "precision", "precision_low", "precision_high"],
        ),
        (
            ["rhetoric", "--sample", "2"],
            ["hit_id", "category", "form", "date", "doc_id", "left", "match", "right", "label", "note"],
        ),
        (["keyness", "--split", "2020-01-01", "--min-freq", "1", "--top", "3"], None),
    ],
)
def test_analysis_commands(processed, args, columns):
    res = run(*args, "--processed", str(processed))
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    if columns:
        assert list(table.columns) == columns


def test_keyness_needs_two_sides(processed):
    res = run("keyness", "--processed", str(processed))
    assert res.returncode == 2 and "say what to compare" in res.stderr


def test_speakers_lists_people_with_their_titles(processed):
    res = run("speakers", "--processed", str(processed), "--format", "csv")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout)).set_index("speaker")
    assert list(table.columns) == ["words", "statements", "first_date", "last_date", "roles"]
    assert table.loc["Ivan Testov", "roles"] == "Minister"  # printed "Minister Ivan Testov"
    assert table.index[0] == "Vladimir Putin" and table.loc["Vladimir Putin", "words"] == table["words"].max()
    assert not any(name.startswith(("Minister", "President", "Head of")) for name in table.index)


def test_speakers_on_the_default_corpus_lists_ministers_by_name(default_corpus, tmp_path):
    table = default_corpus.speakers().set_index("speaker")
    for name, title in [
        ("Sergei Shoigu", "Defence Minister"),
        ("Dmitry Medvedev", "Prime Minister"),
        ("Alexander Novak", "Energy Minister"),
    ]:
        assert title in table.loc[name, "roles"].split("; "), (name, table.loc[name, "roles"])


def test_audit_prints_counts_by_kind(processed):
    res = run("audit", "--processed", str(processed), "--summary")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert table["kind"].tolist() == [
        "label-in-turn",
        "addresses-self",
        "thanks-self",
        "addressed-as-president",
        "unlabelled-change",
    ]
    assert table["paragraphs"].sum() == 0


def test_score_attribution_prints_precision_and_recall(tmp_path):
    res = run("score-attribution", "--gold", str(FIXTURES.parent / "gold" / "transcripts"))
    assert res.returncode == 0, res.stderr
    assert "Vladimir Putin: precision 100.00%, recall 100.00%" in res.stdout
    assert "per-statement error 0.00%" in res.stdout


def test_score_attribution_on_a_folder_without_gold_is_an_error(tmp_path):
    res = run("score-attribution", "--gold", str(tmp_path))
    assert res.returncode == 2 and "no gold CSV files" in res.stderr
