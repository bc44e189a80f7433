"""Measures and commands are registered units: each declares its parameters once (a typed dataclass), and
the command line, the notebooks' parameters cells, the stories and config/reports.yaml are checked
against that one declaration."""

from __future__ import annotations

import dataclasses
import io
import json

import pandas as pd
import pytest

from analysis import config, params
from analysis.cli import build_parser, main, units
from analysis.errors import ParameterError
from analysis.measures import measures
from analysis.publish.docs import expected_cell, parameter_cell
from analysis.publish.render.specs import load_specs
from analysis.publish.site.columns import load_schema
from analysis.publish.stories import stories

CLI_DIR = config.PROJ_ROOT / "src" / "analysis" / "cli"


def test_every_sub_command_is_a_registered_unit():
    registered = units()
    parser = build_parser(registered)
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(registered)
    assert set(measures()) <= set(registered)
    assert {"ingest", "render", "build", "docs", "audit", "score-attribution"} <= set(registered)


def test_the_command_line_is_at_most_250_lines():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in CLI_DIR.glob("*.py"))
    assert lines <= 250, lines


@pytest.mark.parametrize("name", sorted(units()))
def test_every_parameter_is_an_option_with_help(name):
    unit = units()[name]
    parser = build_parser({name: unit})
    sub = next(a for a in parser._actions if a.dest == "command").choices[name]
    options = {a.dest: a for a in sub._actions}
    for f in dataclasses.fields(unit.params):
        assert f.metadata["help"].strip(), (name, f.name)
        if f.metadata["cli"]:
            assert f.name in options, (name, f.name)
            assert f.metadata["help"] in options[f.name].help


def test_one_name_per_idea_across_measures():
    """A parameter name means one thing: the same name carries the same help wherever it is declared."""
    seen: dict[str, str] = {}
    classes = [u.params for u in units().values()] + [s.PARAMS for s in stories().values()]
    for cls in classes:
        for f in dataclasses.fields(cls):
            if f.name in seen:
                assert seen[f.name] == f.metadata["help"], f.name
            seen[f.name] = f.metadata["help"]
    assert not {"min_words", "max_words", "by", "min_n", "min_docs", "speaker"} & set(seen)


@pytest.mark.parametrize("notebook", sorted(stories()))
def test_a_notebooks_parameters_cell_is_its_storys_declaration(notebook):
    _, cell = parameter_cell(config.NOTEBOOKS_DIR / notebook)
    assert cell is not None
    assert "".join(cell["source"]) == expected_cell(notebook), "run `python -m analysis docs`"


def test_every_report_of_the_list_passes_its_storys_checks():
    for spec in load_specs():
        stories()[spec.notebook].PARAMS.of(spec.parameters)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"phrse": ["x"]}, r"unknown parameter 'phrse' \(did you mean 'phrases'\?\)"),
        ({"period": "week"}, "period must be one of year, month, document; got 'week'"),
        ({"smooth_periods": "two"}, "parameter smooth_periods must be a whole number; got 'two'"),
        ({"smooth_periods": -1}, "smooth_periods must be at least 0; got -1"),
        ({"per": "minutes"}, "per must be one of words, statements, raw"),
        ({"speakers": ""}, "speakers is required"),
    ],
)
def test_a_bad_value_is_one_parameter_error_naming_it(values, message):
    story = stories()["01-track-phrases.ipynb"]
    with pytest.raises(ParameterError, match=message):
        story.PARAMS.of(values)


def test_values_are_coerced_from_text_as_papermill_gives_them():
    story = stories()["01-track-phrases.ipynb"]
    got = story.PARAMS.of({"phrases": "our partners, finality", "breakdown": "yes", "smooth_periods": "3"})
    assert got.phrases == ["our partners", "finality"] and got.breakdown is True and got.smooth_periods == 3
    assert got.speakers == [config.DEFAULT_SPEAKER]


def test_a_storys_own_default_keeps_the_measures_help():
    story = stories()["02-find-catchphrases.ipynb"]
    mine = {f.name: f for f in dataclasses.fields(story.PARAMS)}
    base = {f.name: f for f in dataclasses.fields(units()["catchphrases"].params)}
    assert mine["top"].default == 25 and base["top"].default == 50
    assert mine["top"].metadata == base["top"].metadata


@pytest.fixture(scope="module")
def tables(fixture_corpus, tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Each measure's CSV on the fixture corpus, as the command line writes it."""
    asked = {
        "count": ["--phrase", "stress"],
        "kwic": ["--phrase", "stress"],
        "dispersion": ["--phrase", "stress"],
        "changes": ["--phrase", "stress", "--permutations", "99"],
        "keyness": ["--split", "2020-06-01", "--min-freq", "1"],
        "profile": ["--doc-id", "statements-2021-06-01-test-remarks"],
        "nmf-topics": None,  # too few paragraphs in the fixture: its columns are checked by test_topics
        "rhetoric-precision": [],
    }
    out = {}
    for name, unit in measures().items():
        args = asked.get(name, [])
        if args is None:
            continue
        corpus = ["--processed", str(fixture_corpus.path)] if issubclass(unit.params, params.CorpusParams) else []
        path = tmp_path_factory.mktemp("m") / f"{name}.csv"
        assert main([name, *corpus, *args, "--format", "csv", "--out", str(path)]) == 0, name
        out[name] = pd.read_csv(path)
    return out


def test_every_measures_columns_are_documented_in_its_table(tables):
    schema = {t["name"]: t for t in load_schema()["tables"]}
    for name, table in tables.items():
        documented = set(schema[measures()[name].columns]["columns"])
        assert set(table.columns) - {"speaker"} <= documented, (name, set(table.columns) - documented)


def test_json_has_the_csv_rows(fixture_corpus, capsys):
    args = ["count", "--processed", str(fixture_corpus.path), "--phrase", "stress"]
    assert main([*args, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(records) == len(rows) and list(records[0]) == list(rows.columns)
