"""A notebook's parameters as the story gets them: declared, checked and coerced in one place.

The ``parameters`` cell declares each parameter with a type (``phrases: list = [...]  # help``).
Papermill injects the values it is given in a cell of plain assignments after it (``-p phrases
"our partners"`` becomes ``phrases = "our partners"``). :func:`from_namespace` reads both from the
notebook's namespace: it fails on a name the injected cell sets that the notebook does not declare
(a misspelt ``-p phrse``), and turns values given on the command line into the declared type: a
list parameter accepts one string (``"our partners"``) or a comma-separated one (``"a, b"``); for a
phrase that holds a comma, give the list in YAML (``-y phrases '["well, you know"]'``).
"""

from __future__ import annotations

import ast
import difflib
from typing import Any

from analysis.errors import ParameterError
from analysis.params import coerce

__all__ = ["coerce", "from_namespace", "injected_names"]

INJECTED_MARK = "# Parameters"  # papermill's first line of the cell it injects


def injected_names(history: list[str] | None) -> list[str]:
    """The names papermill's injected cell assigns (the last such cell in the kernel's input history)."""
    for source in reversed(history or []):
        if isinstance(source, str) and source.lstrip().startswith(INJECTED_MARK):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            assigns = [node for node in tree.body if isinstance(node, ast.Assign)]
            return [t.id for node in assigns for t in node.targets if isinstance(t, ast.Name)]
    return []


def from_namespace(namespace: dict) -> dict[str, Any]:
    """The declared parameters' values from a notebook's namespace, coerced to their declared types.

    Unknown names set by papermill raise :class:`ParameterError` naming them, the closest declared
    name, and every declared one."""
    declared: dict[str, Any] = dict(namespace.get("__annotations__") or {})
    if not declared:
        raise ParameterError(
            "the notebook declares no parameters (a cell tagged 'parameters' with 'name: type = value' lines)"
        )
    unknown = [n for n in injected_names(namespace.get("In")) if n not in declared]
    if unknown:
        hints = []
        for n in unknown:
            close = difflib.get_close_matches(n, list(declared), n=1)
            hints.append(f"{n!r} (did you mean {close[0]!r}?)" if close else repr(n))
        raise ParameterError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; "
            f"this notebook's parameters: {', '.join(declared)}"
        )
    return {name: coerce(name, namespace.get(name), kind) for name, kind in declared.items() if name in namespace}
