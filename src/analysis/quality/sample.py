"""Accuracy on random turns: draw a sample of attributed turns to label, and score the labels.

A *turn* is a run of paragraphs a document gives to one speaker (``role`` speech, one ``turn_no``).
:func:`draw` takes ``n`` turns of one source at random, stratified by whose turn it is (the head of
state in office on the statement's date, or anyone else; each stratum gets its share of the
source's turns, so the plain proportion right is the source's figure). Each row carries what a
labeller needs: the turn's words (long turns shortened in the middle, never at their ends), the
paragraphs before and after, the raw file and the source's link, the importer's speaker, and two
empty columns: ``true_speaker`` (who really says the turn's words, read from the raw text) and
``note``.

A turn some of whose paragraphs are somebody else's is labelled paragraph by paragraph:
``true_speaker`` is ``Name A; from ¶12: Name B`` (paragraph numbers as in ``para_from``). A turn that
is nobody's words (a heading, a title, narration, a document read into the record) is labelled
``none``; a journalist or member of the audience the source does not name, ``unnamed questioner``.

:func:`score` compares the labels with what the importers give *today*: each sampled paragraph is
found again in the current corpus by its document and a hash of its text (so a fix that renumbers
paragraphs or splits the turn is still scored on the same words), and a turn is right when every
one of its paragraphs is attributed to its true speaker. Precision per source with a Wilson 95%
interval (:func:`analysis.measures.stats.wilson`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.measures.stats import wilson
from analysis.names import squash
from analysis.speakers import SpeakerRegistry, default_registry

SAMPLE_COLUMNS = [
    "sample_id",
    "source",
    "stratum",
    "doc_id",
    "date",
    "title",
    "turn_no",
    "para_from",
    "para_to",
    "paragraphs",
    "words",
    "speaker",
    "speaker_label",
    "before",
    "text",
    "after",
    "para_hashes",
    "raw_path",
    "source_url",
    "true_speaker",
    "note",
]
NOBODY = "none"  # a labelled turn that is nobody's words
QUESTIONER = "unnamed questioner"  # a journalist or member of the audience the source does not name
TEXT_CHARS = 2400  # a long turn is shown as its first and last paragraphs, up to this many characters
CONTEXT_CHARS = 400
_FROM_RE = re.compile(r"^\s*from\s*¶\s*(\d+)\s*:\s*(.+?)\s*$", re.I)


def para_hash(text: str) -> str:
    """A paragraph's identity across importer versions: its words, whitespace and case aside."""
    return hashlib.sha1(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()[:10]


def turns_of(turns: pd.DataFrame, documents: pd.DataFrame, source: str) -> pd.DataFrame:
    """The attributed turns of ``source``: one row per (document, turn), first and last paragraph."""
    docs = documents.loc[documents["source"] == source, ["doc_id", "date", "title", "raw_path", "source_url"]]
    if docs.empty:
        known = ", ".join(sorted(documents["source"].dropna().unique()))
        raise ValueError(f"no documents from source {source!r}; the corpus has: {known}")
    t = turns[(turns["role"] == "speech") & turns["speaker"].notna() & turns["doc_id"].isin(docs["doc_id"])]
    grouped = t.groupby(["doc_id", "turn_no", "speaker"], sort=True, observed=True)
    out = grouped.agg(
        para_from=("para_no", "min"),
        para_to=("para_no", "max"),
        paragraphs=("para_no", "size"),
        words=("n_words", "sum"),
        speaker_label=("speaker_label", "first"),
    ).reset_index()
    return out.merge(docs, on="doc_id", how="left")


def draw(
    turns: pd.DataFrame,
    documents: pd.DataFrame,
    source: str,
    n: int,
    seed: int,
    *,
    registry: SpeakerRegistry | None = None,
) -> pd.DataFrame:
    """``n`` random turns of ``source`` for labelling (:data:`SAMPLE_COLUMNS`), stratified by whether the
    speaker was the head of state in office; the same corpus and seed give the same sample."""
    registry = registry or default_registry()
    pool = turns_of(turns, documents, source)
    if pool.empty:
        raise ValueError(f"source {source!r} has no attributed turns to sample")
    dates = pd.to_datetime(pool["date"]).dt.date
    heads = {(s, d): registry.is_head_of_state(s, d) for s, d in set(zip(pool["speaker"], dates, strict=True))}
    pool["stratum"] = [
        "head of state" if heads[(s, d)] else "other" for s, d in zip(pool["speaker"], dates, strict=True)
    ]
    n = min(n, len(pool))
    sizes = pool["stratum"].value_counts().sort_index()
    quota = _allocate(sizes, n)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, k in quota.items():
        rows = pool.index[pool["stratum"] == stratum].to_numpy()
        picked.extend(rng.choice(rows, size=k, replace=False).tolist())
    sample = pool.loc[sorted(picked)].sort_values(["doc_id", "para_from"]).reset_index(drop=True)
    by_doc = dict(list(turns[turns["doc_id"].isin(sample["doc_id"])].groupby("doc_id", sort=False)))
    rows = [_row(i, r, by_doc[r.doc_id].set_index("para_no")) for i, r in enumerate(sample.itertuples(index=False))]
    out = pd.DataFrame(rows)
    out.insert(1, "source", source)
    return out[SAMPLE_COLUMNS]


def _allocate(sizes: pd.Series, n: int) -> dict[str, int]:
    """Proportional allocation of ``n`` over strata of ``sizes`` (largest remainders; at most a stratum's size)."""
    exact = sizes / sizes.sum() * n
    quota = np.floor(exact).astype(int)
    for stratum in (exact - quota).sort_values(ascending=False, kind="stable").index[: n - int(quota.sum())]:
        quota[stratum] += 1
    return {str(k): int(min(v, sizes[k])) for k, v in quota.items() if v > 0}


def _row(i: int, r, paras: pd.DataFrame) -> dict:
    own = paras.loc[r.para_from : r.para_to]
    own = own[(own["role"] == "speech") & (own["speaker"] == r.speaker)]
    texts = own["text"].tolist()
    before = paras.loc[: r.para_from - 1]["text"].tolist()[-1:]
    after = paras.loc[r.para_to + 1 :]["text"].tolist()[:1]
    return {
        "sample_id": f"{i + 1:04d}",
        "stratum": r.stratum,
        "doc_id": r.doc_id,
        "date": str(r.date)[:10],
        "title": r.title,
        "turn_no": int(r.turn_no),
        "para_from": int(r.para_from),
        "para_to": int(r.para_to),
        "paragraphs": int(r.paragraphs),
        "words": int(r.words),
        "speaker": r.speaker,
        "speaker_label": r.speaker_label if isinstance(r.speaker_label, str) else "",
        "before": _clip(before[0], CONTEXT_CHARS, tail=True) if before else "",
        "text": _shown(texts, own.index.tolist()),
        "after": _clip(after[0], CONTEXT_CHARS) if after else "",
        "para_hashes": " ".join(f"{p}:{para_hash(t)}" for p, t in zip(own.index.tolist(), texts, strict=True)),
        "raw_path": r.raw_path,
        "source_url": r.source_url,
        "true_speaker": "",
        "note": "",
    }


def _shown(texts: list[str], numbers: list[int]) -> str:
    """The turn's paragraphs as ``¶N text``; a long turn keeps its first and last paragraphs whole as
    far as they fit, the middle replaced by a count of what is left out."""
    marked = [f"¶{n} {t}" for n, t in zip(numbers, texts, strict=True)]
    whole = "\n".join(marked)
    if len(whole) <= TEXT_CHARS or len(marked) < 3:
        return _clip(whole, TEXT_CHARS * 2)
    head, tail = [marked[0]], [marked[-1]]
    i, j = 1, len(marked) - 2
    while i <= j and sum(map(len, head + tail)) + len(marked[i]) <= TEXT_CHARS:
        head.append(marked[i])
        i += 1
    left_out = j - i + 1
    middle = [f"[… {left_out} paragraph(s) of this turn left out here …]"] if left_out else []
    return "\n".join([*(_clip(h, TEXT_CHARS) for h in head), *middle, *(_clip(t, TEXT_CHARS) for t in tail)])


def _clip(text: str, chars: int, *, tail: bool = False) -> str:
    if len(text) <= chars:
        return text
    return "…" + text[-chars:] if tail else text[:chars] + "…"


# --- scoring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A labelled turn's truth: the first paragraph's speaker, and who takes over from which paragraph."""

    first: str
    changes: tuple[tuple[int, str], ...] = ()

    def speaker_of(self, para_no: int) -> str:
        who = self.first
        for start, name in self.changes:
            if para_no >= start:
                who = name
        return who

    def beside(self, para_no: int) -> str:
        """The person whose turn a paragraph sits in: the last named speaker before it (else the first after)."""
        segments = [(-1, self.first), *self.changes]
        before = [n for s, n in segments if s <= para_no and n != NOBODY]
        after = [n for s, n in segments if s > para_no and n != NOBODY]
        return before[-1] if before else after[0] if after else NOBODY


def parse_label(value: str, *, where: str) -> Label:
    """``Name``, ``none``, or ``Name A; from ¶12: Name B``; a :class:`ValueError` naming ``where`` otherwise."""
    parts = [p.strip() for p in str(value).split(";") if p.strip()]
    if not parts:
        raise ValueError(f"{where}: true_speaker is empty (label every row before scoring)")
    if _FROM_RE.match(parts[0]):
        raise ValueError(f"{where}: true_speaker {value!r} must start with the first paragraph's speaker")
    changes = []
    for p in parts[1:]:
        m = _FROM_RE.match(p)
        if m is None:
            raise ValueError(f"{where}: cannot read {p!r} in true_speaker (write 'from ¶N: Name')")
        changes.append((int(m.group(1)), m.group(2)))
    return Label(parts[0], tuple(sorted(changes)))


def read_sample(path) -> pd.DataFrame:
    """A labelled sample CSV (:data:`SAMPLE_COLUMNS`; the text columns may be edited or dropped)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"sample_id", "source", "doc_id", "para_hashes", "speaker", "true_speaker"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: not a turn sample: no column(s) {', '.join(sorted(missing))}")
    return table


def score(sample: pd.DataFrame, turns: pd.DataFrame, *, path: str = "sample") -> pd.DataFrame:
    """Per sampled turn: whether today's attribution of its paragraphs agrees with the label (columns
    :data:`SCORE_COLUMNS`).

    Two readings of "right". ``right_now`` asks *who speaks*: a paragraph labelled with a person must be
    attributed to that person or to nobody (``lost`` counts those); one labelled ``none`` (a heading, a
    signature, a document read in) may be
    nobody's or left with the person whose turn it sits in. ``strict_now`` also asks that a ``none``
    paragraph is not counted as anyone's words. ``right_then`` is the first reading for the attribution
    when the sample was drawn (the ``speaker`` column)."""
    docs = turns[turns["doc_id"].isin(sample["doc_id"])]
    where: dict[tuple[str, str], list[tuple[int, str, bool]]] = {}
    texts: dict[str, list[tuple[int, str, str, bool]]] = {}
    for row in docs.itertuples(index=False):
        who, counted = _who(row.role, row.speaker), row.role == "speech"
        where.setdefault((row.doc_id, para_hash(row.text)), []).append((int(row.para_no), who, counted))
        texts.setdefault(row.doc_id, []).append((int(row.para_no), _norm(row.text), who, counted))
    out = []
    for line, r in enumerate(sample.itertuples(index=False), start=2):
        label = parse_label(r.true_speaker, where=f"{path} row {line} (sample {r.sample_id})")
        right_now = strict_now = right_then = True
        now_speakers, found, lost, items = [], 0, 0, str(r.para_hashes).split()
        shown = {int(m.group(1)): _norm(m.group(2)) for m in _SHOWN_RE.finditer(str(getattr(r, "text", "")))}
        for item in items:
            para, h = item.split(":", 1)
            truth, beside = label.speaker_of(int(para)), label.beside(int(para))
            right_then = right_then and _agrees(truth, beside, r.speaker, counted=True, strict=False)
            hits = where.get((r.doc_id, h), []) or _near(texts.get(r.doc_id, []), shown.get(int(para)), int(para))
            if hits:
                found += 1
                _, now, counted = min(hits, key=lambda x: abs(x[0] - int(para)))
                now_speakers.append(now)
                lost += truth not in (NOBODY, QUESTIONER) and now == NOBODY
                right_now = right_now and _agrees(truth, beside, now, counted=counted, strict=False)
                strict_now = strict_now and _agrees(truth, beside, now, counted=counted, strict=True)
        out.append(
            {
                "sample_id": r.sample_id,
                "source": r.source,
                "stratum": getattr(r, "stratum", ""),
                "doc_id": r.doc_id,
                "speaker_then": r.speaker,
                "speaker_now": "; ".join(dict.fromkeys(now_speakers)),
                "true_speaker": r.true_speaker,
                "right_then": right_then,
                "right_now": right_now and found > 0,
                "strict_now": strict_now and found > 0,
                "found": found == len(items),
                "lost": lost,
            }
        )
    return pd.DataFrame(out, columns=SCORE_COLUMNS)


SCORE_COLUMNS = [
    "sample_id",
    "source",
    "stratum",
    "doc_id",
    "speaker_then",
    "speaker_now",
    "true_speaker",
    "right_then",
    "right_now",
    "strict_now",
    "found",
    "lost",
]


_SHOWN_RE = re.compile(r"^¶(\d+) (.*)$", re.M)


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _near(paras: list[tuple[int, str, str, bool]], old: str | None, para_no: int) -> list[tuple[int, str, bool]]:
    """A paragraph whose text changed since the sample was drawn (a label now read and cut off, an aside
    dropped, the paragraph cut in two): today's paragraph of the document inside the old text or holding
    it, the longest (then the nearest) first."""
    if not old or len(old) < 8:
        return []
    hits = [
        (len(text), n, who, counted)
        for n, text, who, counted in paras
        if len(text) >= 8 and (text in old or old in text) and abs(n - para_no) <= 5
    ]
    # a paragraph cut in two (a label found inside it): scored by the part with most of its words
    return [(n, who, counted) for _, n, who, counted in sorted(hits, key=lambda x: (-x[0], abs(x[1] - para_no)))[:1]]


def same_person(a: str, b: str) -> bool:
    """Two spellings of one person in a label and an attribution: equal, or one is the other's surname
    ("Lehrer", "Jim Lehrer")."""
    if squash(a) == squash(b):
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    return len(short) == 1 and len(long) > 1 and squash(short[0]) == squash(long[-1])


def _agrees(truth: str, beside: str, who: str, *, counted: bool, strict: bool) -> bool:
    """A paragraph's attribution agrees with its label. One given to nobody is no error of precision
    (whoever said it, nobody is credited with it): it is a word lost, counted in ``lost``."""
    if truth != NOBODY:
        return who == NOBODY or same_person(who, truth)
    if strict:
        return not counted
    return who == NOBODY or same_person(who, beside)


def _who(role: str, speaker) -> str:
    """Whose own words the corpus says a paragraph is, in the labels' terms (a document read in is nobody's)."""
    if isinstance(speaker, str) and speaker and role in ("speech", "question", "moderator"):
        return speaker
    return QUESTIONER if role in ("question", "moderator") else NOBODY


def precision(scored: pd.DataFrame, column: str = "right_now") -> pd.DataFrame:
    """Turns right of turns labelled, per source, with a Wilson 95% interval."""
    rows = []
    for source, g in scored.groupby("source", sort=True):
        k, n = int(g[column].sum()), len(g)
        lo, hi = wilson(k, n)
        rows.append({"source": source, "right": k, "turns": n, "precision": k / n, "low": lo, "high": hi})
    return pd.DataFrame(rows, columns=["source", "right", "turns", "precision", "low", "high"])
