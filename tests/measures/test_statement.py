"""One statement taken apart: words per heading, markers per heading, shared phrases, the heading profile."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import CorpusError
from analysis.measures import profile as st
from analysis.selection import Selection

SEED = "meduza-2025-11-27-putin-bishkek"
PUTIN = Selection.of(speaker="Putin")


def test_seed_statement_turns_are_his_862_words(default_corpus):
    turns = st.statement_turns(default_corpus, PUTIN, SEED)
    assert len(turns) == 18
    assert int(turns["n_words"].sum()) == 862
    assert set(turns["speaker"]) == {"Vladimir Putin"} and set(turns["doc_id"]) == {SEED}
    assert list(turns.index) == list(range(18))


def test_seed_words_per_heading(default_corpus):
    heads = st.words_per_heading(default_corpus, PUTIN, SEED)
    assert len(heads) == 10
    assert int(heads["speaker_words"].sum()) == 862
    assert int(heads["paragraphs"].sum()) == 18
    assert heads["share_of_words"].sum() == pytest.approx(1.0, abs=1e-3)
    first = heads.iloc[0]
    assert (first["heading"], first["paragraphs"], first["speaker_words"]) == ("On Trump’s peace plan", 2, 97)
    top = heads.sort_values("speaker_words").iloc[-1]
    assert (top["heading"], top["speaker_words"], top["share_of_words"]) == (
        "On U.S. sanctions against Rosneft and Lukoil",
        113,
        0.1311,
    )
    assert list(heads.columns) == ["date", "doc_id", "heading", "paragraphs", "speaker_words", "share_of_words"]


def test_seed_markers_and_their_headings(default_corpus):
    ev = st.markers(default_corpus, PUTIN, SEED, ["finality", "military-means", "legally-impossible", "as-i-said"])
    assert len(ev) == 18
    counts = ev["phrase"].value_counts()
    assert counts["family: finality"] == 2 and counts["family: legally-impossible"] == 2
    assert counts["rhetoric: force"] == 3 and counts["rhetoric: hedging"] == 3
    assert ev["phrase"].str.startswith("family: ").sum() == 6  # families first, then rhetoric
    assert ev["phrase"].head(6).str.startswith("family: ").all()
    assert set(ev["doc_id"]) == {SEED}

    long = st.markers_by_heading(ev)
    assert list(long.columns) == ["section", "phrase", "count"]
    assert len(long) == 15 and int(long["count"].sum()) == 18
    row = long[(long["section"] == "On European security") & (long["phrase"] == "rhetoric: dismissal")]
    assert row["count"].tolist() == [2]

    grid = st.marker_grid(long)
    assert grid["section"].tolist()[:3] == [
        "On a ceasefire",
        "On the status of Russian-occupied territories",
        "On signing a peace deal with Zelensky’s government",
    ]
    assert len(grid) == 7 and grid.drop(columns="section").to_numpy().sum() == 18
    ceasefire = grid.set_index("section").loc["On a ceasefire"]
    assert ceasefire["family: military-means"] == 1 and ceasefire["rhetoric: dismissal"] == 0


def test_seed_heading_profile(default_corpus):
    prof = st.heading_profile(default_corpus, PUTIN, SEED)
    assert list(prof.columns) == st.PROFILE_COLUMNS
    assert len(prof) == 10 and int(prof["speaker_words"].sum()) == 862
    assert int(prof["family_uses"].sum()) == 6 and int(prof["rhetoric_uses"].sum()) == 12
    zelensky = prof.set_index("heading").loc["On signing a peace deal with Zelensky’s government"]
    assert (zelensky["speaker_words"], zelensky["family_uses"], zelensky["rhetoric_uses"]) == (93, 3, 3)
    assert zelensky["markers"] == (
        "family: as-i-said 1; family: legally-impossible 2; rhetoric: hedging 1; rhetoric: delegitimising 2"
    )
    assert prof.set_index("heading").loc["On the leaked Witkoff–Ushakov call", "markers"] == ""


def test_seed_shared_phrases(default_corpus):
    shared = st.shared_phrases(default_corpus, PUTIN, SEED)
    assert len(shared) == 30
    first = shared.iloc[0]
    assert (first["phrase"], first["statements"], first["uses"]) == ("we agreed to", 58, 71)
    # "the number of" (content word: number) is a formula of the stop-phrase list ("a number of")
    assert "the number of" not in set(shared["phrase"])
    assert "this many times" in set(shared["phrase"])  # "I've spoken about this many times"
    assert (shared["statements"] >= 2).all() and (shared["last_date"] == "2025-11-27").all()
    assert len(st.shared_phrases(default_corpus, PUTIN, SEED, min_words=4, top=5)) == 5


def test_statement_without_headings(fixture_corpus):
    assert st.words_per_heading(fixture_corpus, PUTIN, "kremlin-90001").empty
    prof = st.heading_profile(fixture_corpus, PUTIN, "kremlin-90001")
    assert prof[["heading", "paragraphs", "speaker_words", "share_of_words"]].values.tolist() == [
        [st.NO_HEADING, 3, 40, 1.0]
    ]
    assert (prof["family_uses"].item(), prof["rhetoric_uses"].item()) == (2, 2)
    long = st.markers_by_heading(st.markers(fixture_corpus, PUTIN, "kremlin-90001"))
    assert set(long["section"]) == {st.NO_HEADING}
    assert st.shared_phrases(fixture_corpus, PUTIN, "kremlin-90001").empty


def test_fixture_statement_with_a_heading(fixture_corpus):
    doc = "statements-2021-06-01-test-remarks"
    heads = st.words_per_heading(fixture_corpus, PUTIN, doc)
    assert heads[["heading", "speaker_words"]].values.tolist() == [["On testing", 24]]
    shared = st.shared_phrases(fixture_corpus, PUTIN, doc)
    assert shared["phrase"].tolist() == ["i would like to stress"] and shared["statements"].tolist() == [2]


def test_no_markers_give_empty_tables():
    ev = pd.DataFrame(columns=["doc_id", "para_no", "section", "phrase"])
    long = st.markers_by_heading(ev)
    assert long.empty and list(long.columns) == ["section", "phrase", "count"]
    assert st.marker_grid(long).empty


def test_unknown_document_and_speaker_without_words(fixture_corpus):
    with pytest.raises(CorpusError, match="no document 'nope'"):
        st.words_per_heading(fixture_corpus, PUTIN, "nope")
    with pytest.raises(CorpusError, match="Ivan Testov has no words in kremlin-90001"):
        st.heading_profile(fixture_corpus, Selection.of(speaker="Ivan Testov"), "kremlin-90001")
    assert st.document(fixture_corpus, "kremlin-90001")["title"] == "Test news conference"
