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

from analysis import config, safe_yaml
from analysis.names import NameSplitter, clean_label, close_surname, places, squash, strip_asides, title_before

_SENTENCE_RE = re.compile(r"[?!;“”\"«»]|\b(?:is|are|was|were|will|would|has|have|had|said|says|I|we|you)\b")
_INITIAL_RE = re.compile(r"[A-Z]\.?")
SENTENCE_STARTERS = frozenset(
    """
    dear ladies gentlemen friends colleagues good and but so or a an the this that these those my our
    your his her their its it i we you he she they here there now then also another one as for to in on
    at with if when what why how let please thank thanks yes no well all some many
    """.split()
)


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
    _near: dict = field(default_factory=dict, repr=False, compare=False)  # near_miss, by squashed last word
    _compiled: list[tuple[str, list[re.Pattern]]] = field(default_factory=list, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)  # label -> answer: labels repeat across pages

    def __post_init__(self) -> None:
        self._compiled = [(s["name"], [re.compile(p) for p in s.get("patterns", [])]) for s in self.speakers]

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
        data = safe_yaml.load(path.read_text(encoding="utf-8"), what=str(path))
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
        key = ("resolve", label)
        if key not in self._memo:
            self._memo[key] = self._resolve(label)
        return self._memo[key]

    def canonical(self, name: str) -> str | None:
        """The registry's name for one of its names or aliases as a user types it (no label to take apart)."""
        return self._match(squash(clean_label(name)))

    def _match(self, key: str) -> str | None:
        return next((c for c, patterns in self._compiled if any(p.search(key) for p in patterns)), None)

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

    def looks_like_name(self, label: str) -> bool:
        key = ("name", label)
        if key not in self._memo:
            self._memo[key] = self._looks_like_name(label)
        return self._memo[key]

    def _looks_like_name(self, label: str) -> bool:
        """True when a cleaned label could be a person (or a known anonymous role).

        Bold headings such as "Statements following the meeting:" or "Meeting points:" end with
        a lower-case word and are rejected; "President of Russia Vladimir Putin" is accepted.
        """
        if _SENTENCE_RE.search(strip_asides(label)):
            return False  # "Naturally, we will discuss …": a sentence, not a label
        first = clean_label(label).split()[:1]
        if first and first[0].lower() in SENTENCE_STARTERS and len(clean_label(label).split()) > 1:
            return False  # "And a question for President Putin: …" is a sentence, not a label
        res = self.resolve(label)
        if res.known:
            return True
        if res.label.lower() in (
            self.names.places if self.names.places is not None else places()
        ):  # "France: “…”" is a quotation, not a speaker
            return False
        name, title = self.split(label)
        if title and len(name.split()) >= 2 and len(label.split()) <= 30 and not _SENTENCE_RE.search(label):
            return True  # "Olympic ice hockey champion Ilya Kovalchuk", "Head of the … faction Sergei Mironov"
        tokens = res.label.replace(".", ". ").split()
        if not tokens or len(tokens) > 10:
            return False
        if not self.names.name_token(tokens[-1], inside=False) or not tokens[0][:1].isupper():
            return False
        return all(
            t[:1].isupper() or t.lower() in self.name_particles or self.names.name_token(t, inside=True) for t in tokens
        )

    def is_role_label(self, label: str) -> bool:
        """True for a printed title with no name ("Executive Chairman of the World Economic Forum")."""
        cleaned = clean_label(label)
        tokens = cleaned.split()
        if not 2 <= len(tokens) <= 20 or _SENTENCE_RE.search(cleaned):
            return False
        name, _ = self.split(label)
        return not name and tokens[0].lower().strip("’'") in self.names.role_words

    def near_miss(self, label: str) -> str | None:
        """A leader whose surname the unmatched label's last word closely resembles (a likely typo)."""
        words = clean_label(label).split()
        if not words:
            return None
        last = squash(words[-1])
        if last not in self._near:  # a label's last word recurs on every page: compared once
            self._near[last] = next((n for n in self.leaders if close_surname(last, squash(n.split()[-1]))), None)
        return self._near[last]

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


def _is_full_form(long: str, short: str, registry: SpeakerRegistry) -> bool:
    """True when ``long`` is ``short`` with its given name ("Alexander Van der Bellen"), not a title."""
    extra = long.split()[: len(long.split()) - len(short.split())]
    return bool(extra) and extra[0].lower() in registry.given_names


def _similar(a: str, b: str, threshold: float) -> bool:
    return difflib.SequenceMatcher(None, squash(a), squash(b)).ratio() >= threshold


def page_resolver(labels: list[str], registry: SpeakerRegistry, warnings: list[str]):
    """A resolver for the labels of one document that makes one name of each person on it.

    Within a transcript the first label of a person is usually long ("St Petersburg Governor
    Alexander Beglov") and later ones short ("Alexander Beglov", "Beglov"), and a name may be
    misspelt once ("Fydor Lukyanov"). Names the registry does not know are therefore mapped to
    the shortest full form printed on the page that ends them, and a rare spelling to a
    near-identical frequent one (with a warning naming both).
    """
    counts: dict[str, int] = {}
    known: set[str] = set()
    titled: set[str] = set()  # spellings printed with a title: the formal introduction
    for label in labels:
        res = registry.resolve(label)
        if res.speaker:
            counts[res.speaker] = counts.get(res.speaker, 0) + 1
            if res.known:
                known.add(res.speaker)
            if res.title:
                titled.add(res.speaker)
    order = {n: i for i, n in enumerate(counts)}  # first printed first
    everyone = sorted(counts, key=lambda n: order[n])
    names = [n for n in everyone if n not in known]  # registry names are never remapped
    mapping: dict[str, str] = {}
    for name in names:
        tokens = name.split()
        shorter = [
            m
            for m in everyone
            if m != name and len(m.split()) >= 2 and name.endswith(" " + m) and not _is_full_form(name, m, registry)
        ]
        full = [
            m
            for m in everyone
            if m != name and m.endswith(" " + name) and (len(tokens) == 1 or _is_full_form(m, name, registry))
        ]
        initial = [
            m
            for m in everyone
            if m != name
            and len(tokens) == 2
            and _INITIAL_RE.fullmatch(tokens[0])
            and m.split()[-1] == tokens[-1]
            and m.split()[0][:1] == tokens[0][:1]
            and len(m.split()) >= 2
        ]
        initial += [
            m
            for m in everyone
            if m != name
            and [t for t in m.split() if not _INITIAL_RE.fullmatch(t)] == tokens
            and len(m.split()) > len(tokens)
        ]  # "Adnan Amin" -> "Adnan Z. Amin"
        if shorter:  # "Petersburg Alexander Beglov" -> "Alexander Beglov"
            mapping[name] = max(shorter, key=len)
        elif len(full) == 1:  # "Beglov", "Van der Bellen" -> the one full name on the page that ends with it
            mapping[name] = full[0]
        elif len(initial) == 1:  # "D. Valeyev" -> "Dinar Valeyev"
            mapping[name] = initial[0]
    for name in names:
        if name in mapping:
            continue
        for other in names:
            # the spelling of the formal introduction (printed with a title) wins; else the first
            # printed, unless another is printed at least twice as often
            if (other in titled) != (name in titled):
                preferred = other in titled
            else:
                preferred = counts[other] >= 2 * counts[name] or (
                    order[other] < order[name] and 2 * counts[other] > counts[name]
                )
            if other == name or other in mapping or not preferred:
                continue
            a, b = name.split(), other.split()
            if (
                len(a) == len(b) >= 2
                and a[-1][:1] == b[-1][:1]
                and _similar(a[-1], b[-1], 0.75)
                and all(_similar(x, y, 0.8) for x, y in zip(a[:-1], b[:-1], strict=True))
            ):
                mapping[name] = other
                warnings.append(f"speaker {name!r} read as {other!r}, the same person spelt differently on this page")
                break

    def resolve(label: str) -> Resolution:
        res = registry.resolve(label)
        if res.speaker in mapping:
            return Resolution(mapping[res.speaker], res.role, res.known, res.label, res.title)
        return res

    return resolve


@lru_cache(maxsize=4)
def _cached(path: str) -> SpeakerRegistry:
    return SpeakerRegistry.load(Path(path))


def default_registry() -> SpeakerRegistry:
    """The project's registry, loaded once per process."""
    return _cached(str(config.SPEAKERS_FILE))
