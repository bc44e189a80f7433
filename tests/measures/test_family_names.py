"""A misspelt family name is an error naming the closest (a hyphenated word close to none is a phrase), a family
says so, ``exact`` counts words."""

from __future__ import annotations

import pytest

from analysis.errors import PhraseError
from analysis.measures import lexicon
from analysis.measures.count import CountCommandParams, CountParams, ExactParams
from analysis.measures.count import compute as count
from analysis.measures.kwic import compute as kwic

LEX = lexicon.load()


def test_a_misspelt_family_name_is_an_error_naming_the_closest():
    with pytest.raises(PhraseError) as err:
        lexicon.resolve_terms(["our-partner"], LEX)
    message = str(err.value)
    assert message.startswith("unknown phrase family 'our-partner' of phrases.yaml; closest: our-partners")
    assert "python -m analysis families lists them" in message and "use --exact" in message


@pytest.mark.parametrize("asked", ["our partner", "Our-Partner", "well", "sanction*", "as-i-said", "so-called"])
def test_phrases_and_family_names_are_not_refused(asked):
    assert len(lexicon.resolve_terms([asked], LEX)) == 1


def test_exact_counts_every_asked_string_as_written():
    terms = lexicon.resolve_terms(["terrorism", "our-partner"], LEX, exact=True)
    assert [(t.name, t.patterns, t.is_family) for t in terms] == [
        ("terrorism", ("terrorism",), False),
        ("our-partner", ("our-partner",), False),
    ]


def test_a_family_is_named_in_the_notes_of_count_and_kwic(fixture_corpus):
    params = CountParams(phrases=["terrorism", "legally impossible"], processed_dir=str(fixture_corpus.path))
    note = "“terrorism” is the phrase family terrorism: terroris*, terror, war on terror (--exact counts the words"
    assert [n for n in count(fixture_corpus, params).notes if n.startswith("“")] == [note + " as written)"]
    found = kwic(fixture_corpus, ExactParams(phrases=["terrorism"], processed_dir=str(fixture_corpus.path)))
    assert found.notes[0] == note + " as written)"
    exact = CountCommandParams(phrases=["terrorism"], exact=True, processed_dir=str(fixture_corpus.path))
    result = count(fixture_corpus, exact)
    assert result.notes == [] and set(result.table.column("phrase").to_pylist()) == {"terrorism"}


def test_count_refuses_a_misspelt_family(fixture_corpus):
    with pytest.raises(PhraseError, match="closest: our-partners"):
        count(fixture_corpus, CountParams(phrases=["our-partner"], processed_dir=str(fixture_corpus.path)))
