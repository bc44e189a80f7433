"""The house's layout: stages import only from earlier stages, no cycles, no module over 400 lines.

Stages, in order: shared (config, errors, safe_yaml, csvout, text, tokens, names, speakers, params,
engine, selection) → ingest → processed (corpus, index) → measures → quality → publish → cli. A module may import from
its own stage and from earlier ones, never from a later one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis import config

PACKAGE = config.PROJ_ROOT / "src" / "analysis"
STAGES = ["shared", "ingest", "processed", "measures", "quality", "publish", "cli"]
SHARED = {
    "config",
    "errors",
    "safe_yaml",
    "csvout",
    "parquet",
    "text",
    "tokens",
    "names",
    "speakers",
    "selection",
    "params",
    "engine",
    "__init__",
}


def stage_of(module: str) -> str:
    parts = module.split(".")  # analysis.x.y
    head = parts[1] if len(parts) > 1 else "__init__"
    if head in SHARED:
        return "shared"
    if head in ("corpus", "index"):
        return "processed"
    if head in ("cli", "__main__"):
        return "cli"
    return head


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def imports_of(path: Path) -> set[str]:
    """Every ``analysis`` module a file imports, at any depth (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            found.add(node.module)
            for alias in node.names:
                if f"{node.module}.{alias.name}" in MODULES:
                    found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("analysis"))
    return found


MODULES = modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_from_a_later_stage(module):
    mine = STAGES.index(stage_of(module))
    later = sorted(m for m in imports_of(MODULES[module]) if STAGES.index(stage_of(m)) > mine)
    assert not later, f"{module} ({stage_of(module)}) imports from a later stage: {later}"


def test_there_are_stage_folders():
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} >= {
        "ingest",
        "measures",
        "publish",
    }


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_source_file_is_over_400_lines(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{module}: {lines} lines"


def test_no_import_cycle():
    graph = {m: {i for i in imports_of(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    # a package's __init__ re-exporting its own modules is not a cycle of the house
    graph = {m: {i for i in deps if not (m.startswith(i + ".") or i.startswith(m + "."))} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(d) :], d]))
            if d not in state:
                visit(d, [*path, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


NOTEBOOKS = sorted((config.PROJ_ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_only_narrate(path):
    """At most 30 code lines (parameters included), no wrangling: each result is a call on the story."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    lines = [line for source in code for line in source.splitlines() if line.strip()]  # blank lines are no code
    assert len(lines) <= 30, f"{path.name}: {len(lines)} code lines"
    body = "\n".join(code[1:])  # after the parameters cell
    for forbidden in ("import pandas", "pd.", ".groupby(", ".merge(", "display(", "lambda"):
        assert forbidden not in body, f"{path.name} does {forbidden!r} itself: move it into its story"
    assignments = [n for n in ast.parse(body).body if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))]
    assert len(assignments) <= 1, f"{path.name} computes in the notebook: only the story is assigned"


# publish/ in rooms by job, each importing only from the rooms under it: the escaping rules, then sentences
# (wording), charts (drawing), site (pages and templates), the explorer, the stories, rendering, commands.
PUBLISH_FLOORS = [{"escaping"}, {"sentences"}, {"charts"}, {"site"}, {"explorer"}, {"stories"}, {"render"}]
PUBLISH_TOP = {"build", "docs", "__init__"}


def publish_room(module: str) -> str | None:
    parts = module.split(".")
    return (parts[2] if len(parts) > 2 else "__init__") if parts[:2] == ["analysis", "publish"] else None


def publish_floor(room: str) -> int:
    return next((i for i, rooms in enumerate(PUBLISH_FLOORS) if room in rooms), len(PUBLISH_FLOORS))


@pytest.mark.parametrize("module", sorted(m for m in MODULES if publish_room(m)))
def test_publish_rooms_import_only_from_the_rooms_under_them(module):
    mine = publish_room(module)
    assert mine in PUBLISH_TOP or any(mine in rooms for rooms in PUBLISH_FLOORS), f"{module}: a room of no floor"
    above = sorted(
        i
        for i in imports_of(MODULES[module])
        if (room := publish_room(i)) and room != mine and publish_floor(room) >= publish_floor(mine)
    )
    assert not above, f"{module} ({mine}) imports from a room on its floor or above: {above}"


def test_publish_keeps_few_modules_outside_its_rooms():
    loose = sorted(p.name for p in (PACKAGE / "publish").glob("*.py"))
    assert len(loose) <= 8, f"publish/ has {len(loose)} modules outside its sub-packages: {loose}"


def _html_strings(path: Path) -> list[int]:
    """Lines of string literals (docstrings aside) that hold an HTML tag."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    tag = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z][a-zA-Z0-9]*|!)[\s>/\"]")
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and tag.search(node.value)
        }
    )


def test_publish_builds_no_html_in_python_strings():
    """Pages and fragments are templates (publish/site/templates); at most 7 lines of Python touch markup
    (fixes to nbconvert's output, the attributes an inline SVG gets, a drawing's links read out of it and
    the place before its end where the notebook's HTML links go: ``report.html_links``)."""
    found = {
        str(p.relative_to(PACKAGE)): lines
        for p in sorted((PACKAGE / "publish").rglob("*.py"))
        if (lines := _html_strings(p))
    }
    assert sum(map(len, found.values())) <= 7, found


def test_tests_mirror_the_package():
    """A folder of tests is a folder of the package (besides fixtures, gold sets and fault injection)."""
    tests = config.PROJ_ROOT / "tests"
    folders = {p.relative_to(tests) for p in tests.rglob("*") if p.is_dir() and (p / "__init__.py").exists()}
    outside = {"faults", "fixtures", "gold"}
    stray = sorted(str(f) for f in folders if f.parts[0] not in outside and not (PACKAGE / f).is_dir())
    assert not stray, f"test folders with no package folder of the same name: {stray}"
