"""``python -m analysis docs``: the documents written from code, so that they cannot drift from it.

* ``docs/data-dictionary.md`` from ``docs/columns.yaml`` (the column schema);
* each notebook's ``parameters`` cell from its story's parameter dataclass (the one declaration of
  its names, defaults and help);
* with ``--readme``, the README's section on what the corpus holds, from the processed corpus.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.params import Command, CorpusParams, cell, param

PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class DocsParams(CorpusParams):
    out: str = param("", "write the data dictionary here; empty for docs/data-dictionary.md")
    readme: bool = param(False, "also rewrite README.md's section on what the corpus holds, from the corpus")


def parameter_cell(notebook: Path) -> tuple[dict, dict | None]:
    """A notebook (as JSON) and its cell tagged ``parameters`` (None when it has none)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    return nb, (cells[0] if cells else None)


def expected_cell(notebook_name: str) -> str | None:
    """The ``parameters`` cell the notebook's story declares (None for a notebook without a story)."""
    from analysis.publish.stories import stories

    story = stories().get(notebook_name)
    return cell(story.PARAMS) if story is not None else None


def write_parameter_cells(folder: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """Rewrite every story notebook's ``parameters`` cell from its dataclass; the notebooks changed."""
    changed = []
    for notebook in sorted(folder.glob("*.ipynb")):
        want = expected_cell(notebook.name)
        nb, params_cell = parameter_cell(notebook)
        if want is None or params_cell is None or "".join(params_cell["source"]) == want:
            continue
        params_cell["source"] = want.splitlines(keepends=True)
        notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(notebook)
    return changed


def _run(p: DocsParams) -> int:
    from analysis.publish.site.columns import write_markdown

    print(f"docs: wrote {write_markdown(p.out or None)}", file=sys.stderr)
    for notebook in write_parameter_cells():
        print(f"docs: wrote the parameters cell of {notebook.name}", file=sys.stderr)
    if p.readme:
        from analysis.corpus import Corpus
        from analysis.publish.site.holdings import update_readme

        print(f"docs: wrote {update_readme(Corpus.load(p.processed_dir or config.PROCESSED_DIR))}", file=sys.stderr)
    return 0


COMMAND = Command(
    "docs",
    "write docs/data-dictionary.md and the notebooks' parameters cells from the code that declares them",
    DocsParams,
    _run,
)
