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

_SENTENCE_RE = re.compile(r"[?!;“”\"«»]|\b(?:is|are|was|were|will|would|has|have|had|said|says|I|we|you)\b")
_INITIAL_RE = re.compile(r"[A-Z]\.?")
_SENTENCE_STARTERS = frozenset(
    "dear ladies gentlemen friends colleagues good and but so or a an the this that these those my our your his her their its it i we you he she they here "
    "there now then also another one as for to in on at with if when what why how let please thank thanks "
    "yes no well all some many".split())
_ROMAN_RE = re.compile(r"[IVX]{1,4}")
_PAREN_RE = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]")
_NON_LETTER_RE = re.compile(r"[^\w]|[\d_]")


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
    role_words: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    given_names: frozenset[str] = frozenset()
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
            role_words=frozenset(str(w).lower() for w in data.get("role_words") or []),
            places=_places(),
            given_names=frozenset(str(w).lower() for w in data.get("given_names") or []),
        )

    @property
    def leaders(self) -> list[str]:
        return [s["name"] for s in self.speakers if s.get("leader")]

    def resolve(self, label: str) -> Resolution:
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
            ckey = squash(candidate)
            for canonical, patterns in self._compiled:
                if any(p.search(ckey) for p in patterns):
                    return Resolution(canonical, "speech", True, cleaned, title or _title_before(cleaned, canonical))
        return Resolution(name or cleaned, "speech", False, cleaned, title)

    def split(self, label: str) -> tuple[str, str | None]:
        regnal = _REGNAL_RE.match(_MISSING_SPACE_RE.sub(r"\1 of", normalize_ws(_strip_asides(label)).strip(" :.-–—")))
        if regnal:  # "King Abdullah II of Jordan", "Patriarch Kirill of Moscow and All Russia"
            return f"{regnal['title']} {regnal['name']}", normalize_ws(regnal.group(0).replace(regnal['name'], "", 1))
        return self._split(label)

    def _split(self, label: str) -> tuple[str, str | None]:
        """(name, title) of a printed label: the person is the run of capitalised words at its end.

        The run stops at a lower-case word, a title word (``role_words`` in the registry:
        "Minister", "Head", "Chairman", …) or a country ("President of Turkey Recep Tayyip
        Erdogan"). After a comma, the part that is a name wins ("Valeriya Korableva, reporter at
        Channel One"; "Minister of Civil Defence, Emergencies … Yevgeny Zinichev").
        """
        text = normalize_ws(_strip_asides(label)).strip(" :.-–—")
        text = _MISSING_SPACE_RE.sub(r"\1 of", text)  # "Minister-Presidentof Bavaria"
        text = _decapitalise(text)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return "", None
        if len(parts) > 1:
            first_name, first_title = self._split_one(parts[0])
            if first_name and not first_title and len(first_name.split()) > 1:  # "Name, reporter at …"
                return first_name, ", ".join(parts[1:])
        name, title = self._split_one(text)
        if not name and " of " in text:  # "King Hamad bin Isa Al Khalifa of Bahrain"
            head, _, place = text.rpartition(" of ")
            name, title = self._split_one(head)
            if len(name.split()) >= 2:
                return name, normalize_ws(f"{title or ''} of {place}")
            return "", text
        return name, title

    def _split_one(self, text: str) -> tuple[str, str | None]:
        tokens = text.split()
        run: list[str] = []
        for tok in reversed(tokens):
            if len(run) >= 6 or tok.endswith(",") or not self._name_token(tok, inside=bool(run)):
                break
            run.insert(0, tok)
        while run and run[0] in self.name_particles:  # "of", "the" never open a name ("Van der Bellen" may)
            run.pop(0)
        if 3 <= len(run) < len(tokens):  # "… Saudi Arabia Mohammed bin Salman", "… Disaster Relief Yevgeny Zinichev"
            given = [i for i, t in enumerate(run[:-1]) if t.lower() in self.given_names]
            if given:  # (a label that is all name, "Seyed Mohammed Hossein Adeli", is kept whole)
                run = run[given[0]:]
        title = " ".join(tokens[: len(tokens) - len(run)]).strip(" ,") or None
        if len(run) == 1 and title and title.split()[0].lower() in _REGNAL:
            run = [title.split()[0], *run]  # "Patriarch of Moscow and All Russia Kirill": Patriarch Kirill
        if not run:
            return "", text or None
        return " ".join(run), title

    def _name_token(self, tok: str, *, inside: bool) -> bool:
        bare = tok.strip("“”\"'‘’.")
        low = bare.lower()
        if not bare or any(c.isdigit() for c in bare):
            return False
        if low in self.role_words or low in self.places:
            return False
        if inside and low in self.name_particles and low not in ("of", "the", "and", "for", "at", "on", "in"):
            return True  # "Van der Bellen", "bin Salman"
        if not bare[0].isupper():
            head, _, tail = bare.partition("-")  # "al-Ketbi", "el-Sisi", "bin-Zayed"
            return bool(tail) and head in self.name_particles and tail[:1].isupper()
        if len(bare) > 1 and bare.isupper() and "." not in bare and not _ROMAN_RE.fullmatch(bare):
            return False  # an acronym: LDPR, VTB, TASS (a regnal number "II" is part of the name)
        return True

    def looks_like_name(self, label: str) -> bool:
        """True when a cleaned label could be a person (or a known anonymous role).

        Bold headings such as "Statements following the meeting:" or "Meeting points:" end with
        a lower-case word and are rejected; "President of Russia Vladimir Putin" is accepted.
        """
        if _SENTENCE_RE.search(_strip_asides(label)):
            return False  # "Naturally, we will discuss …": a sentence, not a label
        first = clean_label(label).split()[:1]
        if first and first[0].lower() in _SENTENCE_STARTERS and len(clean_label(label).split()) > 1:
            return False  # "And a question for President Putin: …" is a sentence, not a label
        res = self.resolve(label)
        if res.known:
            return True
        if res.label.lower() in self.places:  # "France: “…”" is a quotation, not a speaker
            return False
        name, title = self.split(label)
        if title and len(name.split()) >= 2 and len(label.split()) <= 30 and not _SENTENCE_RE.search(label):
            return True  # "Olympic ice hockey champion Ilya Kovalchuk", "Head of the … faction Sergei Mironov"
        tokens = res.label.replace(".", ". ").split()
        if not tokens or len(tokens) > 10:
            return False
        if not self._name_token(tokens[-1], inside=False) or not tokens[0][:1].isupper():
            return False
        return all(t[:1].isupper() or t.lower() in self.name_particles or self._name_token(t, inside=True)
                   for t in tokens)

    def is_role_label(self, label: str) -> bool:
        """True for a printed title with no name ("Executive Chairman of the World Economic Forum")."""
        cleaned = clean_label(label)
        tokens = cleaned.split()
        if not 2 <= len(tokens) <= 20 or _SENTENCE_RE.search(cleaned):
            return False
        name, _ = self.split(label)
        return not name and tokens[0].lower().strip("’'") in self.role_words

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


def _places() -> frozenset[str]:
    """Country names and their words, lower-cased (a country before a name is part of the title)."""
    import pycountry

    out: set[str] = set()
    keep = {"of", "the", "and", "san", "saint", "st", "el", "de", "da", "new", "south", "north", "united"}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None) or ""
            words = value.replace(",", " ").split()
            if len(words) == 1:
                out.add(value.lower())
            else:
                out.update(w.lower() for w in words if w.lower() not in keep and len(w) > 2)
    out.update({"china", "russia", "belarus", "ukraine", "turkey", "iran", "syria", "korea", "vietnam", "moldova",
                "venezuela", "bolivia", "tanzania", "laos", "usa", "uk", "britain", "europe", "asia", "africa",
                "crimea", "chechnya", "tatarstan", "bashkortostan", "dagestan", "yakutia", "abkhazia",
                "ossetia", "kazakhstan", "kyrgyzstan", "uzbekistan", "tajikistan", "turkmenistan", "armenia",
                "azerbaijan", "georgia", "petersburg", "sevastopol"})
    return frozenset(out)


def _title_before(cleaned: str, canonical: str) -> str | None:
    """The printed words before a known person's surname: "President of Russia" for Putin's label."""
    surname = canonical.split()[-1].lower()
    tokens = cleaned.split()
    for i in range(len(tokens) - 1, -1, -1):
        if squash(tokens[i]).endswith(squash(surname)):
            start = i
            while start > 0 and tokens[start - 1][:1].isupper() and tokens[start - 1].lower() not in _TITLE_STOP:
                start -= 1
            title = " ".join(tokens[:start]).strip(" ,")
            return title or None
    return None


_REGNAL = frozenset({"king", "queen", "emir", "sultan", "patriarch", "pope", "metropolitan", "archbishop",
                     "cardinal", "catholicos", "mufti", "emperor", "prince"})
_REGNAL_RE = re.compile(r"^(?:[\w\s’'-]*?\s)?(?P<title>King|Queen|Emir|Sultan|Patriarch|Pope|Metropolitan|Catholicos)"
                        r"\s+(?P<name>[A-Z][\w-]+(?:\s+[IVX]+)?)\s+of\s+\S.*$")
_MISSING_SPACE_RE = re.compile(r"([a-z]{3}|[IVX])of(?=\s+(?:the\s+)?[A-Z])")


def _decapitalise(text: str) -> str:
    """Names printed in capitals ("VLADIMIR PUTIN", "… NIKOLAI PATRUSHEV") in ordinary case."""
    tokens = text.split()
    caps = [t.isupper() and sum(c.isalpha() for c in t) >= 2 for t in tokens]
    if all(caps):
        return " ".join(t.title() for t in tokens)
    n = 0
    while n < len(tokens) and caps[len(tokens) - 1 - n]:
        n += 1
    if n >= 2:  # a trailing run of two or more words in capitals is a name, not an acronym
        return " ".join(tokens[: len(tokens) - n] + [t.title() for t in tokens[len(tokens) - n:]])
    return text


_TITLE_STOP = frozenset({"president", "minister", "of", "russia", "the", "prime", "chairman"})


def _strip_asides(label: str) -> str:
    text = normalize_ws(label)
    previous = None
    while previous != text:
        previous = text
        text = _PAREN_RE.sub(" ", text)
    return text


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
        shorter = [m for m in everyone if m != name and len(m.split()) >= 2 and name.endswith(" " + m)
                   and not _is_full_form(name, m, registry)]
        full = [m for m in everyone if m != name and m.endswith(" " + name)
                and (len(tokens) == 1 or _is_full_form(m, name, registry))]
        initial = [m for m in everyone if m != name and len(tokens) == 2 and _INITIAL_RE.fullmatch(tokens[0])
                   and m.split()[-1] == tokens[-1] and m.split()[0][:1] == tokens[0][:1] and len(m.split()) >= 2]
        initial += [m for m in everyone if m != name and [t for t in m.split() if not _INITIAL_RE.fullmatch(t)]
                    == tokens and len(m.split()) > len(tokens)]  # "Adnan Amin" -> "Adnan Z. Amin"
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
                    order[other] < order[name] and 2 * counts[other] > counts[name])
            if other == name or other in mapping or not preferred:
                continue
            a, b = name.split(), other.split()
            if len(a) == len(b) >= 2 and a[-1][:1] == b[-1][:1] and _similar(a[-1], b[-1], 0.75) and \
                    all(_similar(x, y, 0.8) for x, y in zip(a[:-1], b[:-1])):
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
