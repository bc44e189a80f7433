"""Attribution you can prove: a hand-checked gold standard, a scorer, and drafts to label.

The gold standard lives in ``tests/gold/``: for each raw document (an en.kremlin.ru page, a
hand-typed transcript) a CSV with one row per paragraph as the page prints it:

=========  ==============================================================================
column     meaning
=========  ==============================================================================
doc        the raw file's name (``56953.html``, ``01-press-briefing.md``)
para       the paragraph's position in the page (0 = the lead, where there is one)
speaker    who says the words: a person's name without title ("Sergei Shoigu"), or a role
           in parentheses for words that are nobody's own: ``(lead)``, ``(narration)``,
           ``(question)`` (an anonymous questioner), ``(moderator)``, ``(heading)``,
           ``(pullquote)``, ``(editorial)``
label      the speaker label that opens the paragraph exactly as printed (``Sergei Shoigu:``),
           or empty; its words are nobody's
text       the paragraph as printed, label included
=========  ==============================================================================

:func:`score` runs the importers on the raw files and compares, word by word, who the system
says speaks each word with who the gold file says: the two word sequences are aligned (so a
change in paragraph segmentation does not matter), and precision and recall of each speaker's
words follow, with the per-statement error of the leader's word count
(Σ |counted − true| ÷ Σ true).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.errors import GoldError
from analysis.ingest.importers.base import Document
from analysis.speakers import SpeakerRegistry, default_registry
from analysis.text import WORD_RE, fold, spoken

GOLD_COLUMNS = ["doc", "para", "speaker", "label", "text"]
NOBODY = (
    "(lead)",
    "(narration)",
    "(question)",
    "(moderator)",
    "(heading)",
    "(pullquote)",
    "(editorial)",
    "(headline)",
    "(boilerplate)",
)


def parse_document(raw_path: Path, *, registry: SpeakerRegistry | None = None) -> Document:
    """Run the importer the ingest would pick for one raw file (sidecar read when present)."""
    from analysis.ingest import parse_raw

    registry = registry or default_registry()
    raw = raw_path.read_bytes()
    sidecar = None
    for suffix in (".meta.yaml", ".meta.yml"):
        side = raw_path.with_name(raw_path.name.rsplit(".", 1)[0] + suffix)
        if side.exists():
            sidecar = side.read_bytes()
    profile = raw_path.with_name("profile.yaml")  # a gold folder of one source carries a copy of its profile
    profiles = (("", profile.read_bytes()),) if profile.exists() else ()
    found = parse_raw(
        raw_path.name, raw, sha=hashlib.sha256(raw).hexdigest(), registry=registry, sidecar=sidecar, profiles=profiles
    )
    if len(found.documents) != 1:
        raise GoldError(f"{raw_path.name}: gives {len(found.documents)} documents; a gold file describes one")
    return found.documents[0]


def _who(p) -> str:
    return p.speaker if p.role == "speech" and p.speaker else f"({p.role})"


# --- drafts ------------------------------------------------------------------------------------


def draft(raw_path: Path, *, registry: SpeakerRegistry | None = None) -> list[dict]:
    """Gold rows pre-filled with what the importer says today, for a person to check and correct.

    Kremlin pages are drafted from the page's own paragraph blocks, so a label the importer did
    not recognise stays in ``text`` with an empty ``label`` (the person labelling moves it).
    """
    doc = parse_document(raw_path, registry=registry)
    if raw_path.suffix.lower() in (".html", ".htm"):
        return _draft_kremlin(raw_path, doc)
    return _draft_text(raw_path, doc)


def _draft_text(raw_path: Path, doc: Document) -> list[dict]:
    """Blocks of a text file (blank-line separated, after any front matter), one row each."""
    import re

    from analysis.text import normalize_ws

    text = raw_path.read_text(encoding="utf-8", errors="replace")
    front = re.match(r"\A---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
    body = text[front.end() :] if front else text
    blocks = [b for b in (normalize_ws(x) for x in re.split(r"\n\s*\n", body)) if b]
    rows = []
    for i, block in enumerate(blocks):
        p = doc.paragraphs[i] if i < len(doc.paragraphs) else None
        label = ""
        if p is not None and p.text != block and block.endswith(p.text) and p.role != "heading":
            label = block[: len(block) - len(p.text)].strip()
        rows.append({"doc": raw_path.name, "para": i, "speaker": _who(p) if p else "", "label": label, "text": block})
    return rows


def _draft_kremlin(raw_path: Path, doc: Document) -> list[dict]:
    from selectolax.lexbor import LexborHTMLParser

    from analysis.ingest.importers import html_blocks, kremlin
    from analysis.text import normalize_ws

    tree = LexborHTMLParser(raw_path.read_bytes().decode("utf-8", errors="replace"))
    body = tree.css_first("[itemprop=articleBody]")
    if body is None:
        raise GoldError(f"{raw_path.name}: no article body to draft from")
    for node in body.css(kremlin._REMOVE):
        node.decompose()
    blocks = [html_blocks.plain(b.marked) for b in html_blocks.blocks(body)]
    paras = list(doc.paragraphs)
    rows: list[dict] = []
    if paras and paras[0].role == "lead":
        rows.append({"speaker": "(lead)", "label": "", "text": paras.pop(0).text})
    j = 0
    for block in blocks:
        block = normalize_ws(block)
        p = paras[j] if j < len(paras) else None
        if p is not None and p.text and p.text in block:
            start = block.index(p.text)
            label = block[:start].strip() if p.attribution == "label" else ""
            rows.append({"speaker": _who(p), "label": label, "text": block})
            j += 1
            while j < len(paras) and paras[j].text and paras[j].text in block[start + len(p.text) :]:
                j += 1  # a note the importer split off the same block ("… (Ms X went on to …)")
        else:  # a label on a line of its own: the next paragraph is its speaker's
            nxt = paras[j] if j < len(paras) else None
            rows.append({"speaker": _who(nxt) if nxt else "(heading)", "label": block, "text": block})
    return [{"doc": raw_path.name, "para": i, **r} for i, r in enumerate(rows)]


def write_gold(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=GOLD_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def read_gold(path: Path) -> list[dict]:
    """Rows of one gold CSV, checked: every label is a prefix of its text, every role is known."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise GoldError(f"{path.name}: no rows")
    missing = set(GOLD_COLUMNS) - set(rows[0])
    if missing:
        raise GoldError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    for i, r in enumerate(rows, start=2):
        sp = (r["speaker"] or "").strip()
        if not sp:
            raise GoldError(f"{path.name} row {i}: empty speaker")
        if sp.startswith("(") and sp not in NOBODY:
            raise GoldError(f"{path.name} row {i}: unknown role {sp!r} (one of {', '.join(NOBODY)})")
        if r["label"] and not r["text"].startswith(r["label"]):
            raise GoldError(f"{path.name} row {i}: label {r['label']!r} does not open the text")
    return rows


# --- scoring -----------------------------------------------------------------------------------


def _gold_words(rows: list[dict]) -> list[tuple[str, str]]:
    out = []
    for r in rows:
        words = WORD_RE.findall(fold(spoken(r["text"][len(r["label"]) :])))
        out += [(w, r["speaker"].strip()) for w in words]
    return out


def _system_words(doc: Document) -> list[tuple[str, str]]:
    out = []
    for p in doc.paragraphs:
        who = _who(p)
        out += [(w, who) for w in WORD_RE.findall(fold(spoken(p.text)))]
    return out


@dataclass
class DocScore:
    doc: str
    gold_words: int
    # (gold speaker, system speaker) -> words; "" stands for a word the other side lacks
    pairs: Counter = field(default_factory=Counter)
    leader: str = config.DEFAULT_SPEAKER  # whose words are scored first: the statement's own speaker

    def words(self, speaker: str, *, side: str) -> int:
        i = 0 if side == "gold" else 1
        return sum(n for k, n in self.pairs.items() if k[i] == speaker)


def normalise_gold_names(rows: list[dict], registry: SpeakerRegistry | None = None) -> list[dict]:
    """Gold speakers in the names the system gives people: a name the registry knows in its canonical
    form ("Mondale" -> "Walter Mondale"), and, within one document, a surname printed alone in the
    labels that another gold name of the document ends with ("Shadel" -> "Bill Shadel"). Gold files
    record who speaks as the labels print them; one person has one name in the corpus."""
    registry = registry or default_registry()
    names = {r["speaker"].strip() for r in rows if is_person(r["speaker"].strip())}
    canonical = {}
    for name in names:
        res = registry.resolve(name)
        canonical[name] = res.speaker if res.known and res.speaker else name
    full = set(canonical.values())
    for name, to in canonical.items():
        if len(to.split()) == 1:
            longer = [f for f in full if f.endswith(" " + to)]
            if len(longer) == 1:
                canonical[name] = longer[0]
    return [{**r, "speaker": canonical.get(r["speaker"].strip(), r["speaker"].strip())} for r in rows]


def score_document(rows: list[dict], doc: Document) -> DocScore:
    """Align the gold and system word sequences of one document and count (gold, system) pairs."""
    rows = normalise_gold_names(rows)
    gold, system = _gold_words(rows), _system_words(doc)
    sm = difflib.SequenceMatcher(None, [w for w, _ in gold], [w for w, _ in system], autojunk=False)
    pairs: Counter = Counter()
    gi = si = 0
    for a, b, n in sm.get_matching_blocks():
        for k in range(gi, a):
            pairs[(gold[k][1], "")] += 1
        for k in range(si, b):
            pairs[("", system[k][1])] += 1
        for k in range(n):
            pairs[(gold[a + k][1], system[b + k][1])] += 1
        gi, si = a + n, b + n
    return DocScore(rows[0]["doc"], len(gold), pairs, doc.speaker or config.DEFAULT_SPEAKER)


def is_person(speaker: str) -> bool:
    return bool(speaker) and not speaker.startswith("(")


def summarise(scores: list[DocScore], *, leader: str | None = None) -> dict:
    """Precision and recall per speaker, for the leader, for everyone else, and the per-statement error.

    The leader is ``leader`` in every document, or (None) each statement's own speaker: the one its
    metadata names (a transcript's ``President:`` line), else :data:`~analysis.config.DEFAULT_SPEAKER`.
    """
    total: Counter = Counter()
    by_leader: Counter = Counter()  # ((gold, system) pairs, as "leader"/"other"/"" roles)
    for s in scores:
        total.update(s.pairs)
        lead = leader or s.leader
        for (g, y), n in s.pairs.items():
            by_leader[(_side(g, lead), _side(y, lead), g == y)] += n

    def pr(pred_gold, pred_sys) -> tuple[int, int, int]:
        tp = sum(n for (g, s), n in total.items() if pred_gold(g) and pred_sys(s) and g == s)
        sys_n = sum(n for (g, s), n in total.items() if pred_sys(s))
        gold_n = sum(n for (g, s), n in total.items() if pred_gold(g))
        return tp, sys_n, gold_n

    def ratio(a, b):
        return a / b if b else float("nan")

    per_speaker = []
    for sp in sorted({g for g, _ in total if is_person(g)} | {s for _, s in total if is_person(s)}):
        tp, sys_n, gold_n = pr(lambda g, sp=sp: g == sp, lambda s, sp=sp: s == sp)
        per_speaker.append(
            {
                "speaker": sp,
                "gold_words": gold_n,
                "system_words": sys_n,
                "correct": tp,
                "precision": ratio(tp, sys_n),
                "recall": ratio(tp, gold_n),
            }
        )

    def side_pr(role: str) -> tuple[int, int, int]:
        tp = sum(n for (g, y, same), n in by_leader.items() if g == role and y == role and same)
        return (
            tp,
            sum(n for (_, y, _), n in by_leader.items() if y == role),
            sum(n for (g, _, _), n in by_leader.items() if g == role),
        )

    lt, ls, lg = side_pr("leader")
    ot, os_, og = side_pr("other")
    lead_of = {id(s): leader or s.leader for s in scores}
    err = sum(abs(s.words(lead_of[id(s)], side="system") - s.words(lead_of[id(s)], side="gold")) for s in scores)
    leader_true = sum(s.words(lead_of[id(s)], side="gold") for s in scores)
    leaders = sorted({lead_of[id(s)] for s in scores})
    return {
        "documents": len(scores),
        "words": sum(s.gold_words for s in scores),
        "leader": leaders[0] if len(leaders) == 1 else "each statement's own speaker",
        "leader_gold_words": lg,
        "leader_system_words": ls,
        "leader_precision": ratio(lt, ls),
        "leader_recall": ratio(lt, lg),
        "others_gold_words": og,
        "others_system_words": os_,
        "others_precision": ratio(ot, os_),
        "others_recall": ratio(ot, og),
        "per_statement_error": ratio(err, leader_true),
        "per_speaker": per_speaker,
        "per_document": [
            {
                "doc": s.doc,
                "leader": lead_of[id(s)],
                "gold": s.words(lead_of[id(s)], side="gold"),
                "system": s.words(lead_of[id(s)], side="system"),
            }
            for s in scores
        ],
    }


def _side(speaker: str, leader: str) -> str:
    """ "leader", "other" (another person) or "" (nobody's words, or a word the other side lacks)."""
    if speaker == leader:
        return "leader"
    return "other" if is_person(speaker) else ""


SAMPLES_DIR = "samples"  # tests/gold/samples/: random turns labelled whole (score-sample), not paragraph gold


def gold_files(gold_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in Path(gold_dir).rglob("*.csv")
        if not p.name.startswith("_") and SAMPLES_DIR not in p.relative_to(gold_dir).parts[:-1]
    )


def score(gold_dir: Path, *, registry: SpeakerRegistry | None = None, leader: str | None = None) -> dict:
    """Score the importers against every gold CSV under ``gold_dir`` (raw file beside each CSV)."""
    scores = []
    for path in gold_files(gold_dir):
        rows = read_gold(path)
        raw = path.with_name(rows[0]["doc"])
        if not raw.exists():
            raise GoldError(f"{path.name}: raw file {raw.name} is not beside it")
        scores.append(score_document(rows, parse_document(raw, registry=registry)))
    if not scores:
        raise GoldError(f"no gold CSV files under {gold_dir}")
    return summarise(scores, leader=leader)
