"""The reader's explorer (``reports/explore.html``): any phrase, any speaker, its trend and its quotes, in
the browser, from a local file or any static host.

Built from a generation's index (:mod:`analysis.index`) by :func:`build`, into ``reports/explore/``:

* ``meta.js``: the speakers offered (every one with at least :data:`MIN_SPEAKER_WORDS` words of his own;
  numbered by name, each one's paragraphs by date) with each paragraph's document and their words and
  statements per year and month (the ``speaker_words`` and ``documents`` of ``analysis count``), the
  groups of ``config/speakers.yaml``, the phrase families with their forms, the separators, each
  document's date, and what the typing rules need (the folding table);
* ``v/<key>.js``: the vocabulary by a word's first two characters (a word: its id, a hash of the word
  itself, how often it occurs, where its positions are);
* ``p/b<n>.js``, ``p/t<id>-<n>.js``: positions of the words, the rarer ones in file ``id mod`` the
  number of such files (a power of two), the most frequent in files of their own that group their
  speakers, so that one question loads only what it needs. A position is a paragraph of a speaker,
  the word's token number in it, the separator after it, how many apostrophe or hyphen joins follow,
  whether a single space precedes it and, for a rarer word, which frequent word precedes it (what the
  matcher's rules need: :mod:`analysis.measures.match`; a one-word gap, "by * means", is measured from
  the word after it, and "our partners" is found from the positions of "partners" alone);
* ``p/q<n>.js``: for each pair of frequent words one after the other ("there is"), the positions of
  the first followed by the second and of the second after the first, several pairs a file by a hash of
  the two words' ranks among the frequent ones: a phrase of common words loads its pairs, not its words;
* ``x/<speaker>-<month>.js``: the spoken text of a speaker's paragraphs of a month and their statements
  (title, date, source), for the quotes and for patterns with ``*``.

The page (``templates/explore.html``) and its script (``static/explore.js``) are files of their own; how the
data files are encoded and the texts written is :mod:`analysis.publish.explorer.files`, the positions
:mod:`~analysis.publish.explorer.positions` (from each speaker's, :mod:`~analysis.publish.explorer.speakers`,
as records, :mod:`~analysis.publish.explorer.records`). The
data files are scripts that hand their data to the page (a page opened from a file may load scripts
but not fetch). Binary parts are deflated and base64-encoded; the browser inflates them with
``DecompressionStream``. Same generation, same bytes; a build whose inputs are unchanged is skipped.

Rebuilt incrementally (decision 0006): no id, number or file depends on the order in which words
were first met, so a new statement changes the files of the words it uses and the texts of its
speaker's month; a render keeps each speaker's positions and each data file's digest in
``build/explorer`` and works out and writes again only what changed.
"""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis import config
from analysis.index import CorpusIndex
from analysis.measures import changes
from analysis.measures.count import periods
from analysis.measures.coverage import MIN_PERIOD_WORDS  # the reports' floor: a period under it is not drawn
from analysis.measures.lexicon import load as load_lexicon
from analysis.measures.search import search
from analysis.publish.explorer.files import LEVEL, Packer, Reuse, iso, packed, script, varint_stream, write_texts
from analysis.publish.explorer.positions import write_positions
from analysis.publish.explorer.speakers import JOINERS, SpeakerCache
from analysis.publish.site.html import TEMPLATES, template
from analysis.selection import Scope
from analysis.speakers import default_registry
from analysis.text import _FOLD_PAIRS

VERSION = 11  # of the data files' layout: the script checks it
MIN_SPEAKER_WORDS = 1_000  # a speaker is offered from this many words of his own
PACKAGE = Path(__file__).resolve().parent
TEMPLATE, SCRIPT = TEMPLATES / "explore.html", PACKAGE / "static" / "explore.js"


def code_digest() -> str:
    """What the explorer's files depend on besides the corpus: the layout, the configuration it reads (the
    speakers' groups, the phrase families) and the library's code, all of it (the matcher, the folding,
    the change points and the page's script as much as this module)."""
    h = hashlib.sha256()
    h.update(f"{VERSION} {LEVEL}".encode())
    for path in (config.CONFIG_DIR / "speakers.yaml", load_lexicon().path):
        h.update(path.read_bytes() if path.is_file() else b"")
    h.update(config.files_digest(config.library_files(), config.LIBRARY_DIR).encode())
    return h.hexdigest()[:16]


def fingerprint(gen: Path) -> str:
    """:func:`code_digest` and the generation's manifest."""
    h = hashlib.sha256(code_digest().encode())
    manifest = gen / "manifest.json"
    h.update(manifest.read_bytes() if manifest.is_file() else b"")
    return h.hexdigest()[:16]


@dataclass
class Built:
    """What :func:`build` did: whether it wrote anything, and how much it took from the last build."""

    written: bool
    speakers: int = 0  # offered
    speakers_again: int = 0  # whose positions were worked out (the others: as at the last build)
    files: int = 0  # data files
    files_again: int = 0  # written (the others: linked from the last build, their data unchanged)

    def __bool__(self) -> bool:
        return self.written


def build(
    gen: Path,
    reports_dir: Path,
    *,
    force: bool = False,
    min_speaker_words: int = MIN_SPEAKER_WORDS,
    cache_dir: Path | None = None,
) -> Built:
    """Write ``explore.html`` and ``explore/`` into ``reports_dir`` from generation ``gen``, offering every
    speaker with ``min_speaker_words`` words or more; false when they were current (nothing written).

    Incremental with a ``cache_dir`` (a render gives ``build/explorer``): what each speaker's positions
    were and what each data file held are kept there; a speaker whose tokens are unchanged is not
    worked out again, a file whose data are unchanged is linked from the last build. The result is
    byte for byte a full build's. ``force``: nothing is taken from the last build."""
    out = reports_dir / "explore"
    stamp = f"{fingerprint(gen)} {min_speaker_words}"
    if not force and (out / "stamp.txt").is_file() and (out / "stamp.txt").read_text() == stamp:
        return Built(False)
    code = f"{code_digest()} {min_speaker_words}"
    work = reports_dir / ".explore.tmp"
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("v", "p", "x"):
        (work / sub).mkdir(parents=True)
    index = CorpusIndex(gen)
    reuse = Reuse(out, cache_dir and cache_dir / "files.json", code, read=not force and out.is_dir())
    cache = SpeakerCache(cache_dir and cache_dir / "speakers", code, read=not force)
    meta = _write_data(index, work, min_speaker_words, reuse, cache)
    cache.done()
    (work / "meta.js").write_text(script("meta", meta), encoding="utf-8")
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
    reuse.save(out)
    files = len(reuse.digests)
    return Built(True, len(meta["speakers"]), cache.made, files, files - len(reuse.linked))


def refresh(gen: Path, reports_dir: Path, *, force: bool = False, build_dir: Path | None = None) -> list[str]:
    """:func:`build` as a render runs it: timed on stderr; its failure as a message (the reports stand without it)."""
    import sys
    import time

    began = time.monotonic()
    try:
        built = build(gen, reports_dir, force=force, cache_dir=None if build_dir is None else build_dir / "explorer")
    except Exception as exc:
        message = f"explorer: {type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
        print(f"render: FAILED {message}", file=sys.stderr)
        return [message]
    took = f"{time.monotonic() - began:.2f} s"
    if not built:
        print(f"explorer: unchanged, {took}", file=sys.stderr)
    else:
        print(
            f"explorer: built, {took}: positions worked out for {built.speakers_again} of {built.speakers} speakers, "
            f"{built.files_again:,} of {built.files:,} data files written (the others as at the last build)",
            file=sys.stderr,
        )
    return []


def _page(info: dict, meta: dict, min_speaker_words: int) -> str:
    from analysis.publish.site.pages import CSS, footer_text

    return template(TEMPLATE.name).render(
        css=CSS,
        footer=footer_text(info),
        speakers=[s["name"] for s in sorted(meta["speakers"], key=lambda s: (-s["words"], s["name"]))],
        groups=list(meta["groups"]),
        min_words=f"{min_speaker_words:,}",
        min_period_words=f"{MIN_PERIOD_WORDS:,}",
        changes={**meta["changes"], "alpha_percent": f"{meta['changes']['alpha'] * 100:g}"},
        version=VERSION,
    )


def _write_data(index: CorpusIndex, out: Path, min_speaker_words: int, reuse: Reuse, cache: SpeakerCache) -> dict:
    words = index.words_by_speaker
    speakers = sorted(s for s, n in words.items() if n >= min_speaker_words)  # numbered by name: stable
    code = {s: i for i, s in enumerate(speakers)}
    found = search(index, Scope.of(speakers=speakers), None)
    spk = np.array([code[found.speakers[c]] for c in found.par_speaker.tolist()], dtype=np.int64)
    # each speaker's paragraphs together, by date (documents are numbered by date and id, a document's
    # paragraphs are rows of one part in order): a new statement, usually the latest, moves no number
    order = np.lexsort((found.par_row, found.par_doc, spk))
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
        "changes": changes.browser_settings(),  # the explorer finds change points as `analysis changes` does
        "min_speaker_words": min_speaker_words,
        "fold": [[a, b] for a, b in _FOLD_PAIRS],
        "joiners": list(JOINERS),
        "doc_date": [iso(d) for d in index.doc_days[docs_used].tolist()],
        "speakers": [],
        "groups": {},
        "families": {t.name: list(t.patterns) for t in load_lexicon().entries},
        "labels": {t.name: t.label for t in load_lexicon().entries if t.label},  # how pages name a family
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
        entry["first"], entry["last"] = iso(int(days.min())), iso(int(days.max()))
        meta["speakers"].append(entry)
    # each paragraph's document, speaker after speaker: one blob, so that a group's question unpacks it
    # once, not once a member; "docs_from" is where a speaker's varints start (nobody else's are read)
    stream, offsets = varint_stream(doc_code.astype(np.uint64), first_par[:-1])
    meta["paragraph_docs"] = packed(stream)
    for entry, offset in zip(meta["speakers"], offsets.tolist(), strict=True):
        entry["docs_from"] = offset
    # each speaker's words in each of his statements (document step, words), documents ascending: what
    # the bunching of his uses in statements is measured against (the intervals of analysis count)
    pairs, starts, total = [], [], 0
    for s, entry in enumerate(meta["speakers"]):
        mine = slice(first_par[s], first_par[s + 1])
        docs, where = np.unique(doc_code[mine], return_inverse=True)
        words_in = np.bincount(where, weights=par_words[mine]).astype(np.int64)
        pairs.append(np.column_stack([np.diff(docs, prepend=0), words_in]).ravel())
        starts.append(total)
        total += len(pairs[-1])
        entry["statements"] = len(docs)
    flat = np.concatenate(pairs) if pairs else np.zeros(0, np.int64)
    stream, offsets = varint_stream(flat.astype(np.uint64), starts)
    meta["doc_words"] = packed(stream)
    for entry, offset in zip(meta["speakers"], offsets.tolist(), strict=True):
        entry["doc_words_from"] = offset
    # the texts on a thread of their own while the positions are worked out: NumPy, Arrow and zlib let go
    # of the GIL, so the two overlap on a second core (separate files: same bytes either way)
    with ThreadPoolExecutor(max_workers=1) as pool:
        texts = pool.submit(write_texts, index, out, par_part, par_row, docs_used, doc_code, first_par, months, reuse)
        with Packer(out, reuse=reuse) as packer:
            meta["separators"], meta["vocab_keys"], layout = write_positions(
                index, out, packer, par_part, par_row, first_par, cache
            )
        texts.result()
    meta.update(layout)
    return meta
