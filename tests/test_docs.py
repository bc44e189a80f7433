"""Docs that must not drift from the code."""

import re

import pytest

from analysis import config
from analysis.ingest import DOCUMENT_SCHEMA, REPORT_FIELDS, TURN_SCHEMA
from analysis.measures import catchphrases, keyness, rhetoric
from analysis.measures.count import COUNT_COLUMNS
from analysis.measures.profile import PROFILE_COLUMNS
from analysis.publish.site import columns
from analysis.publish.site.evidence import EVIDENCE_COLUMNS
from analysis.quality.attribution import GOLD_COLUMNS
from analysis.quality.audit import AUDIT_COLUMNS, KINDS

SCHEMA = columns.load_schema()

# (schema table, the columns the code writes to that output)
OUTPUTS = [
    ("documents.parquet", DOCUMENT_SCHEMA.names),
    ("turns.parquet/", TURN_SCHEMA.names),
    ("ingest_report.csv", REPORT_FIELDS),
    ("figN_phrase_rates.csv", COUNT_COLUMNS),
    ("evidence.csv", EVIDENCE_COLUMNS),
    ("catchphrases.csv", catchphrases.COLUMNS),
    ("figN_keyness.csv", keyness.COLUMNS),
    ("rhetoric-labels.csv", rhetoric.LABEL_COLUMNS),
    ("audit", AUDIT_COLUMNS),
    ("profile", PROFILE_COLUMNS),
    ("tests/gold/**/*.csv", GOLD_COLUMNS),
    # outputs without a column constant in the code
    (
        "figN_topic_shares.csv",
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
    ("precision.csv", ["category", "hits", "labelled", "true", "precision", "precision_low", "precision_high"]),
    ("speakers", ["speaker", "words", "statements", "first_date", "last_date", "roles"]),
]


@pytest.mark.parametrize("table,column", [(name, c) for name, cols in OUTPUTS for c in cols])
def test_every_output_column_is_in_its_schema_table(table, column):
    assert column in columns.table(table, SCHEMA)["columns"], f"add `{column}` to table {table!r} in docs/columns.yaml"


@pytest.mark.parametrize("kind", KINDS)
def test_every_audit_kind_is_explained(kind):
    assert f"`{kind}`" in columns.table("audit", SCHEMA)["columns"]["kind"]["meaning"]


def test_data_dictionary_is_generated_from_the_schema():
    path = config.PROJ_ROOT / "docs" / "data-dictionary.md"
    assert path.read_text(encoding="utf-8") == columns.render_markdown(SCHEMA), (
        "docs/data-dictionary.md is out of date with docs/columns.yaml: run `python -m analysis docs`"
    )


def test_glossary_takes_the_first_table_and_covers_every_table():
    gloss = columns.glossary(SCHEMA)
    assert gloss["doc_id"] == SCHEMA["tables"][0]["columns"]["doc_id"]["meaning"]
    assert {c for t in SCHEMA["tables"] for c in t["columns"]} == set(gloss)


def write(tmp_path, text):
    path = tmp_path / "columns.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_schema_rejects_a_table_without_columns(tmp_path):
    path = write(
        tmp_path,
        "version: 1\ntables:\n- name: a.csv\n  title: A\n  columns:\n"
        "    x: {meaning: The x.}\n- name: b.csv\n  title: B\n",
    )
    with pytest.raises(ValueError, match=r"'b\.csv' has no columns"):
        columns.load_schema(path)


@pytest.mark.parametrize("meaning", ['""', "'  '", "null"])
def test_load_schema_rejects_an_empty_meaning(tmp_path, meaning):
    path = write(
        tmp_path,
        f"version: 1\ntables:\n- name: a.csv\n  title: A\n  columns:\n"
        f"    x: {{meaning: The x.}}\n    y: {{type: int, meaning: {meaning}}}\n",
    )
    with pytest.raises(ValueError, match=r"'a\.csv', column 'y' has an empty meaning"):
        columns.load_schema(path)


def test_load_schema_accepts_a_small_schema_and_renders_it(tmp_path):
    path = write(
        tmp_path,
        "version: 1\ntables:\n- name: a.csv\n  title: A table\n  intro: Before.\n  outro: After.\n"
        "  columns:\n    x: {type: int, meaning: The x.}\n    'y': {meaning: A | B.}\n",
    )
    text = columns.render_markdown(columns.load_schema(path))
    assert "generated from `docs/columns.yaml` by `python -m analysis docs`" in text
    assert "## A table\n\nBefore.\n\n| column | type | meaning |" in text
    assert "| `x` | int | The x. |\n| `y` |  | A \\| B. |\n\nAfter.\n" in text


def test_readme_commands_exist_in_the_makefile():
    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (config.PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("all", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (config.PROJ_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_says_what_the_default_corpus_holds(default_corpus):
    """The README's corpus table is made from the data (python -m analysis docs --readme)."""
    from analysis.publish.site import holdings

    assert holdings.readme_section() == holdings.markdown(default_corpus), (
        "README.md's corpus section is out of date: run `python -m analysis docs --readme`"
    )


def _documented_commands(text: str) -> list[tuple[str, list[str]]]:
    """Each ``python -m analysis NAME --flag …`` of a text (continued lines joined): its name and flags."""
    import re

    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for match in re.finditer(r"python -m analysis ([a-z][a-z-]*)([^\n`|]*)", joined):
        rest = match.group(2).split("#")[0]
        found.append((match.group(1), re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest)))
    return found


@pytest.mark.parametrize("doc", ["README.md", "src/analysis/README.md"])
def test_every_documented_command_and_option_exists(doc):
    """The commands and options the docs show are the registry's: a renamed flag fails here."""
    from analysis.cli import build_parser, units

    registered = units()
    parser = build_parser(registered)
    sub = next(a for a in parser._actions if a.dest == "command").choices
    shown = _documented_commands((config.PROJ_ROOT / doc).read_text(encoding="utf-8"))
    assert shown or doc != "README.md"
    for name, flags in shown:
        assert name in registered, f"{doc}: `python -m analysis {name}` is no command"
        known = {o for a in sub[name]._actions for o in a.option_strings}
        unknown = [f for f in flags if f not in known]
        assert not unknown, f"{doc}: `{name}` has no option {unknown} (has {sorted(known)})"


DOCS = sorted([*(config.PROJ_ROOT / "docs").glob("*.md"), *(config.PROJ_ROOT / "docs" / "decisions").glob("*.md")])
_PATH = re.compile(r"`((?:src|tests|docs|config|notebooks|benchmarks)/[^`<>*\s]+)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_a_document_names_exists(doc):
    """The recipes and decision records name files to touch: each must exist (placeholders aside)."""
    missing = [m for m in _PATH.findall(doc.read_text(encoding="utf-8")) if not (config.PROJ_ROOT / m).exists()]
    assert not missing, f"{doc.name} names files that do not exist: {missing}"
