"""The persisted index of a corpus generation, read without pandas: which paragraphs a question selects,
and their tokens.

Each turn part has an index part (``index/part-NNN.arrow``, written by :mod:`analysis.ingest.index`):
one row per paragraph with its document, speaker, role, words and tokens (ids into the part's sorted
vocabulary). The files are memory-mapped, so opening the index costs nothing and a query touches only
the parts and pages it reads; nothing holds the corpus in memory. ``index/documents.arrow`` holds the
documents' dates, sources and titles in the same form.

:class:`~analysis.selection.Scope` is what a question selects (speakers, dates, a source, roles);
:meth:`CorpusIndex.rows` turns it into the selected paragraph rows of one part, and :class:`PartIndex`
gives their tokens. :meth:`CorpusIndex.each_part` runs a function on every part a scope selects,
here or, with a ``dask`` engine (:mod:`analysis.engine`), on the cluster's workers, each opening the
generation itself: only the function's results travel.
Everything here is NumPy and Arrow: a whole command (``analysis count``) runs without importing pandas.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from analysis import config
from analysis.errors import CorpusError
from analysis.index.part import PartIndex, read_arrow, with_nulls
from analysis.index.reads import Reads
from analysis.selection import Scope

EPOCH = dt.date(1970, 1, 1)
# An index up to this size keeps its parts open between the passes of one question; a larger one opens
# each part as it is read (the mapped pages of a finished part are let go: memory stays bounded).
CACHE_PARTS_BYTES = 512 * 2**20
# Quotes: the display text of the parts read last stays in memory up to this many bytes (a session asking
# many questions, the explorer's build or its tests, reads each part's text once, not once per question).
CACHE_DISPLAY_BYTES = 256 * 2**20
_SHOWN_LOCK = threading.Lock()


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "date") and callable(value.date):  # a pandas Timestamp or a datetime
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class CorpusIndex:
    """A generation's index: its parts, its documents, and the rows a :class:`Scope` selects."""

    engine: Any = None  # where each_part runs (an analysis.engine.Engine); None: here

    def __init__(self, generation: Path) -> None:
        from analysis.ingest.manifest import read_manifest

        self._memory: tuple | None = None  # (part, texts, sections) of an index built in memory
        self.generation = generation
        self.reads = Reads()  # every scope selected here (a report records what it read)
        manifest = read_manifest(generation)["files"]
        files = sorted(manifest)
        self.part_paths = [generation / f for f in files if f.startswith(f"{config.INDEX_DIR}/part-")]
        self._parts: dict[int, PartIndex] = {}
        self._shown: OrderedDict[int, pa.Table] = OrderedDict()  # part -> its text and section, latest last
        size = sum(int(meta["bytes"]) for f, meta in manifest.items() if f.startswith(f"{config.INDEX_DIR}/"))
        self.cache_parts = size <= CACHE_PARTS_BYTES
        if not self.part_paths or config.INDEX_DOCUMENTS not in files:
            raise CorpusError(f"{generation} has no index: run `python -m analysis ingest --full` once")
        docs = read_arrow(generation / config.INDEX_DOCUMENTS)
        self.doc_ids = docs["doc_id"].combine_chunks()
        self.doc_days = with_nulls(docs["date"].combine_chunks().view(pa.int32()), 0)  # days since 1970
        codes: dict[str, int] = {}
        self.doc_source = np.array([codes.setdefault(s, len(codes)) for s in docs["source"].to_pylist()], np.int64)
        self.sources = list(codes)
        self.documents = docs
        info = generation / config.CORPUS_INFO_FILE
        self.info = json.loads(info.read_text(encoding="utf-8")) if info.is_file() else {}

    @classmethod
    def in_memory(cls, bodies: dict[str, Any]) -> CorpusIndex:
        """An index of paragraphs given as tables, not from a corpus (for a measure run on them as on a
        corpus): one part, every table's rows spoken by its key (``{"speaker": turns, "others": …}``).
        A table has ``text`` and, when it has them, ``doc_id``, ``date``, ``title``, ``source_url``,
        ``section`` and ``n_words``."""
        rows: dict[str, list] = {k: [] for k in ("text", "speaker", "doc_id", "n_words", "section")}
        docs: dict[str, tuple] = {}
        for name, frame in bodies.items():
            n = len(frame)
            col = {c: list(frame[c]) if c in frame else [None] * n for c in ("date", "title", "source_url", "section")}
            ids = [str(d) for d in frame["doc_id"]] if "doc_id" in frame else [f"{name}-{i}" for i in range(n)]
            rows["text"] += [str(t) for t in frame["text"]]
            rows["speaker"] += [name] * n
            rows["doc_id"] += ids
            rows["n_words"] += [int(w) for w in frame["n_words"]] if "n_words" in frame else [0] * n
            rows["section"] += col["section"]
            for i, doc in enumerate(ids):
                docs.setdefault(doc, (_as_date(col["date"][i]), col["title"][i], col["source_url"][i]))
        self = cls.__new__(cls)
        self.generation = None  # type: ignore[assignment]
        self.reads = Reads()
        self.part_paths = []
        self._parts, self.cache_parts = {}, False
        self._shown = OrderedDict()
        self.info = {}
        doc_ids = list(docs)
        self.documents = pa.table(
            {
                "doc_id": pa.array(doc_ids, pa.string()),
                "date": pa.array([docs[d][0] for d in doc_ids], pa.date32()),
                "title": pa.array([docs[d][1] for d in doc_ids], pa.string()),
                "source": pa.array(["(given)"] * len(doc_ids), pa.string()),
                "source_url": pa.array([docs[d][2] for d in doc_ids], pa.string()),
            }
        )
        self.doc_ids = self.documents["doc_id"].combine_chunks()
        self.doc_days = self.documents["date"].combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False)
        self.sources, self.doc_source = ["(given)"], np.zeros(len(doc_ids), dtype=np.int64)
        self._memory = (
            PartIndex.of_texts(rows["text"], speakers=rows["speaker"], doc_ids=rows["doc_id"], n_words=rows["n_words"]),
            rows["text"],
            rows["section"],
        )
        return self

    def __len__(self) -> int:
        return 1 if self._memory else len(self.part_paths)

    def display(self, k: int, rows: np.ndarray) -> tuple[list[str], list]:
        """The display text and section of ``rows`` of part ``k`` (from its turn part)."""
        if self._memory:
            _, texts, sections = self._memory
            return [texts[r] for r in rows.tolist()], [sections[r] for r in rows.tolist()]
        table = self._display_part(k)
        taken = pa.array(rows)
        return table["text"].take(taken).to_pylist(), table["section"].take(taken).to_pylist()

    def _display_part(self, k: int) -> pa.Table:
        """Part ``k``'s text and section columns, kept while the parts read last fit in
        :data:`CACHE_DISPLAY_BYTES` (a large index keeps nothing, as with its parts)."""
        from analysis.parquet import read_parquet

        with _SHOWN_LOCK:
            if k in self._shown:
                self._shown.move_to_end(k)
                return self._shown[k]
        table = read_parquet(self.generation / config.turn_part(k), ["text", "section"])
        if self.cache_parts and table.nbytes <= CACHE_DISPLAY_BYTES:
            with _SHOWN_LOCK:
                self._shown[k] = table
                while sum(t.nbytes for t in self._shown.values()) > CACHE_DISPLAY_BYTES:
                    self._shown.popitem(last=False)
        return table

    def part(self, k: int) -> PartIndex:
        if self._memory:
            return self._memory[0]
        if k in self._parts:
            return self._parts[k]
        path = self.part_paths[k]
        part = PartIndex(path, postings=path.with_name(path.name.replace("part-", "post-")))
        if self.cache_parts:  # a small index stays open between the passes of a question
            self._parts[k] = part
        return part

    @cached_property
    def doc_rank(self) -> np.ndarray:
        """Each document's place in the order of document ids (ties of a date are broken by id)."""
        rank = np.empty(len(self.doc_ids), dtype=np.int64)
        rank[np.argsort(np.array(self.doc_ids.to_pylist(), dtype=object), kind="stable")] = np.arange(len(rank))
        return rank

    @cached_property
    def doc_position(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self.doc_ids.to_pylist())}

    def doc_rows(self, part: PartIndex) -> np.ndarray:
        """For each paragraph of ``part``, its document's row in :attr:`documents`."""
        if part.doc_rows is None:
            pos = self.doc_position
            ids = part.column("doc_id")
            lookup = np.array([pos[d] for d in ids.dictionary.to_pylist()], dtype=np.int64)
            part.doc_rows = lookup[ids.indices.to_numpy(zero_copy_only=False)]
        return part.doc_rows

    def rows(self, part: PartIndex, scope: Scope, *, record: bool = True) -> np.ndarray:
        """The rows of ``part`` that ``scope`` selects, in order (the scope recorded in :attr:`reads`)."""
        if record:
            self.reads.scope(scope)
        if not part.n:
            return np.zeros(0, dtype=np.int64)
        keep = part.code_of("role", scope.roles)
        if scope.speakers is not None:
            keep &= part.code_of("speaker", scope.speakers)
        if scope.exclude:
            keep &= ~part.code_of("speaker", scope.exclude) & (part.codes("speaker")[0] >= 0)
        if scope.documents is not None:
            wanted = np.array([self.doc_position[d] for d in scope.documents if d in self.doc_position], dtype=np.int64)
            keep &= np.isin(self.doc_rows(part), wanted)
        if scope.start is not None or scope.end is not None or scope.source:
            docs = self.doc_rows(part)
            if scope.start is not None:
                keep &= self.doc_days[docs] >= scope.start
            if scope.end is not None:
                keep &= self.doc_days[docs] <= scope.end
            if scope.source:
                code = self.sources.index(scope.source) if scope.source in self.sources else -1
                keep &= self.doc_source[docs] == code
        return np.flatnonzero(keep)

    def scan(self, scope: Scope) -> Iterator[tuple[int, PartIndex, np.ndarray]]:
        """Each part with rows in ``scope``: (part number, part, rows)."""
        for k in range(len(self)):
            part = self.part(k)
            rows = self.rows(part, scope)
            if len(rows):
                yield k, part, rows

    def each_part(self, fn: Callable, scope: Scope, *args: Any) -> list[tuple[int, Any]]:
        """``(k, fn(index, k, part, rows, *args))`` for each part with rows in ``scope``, in part order.

        With a ``dask`` engine each part is a task on the cluster: the worker opens this generation
        (once per worker process) and selects the rows itself, so only ``fn``'s result is sent back;
        ``fn`` must then be a module-level function and its arguments picklable."""
        if self.engine is None or self.engine.local or self._memory:
            return [(k, fn(self, k, part, rows, *args)) for k, part, rows in self.scan(scope)]
        self.reads.scope(scope)
        done = self.engine.map(_on_worker, range(len(self)), str(self.generation), fn, scope, *args)
        return [(k, result) for k, (selected, result) in enumerate(done) if selected]

    def words(self, scope: Scope) -> int:
        """The words of the paragraphs ``scope`` selects."""
        return sum(
            int(part.column("n_words").to_numpy(zero_copy_only=False)[rows].sum()) for _, part, rows in self.scan(scope)
        )

    @cached_property
    def words_by_speaker(self) -> dict[str, int]:
        """Each speaker's own words (paragraphs in the role ``speech``) in the whole corpus: the sums the
        ingest wrote in each part's metadata (counted here for an index made in memory)."""
        if self._memory is not None:
            return self.words_by_speaker_in(Scope())
        totals: dict[str, int] = {}
        for k in range(len(self)):
            meta = self.part(k).table.schema.metadata or {}
            if config.SPEAKER_WORDS_KEY not in meta:
                return self.words_by_speaker_in(Scope())
            for name, n in json.loads(meta[config.SPEAKER_WORDS_KEY]).items():
                totals[name] = totals.get(name, 0) + n
        return totals

    def words_by_speaker_in(self, scope: Scope) -> dict[str, int]:
        """Each speaker's words in the paragraphs ``scope`` selects (one pass, any number of speakers)."""
        totals: dict[str, int] = {}
        for _, part, rows in self.scan(scope):
            codes, names = part.codes("speaker")
            mine = codes[rows]
            named = mine >= 0
            words = part.column("n_words").to_numpy(zero_copy_only=False)[rows]
            sums = np.bincount(mine[named], weights=words[named], minlength=len(names))
            for name, n in zip(names, sums.tolist(), strict=True):
                if name and n:
                    totals[name] = totals.get(name, 0) + int(n)
        return totals

    @property
    def speakers(self) -> frozenset[str]:
        """Everyone with words of their own in the corpus."""
        return frozenset(self.words_by_speaker)

    def top_speakers(self, n: int) -> list[str]:
        ranked = sorted(self.words_by_speaker.items(), key=lambda kv: (-kv[1], kv[0]))
        return [name for name, _ in ranked[:n]]


@lru_cache(maxsize=4)
def _opened(generation: str) -> CorpusIndex:
    """A worker's open index of ``generation`` (kept between tasks; a generation never changes)."""
    return CorpusIndex(Path(generation))


def _on_worker(k: int, generation: str, fn: Callable, scope: Scope, *args: Any) -> tuple[bool, Any]:
    """Part ``k`` of ``generation``: whether ``scope`` selects rows there, and ``fn`` on them
    (:meth:`CorpusIndex.each_part`)."""
    index = _opened(generation)
    part = index.part(k)
    rows = index.rows(part, scope)
    return (True, fn(index, k, part, rows, *args)) if len(rows) else (False, None)
