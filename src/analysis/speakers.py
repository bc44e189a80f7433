"""Speaker labels: parse a printed label and resolve it to a canonical speaker.

The registry lives in ``config/speakers.yaml``. A label is resolved in three steps:

1. clean it: parenthetical asides ("(retranslated)", "(answering …)") and anything after the
   first comma ("Valeriya Korableva, reporter at Channel One") are removed;
2. squash it: lower-case, letters only, so split or unspaced labels ("Vladimir" + "Putin",
   "VladimirPutin", "V.Putin") compare equal;
3. match the registry's patterns; anonymous labels ("Question", "Remark") get their role.

Labels that match nobody keep their cleaned text as the speaker name.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import config
from .text import normalize_ws

_PAREN_RE = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]")
_NON_LETTER_RE = re.compile(r"[^\w]|[\d_]")


@dataclass(frozen=True)
class Resolution:
    """What a label stands for."""

    speaker: str | None  # canonical name, or None for an anonymous speaker
    role: str  # "speech" for a named speaker, else the anonymous role ("question", ...)
    known: bool  # True when the registry matched the label
    label: str  # the cleaned label as printed


@dataclass
class SpeakerRegistry:
    """Canonical speakers, their label patterns and terms of office."""

    version: int
    speakers: list[dict]
    anonymous: dict[str, set[str]]
    name_particles: set[str]
    _compiled: list[tuple[str, list[re.Pattern]]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._compiled = [
            (s["name"], [re.compile(p) for p in s.get("patterns", [])]) for s in self.speakers
        ]

    @classmethod
    def load(cls, path: Path | None = None) -> "SpeakerRegistry":
        path = Path(path or config.SPEAKERS_FILE)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            version=int(data.get("version", 0)),
            speakers=list(data.get("speakers", [])),
            anonymous={role: set(v) for role, v in (data.get("anonymous") or {}).items()},
            name_particles={_particle(p) for p in data.get("name_particles", [])},
        )

    @property
    def leaders(self) -> list[str]:
        return [s["name"] for s in self.speakers if s.get("leader")]

    def resolve(self, label: str) -> Resolution:
        """Resolve a printed label (without its colon) to a :class:`Resolution`."""
        cleaned = clean_label(label)
        key = squash(cleaned)
        for name, patterns in self._compiled:
            if any(p.search(key) for p in patterns):
                return Resolution(name, "speech", True, cleaned)
        for role, keys in self.anonymous.items():
            if key in keys:
                return Resolution(None, role, True, cleaned)
        return Resolution(cleaned, "speech", False, cleaned)

    def looks_like_name(self, label: str) -> bool:
        """True when a cleaned label could be a person (or a known anonymous role).

        Bold headings such as "Statements following the meeting:" or "Meeting points:" end with
        a lower-case word and are rejected; "President of Russia Vladimir Putin" is accepted.
        """
        res = self.resolve(label)
        if res.known:
            return True
        tokens = res.label.replace(".", ". ").split()
        if not tokens or len(tokens) > 10:
            return False
        if not tokens[-1][:1].isupper():
            return False
        if not tokens[0][:1].isupper():
            return False
        return all(t[:1].isupper() or t.lower() in self.name_particles for t in tokens)

    def near_miss(self, label: str) -> str | None:
        """A leader whose surname the unmatched label's last word closely resembles (a likely typo)."""
        words = clean_label(label).split()
        if not words:
            return None
        last = squash(words[-1])
        for name in self.leaders:
            surname = squash(name.split()[-1])
            if last != surname and difflib.SequenceMatcher(None, last, surname).ratio() >= 0.8:
                return name
        return None

    def in_office(self, date: dt.date) -> str | None:
        """The leader in office on ``date`` according to the registry's terms, if any."""
        for s in self.speakers:
            for term in s.get("terms", []) or []:
                start = _as_date(term.get("from"))
                end = _as_date(term.get("to"))
                if (start is None or start <= date) and (end is None or date <= end):
                    return s["name"]
        return None

    def named_in(self, text: str) -> list[str]:
        """Leaders whose full name appears in ``text`` (e.g. a title "Article by Vladimir Putin")."""
        folded = text.lower()
        return [name for name in self.leaders if name.lower() in folded]


def _particle(value) -> str:
    if not isinstance(value, str):  # YAML 1.1 reads a bare `on` or `y` as a boolean
        raise ValueError(f"name_particles: {value!r} is not text; quote it in config/speakers.yaml")
    return value


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def clean_label(label: str) -> str:
    """Drop parenthetical asides, trailing colons and anything after the first comma."""
    text = normalize_ws(label)
    previous = None
    while previous != text:  # nested or repeated asides
        previous = text
        text = _PAREN_RE.sub(" ", text)
    text = text.split(",")[0]
    return normalize_ws(text).strip(" :.-–—(")


def squash(label: str) -> str:
    """Lower-case letters only: the form registry patterns are written against."""
    return _NON_LETTER_RE.sub("", label.lower())


@lru_cache(maxsize=4)
def _cached(path: str) -> SpeakerRegistry:
    return SpeakerRegistry.load(Path(path))


def default_registry() -> SpeakerRegistry:
    """The project's registry, loaded once per process."""
    return _cached(str(config.SPEAKERS_FILE))
