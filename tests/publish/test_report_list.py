"""The project's report list (config/reports.yaml): which reports, from which notebooks, with what.

Replaces the old ``len(specs) >= 2`` check: the names and notebooks are asserted exactly, and
every parameter a report sets must be declared, with the same type, in its notebook's
``parameters`` cell (as papermill sees it).
"""

from __future__ import annotations

import papermill as pm
import pytest

from analysis import config
from analysis.measures import lexicon
from analysis.publish.render.specs import load_specs

REPORTS = [
    ("seed-bishkek-2025", "01-track-phrases.ipynb"),
    ("kremlin-phrase-families", "01-track-phrases.ipynb"),
    ("kremlin-catchphrases", "02-find-catchphrases.ipynb"),
    ("kremlin-topics", "03-track-topics.ipynb"),
    ("kremlin-rhetoric", "04-mark-rhetoric.ipynb"),
    ("putin-before-after-2014", "05-compare-periods.ipynb"),
    ("putin-us-presidents", "07-compare-leaders.ipynb"),
    ("seed-profile", "06-profile-statement.ipynb"),
]
SPECS = {spec.name: spec for spec in load_specs()}
# papermill's inferred type name of a parameter's default -> the Python type a report may set it to
TYPES = {"str": str, "int": int, "bool": bool, "list": list, "float": float}


def test_report_names_and_notebooks_in_order():
    assert [(s.name, s.notebook) for s in load_specs()] == REPORTS


@pytest.mark.parametrize("name", [name for name, _ in REPORTS])
def test_report_has_a_title_and_summary(name):
    spec = SPECS[name]
    assert spec.title.strip() and spec.summary.strip()
    assert "\n" not in spec.summary  # folded (>-) YAML: one line in the gallery


@pytest.mark.parametrize("name", [name for name, _ in REPORTS])
def test_report_parameters_are_declared_in_its_notebook(name):
    spec = SPECS[name]
    path = config.NOTEBOOKS_DIR / spec.notebook
    assert path.is_file(), path
    declared = pm.inspect_notebook(str(path))
    assert declared, f"{spec.notebook} has no cell tagged 'parameters'"
    unknown = sorted(set(spec.parameters) - set(declared))
    assert unknown == [], f"{name}: {unknown} not declared in {spec.notebook} ({sorted(declared)})"
    for key, value in spec.parameters.items():
        expected = TYPES[declared[key]["inferred_type_name"]]
        assert type(value) is expected, f"{name}: {key}={value!r} is not a {expected.__name__}"


@pytest.mark.parametrize(
    "name, key, families, ad_hoc",
    [
        ("seed-bishkek-2025", "phrases", ["finality", "military-means", "legally-impossible"], ["complete nonsense"]),
        (
            "kremlin-phrase-families",
            "phrases",
            ["emphasis", "our-partners", "as-i-said", "finality", "legally-impossible"],
            [],
        ),
        (
            "putin-us-presidents",
            "phrases",
            ["our-partners", "terrorism", "sovereignty", "threat-of-force", "finality"],
            [],
        ),
    ],
)
def test_report_phrases_name_existing_families(name, key, families, ad_hoc):
    """A renamed family would silently become an ad-hoc phrase that never matches."""
    terms = lexicon.resolve_terms(SPECS[name].parameters[key])
    assert [t.name for t in terms if t.is_family] == families
    assert [t.name for t in terms if not t.is_family] == ad_hoc


def test_seed_reports_point_at_the_seed_statement(default_corpus):
    """The seed reports select the Meduza source and the seed document, which the default corpus holds."""
    docs = default_corpus.documents.set_index("doc_id")
    doc_id = SPECS["seed-profile"].parameters["doc_id"]
    assert docs.loc[doc_id, "source"] == SPECS["seed-bishkek-2025"].parameters["source"] == "Meduza (English edition)"
    kremlin = {name for name, spec in SPECS.items() if spec.parameters.get("source") == "en.kremlin.ru"}
    assert kremlin == {
        "kremlin-phrase-families",
        "kremlin-catchphrases",
        "kremlin-topics",
        "kremlin-rhetoric",
        "putin-before-after-2014",
    }
    # 7,085 pages of the archive, less 171 with an empty body and 6 duplicates of another page
    assert (docs["source"] == "en.kremlin.ru").sum() == 6908


def test_the_leaders_report_compares_putin_with_the_us_presidents(default_corpus):
    """Its sides are a speaker and a group of config/speakers.yaml, both with words in its dates."""
    from analysis.selection import Selection

    params = SPECS["putin-us-presidents"].parameters
    assert params["speakers"] == ["Vladimir Putin", "US presidents"]
    members = default_corpus.expand_speakers(["US presidents"])
    base = Selection.of(start=params["start"], end=params["end"])
    speaking = [m for m in members if not default_corpus.select(base.with_(speaker=m)).turns.empty]
    assert speaking == ["Bill Clinton", "George W. Bush", "Barack Obama", "Donald Trump"]
