"""Typed parameters, declared once: the command line, notebooks, stories and reports.yaml read them.

A unit of work (a measure, a command, a story) declares its parameters as one frozen dataclass
deriving from :class:`Params`, each field made with :func:`param` (default, help, checks). From
that single declaration:

* values are checked and coerced when the object is built (:meth:`Params.of` fails on an unknown
  name with the closest known one; a word for a number, a value outside ``choices`` or under
  ``minimum`` is a :class:`~analysis.errors.ParameterError` naming the parameter);
* the command line's options are generated (:func:`add_arguments`: ``min_statements`` becomes
  ``--min-statements``; a list field is a repeated option named after one item, ``--phrase``);
* a notebook's ``parameters`` cell is written (:func:`cell`) and checked against it by a test.

Shared pieces are dataclasses too (:class:`CorpusParams`; the selection's in
:mod:`analysis.selection`), combined by inheritance; :func:`like` gives a field a new default
without declaring it again.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from functools import cache
from typing import Any

from analysis import config
from analysis.errors import ParameterError

TRUE, FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off", ""}


def param(
    default: Any,
    help: str,
    *,
    choices: tuple | list | None = None,
    minimum: float | None = None,
    one: str | None = None,
    required: bool = False,
    cli: bool = True,
    tail: bool = False,
    positional: bool = False,
) -> Any:
    """A declared parameter: its default, the help line every interface shows, and its checks.

    ``one``: a list's item name, the command line's repeated option (``phrases`` → ``--phrase``);
    ``required``: an empty value is an error (where the default is only a placeholder);
    ``cli=False``: not an option of the command line (a notebook's own, like ``reports_dir``);
    ``tail``: where things go, not what is measured (last in a notebook's cell, not in report headers);
    ``positional``: an argument of the command line, not an option (``fetch kremlin``)."""
    meta = {"help": help, "choices": tuple(choices) if choices else None, "minimum": minimum}
    meta |= {"one": one, "required": required, "cli": cli, "tail": tail, "positional": positional}
    if isinstance(default, list):
        items = tuple(default)
        return field(default_factory=lambda: list(items), metadata=meta)
    return field(default=default, metadata=meta)


def like(cls: type, name: str, default: Any) -> Any:
    """The field ``name`` of ``cls`` (help, checks) with another default: a story's own default."""
    meta = dict(_fields(cls)[name].metadata)
    return param(default, meta.pop("help"), **{k: v for k, v in meta.items() if k != "help"})


@dataclass(frozen=True)
class Params:
    """Base of every parameter dataclass: built values are checked and coerced (see the module)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = coerce(f.name, getattr(self, f.name), _kinds(_type(self))[f.name])
            _check(f, value)
            object.__setattr__(self, f.name, value)
        self.validate()

    def validate(self) -> None:
        """Checks that involve several fields (a subclass's own; the default has none)."""

    @classmethod
    def of(cls, values: Mapping[str, Any], *, where: str = "") -> Params:
        """The parameters from a mapping (a reports.yaml entry, a notebook's namespace): an unknown name
        is an error naming the closest declared one and all of them."""
        names = list(_fields(_type(cls)))
        unknown = [n for n in values if n not in names]
        if unknown:
            hints = []
            for n in unknown:
                close = difflib.get_close_matches(str(n), names, n=1)
                hints.append(f"{n!r} (did you mean {close[0]!r}?)" if close else repr(n))
            raise ParameterError(
                f"{where}unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; "
                f"the parameters: {', '.join(names)}"
            )
        return cls(**dict(values))

    def values(self) -> dict[str, Any]:
        """Every parameter by name, in declaration order (for report headers)."""
        return {f.name: getattr(self, f.name) for f in ordered(type(self))}

    def measured(self) -> dict[str, Any]:
        """The parameters that say what is measured (not where files are): a report's header shows them."""
        return {f.name: getattr(self, f.name) for f in ordered(type(self)) if not f.metadata.get("tail")}

    def with_(self, **changes: Any) -> Params:
        return dataclasses.replace(self, **changes)


ENGINES = ("local", "dask")
ENGINE_FILE = config.CONFIG_DIR / "engine.yaml"


@cache
def configured_engine() -> dict[str, str]:
    """The engine and scheduler of ``config/engine.yaml`` (local, none, when the file is absent)."""
    from analysis import safe_yaml

    data = safe_yaml.load(ENGINE_FILE.read_bytes(), what=str(ENGINE_FILE)) if ENGINE_FILE.is_file() else {}
    data = data or {}
    return {"engine": str(data.get("engine") or "local"), "scheduler": str(data.get("scheduler") or "")}


@dataclass(frozen=True)
class EngineParams(Params):
    """Where the part-by-part work runs (:mod:`analysis.engine`); empty values: ``config/engine.yaml``'s."""

    engine: str = param(
        "",
        "where part-by-part work runs: local (this machine) or dask (a dask.distributed cluster); "
        "empty for config/engine.yaml's (local unless set there)",
        choices=("", *ENGINES),
        tail=True,
    )
    scheduler: str = param(
        "",
        "the dask scheduler's address (tcp://host:8786); empty for config/engine.yaml's, and with none there "
        "a LocalCluster of this machine's cores",
        tail=True,
    )


@dataclass(frozen=True)
class CorpusParams(EngineParams):
    """Where the processed corpus is (every unit that reads it), and the engine that reads it."""

    processed_dir: str = param("", "processed corpus folder; empty for data/processed", tail=True)


@dataclass(frozen=True)
class ReportsDirParams(Params):
    """Where reports are written."""

    reports_dir: str = param(
        "",
        "folder the reports are written in, each report's files in <reports_dir>/<report_name>/; empty for reports/ "
        "(a render) or build/runs/ (a notebook run by hand)",
        tail=True,
    )


@dataclass(frozen=True)
class TopParams(Params):
    """How many of a ranked list to report."""

    top: int = param(50, "how many to report, the highest ranked first (keyness: on each side)", minimum=1)


@dataclass(frozen=True)
class RunParams(Params):
    """How a job that writes (an ingest, a render) runs."""

    full: bool = param(False, "do everything again: ignore what the previous run left")
    wait: float = param(0.0, "if another run is writing the same folder, wait this many seconds for it")
    jobs: int = param(
        0,
        "work at once: an ingest's parsing processes, a render's notebooks (a kernel each); 0 for all cores",
        minimum=0,
    )


def coerce(name: str, value: Any, kind: Any) -> Any:
    """``value`` as the declared ``kind`` (list, str, int, float, bool), or :class:`ParameterError`.

    A list accepts one string or a comma-separated one (``"a, b"``), as papermill's ``-p`` gives it."""
    base = typing.get_origin(kind) or kind
    reader = next((read for declared, read in _READERS if base is declared), None)
    if reader is None:
        return value  # a kind with no reader: taken as given
    out = reader(value)
    if out is _UNREADABLE:
        raise ParameterError(f"parameter {name} must be {_kind_name(base)}; got {_short(value)}")
    return out


_UNREADABLE = object()  # what a reader gives for a value it cannot read as its kind


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) if not isinstance(v, str) else v for v in value]
    return _UNREADABLE


def _as_str(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if hasattr(value, "isoformat") or hasattr(value, "__fspath__"):  # a YAML date, a path
        return str(value)
    return _UNREADABLE


def _as_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).strip().lower() in TRUE | FALSE:
        return str(value).strip().lower() in TRUE
    return _UNREADABLE


def _as_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            pass
    return _UNREADABLE


def _as_float(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    return _UNREADABLE


# each declared kind (compared by identity, as ``typing`` gives it) and how a value is read as one
_READERS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (list, _as_list),
    (str, _as_str),
    (bool, _as_bool),
    (int, _as_int),
    (float, _as_float),
)


def _check(f: dataclasses.Field, value: Any) -> None:
    meta = f.metadata
    items = value if isinstance(value, list) else [value]
    choices = meta.get("choices")
    if choices:
        bad = [v for v in items if v not in choices]
        if bad:
            raise ParameterError(f"{f.name} must be one of {', '.join(map(str, choices))}; got {_short(bad[0])}")
    minimum = meta.get("minimum")
    if minimum is not None and not isinstance(value, list) and value < minimum:
        raise ParameterError(f"{f.name} must be at least {minimum}; got {value!r}")
    if meta.get("required") and (value == "" or value == []):
        raise ParameterError(f"{f.name} is required: {meta['help']}")


def ordered(cls: type) -> list[dataclasses.Field]:
    """The fields of ``cls``: what is measured first, where things go (``tail``) last."""
    fields = list(_fields(cls).values())
    return [f for f in fields if not f.metadata.get("tail")] + [f for f in fields if f.metadata.get("tail")]


def _type(obj: Any) -> Any:
    """A parameter class (or an instance's) typed ``Any``: a frozen dataclass's hash confuses mypy's cache key check."""
    return obj if isinstance(obj, type) else type(obj)


def _default(f: dataclasses.Field) -> Any:
    return f.default if f.default is not MISSING else f.default_factory()  # type: ignore[operator]


@cache
def _fields(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


@cache
def _kinds(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kind_name(kind: Any) -> str:
    return {list: "a list (or a comma-separated string)", str: "text", int: "a whole number", float: "a number"}.get(
        kind, "true or false" if kind is bool else getattr(kind, "__name__", str(kind))
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- the interfaces generated from a declaration -------------------------------------------------------


def add_arguments(parser: Any, cls: type) -> None:
    """The options of ``cls`` on an argparse parser: ``--min-statements N``, ``--phrase X`` (repeated),
    ``--breakdown`` (a flag); values are checked when :func:`from_arguments` builds the parameters."""
    for name, f in _fields(cls).items():
        meta = f.metadata
        if not meta.get("cli", True):
            continue
        kind = typing.get_origin(_kinds(cls)[name]) or _kinds(cls)[name]
        flag = "--" + (meta.get("one") or name).replace("_", "-")
        default = _default(f)
        shown = meta["help"] + _default_note(default, meta)
        if meta.get("positional"):
            nargs = "*" if kind is list else "?"
            parser.add_argument(name, nargs=nargs, default=None, metavar=(meta.get("one") or name).upper(), help=shown)
        elif kind is bool:
            parser.add_argument(flag, dest=name, action="store_true", default=None, help=shown)
        elif kind is list:
            parser.add_argument(flag, dest=name, action="append", default=None, help=shown + " (repeat for several)")
        else:
            metavar = (
                "{" + ",".join(str(c) for c in meta["choices"] if c != "") + "}"
                if meta.get("choices")
                else name.upper()
            )
            parser.add_argument(flag, dest=name, default=None, metavar=metavar, help=shown)


def _default_note(default: Any, meta: Mapping) -> str:
    if default in ("", [], None, False) or meta.get("required"):
        return ""
    return f" (default: {', '.join(default) if isinstance(default, list) else default})"


def from_arguments(cls: Any, namespace: Any) -> Any:
    """The parameters of ``cls`` given on a command line (options not given keep their defaults)."""
    values = {n: getattr(namespace, n) for n in _fields(cls) if getattr(namespace, n, None) is not None}
    return cls.of(values)


def cell(cls: type) -> str:
    """A notebook's ``parameters`` cell for ``cls``: ``name: kind = default  # help`` per line."""
    lines = []
    for f in ordered(cls):
        name = f.name
        kind = typing.get_origin(_kinds(cls)[name]) or _kinds(cls)[name]
        default = _default(f)
        text = repr(default) if isinstance(default, (bool, int, float)) else json.dumps(default, ensure_ascii=False)
        lines.append(f"{name}: {kind.__name__} = {text}  # {f.metadata['help']}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Command:
    """A sub-command of ``python -m analysis``: its name, one help line, its parameters and what it does
    (``run(params)`` returns the exit status). A module that defines ``COMMAND`` (or a
    measure's ``MEASURE``) is registered; the command line is generated from the registry."""

    name: str
    help: str
    params: type
    run: Callable[[Any], int]
