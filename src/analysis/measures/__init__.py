"""Measures: one module per question, found by the :func:`measures` registry, as importers are.

A module of this package that defines ``MEASURE = Measure(...)`` is registered: its name (the
command line's sub-command), one help line, one parameter dataclass (:mod:`analysis.params`: names,
help, defaults and checks, declared once), the table of ``docs/columns.yaml`` that documents its
output, and ``compute(corpus, params) -> Result``. The command line's sub-commands and options,
and the stories' and notebooks' parameters, are made from these declarations; adding a measure is
one module, its columns and its tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass
class Result:
    """What a measure computed: its table (Arrow or pandas), the evidence rows its numbers add up
    (computed when first asked for, from the same search), hints and notes for the user."""

    table: Any
    quotes: Callable[[], Any] | None = None
    hints: list[str] = field(default_factory=list)  # how the question could be asked better
    notes: list[str] = field(default_factory=list)  # what the user should know (printed as they are)
    searched: list[str] = field(default_factory=list)  # whose words, which dates and source: one line each
    _evidence: Any = None

    @property
    def evidence(self) -> Any:
        """The quotes behind the table (a DataFrame, oldest first), or None for a measure without any."""
        if self._evidence is None and self.quotes is not None:
            self._evidence = self.quotes()
        return self._evidence


def per_speaker(corpus: Any, params: Any, table_of: Callable[[Any], Any]) -> Result:
    """A measure computed speaker by speaker (``table_of(selection)``, a DataFrame or an Arrow table
    each), as one table whose first column names the speaker."""
    selections = corpus.selections(params)
    tables = [_with_speaker(table_of(s), s.speaker) for s in selections]
    if len(tables) == 1:
        out = tables[0]
    elif type(tables[0]).__module__.startswith("pyarrow"):
        import pyarrow as pa

        out = pa.concat_tables(tables)
    else:
        import pandas as pd

        out = pd.concat(tables, ignore_index=True)
    return Result(out, searched=[s.describe() for s in selections])


def _with_speaker(table: Any, speaker: str) -> Any:
    if type(table).__module__.startswith("pyarrow"):
        if "speaker" in table.column_names:
            return table
        import pyarrow as pa

        return table.add_column(0, "speaker", pa.array([speaker] * table.num_rows, pa.string()))
    if "speaker" not in table.columns:
        table.insert(0, "speaker", speaker)
    return table


@dataclass(frozen=True)
class Measure:
    """A registered measure (see the module)."""

    name: str
    help: str
    params: type
    columns: str  # the table of docs/columns.yaml its output is
    compute: Callable[[Any, Any], Result]
    formats: tuple[str, ...] = ("csv", "json")
    lean: bool = False  # works on Arrow tables only (the command line then need not import pandas)


@lru_cache(maxsize=1)
def measures() -> dict[str, Measure]:
    """Every registered measure by name, in name order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        unit = getattr(importlib.import_module(f"{__name__}.{info.name}"), "MEASURE", None)
        if unit is not None:
            found[unit.name] = unit
    return dict(sorted(found.items()))


def measure(name: str) -> Measure:
    """The measure called ``name``: its own module is tried first (``count`` in ``count.py``), so a
    command imports only what it needs; :class:`KeyError` when none is."""
    try:
        unit = getattr(importlib.import_module(f"{__name__}.{name.replace('-', '_')}"), "MEASURE", None)
    except ImportError:
        unit = None
    if unit is not None and unit.name == name:
        return unit
    return measures()[name]
