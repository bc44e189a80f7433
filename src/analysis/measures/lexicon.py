"""Versioned, human-editable lexicons: phrase families, rhetoric categories, topics.

Each lexicon is a YAML file under ``config/lexicons/`` with a ``version`` and a list of entries
(``families``, ``categories`` or ``topics``), each entry a ``name``, a ``description`` and
``patterns``, and optionally a ``label`` (how pages name it). A pattern is a phrase, optionally with wildcards:

* ``*`` stands for exactly one word: ``I would like to * that``;
* ``word*`` matches any word starting with ``word``: ``sanction*``.

:func:`resolve_terms` turns what a user asks for (family names or ad-hoc phrases) into
:class:`Term` objects the matcher understands.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from analysis import config, safe_yaml
from analysis.errors import LexiconError, PhraseError

LEXICON_DIR = config.CONFIG_DIR / "lexicons"
PHRASES_FILE = LEXICON_DIR / "phrases.yaml"
RHETORIC_FILE = LEXICON_DIR / "rhetoric.yaml"
TOPICS_FILE = LEXICON_DIR / "topics.yaml"
_LIST_KEYS = ("families", "categories", "topics", "entries")
NOTE_FORMS = 8  # surface forms a note names (then how many in all)
FAMILY_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")  # what a family name looks like: "our-partners", "as-i-said"


@dataclass(frozen=True)
class Term:
    """Something to count: a family of surface forms, or one ad-hoc phrase (a family of one)."""

    name: str
    patterns: tuple[str, ...]
    description: str = ""
    is_family: bool = False
    label: str = ""  # how pages name it ("as I said" for ``as-i-said``); the name when empty

    @property
    def shown(self) -> str:
        """What readers see: the lexicon's label, else the name (an ad-hoc phrase is its own label)."""
        return self.label or self.name


@lru_cache(maxsize=16)
def _parsed(path: Path, text: str) -> Lexicon:
    return Lexicon.parse(path, text)


@dataclass(frozen=True)
class Lexicon:
    path: Path
    version: int
    entries: tuple[Term, ...]

    @classmethod
    def load(cls, path: Path | str) -> Lexicon:
        """The lexicon in ``path``, read each time (a file changed meanwhile is read anew), parsed once per content."""
        return _parsed(Path(path), Path(path).read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, path: Path, text: str) -> Lexicon:
        try:
            data = safe_yaml.load(text, what=str(path)) or {}
        except safe_yaml.YamlError as exc:
            raise LexiconError(f"{path.name}: not valid YAML: {exc}") from exc
        key = next((k for k in _LIST_KEYS if k in data), None) if isinstance(data, dict) else None
        if key is None:
            raise LexiconError(f"{path.name}: no list of {' / '.join(_LIST_KEYS)}")
        if not isinstance(data[key] or [], list):
            raise LexiconError(
                f"{path.name}: {key} must be a list of entries (- name: …, patterns: […]), not a mapping"
            )
        entries, seen = [], set()
        for i, item in enumerate(data[key] or []):
            if not isinstance(item, dict):
                raise LexiconError(f"{path.name}: entry #{i + 1} of {key} must be a mapping with a name and patterns")
            if not isinstance(item.get("patterns") or [], list):
                raise LexiconError(f"{path.name}: entry #{i + 1}: patterns must be a list")
            name = str(item.get("name") or "").strip()
            patterns = tuple(str(p).strip() for p in (item.get("patterns") or []) if str(p).strip())
            if not name:
                raise LexiconError(f"{path.name}: entry #{i + 1} has no name")
            if name.lower() in seen:
                raise LexiconError(f"{path.name}: name {name!r} is used twice")
            if not patterns:
                raise LexiconError(f"{path.name}: {name!r} has no patterns")
            seen.add(name.lower())
            label = str(item.get("label") or "").strip()
            entries.append(Term(name, patterns, str(item.get("description") or ""), True, label))
        return cls(path, int(data.get("version", 0)), tuple(entries))

    def get(self, name: str) -> Term | None:
        for term in self.entries:
            if term.name.lower() == name.strip().lower():
                return term
        return None

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.entries]

    def label(self) -> str:
        """ "phrases.yaml v2": how reports cite the lexicon they used."""
        return f"{self.path.name} v{self.version}"


def describe(terms) -> pd.DataFrame:
    """What each term counts (name, label, description, patterns): the table a report shows first."""
    import pandas as pd

    return pd.DataFrame(
        [
            {"name": t.name, "label": t.shown, "description": t.description, "patterns": "; ".join(t.patterns)}
            for t in terms
        ]
    )


def labelled(table: pd.DataFrame, terms, column: str = "phrase") -> pd.DataFrame:
    """``table`` with a ``label`` column after ``column``: each term's label (:attr:`Term.shown`), what pages
    call it; the names stay the keys."""
    shown = {t.name: t.shown for t in terms}
    out = table.drop(columns=["label"], errors="ignore")
    out.insert(out.columns.get_loc(column) + 1, "label", out[column].map(lambda n: shown.get(n, n)))
    return out


def load(path: Path | str | None = None, *, kind: str = "phrases") -> Lexicon:
    default = {"phrases": PHRASES_FILE, "rhetoric": RHETORIC_FILE, "topics": TOPICS_FILE}[kind]
    return Lexicon.load(path or default)


def resolve_terms(asked: Iterable, lexicon: Lexicon | None = None, *, exact: bool = False) -> list[Term]:
    """Family names become their families; anything else is an ad-hoc phrase (everything, with ``exact``).

    A string that looks like a misspelt family name (:func:`misspelt_family`: ``our-partner``) is a
    :class:`PhraseError` naming the closest families, never a phrase silently counted as written; a
    hyphenated word close to no family ("so-called") is a phrase, as the explorer counts it."""
    lexicon = lexicon if lexicon is not None else load()
    out: list[Term] = []
    for item in dict.fromkeys(asked):
        if isinstance(item, Term):
            out.append(item)
            continue
        family = lexicon.get(item) if isinstance(item, str) and not exact else None
        close = misspelt_family(item, lexicon) if family is None and not exact else []
        if close:
            raise PhraseError(unknown_family(item, close, lexicon))
        out.append(family if family is not None else Term(item, (item,)))
    return out


def misspelt_family(item, lexicon: Lexicon) -> list[str]:
    """The family names ``item`` is likely a misspelling of: it looks like one (:data:`FAMILY_NAME`) and is
    close to some (``our-partner``: ``our-partners``); empty otherwise."""
    if not isinstance(item, str) or not FAMILY_NAME.fullmatch(item) or lexicon.get(item) is not None:
        return []
    return difflib.get_close_matches(item, lexicon.names, n=3, cutoff=0.75)


def unknown_family(name: str, close: list[str], lexicon: Lexicon) -> str:
    """Why ``name`` is refused: the closest family names of the lexicon, and how to count the words instead."""
    return (
        f"unknown phrase family {name!r} of {lexicon.path.name}; closest: {', '.join(close)} (python -m analysis "
        "families lists them; to count the words themselves, write them with spaces or use --exact)"
    )


def family_notes(asked: Iterable, terms: Iterable[Term]) -> list[str]:
    """A line for each asked string that is a family: what it counts, and how to count the words instead."""
    strings = {a.strip().lower() for a in asked if isinstance(a, str)}
    out = []
    for t in terms:
        if t.is_family and t.name.lower() in strings:
            forms = ", ".join(t.patterns[:NOTE_FORMS]) + (
                f", … ({len(t.patterns)} in all)" if len(t.patterns) > NOTE_FORMS else ""
            )
            shown = f"{t.name} ({t.label})" if t.label and t.label != t.name else t.name
            out.append(f"“{t.name}” is the phrase family {shown}: {forms} (--exact counts the words as written)")
    return out
