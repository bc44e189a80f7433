"""Lexicons and phrase families."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import lexicon
from analysis.measures.count import count_phrases, evidence
from analysis.measures.lexicon import Lexicon, LexiconError, Term, resolve_terms
from analysis.measures.match import PhraseMatcher
from analysis.measures.search import find_matches
from analysis.selection import Selection

PHRASE_FAMILIES = [
    ("finality", ["that's all there is to it", "full stop"]),
    ("emphasis", ["I want to stress", "I would like to emphasize"]),
    ("military-means", ["by military means", "militarily"]),
    ("legally-impossible", ["legally impossible", "lost his legitimacy"]),
    ("our-partners", ["our partners", "our Western partners"]),
    ("as-i-said", ["as I said", "I have said this many times"]),
    ("terrorism", ["terroris*", "war on terror"]),
    ("sovereignty", ["sovereign*"]),
    ("threat-of-force", ["use of force", "all options are on the table"]),
    ("our-allies", ["our allies", "our NATO allies"]),
]
RHETORIC_CATEGORIES = [
    ("force", ["by military means", "retaliatory measures"]),
    ("delegitimising", ["junta", "neo-Nazi*"]),
    ("dismissal", ["complete nonsense", "fairy tale*"]),
    ("hedging", ["it seems to me", "I think"]),
    ("finality", ["full stop", "end of story"]),
    ("us-them", ["the West", "against Russia"]),
]
TOPICS = [
    ("war and ceasefire", ["ceasefire", "front line"]),
    ("sanctions", ["sanction*", "embargo"]),
    ("Europe and NATO", ["NATO", "European Union"]),
    ("elections and legitimacy", ["referendum", "constitution*"]),
    ("economy", ["GDP", "inflation"]),
    ("energy", ["Gazprom", "Nord Stream"]),
    ("United States", ["United States", "Washington"]),
    ("Ukraine", ["Kyiv", "Donbass"]),
]


@pytest.mark.parametrize(
    "kind, label, entries",
    [
        ("phrases", "phrases.yaml v3", PHRASE_FAMILIES),
        ("rhetoric", "rhetoric.yaml v3", RHETORIC_CATEGORIES),
        ("topics", "topics.yaml v2", TOPICS),
    ],
)
def test_project_lexicons_load(kind, label, entries):
    lex = lexicon.load(kind=kind)
    assert lex.label() == label
    assert lex.names == [name for name, _ in entries]
    for name, patterns in entries:
        term = lex.get(name)
        assert term.is_family and term.description, name
        for pattern in patterns:
            assert pattern in term.patterns, (name, pattern)
    PhraseMatcher(list(lex.entries))  # every pattern compiles


def test_rhetoric_force_is_narrowed_in_v3():
    """v3 dropped generic words from `force` after 0 of 8 labelled hits were true."""
    force = lexicon.load(kind="rhetoric").get("force").patterns
    assert "destroy" not in force and "use of force" not in force
    assert "we will destroy" in force


@pytest.mark.parametrize(
    "kind, name, text, match",
    [
        ("phrases", "finality", "We will not give it back. Full stop.", "Full stop"),
        ("phrases", "emphasis", "I would like to emphasise that we agree.", "I would like to emphasise"),
        ("phrases", "military-means", "They want to win by military means.", "by military means"),
        ("phrases", "legally-impossible", "That deal is legally void.", "legally void"),
        ("phrases", "our-partners", "Our American partners disagree.", "Our American partners"),
        ("phrases", "as-i-said", "As I said, nothing has changed.", "As I said"),
        ("rhetoric", "force", "We will take retaliatory measures.", "retaliatory measures"),
        ("rhetoric", "delegitimising", "The Kiev junta decided.", "junta"),
        ("rhetoric", "dismissal", "This is rubbish.", "rubbish"),
        ("rhetoric", "hedging", "Perhaps we can agree.", "Perhaps"),
        ("rhetoric", "finality", "And that is it.", "that is it"),
        ("rhetoric", "us-them", "They are trying to contain us.", "They are trying"),
        ("topics", "sanctions", "The new sanctions hurt them.", "sanctions"),
        ("topics", "Ukraine", "We spoke about Donbass.", "Donbass"),
        ("topics", "energy", "Gas prices went up.", "Gas"),
    ],
)
def test_each_lexicon_entry_finds_its_forms(kind, name, text, match):
    term = lexicon.load(kind=kind).get(name)
    turns = pd.DataFrame({"doc_id": ["d"], "para_no": [0], "text": [text]})
    ev = find_matches(turns, [term])
    assert ev["match"].tolist() == [match]
    assert ev["phrase"].tolist() == [name]


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


def test_a_family_has_a_label_pages_show_and_keeps_its_name_as_the_key(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "version: 1\nfamilies:\n  - name: as-i-said\n    label: as I said\n    patterns: [as I said]\n"
        "  - name: full-stop\n    patterns: [full stop]\n",
        encoding="utf-8",
    )
    lex = lexicon.load(path)
    terms = lexicon.resolve_terms(["as-i-said", "full-stop", "our partners"], lex)
    assert [t.shown for t in terms] == ["as I said", "full-stop", "our partners"]  # no label: the name
    assert list(lexicon.describe(terms)["label"]) == ["as I said", "full-stop", "our partners"]
    table = pd.DataFrame({"period": ["2019"] * 3, "phrase": ["as-i-said", "full-stop", "our partners"], "count": 1})
    shown = lexicon.labelled(table, terms)
    assert list(shown.columns) == ["period", "phrase", "label", "count"]
    assert list(shown["phrase"]) == ["as-i-said", "full-stop", "our partners"]  # the keys stay
    assert list(shown["label"]) == ["as I said", "full-stop", "our partners"]


def test_every_family_and_category_of_the_project_has_a_label():
    for kind in ("phrases", "rhetoric"):
        for term in lexicon.load(kind=kind).entries:
            assert term.label and "-" not in term.label, (kind, term.name)  # readers never see a slug
