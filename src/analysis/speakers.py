"""The speaker registry: canonical speakers, their offices and groups, and a printed label resolved to one.

The registry lives in ``config/speakers.yaml``. A label is resolved in three steps:

1. clean it: parenthetical asides ("(retranslated)", "(answering …)") and anything after the
   first comma ("Valeriya Korableva, reporter at Channel One") are removed;
2. squash it: lower-case, letters only, so split or unspaced labels ("Vladimir" + "Putin",
   "VladimirPutin", "V.Putin") compare equal;
3. match the registry's patterns; anonymous labels ("Question", "Remark") get their role.

Labels that match nobody keep their cleaned text as the speaker name (the person's part of it,
split from a printed title by :class:`~analysis.names.NameSplitter`).

Every stage uses the registry: the ingest to resolve labels, the corpus and the measures to resolve
the names and groups a user types (:meth:`SpeakerRegistry.canonical`, :meth:`~SpeakerRegistry.group`).
Whether printed words are a label at all, and one name per person on a page, are the importers'
heuristics (:mod:`analysis.ingest.importers.label_names`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from analysis import config, safe_yaml
from analysis.names import NameSplitter, clean_label, squash, title_before

_T = TypeVar("_T")


@dataclass(frozen=True)
class Resolution:
    """What a label stands for."""

    speaker: str | None  # canonical name, or None for an anonymous speaker
    role: str  # "speech" for a named speaker, else the anonymous role ("question", ...)
    known: bool  # True when the registry matched the label
    label: str  # the cleaned label as printed
    title: str | None = None  # the printed title before the name ("Defence Minister"), if any


@dataclass
class SpeakerRegistry:
    """Canonical speakers, their label patterns and terms of office."""

    version: int
    speakers: list[dict]
    anonymous: dict[str, set[str]]
    name_particles: set[str]
    names: NameSplitter = field(default_factory=NameSplitter)
    offices: dict[str, set[str]] = field(default_factory=dict)  # office -> squashed bare labels ("thepresident")
    groups: dict[str, dict] = field(default_factory=dict)  # group name -> {office: …} or {members: […]}
    heads_of_state: frozenset[str] = frozenset()  # offices marked `head_of_state` (the audit's)
    _compiled: list[tuple[str, list[re.Pattern]]] | None = field(default=None, repr=False, compare=False)
    _memo: dict = field(default_factory=dict, repr=False)  # (kind, label) -> answer: labels repeat across pages

    def patterns(self) -> list[tuple[str, list[re.Pattern]]]:
        """Each speaker's compiled patterns, compiled on first use (the ingest's workers compile them while it
        scans; :meth:`load` has checked that they compile)."""
        if self._compiled is None:
            self._compiled = [(s["name"], [re.compile(p) for p in s.get("patterns", [])]) for s in self.speakers]
        return self._compiled

    @property
    def given_names(self) -> frozenset[str]:
        return self.names.given_names

    def split(self, label: str) -> tuple[str, str | None]:
        """(name, title) of a printed label (see :class:`~analysis.names.NameSplitter`)."""
        return self.names.split(label)

    def fingerprint(self) -> str:
        """Everything that decides how labels resolve, as text (part of the ingest state's key)."""
        import json

        return json.dumps(
            {
                "speakers": self.speakers,
                "anonymous": {k: sorted(v) for k, v in self.anonymous.items()},
                "particles": sorted(self.name_particles),
                "roles": sorted(self.names.role_words),
                "given": sorted(self.names.given_names),
                "offices": {k: sorted(v) for k, v in self.offices.items()},
            },
            sort_keys=True,
            default=str,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SpeakerRegistry:
        path = Path(path or config.SPEAKERS_FILE)
        data = safe_yaml.load_file(path, check=_check_patterns)
        offices = {
            str(office): {squash(str(label)) for label in (spec or {}).get("labels", [])}
            for office, spec in (data.get("offices") or {}).items()
        }
        speakers = list(data.get("speakers", []))
        for s in speakers:
            for term in s.get("terms") or []:
                if term.get("office") not in offices:
                    raise ValueError(f"{path}: {s['name']}: term office {term.get('office')!r} is not under `offices`")
        heads = frozenset(
            str(o) for o, spec in (data.get("offices") or {}).items() if (spec or {}).get("head_of_state")
        )
        groups = {str(k): dict(v or {}) for k, v in (data.get("groups") or {}).items()}
        for name, spec in groups.items():
            if spec.get("office") not in offices and not spec.get("members"):
                raise ValueError(f"{path}: group {name!r} needs an `office` listed under `offices`, or `members`")
        return cls(
            version=int(data.get("version", 0)),
            speakers=speakers,
            anonymous={role: set(v) for role, v in (data.get("anonymous") or {}).items()},
            name_particles=(particles := {_particle(p) for p in data.get("name_particles", [])}),
            names=NameSplitter(
                frozenset(particles),
                frozenset(str(w).lower() for w in data.get("role_words") or []),
                None,
                frozenset(str(w).lower() for w in data.get("given_names") or []),
            ),
            offices=offices,
            groups=groups,
            heads_of_state=heads,
        )

    @property
    def leaders(self) -> list[str]:
        return [s["name"] for s in self.speakers if s.get("leader")]

    def resolve(self, label: str) -> Resolution:
        return self.remember("resolve", label, self._resolve)

    def remember(self, kind: str, label: str, answer: Callable[[str], _T]) -> _T:
        """``answer(label)``, computed once per registry: for answers that depend on the registry and the
        label alone (:meth:`resolve`; the importers' label tests, :mod:`analysis.ingest.importers.label_names`)."""
        key = (kind, label)
        if key not in self._memo:
            self._memo[key] = answer(label)
        return self._memo[key]

    def canonical(self, name: str) -> str | None:
        """The registry's name for one of its names or aliases as a user types it (no label to take apart)."""
        return self._match(squash(clean_label(name)))

    def _match(self, key: str) -> str | None:
        return next((c for c, patterns in self.patterns() if any(p.search(key) for p in patterns)), None)

    def _resolve(self, label: str) -> Resolution:
        """Resolve a printed label (without its colon) to a :class:`Resolution`.

        A name the registry does not know is split into the person and the printed title
        (:meth:`split`): "Defence Minister Sergei Shoigu" is Sergei Shoigu, title "Defence Minister".
        """
        cleaned = clean_label(label)
        key = squash(cleaned)
        for role, keys in self.anonymous.items():
            if key in keys:
                return Resolution(None, role, True, cleaned)
        name, title = self.split(label)
        for candidate in (cleaned, name):
            canonical = self._match(squash(candidate))
            if canonical is not None:
                return Resolution(canonical, "speech", True, cleaned, title or title_before(cleaned, canonical))
        return Resolution(name or cleaned, "speech", False, cleaned, title)

    def in_office(self, date: dt.date, *, office: str) -> str | None:
        """Who held ``office`` on ``date`` according to the registry's terms, if anyone."""
        for s in self.speakers:
            if any(term.get("office") == office and _covers(term, date) for term in s.get("terms") or []):
                return s["name"]
        return None

    def is_head_of_state(self, name: str, date: dt.date) -> bool:
        """True when ``name`` held an office marked ``head_of_state`` on ``date``."""
        return any(
            s["name"] == name
            and any(t.get("office") in self.heads_of_state and _covers(t, date) for t in s.get("terms") or [])
            for s in self.speakers
        )

    def office_label(self, label: str) -> str | None:
        """The office a bare label stands for ("THE PRESIDENT" -> the offices whose label it is), as the
        squashed label; None when the label names a person."""
        key = squash(clean_label(label))
        return key if any(key in labels for labels in self.offices.values()) else None

    def offices_with_label(self, label: str) -> list[str]:
        """Offices whose bare label ``label`` is ("The President": both presidencies)."""
        key = squash(clean_label(label))
        return [office for office, labels in self.offices.items() if key in labels]

    def office_of(self, name: str, date: dt.date) -> str | None:
        """The office ``name`` held on ``date``, if any."""
        for s in self.speakers:
            if s["name"] == name:
                for term in s.get("terms") or []:
                    if _covers(term, date):
                        return term.get("office")
        return None

    def group(self, name: str) -> list[str] | None:
        """The members of a named group ("US presidents"), in registry order; None when ``name`` is no group."""
        spec = next((v for k, v in self.groups.items() if k.lower() == name.strip().lower()), None)
        if spec is None:
            return None
        if spec.get("members"):
            return [str(m) for m in spec["members"]]
        office = spec["office"]
        return [s["name"] for s in self.speakers if any(t.get("office") == office for t in s.get("terms") or [])]

    def named_in(self, text: str, *, office: str | None = None) -> list[str]:
        """Leaders (of ``office``, when given) whose full name appears in ``text`` ("Article by Vladimir Putin")."""
        folded = text.lower()
        leaders = self.leaders if office is None else [n for n in self.leaders if n in (self._holders(office))]
        return [name for name in leaders if name.lower() in folded]

    def _holders(self, office: str) -> set[str]:
        return {s["name"] for s in self.speakers if any(t.get("office") == office for t in s.get("terms") or [])}


def _particle(value) -> str:
    if not isinstance(value, str):  # YAML 1.1 reads a bare `on` or `y` as a boolean
        raise ValueError(f"name_particles: {value!r} is not text; quote it in config/speakers.yaml")
    return value


def _covers(term: dict, date: dt.date) -> bool:
    start, end = _as_date(term.get("from")), _as_date(term.get("to"))
    return (start is None or start <= date) and (end is None or date <= end)


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _check_patterns(data: object) -> None:
    """Every speaker's patterns compile (the registry compiles them when it first needs them)."""
    for s in (data.get("speakers") or []) if isinstance(data, dict) else []:
        for p in s.get("patterns") or []:
            try:
                re.compile(p)
            except (re.error, TypeError) as exc:
                raise ValueError(
                    f"speaker {s.get('name')!r}: pattern {p!r} is not a regular expression: {exc}"
                ) from None


@lru_cache(maxsize=4)
def _cached(path: str) -> SpeakerRegistry:
    return SpeakerRegistry.load(Path(path))


def default_registry() -> SpeakerRegistry:
    """The project's registry, loaded once per process."""
    return _cached(str(config.SPEAKERS_FILE))
