"""Column meanings: one source, ``docs/columns.yaml``, and what is generated from it.

The schema lists every output (``tables``), in the order of the data dictionary; each table has a
``name`` (the output), a ``title`` (its heading), optional ``intro``/``outro`` prose (Markdown),
an optional ``produced_by`` and ``columns``: an ordered mapping ``column: {type, meaning}`` (``type``
optional). A section that is prose only has ``columns: {}``.

* :func:`render_markdown` / :func:`write_markdown` – ``docs/data-dictionary.md`` (``python -m
  analysis docs``); ``tests/test_docs.py`` fails when the file is out of date;
* :func:`write_column_dictionary` – the ``README.md`` of each published report folder;
* :func:`glossary` and :func:`undocumented_columns` – for code and tests.

In :func:`glossary` the first table that lists a column wins. A published report's ``README.md``
describes each CSV with the meanings of the table named like the file first (``evidence.csv``,
``figN_keyness.csv``), then those of the last table, ``report-extras``, then the glossary's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config, safe_yaml

EXTRAS = "report-extras"
HEADER = (
    "# Data dictionary\n\n"
    "_This file is generated from `docs/columns.yaml` by `python -m analysis docs`: do not edit it by hand; "
    "edit `docs/columns.yaml` and run the command again._\n"
)
UNDESCRIBED = "see docs/data-dictionary.md"


def schema_path() -> Path:
    """``docs/columns.yaml`` under the project root."""
    return config.PROJ_ROOT / "docs" / "columns.yaml"


def load_schema(path: Path | str | None = None) -> dict[str, Any]:
    """Read and check the schema; a ValueError names the table (and column) that is wrong."""
    path = Path(path or schema_path())
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"), what=str(path))
    except safe_yaml.YamlError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tables"), list):
        raise ValueError(f"{path}: expected a mapping with a 'tables' list")
    if "version" not in data:
        raise ValueError(f"{path}: no 'version'")
    names: set[str] = set()
    for i, table in enumerate(data["tables"]):
        name = _check_table(path, i, table, names)
        for column, spec in table["columns"].items():
            _check_column(f"{path}: table {name!r}, column {column!r}", column, spec)
    return data


def _check_table(path: Path, i: int, table, names: set[str]) -> str:
    """A table's name, title, texts and columns mapping (its name is added to ``names``)."""
    if not isinstance(table, dict):
        raise ValueError(f"{path}: table #{i + 1} is not a mapping")
    name = table.get("name")
    label = f"table {name!r}" if name else f"table #{i + 1}"
    for key in ("name", "title"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ValueError(f"{path}: {label} has no {key}")
    if name in names:
        raise ValueError(f"{path}: {label} appears twice")
    names.add(str(name))
    for key in ("intro", "outro", "produced_by"):
        if table.get(key) is not None and not isinstance(table[key], str):
            raise ValueError(f"{path}: {label}: {key} must be text")
    if not isinstance(table.get("columns"), dict):
        raise ValueError(f"{path}: {label} has no columns (write `columns: {{}}` for a prose-only section)")
    return str(name)


def _check_column(where: str, column, spec) -> None:
    """A column's name, meaning and type (``where``: the file, table and column, for the message)."""
    if not isinstance(column, str):
        raise ValueError(f"{where}: the name must be text (quote it)")
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected {{type, meaning}}")
    meaning = spec.get("meaning")
    if not isinstance(meaning, str) or not meaning.strip():
        raise ValueError(f"{where} has an empty meaning")
    if spec.get("type") is not None and not isinstance(spec["type"], str):
        raise ValueError(f"{where}: type must be text")
    unknown = set(spec) - {"type", "meaning"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def table(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The schema table called ``name`` (KeyError if there is none)."""
    for t in (schema or load_schema())["tables"]:
        if t["name"] == name:
            return t
    raise KeyError(name)


def glossary(schema: dict[str, Any] | None = None) -> dict[str, str]:
    """Column name -> meaning over all tables; the first table that lists a column wins."""
    out: dict[str, str] = {}
    for t in (schema or load_schema())["tables"]:
        for column, spec in t["columns"].items():
            out.setdefault(column, spec["meaning"].strip())
    return out


def _csv_glossary(filename: str, schema: dict[str, Any]) -> dict[str, str]:
    """Meanings for one CSV of a published report: those of the table named like the file (``figN``
    matching any figure number), then ``report-extras``, then :func:`glossary`."""

    def own(t: dict[str, Any]) -> bool:
        return (
            t["name"] == EXTRAS or re.fullmatch(re.escape(t["name"]).replace("figN", r"fig\d+"), filename) is not None
        )

    out = glossary(schema)
    for t in sorted((t for t in schema["tables"] if own(t)), key=lambda t: t["name"] != EXTRAS):
        out.update({c: s["meaning"].strip() for c, s in t["columns"].items()})
    return out


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, ``|`` escaped."""
    return " ".join(text.split()).replace("|", r"\|")


def render_markdown(schema: dict[str, Any] | None = None) -> str:
    """The whole of ``docs/data-dictionary.md``."""
    schema = schema or load_schema()
    parts = [HEADER]
    if (schema.get("intro") or "").strip():
        parts.append(schema["intro"].strip() + "\n")
    for t in schema["tables"]:
        parts.append(f"## {t['title'].strip()}\n")
        if (t.get("intro") or "").strip():
            parts.append(t["intro"].strip() + "\n")
        columns = t["columns"]
        if columns:
            typed = any(spec.get("type") for spec in columns.values())
            rows = [
                "| column | type | meaning |\n| --- | --- | --- |" if typed else "| column | meaning |\n| --- | --- |"
            ]
            for column, spec in columns.items():
                cells = [f"`{column}`"] + ([_cell(spec.get("type") or "")] if typed else []) + [_cell(spec["meaning"])]
                rows.append("| " + " | ".join(cells) + " |")
            parts.append("\n".join(rows) + "\n")
        if (t.get("outro") or "").strip():
            parts.append(t["outro"].strip() + "\n")
    return "\n".join(parts)


def markdown_path() -> Path:
    """``docs/data-dictionary.md`` under the project root."""
    return config.PROJ_ROOT / "docs" / "data-dictionary.md"


def write_markdown(path: Path | str | None = None) -> Path:
    """Regenerate ``docs/data-dictionary.md`` (or ``path``) from the schema; returns the path."""
    out = Path(path or markdown_path())
    out.write_text(render_markdown(), encoding="utf-8")
    return out


def _version(corpus: dict) -> str:
    """ "data version `abc` of 120 statements" (a report's data) or "corpus version `abc`"."""
    if corpus.get("data_version"):
        return f"data version `{corpus['data_version']}` of {corpus.get('documents')} statements"
    return f"corpus version `{corpus.get('corpus_version')}`"


def write_column_dictionary(folder: Path, *, notebook: str | None, title: str, parameters: dict, corpus: dict) -> Path:
    """``README.md`` in a report's folder: which notebook made it, and every CSV's columns
    (``notebook`` None: a notebook run by hand)."""
    schema = load_schema()
    made = (
        f"Made by `notebooks/{notebook}` (rendered with papermill by `python -m analysis render`)"
        if notebook
        else "Made by a notebook run by hand (JupyterLab or papermill; not published)"
    )
    lines = [
        f"# {title}",
        "",
        f"{made} on {_version(corpus)} ({corpus.get('date_min')} to {corpus.get('date_max')}).",
        "",
        "Parameters:",
        "",
        "```json",
        json.dumps(parameters, indent=1, ensure_ascii=False, sort_keys=True),
        "```",
        "",
    ]
    for csv_path in sorted(folder.glob("*.csv")):
        columns = list(pd.read_csv(csv_path, nrows=0).columns)
        meanings = _csv_glossary(csv_path.name, schema)
        lines += [f"## {csv_path.name}", "", "| column | meaning |", "| --- | --- |"]
        for c in columns:
            lines.append(f"| `{c}` | {_cell(meanings.get(c, UNDESCRIBED))} |")
        lines.append("")
    out = folder / "README.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def undocumented_columns(folder: Path) -> list[str]:
    """CSV columns in a report folder that the schema does not describe (for tests)."""
    schema = load_schema()
    missing = []
    for csv_path in sorted(folder.glob("*.csv")):
        meanings = _csv_glossary(csv_path.name, schema)
        for c in pd.read_csv(csv_path, nrows=0).columns:
            if c not in meanings:
                missing.append(f"{csv_path.name}:{c}")
    return missing
