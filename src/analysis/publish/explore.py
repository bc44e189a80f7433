"""The reader's explorer (``reports/explore.html``): any phrase, any speaker, its trend and its quotes, in
the browser, from a local file or any static host.

Built from a generation's index (:mod:`analysis.index`) by :func:`build`, into ``reports/explore/``:

* ``meta.js``: the speakers offered (every one with at least :data:`MIN_SPEAKER_WORDS` words of his own)
  with each paragraph's document and their words and statements per year and month (the
  ``speaker_words`` and ``documents`` of ``analysis count``), the groups of ``config/speakers.yaml``,
  the phrase families with their forms, the separators, each document's date, and what the typing
  rules need (the folding table);
* ``v/<key>.js``: the vocabulary by a word's first two characters (a word: its id, how often it
  occurs, where its positions are);
* ``p/b<n>.js``, ``p/t<word>-<n>.js``: positions of the words, several words a file, and of the most
  frequent words files of their own that group their speakers, so that one question loads only what
  it needs. A position is a paragraph of a speaker, the word's token number in it, the separator
  after it and how many apostrophe or hyphen joins follow (what the matcher's rules need:
  :mod:`analysis.measures.match`);
* ``x/<speaker>-<month>.js``: the spoken text of a speaker's paragraphs of a month and their statements
  (title, date, source), for the quotes and for patterns with ``*``.

The page (``templates/explore.html``) and its script (``static/explore.js``) are files of their own; the
data files are scripts that hand their data to the page (a page opened from a file may load scripts
but not fetch). Binary parts are deflated and base64-encoded; the browser inflates them with
``DecompressionStream``. Same generation, same bytes; a build whose inputs are unchanged is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zlib
from pathlib import Path

import numpy as np

from analysis import config
from analysis.index import CorpusIndex
from analysis.measures.count import periods
from analysis.measures.lexicon import load as load_lexicon
from analysis.measures.ngrams import Vocabulary
from analysis.measures.search import search
from analysis.publish.timeaxis import MIN_PERIOD_WORDS  # the reports' floor: a period under it is not drawn
from analysis.selection import Scope
from analysis.speakers import default_registry
from analysis.text import _FOLD_PAIRS, spoken

VERSION = 4  # of the data files' layout: the script checks it
MIN_SPEAKER_WORDS = 1_000  # a speaker is offered from this many words of his own
BIG = 3_000  # a word with more positions than this gets files of its own, its speakers grouped into them
GROUP = 30_000  # positions in one such file (about 50 KB)
BUCKET_BYTES = 24_000  # positions of rarer words are packed into files of about this size (before deflating)
PACKAGE = Path(__file__).resolve().parent
TEMPLATE, SCRIPT = PACKAGE / "templates" / "explore.html", PACKAGE / "static" / "explore.js"
JOINERS = ("'", "-")
CHUNK = 1 << 22  # values encoded at once (bounds the temporary arrays)


def varints(values) -> bytes:
    """Unsigned LEB128 of each value (non-negative integers), end to end (a few million at a time)."""
    v = np.asarray(values, dtype=np.uint64)
    if len(v) > CHUNK:
        return b"".join(varints(v[i : i + CHUNK]) for i in range(0, len(v), CHUNK))
    if not len(v):
        return b""
    width = np.ones(len(v), dtype=np.int64)
    rest = v >> np.uint64(7)
    while rest.any():
        width += rest > 0
        rest >>= np.uint64(7)
    out = np.empty(int(width.sum()), dtype=np.uint8)
    at = np.cumsum(width) - width
    rem = v.copy()
    for b in range(int(width.max())):
        live = width > b
        more = (width[live] > b + 1).astype(np.uint8) << 7
        out[at[live] + b] = (rem[live] & np.uint64(0x7F)).astype(np.uint8) | more
        rem[live] >>= np.uint64(7)
    return out.tobytes()


def packed(data: bytes) -> str:
    """Deflated (zlib) and base64-encoded: what the page inflates with ``DecompressionStream("deflate")``."""
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _script(call: str, *args) -> str:
    """A data file: one call of the page's loader with JSON arguments (``</`` escaped for a script)."""
    text = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return "Refrain." + call + "(" + text.replace("</", "<\\/") + ");\n"


def vocab_key(token: str) -> str:
    """The vocabulary file of a word: its first two characters as hexadecimal code points."""
    return "-".join(f"{ord(c):04x}" for c in token[:2])


def fingerprint(gen: Path) -> str:
    """What the explorer's files depend on: the generation's manifest, the code and the configuration."""
    h = hashlib.sha256()
    h.update(str(VERSION).encode())
    for path in (gen / "manifest.json", TEMPLATE, SCRIPT, Path(__file__), config.CONFIG_DIR / "speakers.yaml"):
        h.update(path.read_bytes() if path.is_file() else b"")
    h.update(load_lexicon().path.read_bytes())
    return h.hexdigest()[:16]


def build(gen: Path, reports_dir: Path, *, force: bool = False, min_speaker_words: int = MIN_SPEAKER_WORDS) -> bool:
    """Write ``explore.html`` and ``explore/`` into ``reports_dir`` from generation ``gen``, offering every
    speaker with ``min_speaker_words`` words or more; False when they were current (nothing written)."""
    out = reports_dir / "explore"
    stamp = f"{fingerprint(gen)} {min_speaker_words}"
    if not force and (out / "stamp.txt").is_file() and (out / "stamp.txt").read_text() == stamp:
        return False
    work = reports_dir / ".explore.tmp"
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("v", "p", "x"):
        (work / sub).mkdir(parents=True)
    index = CorpusIndex(gen)
    meta = _write_data(index, work, min_speaker_words)
    (work / "meta.js").write_text(_script("meta", meta), encoding="utf-8")
    shutil.copyfile(SCRIPT, work / "explore.js")
    (work / "stamp.txt").write_text(stamp, encoding="utf-8")
    page = _page(index.info, meta, min_speaker_words)
    old = reports_dir / ".explore.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    (reports_dir / "explore.html.tmp").write_text(page, encoding="utf-8")
    (reports_dir / "explore.html.tmp").replace(reports_dir / "explore.html")
    return True


def refresh(gen: Path, reports_dir: Path, *, force: bool = False) -> list[str]:
    """:func:`build` as a render runs it: timed on stderr; its failure as a message (the reports stand without it)."""
    import sys
    import time

    began = time.monotonic()
    try:
        built = build(gen, reports_dir, force=force)
    except Exception as exc:
        message = f"explorer: {type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
        print(f"render: FAILED {message}", file=sys.stderr)
        return [message]
    print(f"explorer: {'built' if built else 'unchanged'}, {time.monotonic() - began:.1f} s", file=sys.stderr)
    return []


def _page(info: dict, meta: dict, min_speaker_words: int) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from analysis.publish.pages import CSS, footer_text

    env = Environment(loader=FileSystemLoader(TEMPLATE.parent), autoescape=select_autoescape(["html"]))
    return env.get_template(TEMPLATE.name).render(
        css=CSS,
        footer=footer_text(info),
        speakers=[s["name"] for s in meta["speakers"]],
        groups=list(meta["groups"]),
        min_words=f"{min_speaker_words:,}",
        min_period_words=f"{MIN_PERIOD_WORDS:,}",
    )


def _write_data(index: CorpusIndex, out: Path, min_speaker_words: int) -> dict:
    words = index.words_by_speaker
    speakers = sorted((s for s, n in words.items() if n >= min_speaker_words), key=lambda s: (-words[s], s))
    code = {s: i for i, s in enumerate(speakers)}
    found = search(index, Scope.of(speakers=speakers), None)
    spk = np.array([code[found.speakers[c]] for c in found.par_speaker.tolist()], dtype=np.int64)
    order = np.lexsort((np.arange(len(spk)), spk))  # each speaker's paragraphs together, in corpus order
    par_part, par_row, par_doc, par_words = (
        a[order] for a in (found.par_part, found.par_row, found.par_doc, found.par_words)
    )
    spk = spk[order]
    first_par = np.searchsorted(spk, np.arange(len(speakers) + 1))  # speaker s: paragraphs first_par[s]..
    docs_used, doc_code = np.unique(par_doc, return_inverse=True)
    years = periods(index, docs_used, "year")
    months = periods(index, docs_used, "month")  # the labels of analysis count
    meta = {
        "version": VERSION,
        "corpus_version": index.info.get("corpus_version", ""),
        "min_period_words": MIN_PERIOD_WORDS,
        "min_speaker_words": min_speaker_words,
        "fold": [[a, b] for a, b in _FOLD_PAIRS],
        "joiners": list(JOINERS),
        "doc_date": [_iso(d) for d in index.doc_days[docs_used].tolist()],
        "speakers": [],
        "groups": {},
        "families": {t.name: list(t.patterns) for t in load_lexicon().entries},
    }
    registry = default_registry()
    for name in registry.groups:
        members = [code[m] for m in registry.group(name) or [] if m in code]
        if members:
            meta["groups"][name] = members
    for s, name in enumerate(speakers):
        mine = slice(first_par[s], first_par[s + 1])
        dc = doc_code[mine]
        entry = {"name": name, "words": int(par_words[mine].sum()), "paragraphs": int(first_par[s + 1] - first_par[s])}
        for by, labels in (("year", years), ("month", months)):
            per_words: dict[str, int] = {}
            per_docs: dict[str, set] = {}
            for d, w in zip(dc.tolist(), par_words[mine].tolist(), strict=True):
                per_words[labels[d]] = per_words.get(labels[d], 0) + int(w)
                per_docs.setdefault(labels[d], set()).add(d)
            entry[by] = {p: [per_words[p], len(per_docs[p])] for p in sorted(per_words)}
        days = index.doc_days[docs_used[dc]]
        entry["first"], entry["last"] = _iso(int(days.min())), _iso(int(days.max()))
        meta["speakers"].append(entry)
    # each paragraph's document, speaker after speaker: one blob, so that a group's question unpacks it
    # once, not once a member; "docs_from" is where a speaker's varints start (nobody else's are read)
    stream, offsets = _varint_stream(doc_code.astype(np.uint64))
    meta["paragraph_docs"] = packed(stream)
    for s, entry in enumerate(meta["speakers"]):
        entry["docs_from"] = int(offsets[first_par[s]])
    meta["separators"], meta["vocab_keys"], meta["ext_radix"] = _write_positions(
        index, out, par_part, par_row, first_par
    )
    _write_texts(index, out, par_part, par_row, docs_used, doc_code, first_par, months)
    return meta


def _iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def _tokens(index: CorpusIndex, vocab: Vocabulary, par_part: np.ndarray, par_row: np.ndarray):
    """Every selected paragraph's tokens (global ids) end to end: ids, paragraph, token number in it."""
    ids, par, j = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]
    for k in np.unique(par_part).tolist():
        where = np.flatnonzero(par_part == k)
        part = index.part(k)
        rows = par_row[where]
        starts, lengths = part.offsets[rows], part.offsets[rows + 1] - part.offsets[rows]
        total = int(lengths.sum())
        within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids.append(vocab.maps[k][part.values[np.repeat(starts, lengths) + within]].astype(np.int32))
        par.append(np.repeat(where, lengths).astype(np.int32))
        j.append(within.astype(np.int32))
    ids_, par_, j_ = (np.concatenate(a) for a in (ids, par, j))
    order = np.lexsort((j_, par_))
    return ids_[order], par_[order], j_[order]


def _write_positions(index, out: Path, par_part, par_row, first_par) -> tuple[list[str], list[str], int]:
    vocab = Vocabulary(index)
    ids, par, j = _tokens(index, vocab, par_part, par_row)
    n = len(ids)
    atom = vocab.is_atom[ids]
    q = np.arange(n)
    follows = np.zeros(n, dtype=bool)  # the next token is in the same paragraph (a separator after an atom)
    follows[:-1] = par[1:] == par[:-1]
    then_word = np.zeros(n, dtype=bool)  # and a word after that separator
    then_word[:-2] = follows[:-2] & (par[2:] == par[:-2])
    after = atom & follows
    seps = np.unique(ids[q[after] + 1])
    sep_strings = [vocab.strings[int(s)] for s in seps.tolist()]
    # per position: 0 when the paragraph ends after the word, else 2 × (1 + the separator's place in the
    # separator list) + 1 when a word follows it
    code = np.zeros(n, dtype=np.int32)
    code[after] = 2 * (1 + np.searchsorted(seps, ids[q[after] + 1])) + then_word[after]
    joiner_codes = [2 * (sep_strings.index(t) + 1) + 1 for t in JOINERS if t in sep_strings]
    ext = np.zeros(n, dtype=np.int32)  # joins that follow a word: "nazi-era" 1, "nazi-era-style" 2
    joins = np.flatnonzero(np.isin(code, joiner_codes))
    for i in joins[::-1].tolist():
        ext[i] = 1 + ext[i + 2]
    back = np.zeros(n, dtype=np.int32)  # joins that lead to a word: "era" of "nazi-era" 1
    for i in joins.tolist():
        back[i + 2] = 1 + back[i]
    # per position, what precedes the word: 0, or 1 + the joins of the word before when a single space
    # separates them ("by * means": the word before "means" and where it starts, without its text)
    pre = np.zeros(n, dtype=np.int64)
    if " " in sep_strings:
        spaced = np.flatnonzero(code == 2 * (sep_strings.index(" ") + 1) + 1)  # a word, " ", a word
        pre[spaced + 2] = 1 + back[spaced]
    keep = np.flatnonzero(atom)
    radix = int(ext[keep].max()) + 1 if len(keep) else 1
    ext = pre[keep] * radix + ext[keep]  # one number: the joins after the word, and what precedes it
    ids, par, j, code = ids[keep], par[keep], j[keep], code[keep]
    order = np.lexsort((j, par, ids))  # by word, then paragraph (a speaker's together), then place
    ids, par, j, code, ext = ids[order], par[order], j[order], code[order], ext[order]
    speaker = np.searchsorted(first_par, par, side="right") - 1
    local = par - first_par[speaker]
    # One stream of segments (a word's positions in one speaker's paragraphs): speaker, n, then n times
    # (paragraph step, token number, separator code, joins and what precedes: pre × ext_radix + joins); a
    # file's record of a word is its id, its
    # number of segments, the length of its segments' bytes (a reader skips the words it was not asked
    # about) and those bytes.
    n = len(ids)
    new_seg = np.ones(n, dtype=bool)
    new_seg[1:] = (ids[1:] != ids[:-1]) | (speaker[1:] != speaker[:-1])
    seg_first = np.flatnonzero(new_seg)
    seg_of = np.cumsum(new_seg) - 1
    step = local.copy()
    step[~new_seg] -= local[np.flatnonzero(~new_seg) - 1]
    header = 4 * seg_first + 2 * np.arange(len(seg_first))
    values = np.empty(4 * n + 2 * len(seg_first), dtype=np.uint64)
    values[header], values[header + 1] = speaker[seg_first], np.diff(np.append(seg_first, n))
    at = 4 * np.arange(n) + 2 * (seg_of + 1)
    values[at], values[at + 1], values[at + 2], values[at + 3] = step, j, code, ext
    stream, offsets = _varint_stream(values)
    seg_start = offsets[header]
    seg_end = np.append(seg_start[1:], len(stream))
    seg_word, seg_speaker = ids[seg_first], speaker[seg_first]
    seg_count = np.diff(np.append(seg_first, n))
    word_bounds = np.concatenate([[0], np.flatnonzero(np.diff(seg_word)) + 1, [len(seg_first)]])
    word_bounds = word_bounds if len(seg_first) else word_bounds[:1]  # nobody offered: no words
    entries: dict[str, list] = {}
    bucket: list[bytes] = []
    size, number = 0, 0

    def record(first: int, last: int) -> bytes:  # segments first..last-1 of one word, with their bytes' length
        body = stream[seg_start[first] : seg_end[last - 1]]
        return varints([int(seg_word[first]), last - first, len(body)]) + body

    def flush() -> None:
        nonlocal bucket, size, number
        if bucket:
            _positions_file(out, f"b{number}", b"".join(bucket))
            number += 1
            bucket, size = [], 0

    for lo, hi in zip(word_bounds[:-1].tolist(), word_bounds[1:].tolist(), strict=True):
        gid = int(seg_word[lo])
        token = vocab.strings[gid]
        total = int(seg_count[lo:hi].sum())
        if total > BIG:  # its speakers grouped into files of about GROUP positions, in speaker order
            files: dict[int, int] = {}
            group, filled, first = 0, 0, lo
            for g in range(lo, hi):
                if filled and filled + int(seg_count[g]) > GROUP:
                    _positions_file(out, f"t{gid}-{group}", record(first, g))
                    group, filled, first = group + 1, 0, g
                files[int(seg_speaker[g])] = group
                filled += int(seg_count[g])
            _positions_file(out, f"t{gid}-{group}", record(first, hi))
            entries.setdefault(vocab_key(token), []).append([token, gid, total, -1, files])
            continue
        blob = record(lo, hi)
        if size + len(blob) > BUCKET_BYTES:
            flush()
        entries.setdefault(vocab_key(token), []).append([token, gid, total, number])
        bucket.append(blob)
        size += len(blob)
    flush()
    for key, rows in entries.items():
        (out / "v" / f"{key}.js").write_text(_script("vocab", key, rows), encoding="utf-8")
    return sep_strings, sorted(entries), radix


def _varint_stream(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """:func:`varints` of ``values`` and where each value's bytes start (one more: the end)."""
    data = varints(values)
    width = np.ones(len(values), dtype=np.uint8)
    for i in range(0, len(values), CHUNK):
        rest = values[i : i + CHUNK] >> np.uint64(7)
        while rest.any():
            width[i : i + CHUNK] += (rest > 0).astype(np.uint8)
            rest >>= np.uint64(7)
    return data, np.concatenate([[0], np.cumsum(width, dtype=np.int64)])


def _positions_file(out: Path, key: str, blob: bytes) -> None:
    (out / "p" / f"{key}.js").write_text(_script("positions", key, packed(blob)), encoding="utf-8")


def _write_texts(index, out: Path, par_part, par_row, docs_used, doc_code, first_par, months) -> None:
    texts: list[str] = [""] * len(par_part)
    for k in np.unique(par_part).tolist():
        where = np.flatnonzero(par_part == k)
        shown, _sections = index.display(k, par_row[where])
        for i, text in zip(where.tolist(), shown, strict=True):
            texts[i] = spoken(text or "")
    documents = index.documents
    ids = documents["doc_id"].to_pylist()
    titles = documents["title"].to_pylist() if "title" in documents.column_names else [""] * len(ids)
    urls = documents["source_url"].to_pylist() if "source_url" in documents.column_names else [""] * len(ids)
    for s in range(len(first_par) - 1):
        chunks: dict[str, list[int]] = {}
        for i in range(int(first_par[s]), int(first_par[s + 1])):
            chunks.setdefault(months[doc_code[i]], []).append(i)
        for month, members in chunks.items():
            used = sorted({int(doc_code[i]) for i in members})
            docs = {
                str(d): [
                    ids[docs_used[d]],
                    _iso(index.doc_days[docs_used[d]]),
                    titles[docs_used[d]] or "",
                    urls[docs_used[d]] or "",
                ]
                for d in used
            }
            body = {
                "paragraphs": [i - int(first_par[s]) for i in members],
                "texts": [texts[i] for i in members],
                "docs": docs,
            }
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            (out / "x" / f"{s}-{month}.js").write_text(_script("texts", f"{s}-{month}", packed(data)), encoding="utf-8")
