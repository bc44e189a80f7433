"""The command line, as scripts and CI call it."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import Corpus
from analysis.measures.keyness import COLUMNS as KEYNESS_COLUMNS
from analysis.selection import Selection
from tests.conftest import FIXTURES

COUNT_COLUMNS = [
    "speaker",
    "period",
    "phrase",
    "count",
    "documents",
    "speaker_words",
    "per_10k",
    "per_10k_low",
    "per_10k_high",
    "bunching",
    "per_10k_poisson_low",
    "per_10k_poisson_high",
    "documents_with_match",
    "share_of_statements",
    "share_low",
    "share_high",
    "low_count",
    "top_statement",
    "top_statement_date",
    "top_statement_title",
    "top_statement_uses",
    "top_statement_share",
]
# Putin's own words in tests/fixtures/raw per year: 16 + 12 + 12 (90001, the plain "Question:" line is
# his), 17 + 4 (90002), 14 + 10 (the hand-added statement, without the question).
PUTIN_WORDS = {2019: 40, 2020: 21, 2021: 24}


def csv_of(res: subprocess.CompletedProcess) -> pd.DataFrame:
    assert res.returncode == 0, res.stderr
    return pd.read_csv(io.StringIO(res.stdout))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True)


def call(capsys, *args: str) -> subprocess.CompletedProcess:
    """``python -m analysis ARGS`` in this process: the same ``main`` as `run`, without starting Python."""
    returncode = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), returncode, out, err)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    res = run("ingest", "--raw", str(FIXTURES / "raw"), "--processed", str(out))
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
        "--period",
        "year",
        "--format",
        "csv",
    )
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert list(table.columns[:7]) == ["speaker", "period", "phrase", "count", "documents", "speaker_words", "per_10k"]
    assert set(table["speaker"]) == {"Vladimir Putin"}
    assert table.groupby("phrase")["count"].sum().to_dict() == {"That's all there is to it": 2, "legally impossible": 1}


def test_kwic_csv_rows_equal_count(processed, tmp_path):
    out = tmp_path / "ev.csv"
    assert (
        main(["kwic", "--processed", str(processed), "--phrase", "That's all there is to it", "--out", str(out)]) == 0
    )
    ev = pd.read_csv(out)
    assert len(ev) == 2
    assert ev["date"].tolist() == ["2019-12-19", "2020-03-02"]
    assert ev["doc_id"].tolist() == ["kremlin-90001", "kremlin-90002"]
    assert ev["match"].tolist() == ["That’s all there is to it", "That's all there is to it"]  # as printed
    assert set(ev["speaker"]) == {"Vladimir Putin"}  # not the questioner's, not Minister Testov's use
    assert ev["right"].tolist() == [".", "."]
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
        (["--period", "week"], "period must be one of year, month, document"),
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
    res = run("count", "--processed", str(processed), "--phrase", "finality", "--breakdown", "--period", "year")
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
            [
                "speaker",
                "phrase",
                "n_words",
                "statements",
                "years",
                "uses",
                "per_10k",
                "reference_per_10k",
                "log_ratio",
                "log_ratio_low",
                "bunching",
                "first_date",
                "last_date",
                "example_doc_id",
            ],
        ),
        (
            ["topics", "--period", "year"],
            [
                "speaker",
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
                "bunching",
                "topic_hits",
                "top_statement",
                "top_statement_date",
                "top_statement_title",
                "top_statement_uses",
                "top_statement_share",
            ],
        ),
        (["rhetoric", "--period", "year"], COUNT_COLUMNS),
        (
            ["rhetoric-precision"],
            ["speaker", "category", "hits", "labelled", "true", "precision", "precision_low", "precision_high"],
        ),
        (
            ["rhetoric-sample", "--per-category", "2"],
            ["speaker", "hit_id", "category", "form", "date", "doc_id", "left", "match", "right", "label", "note"],
        ),
        (
            ["keyness", "--split", "2020-01-01", "--min-freq", "1", "--top", "3"],
            ["speaker", *KEYNESS_COLUMNS],
        ),
    ],
)
def test_analysis_commands(processed, args, columns):
    res = run(*args, "--processed", str(processed))
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
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
        "dash-after-label",
        "heading-as-speaker",
        "body-as-speaker",
        "spouse-as-person",
    ]
    assert table["paragraphs"].sum() == 0


def test_audit_sample_then_score_sample(processed, capsys, tmp_path):
    out = tmp_path / "turns.csv"
    res = call(capsys, "audit", "--processed", str(processed), "--sample", "3", "--source", "en.kremlin.ru",
               "--seed", "5", "--out", str(out))  # fmt: skip
    assert res.returncode == 0, res.stderr
    sample = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(sample) == 3 and (sample["source"] == "en.kremlin.ru").all() and (sample["true_speaker"] == "").all()
    res = call(capsys, "score-sample", "--processed", str(processed), "--file", str(out))
    assert res.returncode == 2 and "true_speaker is empty" in res.stderr and "turns.csv row 2" in res.stderr
    sample["true_speaker"] = sample["speaker"]
    sample.loc[0, "true_speaker"] = "Somebody Else"
    sample.to_csv(out, index=False)
    res = call(capsys, "score-sample", "--processed", str(processed), "--file", str(out))
    assert res.returncode == 0, res.stderr
    assert "en.kremlin.ru: precision 66.67%" in res.stdout and "2 of 3 random turns right" in res.stdout
    assert f"wrong: sample {sample.loc[0, 'sample_id']}" in res.stdout


def test_audit_sample_needs_a_source(processed, capsys):
    res = call(capsys, "audit", "--processed", str(processed), "--sample", "3")
    assert res.returncode == 2 and "--sample needs --source" in res.stderr


def test_score_attribution_prints_precision_and_recall(tmp_path):
    res = run(
        "score-attribution", "--gold", str(FIXTURES.parent / "gold" / "transcripts"), "--leader", "Vladimir Putin"
    )
    assert res.returncode == 0, res.stderr
    assert "Vladimir Putin: precision 100.00%, recall 100.00%" in res.stdout
    assert "per-statement error 0.00%" in res.stdout


def test_score_attribution_on_a_folder_without_gold_is_an_error(tmp_path):
    res = run("score-attribution", "--gold", str(tmp_path))
    assert res.returncode == 2 and "no gold CSV files" in res.stderr


def test_count_json_has_one_record_per_year(processed, capsys):
    res = call(capsys, "count", "--processed", str(processed), "--phrase", "finality", "--format", "json")
    assert res.returncode == 0, res.stderr
    records = pd.read_json(io.StringIO(res.stdout), orient="records", dtype={"period": str})
    assert list(records.columns) == COUNT_COLUMNS
    assert records["period"].tolist() == ["2019", "2020", "2021"]
    assert records["count"].tolist() == [1, 1, 1]
    assert records["speaker_words"].tolist() == [40, 21, 24]
    assert records["per_10k"].tolist() == [250.0, 476.19, 416.667]  # 1 / words * 10,000, 3 decimals
    assert records["top_statement_share"].tolist() == [1.0, 1.0, 1.0]  # one use a year: all in one statement


def test_rhetoric_counts_per_year_and_category(processed, capsys):
    table = csv_of(call(capsys, "rhetoric", "--period", "year", "--processed", str(processed)))
    categories = ["force", "delegitimising", "dismissal", "hedging", "finality", "us-them"]
    assert table["period"].tolist() == [y for y in (2019, 2020, 2021) for _ in categories]
    assert table["phrase"].tolist() == categories * 3
    hits = {(r.period, r.phrase): r.count for r in table.itertuples() if r.count}
    # "That's all…" once a year in his words; "legally impossible" in 2019 (not the pull-quote)
    assert hits == {(2019, "delegitimising"): 1, (2019, "finality"): 1, (2020, "finality"): 1, (2021, "finality"): 1}
    assert table.groupby("period")["speaker_words"].first().to_dict() == PUTIN_WORDS
    row = table[(table["period"] == 2019) & (table["phrase"] == "delegitimising")].iloc[0]
    assert row["per_10k"] == 250.0 and row["share_of_statements"] == 1.0
    assert table["low_count"].all()


def test_rhetoric_precision_counts_hits_and_labels(processed, capsys):
    table = csv_of(call(capsys, "rhetoric-precision", "--processed", str(processed))).set_index("category")
    assert table["hits"].to_dict() == {
        "force": 0,
        "delegitimising": 1,
        "dismissal": 0,
        "hedging": 0,
        "finality": 3,
        "us-them": 0,
    }
    # the labels file labels hits of the default corpus, none of this one: no precision to report
    assert (table["labelled"] == 0).all() and (table["true"] == 0).all()
    assert table["precision"].isna().all() and table["precision_low"].isna().all()


def test_rhetoric_sample_takes_up_to_n_hits_per_category(processed, capsys):
    table = pd.read_csv(
        io.StringIO(call(capsys, "rhetoric-sample", "--per-category", "2", "--processed", str(processed)).stdout),
        dtype=str,
        keep_default_na=False,
    )
    assert table["category"].tolist() == ["delegitimising", "finality", "finality"]  # 1 hit; 2 of 3 hits
    assert table["hit_id"].str.fullmatch(r"[0-9a-f]{12}").all() and table["hit_id"].is_unique
    finality = table[table["category"] == "finality"]
    assert finality["hit_id"].tolist() == sorted(finality["hit_id"])  # the reproducible order
    assert table.iloc[0][["form", "date", "doc_id", "match"]].tolist() == [
        "legally impossible",
        "2019-12-19",
        "kremlin-90001",
        "legally impossible",
    ]
    assert (table["label"] == "").all() and (table["note"] == "").all()


def test_catchphrases_finds_the_one_recurring_phrase(processed, capsys):
    args = ["catchphrases", "--min-statements", "2", "--processed", str(processed)]
    table = csv_of(call(capsys, *args, "--reference", "none"))
    # "all there is to it" is in all three statements but is stop words only; "I would like to
    # stress" is in 90002 and the hand-added statement
    record = table.drop(columns=["reference_per_10k", "log_ratio", "log_ratio_low"]).to_dict("records")
    assert record == [
        {
            "speaker": "Vladimir Putin",
            "phrase": "i would like to stress",
            "n_words": 5,
            "statements": 2,
            "years": 2,
            "uses": 2,
            "per_10k": round(2 / 85 * 10_000, 3),
            "bunching": 0.8973,  # one use in each of two statements: spread as chance would spread them
            "first_date": "2020-03-02",
            "last_date": "2021-06-01",
            "example_doc_id": "kremlin-90002",
        }
    ]
    # against the other speakers' 8 words, 2 uses are not clearly distinctive: nothing is claimed
    assert csv_of(call(capsys, *args)).empty


def test_topics_per_year_on_a_corpus_without_topic_words(processed, capsys):
    table = csv_of(call(capsys, "topics", "--period", "year", "--processed", str(processed)))
    assert len(table) == 3 * 8  # years x topics of topics.yaml
    assert table["topic"].tolist()[:8] == [
        "war and ceasefire",
        "sanctions",
        "Europe and NATO",
        "elections and legitimacy",
        "economy",
        "energy",
        "United States",
        "Ukraine",
    ]
    per_year = table.groupby("period")[["paragraphs", "speaker_words", "documents"]].first()
    assert per_year.to_dict("index") == {
        2019: {"paragraphs": 3, "speaker_words": 40, "documents": 1},
        2020: {"paragraphs": 2, "speaker_words": 21, "documents": 1},
        2021: {"paragraphs": 2, "speaker_words": 24, "documents": 1},
    }
    assert (table["topic_paragraphs"] == 0).all() and (table["share_of_words"] == 0).all()


def test_topics_discover_needs_enough_long_paragraphs(processed, capsys):
    res = call(capsys, "nmf-topics", "--n-topics", "2", "--processed", str(processed))
    assert res.returncode == 2
    assert "0 paragraphs of 20+ words: too few for 2 topics" in res.stderr


def test_keyness_split_ranks_terms_by_g2(processed, capsys):
    table = csv_of(
        call(capsys, "keyness", "--split", "2020-01-01", "--min-freq", "1", "--top", "3", "--processed", str(processed))
    )
    # A (2019): 40 words; B (2020 on): 45. Words used once only in A tie at G² = 2 ln(85/40) and are
    # ranked alphabetically; "like" and "stress" (twice in B): G² = 4 ln(2 * 85 / 90).
    assert table["term"].tolist() == ["afternoon", "agree", "answer", "like", "stress", "alert"]
    assert table["overused_in"].tolist() == ["A", "A", "A", "B", "B", "B"]
    assert table["freq_a"].tolist() == [1, 1, 1, 0, 0, 0]
    assert table["freq_b"].tolist() == [0, 0, 0, 2, 2, 1]
    assert table["g2"].tolist() == [1.508, 1.508, 1.508, 2.544, 2.544, 1.272]
    # log2(((a + 40/85)/40) / ((b + 45/85)/45)): a pseudo-count split by side size, never flipping the sign
    assert table["log_ratio"].tolist() == [1.644, 1.644, 1.644, -2.256, -2.256, -1.531]
    assert not table["passes"].any()  # 6 terms tested: none passes the corrected threshold on 85 words
    assert table["per_10k_a"].tolist()[:3] == [250.0] * 3


def test_speakers_table_format_and_min_words(processed, capsys):
    res = call(capsys, "speakers", "--processed", str(processed))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["speaker", "words", "statements", "first_date", "last_date", "roles"]
    assert lines[1].split() == ["Vladimir", "Putin", "85", "3", "2019-12-19", "2021-06-01"]
    assert lines[2].split() == ["Ivan", "Testov", "8", "1", "2020-03-02", "2020-03-02", "Minister"]
    args = ("--format", "csv", "--min-speaker-words", "10")
    table = csv_of(call(capsys, "speakers", "--processed", str(processed), *args))
    assert table["speaker"].tolist() == ["Vladimir Putin"]  # Ivan Testov has 8 words


def test_speakers_negative_min_words_is_an_error(processed, capsys):
    res = call(capsys, "speakers", "--processed", str(processed), "--min-speaker-words", "-1")
    assert res.returncode == 2 and "min_speaker_words must be at least 0; got -1" in res.stderr


def test_audit_without_summary_reports_counts_on_stderr(processed, capsys):
    res = call(capsys, "audit", "--processed", str(processed))
    assert res.returncode == 0, res.stderr
    assert "audit: 0 paragraph(s) flagged: label-in-turn 0, addresses-self 0" in res.stderr
    assert res.stdout.splitlines() == ["kind,doc_id,para_no,date,speaker,text,source_url"]


def test_profile_prints_one_row_per_heading_of_the_statement(default_corpus):
    res = run("profile", "--processed", str(default_corpus.path), "--doc-id", "meduza-2025-11-27-putin-bishkek")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(io.StringIO(res.stdout))
    assert list(table.columns[:4]) == ["heading", "paragraphs", "speaker_words", "share_of_words"]
    assert len(table) == 10 and table["speaker_words"].sum() == 862
    assert table["heading"].iloc[0].startswith("On ")


def test_profile_of_an_unknown_statement_is_one_line_and_exit_2(processed):
    res = run("profile", "--processed", str(processed), "--doc-id", "no-such-doc")
    assert res.returncode == 2 and res.stderr.startswith("error:") and "no-such-doc" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


INFLECTED = """---
title: On partners
date: 2021-06-01
speaker: Vladimir Putin
source: Test fixture
source_url: https://example.org/partners
---
Our partner said so. Our partners, our partners and again our partners. A partnership with partners is what
partners want; partnerships too. Partnered, partners, partners.
"""


@pytest.fixture(scope="module")
def inflected(tmp_path_factory):
    from analysis.ingest import ingest

    root = tmp_path_factory.mktemp("inflected")
    (root / "raw").mkdir()
    (root / "raw" / "partners.md").write_text(INFLECTED, encoding="utf-8")
    ingest(root / "raw", root / "processed", quiet=True)
    return root / "processed"


@pytest.mark.parametrize("command", ["count", "kwic"])
def test_a_phrase_with_many_more_inflected_uses_gets_a_hint(inflected, capsys, command):
    res = call(capsys, command, "--processed", str(inflected), "--phrase", "partner")
    assert res.returncode == 0
    hints = [line for line in res.stderr.splitlines() if line.startswith("hint: ")]
    assert hints == [
        "hint: “partner”: 1 use; “partner*”: 11 (partners 7, partnership 1, partnerships 1, partnered 1): "
        "ask for “partner*” to count every word that starts so"
    ]
    if command == "kwic":  # the prefix form is searched in the same pass for the hint, never quoted
        rows = list(csv.DictReader(io.StringIO(res.stdout)))
        assert [(r["phrase"], r["match"]) for r in rows] == [("partner", "partner")]


@pytest.mark.parametrize("phrase", ["partners", "partner*", "our partners"])
def test_no_hint_when_the_phrase_already_counts_most_forms(inflected, capsys, phrase):
    res = call(capsys, "count", "--processed", str(inflected), "--phrase", phrase)
    assert res.returncode == 0 and "hint:" not in res.stderr


def test_kwic_html_is_a_page_that_says_what_was_searched(inflected, capsys, tmp_path):
    out = tmp_path / "quotes.html"
    res = call(
        capsys, "kwic", "--processed", str(inflected), "--phrase", "partner", "--format", "html", "--out", str(out)
    )
    assert res.returncode == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Quotes of “partner” · Refrain</title>" in page
    held = re.search(r"this corpus holds (\d+) of his statements, (?:on )?([\d-]+)(?: to ([\d-]+))?\)", page)
    assert held, page  # a first or last quote is the first or last in what the corpus holds: it says how much
    turns = Corpus.load(inflected).select(Selection.of(speaker="Vladimir Putin")).turns
    assert int(held[1]) == turns["doc_id"].nunique() and held[2] == f"{turns['date'].min():%Y-%m-%d}"
    assert f"Searched for “partner” in Vladimir Putin, all dates ({held[0]}: 1 quote in 1 statement" in page
    assert f"first and last in this corpus, which holds {held[1]} of his statements" in res.stderr
    assert "Hint: “partner”: 1 use; “partner*”: 11" in page
    assert page.count('<li class="quote">') == 1 and "<mark>partner</mark>" in page
