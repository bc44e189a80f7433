"""YAML from files a user or a source supplied, read with limits.

Every YAML file the project reads (sidecars, front matter, the registry, lexicons, the report
list) goes through :func:`load`: at most ``max_bytes`` of text, at most ``max_aliases`` alias
references, and at most ``max_nodes`` values once every alias is expanded (a few hundred bytes of
nested aliases, each level under the alias limit, can otherwise expand to gigabytes). The document
is first *composed* (aliases stay shared references, nothing is expanded), its expanded size is
counted on that graph, and only then is it turned into Python values. Safe types only, libyaml's
C parser where it is installed. Errors are :class:`YamlError`, a ``ValueError`` whose message names
what was being read and never embeds more than :data:`SHOWN` characters of a value. A configuration
file read on every run (the speaker registry) goes through :func:`load_file`, which keeps the values
it read as JSON in ``build/cache`` (:data:`~analysis.config.CACHE_DIR`), under the hash of the file's bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import reprlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis import config

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 2_000_000
MAX_ALIASES = 100
MAX_NODES = 200_000  # values after alias expansion: far more than any configuration file holds
SHOWN = 80  # characters of a value an error message may quote

_short = reprlib.Repr()
_short.maxstring = SHOWN
_short.maxother = SHOWN
_short.maxlist = _short.maxtuple = _short.maxdict = _short.maxset = 4
_short.maxlevel = 2


def shorten(value: object) -> str:
    """``repr(value)`` cut to a few dozen characters (lists and mappings to their first items)."""
    text = _short.repr(value)
    return text if len(text) <= 2 * SHOWN else text[:SHOWN] + "…"


class YamlError(ValueError):
    """YAML that is malformed, too large, or expands too much."""


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, whose dates say which value could not be read."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            line = f" (line {node.start_mark.line + 1})" if node.start_mark else ""
            raise YamlError(f"not valid YAML: {exc}: {shorten(node.value)}{line} is not a date") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Values in the document once aliases are expanded (counting stops past ``limit``).

    Aliases are shared node objects in the composed graph: each node's size is computed once and
    reused, so the count costs the size of the graph, not of its expansion. A node that contains
    itself (a recursive alias) counts as more than the limit.
    """
    sizes: dict[int, int] = {}
    busy: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if done:
            busy.discard(key)
            sizes[key] = min(limit + 1, 1 + sum(sizes[id(c)] for c in children))
            continue
        if key in busy:
            return limit + 1
        busy.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


MAX_DEPTH = 100  # nesting of lists and mappings (libyaml's composer recurses: deeper can crash the process)


def _check_events(text: str, what: str, max_aliases: int) -> tuple[int, int]:
    """One pass over the parser's events (no recursion, nothing built): aliases and nesting counted.
    Returns the aliases and the values (scalars, lists and mappings: with no alias, the document's size)."""
    aliases = depth = values = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.ScalarEvent):
            values += 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
        elif isinstance(event, yaml.CollectionStartEvent):
            values += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"{what}: lists or mappings nested more than {MAX_DEPTH} deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if aliases > max_aliases:
        raise YamlError(
            f"{what}: {aliases} YAML aliases, more than the limit of {max_aliases} "
            "(nested aliases can expand without bound)"
        )
    return aliases, values


def load(
    text: str | bytes,
    *,
    what: str,
    max_bytes: int = MAX_BYTES,
    max_aliases: int = MAX_ALIASES,
    max_nodes: int = MAX_NODES,
) -> Any:
    """The YAML document in ``text``; :class:`YamlError` naming ``what`` when it cannot be read safely."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlError(f"{what}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise YamlError(f"{what}: {size:,} bytes of YAML, more than the limit of {max_bytes:,}")
    try:
        aliases, values = _check_events(text, what, max_aliases)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None
            if not aliases and values > max_nodes:  # nothing shared: the values counted are the size
                raise YamlError(f"{what}: {values:,} values, more than the limit of {max_nodes:,}")
            if aliases and _expanded_size(root, max_nodes) > max_nodes:
                raise YamlError(
                    f"{what}: its aliases expand to more than {max_nodes:,} values (nested aliases multiply); "
                    "write the values out, or fewer of them"
                )
            return loader.construct_document(root)
        finally:
            loader.dispose()
    except YamlError as exc:
        if str(exc).startswith(what):
            raise
        raise YamlError(f"{what}: {exc}") from None
    except RecursionError:
        raise YamlError(f"{what}: nested too deeply to be read") from None
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        raise YamlError(f"{what}: not valid YAML: {' '.join(str(exc).split())[:300]}") from None


def load_file(path: Path, *, check: Callable[[Any], None] | None = None) -> Any:
    """The YAML document of a configuration file (:func:`load`), kept as JSON in :data:`~analysis.config.CACHE_DIR`
    under the SHA-256 of its bytes and of this module: a configuration file is read far more often than it is
    edited (the speaker registry's 21 kB took 8.8 ms to read as YAML, 0.3 ms as JSON). A document JSON cannot give
    back exactly (keys that are not text, say) is read as YAML every time; a cache that cannot be written is
    not used. ``check`` (named in the key) vets a document read as YAML before it is kept: what it raises is
    raised, and a kept document has passed it."""
    data = path.read_bytes()
    vetted = f"{check.__module__}.{check.__qualname__}\n".encode() if check is not None else b""
    cached = config.CACHE_DIR / f"yaml-{hashlib.sha256(_code() + vetted + data).hexdigest()}.json"
    try:
        return json.loads(cached.read_bytes(), object_hook=_from_json)
    except (OSError, ValueError):
        pass
    document = load(data, what=str(path))
    if check is not None:
        try:
            check(document)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    try:
        text = json.dumps(document, default=_to_json, ensure_ascii=False)
    except (TypeError, ValueError):  # a set, bytes, a structure that holds itself: not kept
        return document
    if json.loads(text, object_hook=_from_json) == document:
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:  # a read-only or missing folder: read as YAML next time too
            with contextlib.suppress(OSError):
                tmp.unlink()
    return document


@lru_cache(maxsize=1)
def _code() -> bytes:
    """What a cached document was read by: this module and the YAML library's version."""
    return Path(__file__).read_bytes() + yaml.__version__.encode()


def _to_json(value: object) -> dict:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not kept as JSON")


def _from_json(obj: dict) -> object:
    if len(obj) == 1 and "$date" in obj:
        return dt.date.fromisoformat(obj["$date"])
    if len(obj) == 1 and "$datetime" in obj:
        return dt.datetime.fromisoformat(obj["$datetime"])
    return obj
