"""Attribution audit: paragraphs of a processed corpus that look wrongly attributed.

The audit does not use the importers' label rules (it would then agree with them by
construction); it looks at the result for signs a reader would notice (it shares only three word
lists with them: the titles of a spouse, the words of a government body and the words a sentence
opens with):

* ``label-in-turn``: a paragraph inside someone's turn that opens like a speaker label
  ("Head of the A Just Russia faction Sergei Mironov: …"): a label the importer missed, so the
  next speaker's words joined the turn;
* ``addresses-self``: a speaker addressing himself ("Mr Putin", "Vladimir Vladimirovich" inside
  Putin's own turn): someone else's words in his turn;
* ``thanks-self``: a turn that thanks its own speaker ("Thank you, Mr Shoigu" in Shoigu's turn);
* ``addressed-as-president``: the head of state in office opening his own paragraph the way a
  subordinate reports to him ("Thank you, Mr President", "Mr President, in keeping with your
  instructions"): the next speaker's words in his turn;
* ``unlabelled-change``: the speaker changes between two paragraphs with no label;
* ``dash-after-label``: a paragraph that opens with a label followed by a dash ("Q:—to Dr. Doe.",
  "DR. DOE:—"), left unread inside someone's turn;
* ``heading-as-speaker``: a turn opened by a label in capitals whose words are in capitals too ("WAR
  DEPARTMENT. NEW MEXICO AND ARIZONA."): a heading read as a speaker;
* ``body-as-speaker``: a "speaker" that is a government body, a ship, a place or a document ("Interior
  Department", "Cruiser Atlanta", "France");
* ``spouse-as-person``: a label with a spouse's or relative's title ("Mrs. Doe") resolved to a person of
  the registry (President John Doe).

Each hit is a row (document, paragraph, kind, speaker, opening words); :func:`summary` counts
them by kind. Run it over the whole archive before and after a change to the importers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.errors import ParameterError
from analysis.ingest.importers.label_words import INSTITUTIONS, SENTENCE_STARTERS
from analysis.ingest.importers.labels import LabelReader
from analysis.measures import Measure, Result
from analysis.measures.nmf_topics import NmfParams
from analysis.names import places
from analysis.params import CorpusParams, like, param
from analysis.selection import SelectionParams
from analysis.speakers import SpeakerRegistry, default_registry
from analysis.text import spoken

AUDIT_COLUMNS = ["kind", "doc_id", "para_no", "date", "speaker", "text", "source_url"]
KINDS = (
    "label-in-turn",
    "addresses-self",
    "thanks-self",
    "addressed-as-president",
    "unlabelled-change",
    "dash-after-label",
    "heading-as-speaker",
    "body-as-speaker",
    "spouse-as-person",
)

_LABEL_SHAPE_RE = re.compile(r"^(?P<label>[A-Z][^:!?“”\"«»]{2,200}?)(?:\s*\([^()]{1,60}\))?\s*:\s+(?P<rest>\S)")
_NAME_END_RE = re.compile(r"(?:^|\s)(?:[A-Z][\w’'.-]+)(?:\s+(?:[a-z]{1,3}\s+)?[A-Z][\w’'-]+)+$")
_STARTERS = SENTENCE_STARTERS | {"first", "second", "third", "finally"}
_QUOTES = ("“", '"', "«", "‘")
_BARE_NAME_RE = re.compile(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+\.?")
_CLAUSE_RE = re.compile(
    r"\b(?:we|I|you|he|she|they|it|is|are|was|were|will|would|can|could|should|must|have|has|"
    r"had|do|does|did|said|say|says|let|this|that|there|here|what|which|who|how)\b",
    re.I,
)


def looks_like_label(text: str) -> bool:
    """True when a paragraph opens with a label-shaped prefix: at most 25 words ending in a name."""
    m = _LABEL_SHAPE_RE.match(text)
    if not m or text[m.start("rest") :].startswith(_QUOTES):
        return False
    if _BARE_NAME_RE.fullmatch(text[m.start("rest") :].strip()):
        return False  # "Minister of Defence: Sergei Shoigu." is an item of a list read out, not a label
    label = m.group("label").strip()
    words = label.split()
    if len(words) > 25 or words[0].lower().strip(",") in _STARTERS or _CLAUSE_RE.search(label):
        return False
    return bool(_NAME_END_RE.search(label)) and len(words) >= 2


def audit(
    turns: pd.DataFrame, documents: pd.DataFrame | None = None, *, registry: SpeakerRegistry | None = None
) -> pd.DataFrame:
    """Every suspicious paragraph of ``turns`` (the processed ``turns.parquet`` table), by kind."""
    registry = registry or default_registry()
    t = turns.sort_values(["doc_id", "para_no"]).reset_index(drop=True)
    vocatives = _vocatives(registry)
    dates = {}
    if documents is not None:
        dates = dict(zip(documents["doc_id"], pd.to_datetime(documents["date"]).dt.date, strict=True))
    hits: list[dict] = []
    prev_doc, prev_speaker, prev_role = None, None, None
    for row in t.itertuples(index=False):
        if row.doc_id != prev_doc:
            prev_speaker, prev_role = None, None
        kinds = []
        if row.role == "speech" and isinstance(row.speaker, str):
            kinds += _speech_kinds(row, registry, vocatives, dates)
            if row.attribution == "continuation" and prev_role == "speech" and prev_speaker != row.speaker:
                kinds.append("unlabelled-change")
            kinds += _label_classes(row, registry)
        if (row.role != "speech" or row.attribution != "label") and _DASH_LABEL_RE.match(row.text or ""):
            kinds.append("dash-after-label")
        hits += [_hit(kind, row) for kind in kinds]
        prev_doc = row.doc_id
        if row.role not in ("pullquote", "editorial", "heading"):
            prev_speaker, prev_role = row.speaker, row.role
    return _table(hits, documents)


def _hit(kind: str, row) -> dict:
    return {
        "kind": kind,
        "doc_id": row.doc_id,
        "para_no": int(row.para_no),
        "speaker": row.speaker,
        "text": row.text[:200],
    }


def _speech_kinds(row, registry: SpeakerRegistry, vocatives: dict[str, re.Pattern], dates: dict) -> list[str]:
    """The kinds a speaker's paragraph falls in by its own words: a label inside it, its speaker
    addressed or thanked, the head of state reporting to himself."""
    out = []
    text = row.text
    if row.attribution == "continuation" and looks_like_label(text):
        out.append("label-in-turn")
    own = vocatives.get(row.speaker) or _default_vocatives(row.speaker)
    if own.search(text) and own.search(spoken(text)):  # editor's notes ("(Mr X went on …)") aside
        out.append("thanks-self" if _THANKS_RE.search(text[:200]) and own.search(text[:200]) else "addresses-self")
    if (
        _REPORTING_RE.match(text)
        and not _GUEST_THANKS_RE.search(text[:160])
        and row.doc_id in dates
        and registry.is_head_of_state(row.speaker, dates[row.doc_id])
    ):
        out.append("addressed-as-president")
    return out


def _table(hits: list[dict], documents: pd.DataFrame | None) -> pd.DataFrame:
    """The hits as the audit's table: with each document's date and address, sorted by kind."""
    out = pd.DataFrame(hits, columns=["kind", "doc_id", "para_no", "speaker", "text"])
    if documents is not None and len(out):
        meta = documents[["doc_id", "date", "source_url"]].copy()
        meta["date"] = pd.to_datetime(meta["date"]).dt.strftime("%Y-%m-%d")
        out = out.merge(meta, on="doc_id", how="left")
    for col in AUDIT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    order = {k: i for i, k in enumerate(KINDS)}
    out = out.sort_values(["kind", "doc_id", "para_no"], key=lambda s: s.map(order) if s.name == "kind" else s)
    return out[AUDIT_COLUMNS].reset_index(drop=True)


def summary(hits: pd.DataFrame) -> pd.DataFrame:
    """Hits per kind (every kind listed, zero included)."""
    counts = hits["kind"].value_counts()
    return pd.DataFrame(
        {
            "kind": list(KINDS),
            "paragraphs": [int(counts.get(k, 0)) for k in KINDS],
            "documents": [int(hits.loc[hits["kind"] == k, "doc_id"].nunique()) for k in KINDS],
        }
    )


@dataclass(frozen=True)
class AuditParams(CorpusParams):
    summary: bool = param(False, "only the counts by kind")
    sample: int = param(0, "instead of the flagged paragraphs, this many random turns to label by hand", minimum=0)
    source: str = like(SelectionParams, "source", "")  # with --sample: the outlet whose turns are drawn
    seed: int = like(NmfParams, "seed", 0)  # with --sample

    def validate(self) -> None:
        if self.sample and not self.source:
            raise ParameterError("--sample needs --source: the source whose turns to draw (e.g. en.kremlin.ru)")


def compute(corpus, params: AuditParams) -> Result:
    """The ``audit`` measure: the flagged paragraphs (or their counts by kind), and the counts as a note;
    with ``sample``, random turns to label (:mod:`analysis.quality.sample`)."""
    if params.sample:
        from analysis.quality.sample import draw

        drawn = draw(corpus.turns, corpus.documents, params.source, params.sample, params.seed)
        note = (
            f"audit: {len(drawn)} random turn(s) of {params.source} (seed {params.seed}, corpus "
            f"{corpus.info.get('corpus_version', '?')}); fill in true_speaker, then: "
            "python -m analysis score-sample --file FILE"
        )
        return Result(drawn, notes=[note])
    hits = audit(corpus.turns, corpus.documents)
    counts = summary(hits)
    note = f"audit: {len(hits)} paragraph(s) flagged: " + ", ".join(
        f"{r.kind} {r.paragraphs}" for r in counts.itertuples()
    )
    return Result(counts if params.summary else hits, notes=[] if params.summary else [note])


MEASURE = Measure("audit", "paragraphs whose attribution looks wrong, by kind (CSV)", AuditParams, "audit", compute)


_THANKS_RE = re.compile(r"\bthank(?:s| you)\b", re.I)
_GUEST_THANKS_RE = re.compile(
    r"\bfor (?:the |your )?(?:kind )?(?:invitation|inviting|kind words|hospitality|warm|"
    r"reception|welcome)",
    re.I,
)
_REPORTING_RE = re.compile(
    r"^\W*(?:Thank you(?: very much)?,?\s+(?:dear\s+)?Mr\.? President\b|"
    r"Mr\.? President,?\s+(?:thank you|in keeping with your|as you (?:instructed|asked|requested|said)|"
    r"(?:allow|let) me (?:to )?report|I (?:would like to )?report|"
    r"following your|pursuant to your|on your instructions))",
    re.I,
)


HEADING_WORDS = 15  # a turn's words in capitals, at most this many: a heading's second part
_DASH_LABEL_RE = re.compile(r"^\W{0,2}(?:[QA]|[A-Z][\w.'’ ]{1,40}?)\s*[:.]\s*[\u2014\u2013]")


def _label_classes(row, registry: SpeakerRegistry) -> list[str]:
    """The label classes a turn's labelled paragraph falls in (``dash-after-label`` is looked for apart)."""
    label = getattr(row, "speaker_label", None)
    if row.attribution != "label" or not isinstance(label, str):
        return []
    out = []
    text = row.text or ""
    if not any(c.islower() for c in label + text) and text and len(text.split()) <= HEADING_WORDS:
        out.append("heading-as-speaker")
    if LabelReader.spouse_title(label) and registry.canonical(row.speaker) is not None:
        out.append("spouse-as-person")
    words = row.speaker.lower().replace(",", " ").split()
    if words and (words[-1] in INSTITUTIONS or row.speaker.lower() in places()):
        out.append("body-as-speaker")
    return out


def _default_vocatives(name: str) -> re.Pattern:
    surname = name.split()[-1]
    return re.compile(r"\b(?:Mr|Mrs|Ms|Mister)\.?\s+" + re.escape(surname) + r"\b")


def _vocatives(registry: SpeakerRegistry) -> dict[str, re.Pattern]:
    """How other people address a registry speaker: "Mr Putin", and any ``vocatives`` it lists."""
    out = {}
    for s in registry.speakers:
        forms = [r"(?:Mr|Mister)\.?\s+" + re.escape(s["name"].split()[-1])] + [
            re.escape(v) for v in s.get("vocatives", [])
        ]
        out[s["name"]] = re.compile(r"\b(?:" + "|".join(forms) + r")\b")
    return out
