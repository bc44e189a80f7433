"""The command line on family names: a misspelt one is an error, a family says so, ``--exact`` counts words."""

from __future__ import annotations

import io

import pandas as pd

from analysis.cli import main


def call(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_misspelt_family_is_one_line_and_exit_2(fixture_corpus, capsys):
    code, out, err = call(capsys, "count", "--processed", str(fixture_corpus.path), "--phrase", "our-partner")
    assert code == 2 and out == ""
    assert err.startswith("error: unknown phrase family 'our-partner' of phrases.yaml; closest: our-partners")
    assert err.count("\n") == 1


def test_a_family_is_named_on_stderr_and_exact_counts_the_word(fixture_corpus, capsys):
    args = ("count", "--processed", str(fixture_corpus.path), "--phrase", "finality", "--period", "year")
    code, out, err = call(capsys, *args)
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["count"].sum() == 3
    assert "“finality” is the phrase family finality (that's all there is to it): that's all there is to it," in err
    code, out, err = call(capsys, *args, "--exact")
    assert code == 0 and "phrase family" not in err
    table = pd.read_csv(io.StringIO(out))
    assert set(table["phrase"]) == {"finality"} and table["count"].sum() == 0


def test_exact_lets_a_hyphenated_word_be_counted(fixture_corpus, capsys):
    code, _, err = call(capsys, "kwic", "--processed", str(fixture_corpus.path), "--phrase", "well-known", "--exact")
    assert code == 0, err
