"""ParlaMint TEI: parliamentary sittings in the CLARIN standard (https://clarin-eric.github.io/ParlaMint/).

One file is one sitting (root ``<TEI>`` in the TEI namespace; plain ``.xml`` or the annotated
``.ana.xml``). Its date is the header's ``settingDesc/setting/date/@when`` (else the sitting's
``meeting/@n``, the source's ``bibl/date`` or the file name, with a warning), its title the main
title in the sitting's language without the ``[ParlaMint]`` stamp. Each ``<u who="#id">`` is a
turn and each ``<seg>`` a paragraph; ``<note>``, ``<gap>``, ``<kinesic>``, ``<vocal>`` and
``<incident>`` are the transcriber's: shown in ``[brackets]``, never counted. In ``.ana.xml`` the
text is rebuilt from the ``<w>``/``<pc>`` tokens (``join="right"``: no space after), as ParlaMint's
own plain-text export does.

Speakers, in this order: the persons of a ``ParlaMint-XX-listPerson.xml`` in the sitting's folder
or above (or of a listPerson in the sitting's own header), as "Forenames Surname" (a patronym left
out); else the ``Speaker_name`` of the ``<sitting>-meta.tsv`` beside it ("Surname, Forenames" turned
round); else the ``who`` id itself, with a warning. An utterance without ``who`` is anonymous.
Words are counted and phrases matched in any script (Cyrillic included).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from analysis.errors import IngestError
from analysis.ingest.importers import Companion
from analysis.ingest.importers.base import Document, Paragraph, RawSource
from analysis.ingest.importers.common import check_date
from analysis.speakers import SpeakerRegistry
from analysis.text import normalize_ws

TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
_T = f"{{{TEI}}}"
COMMENTS = frozenset(_T + t for t in ("note", "gap", "kinesic", "vocal", "incident", "pb", "time"))
_STAMP_RE = re.compile(r"\s*\[ParlaMint[^\]]*\]\s*$")
_ROOT_RE = re.compile(r"^ParlaMint-[A-Za-z]{2,}(?:-[A-Za-z0-9]+)?(?:\.ana)?\.xml$")
_DATE_RE = re.compile(r"_(\d{4}-\d{2}-\d{2})")


def _parser():
    from lxml import etree

    # no DTDs, no entities, no network: a sitting is data, never instructions to fetch anything
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse_xml(raw: bytes, what: str):
    from lxml import etree

    try:
        return etree.fromstring(raw, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError("bad-xml", f"{what} is not well-formed XML: {exc}") from exc


def _lang(node) -> str | None:
    while node is not None:
        value = node.get(f"{{{XML}}}lang")
        if value:
            return value
        node = node.getparent()
    return None


def _text(node) -> str:
    return normalize_ws("".join(node.itertext()))


# --- speakers --------------------------------------------------------------------------------------


def persons(root, *, lang: str | None, date: dt.date) -> dict[str, str]:
    """``person/@xml:id`` -> "Forenames Surname" for every ``<person>`` under ``root``."""
    out = {}
    for person in root.iter(_T + "person"):
        pid = person.get(f"{{{XML}}}id")
        names = person.findall(_T + "persName")
        if not pid or not names:
            continue
        name = _pick_name(names, lang=lang, date=date)
        forenames = [_text(f) for f in name.findall(_T + "forename")]
        surnames = [
            _text(s) for s in name if s.tag in (_T + "surname", _T + "nameLink") and s.get("type") != "patronym"
        ]
        full = " ".join(x for x in (*forenames, *surnames) if x) or _text(name)
        if full:
            out[pid] = full
    return out


def _pick_name(names: list, *, lang: str | None, date: dt.date):
    """The persName for the sitting's date (``@from``/``@to``) and language, else the first."""
    iso = date.isoformat()

    def dated(n) -> bool:
        return (n.get("from") or "0000")[:10] <= iso <= (n.get("to") or "9999")[:10]

    for want in ((lambda n: dated(n) and _lang(n) == lang), dated, lambda n: _lang(n) == lang):
        chosen = [n for n in names if want(n)]
        if chosen:
            return chosen[0]
    return names[0]


def meta_speakers(data: bytes) -> dict[str, str]:
    """``<u xml:id>`` -> speaker name from a ``-meta.tsv`` ("Surname, Forenames" -> "Forenames Surname");
    rows are read by header name and may be ragged."""
    text = data.decode("utf-8", errors="replace")
    out = {}
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        uid, name = (row.get("ID") or "").strip(), (row.get("Speaker_name") or "").strip()
        if uid and name and name != "-":
            surname, _, given = name.partition(",")
            out[uid] = normalize_ws(f"{given} {surname}") if given.strip() else surname.strip()
    return out


# --- text --------------------------------------------------------------------------------------------


def seg_text(seg) -> str:
    """A segment's display text: its words, and the transcriber's comments in [brackets]."""
    parts: list[str] = []
    _walk(seg, parts, tokens=seg.find(f".//{_T}w") is not None)
    return normalize_ws("".join(parts))


def _walk(node, parts: list[str], *, tokens: bool) -> None:
    """Text of ``node`` into ``parts``; in a tokenised (``.ana``) segment only the tokens make spaces."""
    if node.text and node.tag not in COMMENTS and not (tokens and not node.text.strip()):
        parts.append(node.text)
    for child in node:
        tag = child.tag
        if tag in COMMENTS:
            desc = normalize_ws(" ".join(_text(d) for d in child.iter(_T + "desc")) or _text(child))
            parts.append(f" [{desc.replace('[', '(').replace(']', ')')}] " if desc else " ")
        elif tag == _T + "linkGrp":
            pass
        elif tag in (_T + "w", _T + "pc"):
            parts.append(_text(child) + ("" if child.get("join") == "right" else " "))
        else:
            _walk(child, parts, tokens=tokens)
        if child.tail and (child.tail.strip() or not tokens):
            parts.append(child.tail)


# --- the sitting -----------------------------------------------------------------------------------


def _date(header, name: str, warnings: list[str]) -> dt.date:
    setting = header.find(f".//{_T}settingDesc/{_T}setting/{_T}date")
    candidates = []
    if setting is not None:
        candidates.append(("setting date", setting.get("when") or setting.get("from")))
    for meeting in header.iter(_T + "meeting"):
        if "#parla.sitting" in (meeting.get("ana") or ""):
            candidates.append(("meeting", meeting.get("n")))
    bibl = header.find(f".//{_T}sourceDesc//{_T}bibl/{_T}date")
    if bibl is not None:
        candidates.append(("source date", bibl.get("when")))
    m = _DATE_RE.search(name)
    candidates.append(("file name", m.group(1) if m else None))
    for i, (where, value) in enumerate(candidates):
        try:
            date = dt.date.fromisoformat((value or "")[:10])
        except ValueError:
            continue
        if i:
            warnings.append(f"no settingDesc/setting/date in the header: date {date} taken from the {where}")
        return check_date(date)
    raise IngestError("no-date", "no date: the TEI header has no setting date, sitting meeting or source date")


def _title(header, lang: str | None) -> str:
    titles = header.findall(f"{_T}fileDesc/{_T}titleStmt/{_T}title")
    main = [t for t in titles if (t.get("type") or "main") == "main"] or titles
    chosen = next((t for t in main if _lang(t) == lang), main[0] if main else None)
    return _STAMP_RE.sub("", _text(chosen)) if chosen is not None else ""


def parse_sitting(source: RawSource, *, registry: SpeakerRegistry) -> Document:
    """One ParlaMint TEI sitting as a :class:`Document`; :class:`IngestError` when it is none."""
    root, header = _sitting(source)
    warnings: list[str] = []
    lang = _lang(root)
    date = _date(header, source.name, warnings)
    names = _names(source, header, lang=lang, date=date, warnings=warnings)
    meta: dict[str, str] = {}
    for path, data in source.companions.items():
        if path.endswith(".tsv"):
            meta.update(meta_speakers(data))
    body = root.find(f"{_T}text/{_T}body")
    if body is None:
        raise IngestError("empty-body", "no text/body")
    paragraphs = _body(body, names, meta, warnings)
    doc_id = (root.get(f"{{{XML}}}id") or source.name.rsplit(".xml", 1)[0]).removesuffix(".ana")
    profile = {**(source.profile or {}), **(source.sidecar or {})}
    return Document(
        doc_id=doc_id,
        date=date,
        title=_title(header, lang) or doc_id,
        source=str(profile.get("source") or doc_id.split("_", 1)[0]),
        source_url=_source_url(header),
        language=(lang or "").split("-")[0] or "und",
        kind="sitting",
        licence=_licence(header),
        importer="parlamint",
        raw_path=source.rel,
        raw_sha256=source.sha256,
        paragraphs=paragraphs,
        warnings=warnings,
    )


def _sitting(source: RawSource):
    """The sitting's root element and its teiHeader; :class:`IngestError` for any other XML."""
    root = _parse_xml(source.raw, "the sitting")
    if root.tag == _T + "teiCorpus":
        raise IngestError(
            "corpus-root",
            "a ParlaMint corpus root (teiCorpus): its sittings are files of their own; named ParlaMint-XX.xml "
            "it is read as their metadata",
        )
    if root.tag != _T + "TEI":
        raise IngestError("not-tei", f"root element {root.tag!r} is not a TEI sitting (namespace {TEI})")
    header = root.find(_T + "teiHeader")
    if header is None:
        raise IngestError("bad-tei", "no teiHeader")
    return root, header


def _body(body, names: dict[str, str], meta: dict[str, str], warnings: list[str]) -> list[Paragraph]:
    """The paragraphs of the sitting's body: headings, utterances and the transcriber's notes between
    them, with a warning for each irregularity met (counted)."""
    paragraphs: list[Paragraph] = []
    unnamed: set[str] = set()
    section = None
    nested = outside = 0
    for node in body.iter(_T + "u", _T + "head", *COMMENTS):
        if node.tag == _T + "head":
            section = _text(node)
            paragraphs.append(Paragraph(section, "heading", section=section, new_turn=True))
        elif node.tag == _T + "u":
            nested += _inside_u(node)
            turn, lost = _utterance(node, names, meta, section, unnamed)
            paragraphs += turn
            outside += lost
        elif node.getparent() is not None and node.getparent().tag in (_T + "div", _T + "u"):
            desc = _text(node)  # between utterances or segments: the transcriber's, kept for display
            if desc:
                paragraphs.append(Paragraph(f"[{desc}]", "editorial", section=section))
    if not any(p.role in ("speech", "question") for p in paragraphs):
        raise IngestError("empty-body", "the sitting has no utterances (<u>)")
    if nested:
        warnings.append(f"{nested} utterance(s) <u> inside another <u>: each read as a turn of its own speaker")
    if outside:
        warnings.append(
            f"{outside} piece(s) of text inside <u> but outside any <seg>: read as paragraphs of that utterance"
        )
    if unnamed:
        warnings.append(
            f"{len(unnamed)} speaker(s) known only by their ids ({', '.join(sorted(unnamed)[:5])}): "
            "no listPerson or -meta.tsv names them"
        )
    return paragraphs


def _source_url(header) -> str | None:
    url = header.find(f".//{_T}sourceDesc//{_T}idno[@type='URI']")
    if url is None:
        url = header.find(f".//{_T}publicationStmt/{_T}idno")
    return (url.text or "").strip() or None if url is not None else None


def _licence(header) -> str | None:
    licence = header.find(f".//{_T}availability/{_T}licence")
    return (licence.text or "").strip() or _text(licence) if licence is not None else None


def _names(source: RawSource, header, *, lang: str | None, date: dt.date, warnings: list[str]) -> dict[str, str]:
    """Person ids -> names: the person lists of the folders above (outermost first, as the scan gives
    them), then the sitting's own header; the nearest list wins, and a person it names otherwise than
    a farther list is reported once."""
    names: dict[str, str] = {}
    where: dict[str, str] = {}
    lists = [(path, _parse_xml(data, path)) for path, data in source.companions.items() if not path.endswith(".tsv")]
    lists.append(("the sitting's header", header))
    conflicts = []
    for path, root in lists:
        for pid, name in persons(root, lang=lang, date=date).items():
            if pid in names and names[pid] != name:
                conflicts.append(f"{pid}: {name!r} ({path}) over {names[pid]!r} ({where[pid]})")
            names[pid], where[pid] = name, path
    if conflicts:
        more = f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
        warnings.append(f"person lists disagree, the nearest wins: {'; '.join(conflicts[:3])}{more}")
    return names


def _inside_u(u) -> int:
    parent = u.getparent()
    while parent is not None:
        if parent.tag == _T + "u":
            return 1
        parent = parent.getparent()
    return 0


def _own_parts(u) -> list:
    """What ``u`` itself says, in reading order: its ``<seg>`` elements, and any text that lies outside
    them (as strings). An utterance nested in it is a turn of its own; comments are shown apart."""
    parts: list = []
    if (u.text or "").strip():
        parts.append(u.text)
    stack: list = list(reversed(u))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if (item.tail or "").strip():
            stack.append(item.tail)
        if item.tag == _T + "seg":
            parts.append(item)
        elif item.tag != _T + "u" and item.tag not in COMMENTS:
            stack.extend(reversed(item))
            if (item.text or "").strip():
                stack.append(item.text)
    return parts


def _utterance(u, names: dict[str, str], meta: dict[str, str], section: str | None, unnamed: set[str]):
    """The paragraphs of one utterance, and how many pieces of its text lay outside any ``<seg>``."""
    who = (u.get("who") or "").lstrip("#")
    uid = u.get(f"{{{XML}}}id") or ""
    speaker = names.get(who) or meta.get(uid)
    if who and not speaker:
        speaker = who
        unnamed.add(who)
    ana = u.get("ana") or ""
    title = "Chair" if "#chair" in ana else "Guest" if "#guest" in ana else None
    parts = _own_parts(u)
    loose = sum(isinstance(p, str) for p in parts)
    texts = [normalize_ws(p) if isinstance(p, str) else seg_text(p) for p in parts]
    out: list[Paragraph] = []
    for text in texts:
        if text:
            out.append(
                Paragraph(
                    text,
                    "speech" if speaker else "question",
                    speaker=speaker,
                    speaker_label=who or None,
                    speaker_role=title,
                    section=section,
                    attribution="utterance" if speaker else "none",
                    new_turn=not out,
                )
            )
    return out, loose


class ParlaMintImporter:
    """ParlaMint TEI sittings (``.xml``, ``.ana.xml``); their person lists and ``-meta.tsv`` as companions."""

    name = "parlamint"
    suffixes = frozenset({".xml"})
    priority = 15

    def recognises(self, source: RawSource) -> bool:
        return True  # any XML: a file that is not a TEI sitting is refused with the reason

    def companion(self, name: str) -> Companion | None:
        if name.endswith(("-listPerson.xml", "-listOrg.xml")):
            return Companion("folder", "", "ParlaMint person and organisation list (speakers of the sittings below)")
        if _ROOT_RE.match(name) and "_" not in name:
            return Companion("folder", "", "ParlaMint corpus root (its sittings are files of their own)")
        for suffix, what in (
            ("-ana-meta.tsv", "ParlaMint sentiment table (not used)"),
            ("-meta-en.tsv", "ParlaMint speaker metadata in English (the local -meta.tsv is used)"),
            ("-meta.tsv", "ParlaMint speaker metadata of the sitting beside it"),
        ):
            if name.endswith(suffix):
                scope = "document" if suffix == "-meta.tsv" else "none"
                return Companion(scope, name[: -len(suffix)], what)
        return None

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_sitting(source, registry=registry)


IMPORTER = ParlaMintImporter()
