"""YAML from files a user or a source supplied, read with limits.

Every YAML file the project reads (sidecars, front matter, the registry, lexicons, the report
list) goes through :func:`load`: at most ``max_bytes`` of text, at most ``max_aliases`` alias
references (a few hundred bytes of nested aliases can otherwise expand to gigabytes), safe types
only, and libyaml's C parser where it is installed. Errors are :class:`YamlError`, a ``ValueError``
whose message names what was being read.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 2_000_000
MAX_ALIASES = 100


class YamlError(ValueError):
    """YAML that is malformed, too large, or expands too much."""


def load(text: str | bytes, *, what: str, max_bytes: int = MAX_BYTES, max_aliases: int = MAX_ALIASES) -> Any:
    """The YAML document in ``text``; :class:`YamlError` naming ``what`` when it cannot be read safely."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlError(f"{what}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if len(text.encode("utf-8")) > max_bytes:
        raise YamlError(f"{what}: {len(text.encode('utf-8')):,} bytes of YAML, more than the limit of {max_bytes:,}")
    try:
        if "*" in text or "&" in text:
            aliases = sum(1 for event in yaml.parse(text, Loader=_LOADER) if isinstance(event, yaml.AliasEvent))
            if aliases > max_aliases:
                raise YamlError(
                    f"{what}: {aliases} YAML aliases, more than the limit of {max_aliases} "
                    "(nested aliases can expand without bound)"
                )
        return yaml.load(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # ValueError: a date like 2021-02-30
        if isinstance(exc, YamlError):
            raise
        raise YamlError(f"{what}: not valid YAML: {' '.join(str(exc).split())}") from exc
