"""Command line: ``python -m analysis COMMAND``, generated from the registered units.

Every sub-command is a unit declared where its work is done: a measure (``MEASURE`` in a module of
:mod:`analysis.measures` or :mod:`analysis.quality`) or a command (``COMMAND``: ingest, render,
build, docs, score-attribution). Its options are its parameter dataclass's fields
(:func:`analysis.params.add_arguments`); a measure also gets ``--format`` and ``--out``. Errors go to
stderr in one line with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

from analysis import config, csvout, params

STAGES = ("analysis.ingest", "analysis.measures", "analysis.quality", "analysis.publish")
_DECLARES = re.compile(r"^(?:MEASURE|COMMAND) = ", re.M)
CELL_WIDTH = 60  # a terminal listing shortens longer cells (the CSV has them whole)
LEAN_EXIT = False  # set when a lean measure has written its output: ``python -m analysis`` exits at once


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line (and exit status 2), like every other error of the command line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _unit_in(module: Any) -> Any:
    return getattr(module, "MEASURE", None) or getattr(module, "COMMAND", None)


def units(name: str | None = None) -> dict[str, Any]:
    """The registered units by name. For one ``name``, the module of that name is tried first in each
    stage (``count`` in ``analysis/measures/count.py``), so a command imports only what it needs."""
    if name:
        module_name = name.replace("-", "_")
        for stage in STAGES:
            for candidate in (stage, f"{stage}.{module_name}"):
                if candidate == stage and stage.rsplit(".", 1)[-1] != module_name:
                    continue
                try:
                    unit = _unit_in(importlib.import_module(candidate))
                except ModuleNotFoundError:
                    continue
                if unit is not None and unit.name == name:
                    return {name: unit}
    found = {}
    for stage in STAGES:
        package = importlib.import_module(stage)
        names = [stage] + [m.name for m in pkgutil.walk_packages(package.__path__, f"{stage}.")]
        for module_name in names:
            spec = importlib.util.find_spec(module_name)
            source = Path(spec.origin).read_text(encoding="utf-8") if spec and spec.origin else ""
            if _DECLARES.search(source):  # only modules that declare a unit are imported
                unit = _unit_in(importlib.import_module(module_name))
                found[unit.name] = unit
    return dict(sorted(found.items()))


def build_parser(registered: dict[str, Any] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for unit in (registered or units()).values():
        p = sub.add_parser(unit.name, help=unit.help, description=unit.help)
        params.add_arguments(p, unit.params)
        if hasattr(unit, "compute"):
            p.add_argument("--format", choices=unit.formats, default=unit.formats[0], help="output format")
            p.add_argument("--out", type=Path, help="write to this file instead of standard output")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _import_pyarrow()
    name = next((a for a in argv if not a.startswith("-")), None)
    registered = units(name) if name else units()
    if name and name not in registered:
        registered = units()
    args = build_parser(registered).parse_args(argv)
    unit = registered[args.command]
    try:
        given = params.from_arguments(unit.params, args)
        if not hasattr(unit, "compute"):
            return unit.run(given)
        return _measure(unit, given, args.format, args.out)
    except (ValueError, OSError) as exc:  # bad parameters, missing or unwritable files: one line, exit 2
        message = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in message:
            message += f": {exc.filename}"
        print(f"error: {message}", file=sys.stderr)
        return 2
    finally:
        if "analysis.engine" in sys.modules:  # a cluster started for this command is stopped
            sys.modules["analysis.engine"].close_all()


def _measure(unit: Any, given: Any, fmt: str, out: Path | None) -> int:
    """Compute a measure on the corpus its parameters name and write its table as ``fmt``."""
    if unit.lean:
        _settle_pyarrow_pandas_probe()
    corpus = None
    if isinstance(given, params.CorpusParams):
        from analysis.corpus import Corpus
        from analysis.engine import engine_for

        corpus = Corpus.load(given.processed_dir or config.PROCESSED_DIR)
        corpus.index.engine = engine_for(given)
    result = unit.compute(corpus, given)
    table = result.table
    if fmt == "csv":
        text = csvout.to_csv(table) or ""
    elif fmt == "json":
        text = csvout.to_json(table)
    elif fmt == "table":
        text = _listing(table)
    else:  # html: the quotes as a page saying what was searched
        from analysis.publish.site.evidence import kwic_page

        info = corpus.info if corpus is not None else {}
        shown = dict(phrases=given.phrases, searched=result.searched, corpus=info, hints=result.hints)
        text = kwic_page(result.evidence, **shown)
    _write(text, out)
    for hint in result.hints:  # after the output is written: an error stays one line
        print(f"hint: {hint}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    global LEAN_EXIT
    LEAN_EXIT = unit.lean and (corpus is None or corpus.index.engine.local)
    return 0


class _Deferred:
    """A finder of ``sys.meta_path`` that lets an import of ``names`` fail, while it is in place."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in self.names:
            raise ImportError(f"{name} is imported when it is needed")

    def __enter__(self) -> None:
        sys.meta_path.insert(0, self)

    def __exit__(self, *exc: Any) -> None:
        sys.meta_path.remove(self)


def _import_pyarrow() -> None:
    """pyarrow imports cloudpickle when it is installed (a tenth of a second with what it imports), only to
    pickle its own functions: it is imported without it (dask imports it where it needs it)."""
    if "pyarrow" not in sys.modules:
        with _Deferred("cloudpickle"):
            import pyarrow  # noqa: F401


def _settle_pyarrow_pandas_probe() -> None:
    """pyarrow imports pandas (0.3 s: more than a count takes) the first time it converts anything, only
    to check whether the input is a pandas object. A lean measure passes none: its first check is let
    find no pandas. (pyarrow still imports pandas where it is needed, ``to_pandas``.)"""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    with _Deferred("pandas"):
        pa.array([0])  # the check, made now


def _listing(table: Any) -> str:
    """A table for the terminal, long cells shortened."""
    frame = table.to_pandas() if type(table).__module__.startswith("pyarrow") else table
    if len(frame):
        frame = frame.map(lambda v: v[: CELL_WIDTH - 1] + "…" if isinstance(v, str) and len(v) > CELL_WIDTH else v)
    return frame.to_string(index=False) + "\n"


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
