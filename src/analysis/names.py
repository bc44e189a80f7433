"""Names and titles in printed speaker labels: "Defence Minister Sergei Shoigu" is Sergei Shoigu.

A :class:`NameSplitter` knows the words of titles (``role_words``), countries and given names
(from ``config/speakers.yaml`` and pycountry) and splits a label into the person and the title;
:func:`clean_label` and :func:`squash` are the forms labels are compared in. The registry
(:mod:`analysis.speakers`) resolves labels with them; the importers' label heuristics (a typo of a
surname, whether words are a label at all) are in :mod:`analysis.ingest.importers.label_names`.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.text import normalize_ws

_ROMAN_RE = re.compile(r"[IVX]{1,4}")
_PAREN_RE = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]")
_NON_LETTER_RE = re.compile(r"[^\w]|[\d_]")


@dataclass(frozen=True)
class NameSplitter:
    """Splits a printed label into (name, title)."""

    particles: frozenset[str] = frozenset()
    role_words: frozenset[str] = frozenset()
    places: frozenset[str] | None = None  # None: every country (pycountry), read on first use
    given_names: frozenset[str] = frozenset()

    def split(self, label: str) -> tuple[str, str | None]:
        regnal = REGNAL_RE.match(_MISSING_SPACE_RE.sub(r"\1 of", normalize_ws(strip_asides(label)).strip(" :.-–—")))
        if regnal:  # "King Abdullah II of Jordan", "Patriarch Kirill of Moscow and All Russia"
            return f"{regnal['title']} {regnal['name']}", normalize_ws(regnal.group(0).replace(regnal["name"], "", 1))
        return self._split(label)

    def _split(self, label: str) -> tuple[str, str | None]:
        """(name, title) of a printed label: the person is the run of capitalised words at its end.

        The run stops at a lower-case word, a title word (``role_words`` in the registry:
        "Minister", "Head", "Chairman", …) or a country ("President of Turkey Recep Tayyip
        Erdogan"). After a comma, the part that is a name wins ("Valeriya Korableva, reporter at
        Channel One"; "Minister of Civil Defence, Emergencies … Yevgeny Zinichev").
        """
        text = normalize_ws(strip_asides(label)).strip(" :.-–—")
        text = _MISSING_SPACE_RE.sub(r"\1 of", text)  # "Minister-Presidentof Bavaria"
        text = decapitalise(text)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return "", None
        if len(parts) > 1:
            first_name, first_title = self._split_one(parts[0])
            honorific = first_title is not None and first_title.lower().strip(".") in _HONORIFICS
            if first_name and (not first_title or honorific) and len(first_name.split()) > 1:
                return first_name, ", ".join(parts[1:])  # "Name, reporter at …", "Mrs. Jane Doe, Daily Courier"
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
            if len(run) >= 6 or tok.endswith(",") or not self.name_token(tok, inside=bool(run)):
                break
            run.insert(0, tok)
        while run and run[0] in self.particles:  # "of", "the" never open a name ("Van der Bellen" may)
            run.pop(0)
        if 3 <= len(run) < len(tokens):  # "… Saudi Arabia Mohammed bin Salman", "… Disaster Relief Yevgeny Zinichev"
            given = [i for i, t in enumerate(run[:-1]) if t.lower() in self.given_names]
            if given:  # (a label that is all name, "Seyed Mohammed Hossein Adeli", is kept whole)
                run = run[given[0] :]
        title = " ".join(tokens[: len(tokens) - len(run)]).strip(" ,") or None
        if title and run and title.split()[-1].lower() in _OBJECT_OF:
            if len(run) < 3:  # "Winner of the Prize for Young Scientists", "Mother of John Doe": no one's name
                return "", text
            run = run[-2:]  # "Chairman of the Board of Sberbank Herman Gref": the body, then the person
            title = " ".join(tokens[: len(tokens) - 2]).strip(" ,")
        if len(run) == 1 and title and title.split()[0].lower() in REGNAL:
            run = [title.split()[0], *run]  # "Patriarch of Moscow and All Russia Kirill": Patriarch Kirill
        if not run:
            return "", text or None
        return " ".join(run), title

    def name_token(self, tok: str, *, inside: bool) -> bool:
        bare = tok.strip("“”\"'‘’.")
        low = bare.lower()
        if not bare or any(c.isdigit() for c in bare):
            return False
        if low in self.role_words or low in (self.places if self.places is not None else places()):
            return False
        if inside and low in self.particles and low not in ("of", "the", "and", "for", "at", "on", "in"):
            return True  # "Van der Bellen", "bin Salman"
        if not bare[0].isupper():
            head, _, tail = bare.partition("-")  # "al-Ketbi", "el-Sisi", "bin-Zayed"
            return bool(tail) and head in self.particles and tail[:1].isupper()
        # an acronym (LDPR, VTB, TASS) is not a name; a regnal number ("II") is part of one
        return not (len(bare) > 1 and bare.isupper() and "." not in bare and not _ROMAN_RE.fullmatch(bare))


def countries() -> list[dict[str, str]]:
    """pycountry's ISO 3166-1 countries (``name``, ``common_name``, ``official_name``, …), read from its data
    file: importing pycountry looks its own version up among the installed packages first, which costs
    each parse worker 15 ms where the table takes 1."""
    spec = importlib.util.find_spec("pycountry")
    folder = Path(spec.submodule_search_locations[0]) if spec and spec.submodule_search_locations else None
    if folder is None or not (folder / "databases" / "iso3166-1.json").is_file():  # another layout: ask pycountry
        import pycountry

        return [dict(c) for c in pycountry.countries]
    return json.loads((folder / "databases" / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Country names and their words, lower-cased (a country before a name is part of the title)."""
    out: set[str] = set()
    keep = {"of", "the", "and", "san", "saint", "st", "el", "de", "da", "new", "south", "north", "united"}
    for c in countries():
        for attr in ("name", "common_name", "official_name"):
            value = c.get(attr) or ""
            words = value.replace(",", " ").split()
            if len(words) == 1:
                out.add(value.lower())
            else:
                out.update(w.lower() for w in words if w.lower() not in keep and len(w) > 2)
    out.update(
        {
            "china",
            "russia",
            "belarus",
            "ukraine",
            "turkey",
            "iran",
            "syria",
            "korea",
            "vietnam",
            "moldova",
            "venezuela",
            "bolivia",
            "tanzania",
            "laos",
            "usa",
            "uk",
            "britain",
            "europe",
            "asia",
            "africa",
            "crimea",
            "chechnya",
            "tatarstan",
            "bashkortostan",
            "dagestan",
            "yakutia",
            "abkhazia",
            "ossetia",
            "kazakhstan",
            "kyrgyzstan",
            "uzbekistan",
            "tajikistan",
            "turkmenistan",
            "armenia",
            "azerbaijan",
            "georgia",
            "petersburg",
            "sevastopol",
        }
    )
    return frozenset(out)


def title_before(cleaned: str, canonical: str) -> str | None:
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


REGNAL = frozenset(
    {
        "king",
        "queen",
        "emir",
        "sultan",
        "patriarch",
        "pope",
        "metropolitan",
        "archbishop",
        "cardinal",
        "catholicos",
        "mufti",
        "emperor",
        "prince",
    }
)
REGNAL_RE = re.compile(
    r"^(?:[\w\s’'-]*?\s)?(?P<title>King|Queen|Emir|Sultan|Patriarch|Pope|Metropolitan|Catholicos)"
    r"\s+(?P<name>[A-Z][\w-]+(?:\s+[IVX]+)?)\s+of\s+\S.*$"
)
_MISSING_SPACE_RE = re.compile(r"([a-z]{3}|[IVX])of(?=\s+(?:the\s+)?[A-Z])")


_MC_CAPS_RE = re.compile(r"Mc[A-Z]{2,}")


def decapitalise(text: str) -> str:
    """Names printed in capitals ("VLADIMIR PUTIN", "… NIKOLAI PATRUSHEV", "MR. MCMILLON") in ordinary case."""
    tokens = text.split()
    caps = [(t.isupper() and sum(c.isalpha() for c in t) >= 2) or bool(_MC_CAPS_RE.fullmatch(t)) for t in tokens]
    if all(caps):
        return " ".join(_name_case(t) for t in tokens)
    n = 0
    while n < len(tokens) and caps[len(tokens) - 1 - n]:
        n += 1
    if n >= 2 or (n == 1 and len(tokens) >= 2 and tokens[-2].rstrip(".").lower() in _HONORIFICS):
        # a trailing run of two or more words in capitals is a name, not an acronym; so is one after "Mr."
        return " ".join(tokens[: len(tokens) - n] + [_name_case(t) for t in tokens[len(tokens) - n :]])
    return text


# a capitalised run after these is what a title is of or for, not a person ("opening of the Imperial Capitals")
_OBJECT_OF = frozenset({"of", "the", "for", "in", "at", "on", "to", "with", "a", "an"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "miss", "messrs", "sen", "gov", "rep", "gen"})


def _name_case(token: str) -> str:
    """ "MCMILLON" -> "McMillon", "O'BRIEN" -> "O'Brien", "SHADEL" -> "Shadel"."""
    if token[:2].upper() == "MC" and len(token) > 3 and token[2:].isalpha():
        return "Mc" + token[2:].capitalize()
    return token.title()


_TITLE_STOP = frozenset({"president", "minister", "of", "russia", "the", "prime", "chairman"})


def strip_asides(label: str) -> str:
    text = normalize_ws(label)
    previous = None
    while previous != text:
        previous = text
        text = _PAREN_RE.sub(" ", text)
    return text


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
