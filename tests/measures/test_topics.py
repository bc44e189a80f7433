"""Topic views: headings, lexicon shares, NMF."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import lexicon, topics
from analysis.measures.lexicon import Lexicon, Term
from analysis.selection import Selection


def test_seed_headings(default_corpus):
    h = topics.headings(default_corpus.select(Selection.of(speaker="Putin", source="Meduza (English edition)")).turns)
    assert len(h) == 10
    assert (
        h["speaker_words"].sum()
        == default_corpus.select(Selection.of(speaker="Putin", source="Meduza (English edition)"))
        .turns["n_words"]
        .sum()
    )
    assert h["share_of_words"].sum() == pytest.approx(1.0, abs=1e-3)


def test_lexicon_shares_on_a_small_frame():
    turns = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "para_no": [0, 1, 0],
            "text": ["Sanctions and gas.", "Nothing here at all.", "Gas prices."],
            "n_words": [3, 4, 2],
            "date": pd.to_datetime(["2019-01-01", "2019-01-01", "2020-01-01"]),
            "title": "t",
            "source_url": None,
            "speaker": "S",
            "section": None,
        }
    )
    lex = Lexicon(
        path=__import__("pathlib").Path("t.yaml"),
        version=1,
        entries=(Term("sanctions", ("sanction*",), is_family=True), Term("energy", ("gas",), is_family=True)),
    )
    s = topics.lexicon_shares(turns, lex, by="year").set_index(["period", "topic"])
    assert s.loc[("2019", "sanctions"), "topic_paragraphs"] == 1
    assert s.loc[("2019", "sanctions"), "share_of_paragraphs"] == 0.5
    assert s.loc[("2019", "energy"), "share_of_words"] == round(3 / 7, 4)
    assert s.loc[("2020", "energy"), "share_of_words"] == 1.0
    assert s.loc[("2020", "sanctions"), "topic_words"] == 0


def test_lexicon_shares_carry_the_top_statement_of_each_period():
    turns = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c"],
            "para_no": [0, 1, 0, 0],
            "text": ["War, war and war.", "The war again.", "A war.", "Nothing."],
            "n_words": [4, 3, 2, 1],
            "date": pd.to_datetime(["2020-06-19", "2020-06-19", "2020-01-01", "2019-01-01"]),
            "title": ["Essay", "Essay", "Talk", "Other"],
            "source_url": None,
            "speaker": "S",
            "section": None,
        }
    )
    lex = Lexicon(
        path=__import__("pathlib").Path("t.yaml"), version=1, entries=(Term("war", ("war",), is_family=True),)
    )
    s = topics.lexicon_shares(turns, lex, by="year").set_index(["period", "topic"])
    row = s.loc[("2020", "war")]
    assert (row["topic_hits"], row["top_statement"], row["top_statement_uses"]) == (5, "a", 4)
    assert (row["top_statement_date"], row["top_statement_title"], row["top_statement_share"]) == (
        "2020-06-19",
        "Essay",
        0.8,
    )
    empty = s.loc[("2019", "war")]
    assert (empty["topic_hits"], empty["top_statement"], empty["top_statement_share"]) == (0, "", 0.0)


def test_nmf_is_reproducible_with_a_seed(default_corpus):
    turns = default_corpus.select(Selection.of(speaker="Putin")).turns
    a = topics.discover(turns, n_topics=5, seed=3)
    b = topics.discover(turns, n_topics=5, seed=3)
    pd.testing.assert_frame_equal(a["terms"], b["terms"])
    assert a["terms"]["topic"].nunique() == 5
    shares = a["shares"].groupby("period")["share_of_words"].sum()
    assert ((shares > 0.98) & (shares < 1.02)).all()  # each period's words are shared out over the topics


def test_nmf_needs_enough_text():
    turns = pd.DataFrame(
        {"doc_id": ["a"], "para_no": [0], "text": ["short"], "n_words": [1], "date": pd.to_datetime(["2019-01-01"])}
    )
    with pytest.raises(ValueError, match="too few"):
        topics.discover(turns, n_topics=3)


def test_project_topic_lexicon_does_not_match_the_pronoun_us():
    lex = lexicon.load(kind="topics")
    turns = pd.DataFrame({"doc_id": ["a"], "para_no": [0], "text": ["Let us work with us."]})
    assert topics.lexicon_evidence(turns, lex).empty


def test_lexicon_shares_say_how_a_topics_paragraphs_bunch_in_statements():
    """Ten statements of the same length: war in one paragraph of each (about 1, as chance would put
    them), gas in six paragraphs of one statement (far above 1)."""
    rows = []
    for d in range(10):
        texts = ["War again.", "Nothing here.", "Nothing here.", "Nothing here.", "Nothing here.", "Nothing here."]
        if d == 3:
            texts[1:] = ["Gas now."] * 5 + []
            texts = [*texts, "Gas again."]
        else:
            texts.append("Nothing here.")
        rows += [(f"s{d}", i, t, 2, "2019-05-01") for i, t in enumerate(texts)]
    turns = pd.DataFrame(rows, columns=["doc_id", "para_no", "text", "n_words", "date"]).assign(
        date=lambda f: pd.to_datetime(f["date"]), title="t", source_url=None, speaker="S", section=None
    )
    lex = Lexicon(
        path=__import__("pathlib").Path("t.yaml"),
        version=1,
        entries=(Term("war", ("war",), is_family=True), Term("energy", ("gas",), is_family=True)),
    )
    s = topics.lexicon_shares(turns, lex, by="year").set_index(["period", "topic"])
    assert s.loc[("2019", "war"), "topic_paragraphs"] == 10 and s.loc[("2019", "energy"), "topic_paragraphs"] == 6
    assert s.loc[("2019", "war"), "bunching"] == 0.0  # one in each: more even than chance
    assert s.loc[("2019", "energy"), "bunching"] > 5
