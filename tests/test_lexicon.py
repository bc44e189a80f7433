"""Lexicons and phrase families."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import lexicon
from analysis.measures.count import count_phrases, evidence
from analysis.measures.lexicon import Lexicon, LexiconError, Term, resolve_terms
from analysis.measures.match import PhraseMatcher, find_matches
from analysis.selection import Selection


@pytest.mark.parametrize("kind", ["phrases", "rhetoric", "topics"])
def test_project_lexicons_load(kind):
    lex = lexicon.load(kind=kind)
    assert lex.version >= 1 and len(lex.entries) >= 5
    PhraseMatcher(list(lex.entries))  # every pattern compiles


def test_resolve_terms_families_and_ad_hoc():
    terms = resolve_terms(["finality", "by the way"])
    assert terms[0].is_family and "that is all there is to it" in terms[0].patterns
    assert terms[1] == Term("by the way", ("by the way",))


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("version: 1\n", "no list"),
        ("version: 1\nfamilies:\n  - name: a\n    patterns: [x]\n  - name: A\n    patterns: [y]\n", "used twice"),
        ("version: 1\nfamilies:\n  - name: a\n    patterns: []\n", "no patterns"),
        ("version: 1\nfamilies:\n  - patterns: [x]\n", "no name"),
        ("version: 1\nfamilies: [\n", "not valid YAML"),
    ],
)
def test_bad_lexicons(tmp_path, yaml_text, message):
    path = tmp_path / "lex.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Lexicon.load(path)


@pytest.mark.parametrize(
    "pattern, text, n",
    [
        ("I would like to * that", "I would like to stress that we agree", 1),
        ("I would like to * that", "I would like to that", 0),
        ("sanction*", "sanctions, sanctioned, sanction; asanction", 3),
        ("neo-Nazi*", "neo-Nazis and neo-Nazi groups", 2),
    ],
)
def test_wildcards(pattern, text, n):
    turns = pd.DataFrame({"doc_id": ["d"], "para_no": [0], "text": [text]})
    assert len(find_matches(turns, [Term("t", (pattern,))])) == n


def test_family_counts_each_use_once_even_when_forms_overlap():
    fam = Term("legitimacy", ("legitimacy", "lost his legitimacy"), is_family=True)
    turns = pd.DataFrame({"doc_id": ["d"], "para_no": [0], "text": ["He lost his legitimacy. Legitimacy matters."]})
    ev = find_matches(turns, [fam])
    assert list(ev["form"]) == ["lost his legitimacy", "legitimacy"]


def test_family_count_and_breakdown(fixture_corpus):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="year"), ["finality"])
    assert c["count"].sum() == 3  # two "that's all…" and the statement's "That is all there is to it"
    b = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="year"), ["finality"], breakdown=True)
    assert "form" in b.columns
    by_form = b.groupby("form")["count"].sum()
    assert by_form["that's all there is to it"] == 2 and by_form["that is all there is to it"] == 1
    assert b["count"].sum() == c["count"].sum()


@pytest.mark.parametrize("family", lexicon.load().names)
def test_family_evidence_rows_equal_the_count(default_corpus, family):
    c = count_phrases(default_corpus, Selection.of(speaker="Putin", period="year"), [family])
    ev = evidence(default_corpus, Selection.of(speaker="Putin"), [family])
    assert len(ev) == c["count"].sum()


def test_share_of_statements(fixture_corpus):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="year"), ["finality"])
    row = c[c["period"] == "2019"].iloc[0]
    assert row["documents_with_match"] == 1 and row["documents"] == 1
    assert row["share_of_statements"] == 1.0
    assert row["share_low"] < 1.0 <= row["share_high"]
