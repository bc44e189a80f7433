"""Load the processed corpus and select a speaker's own words.

:meth:`Corpus.load` opens one generation (held for as long as the corpus is open, checked against
its manifest) and its persisted index (:class:`analysis.index.CorpusIndex`). Opening it imports no
pandas: the measures that count and quote read the index with NumPy and Arrow. The tables of
documents and paragraphs as pandas DataFrames (``documents``, ``turns``, a selection's ``turns``) are
read when first asked for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import config
from analysis.errors import CorpusError
from analysis.index import CorpusIndex
from analysis.selection import Scope, Selection
from analysis.text import normalize_ws

if TYPE_CHECKING:
    import pandas as pd

# What a selection keeps of each paragraph (its role is "speech" and its speaker the selection's).
SELECTED_COLUMNS = ("doc_id", "para_no", "turn_no", "speaker", "role", "section", "text", "n_words")


@dataclass
class Corpus:
    """The processed corpus: its generation, index and version info; its tables when asked for."""

    info: dict
    path: Path | None = None  # the processed folder
    parts: list[Path] = field(default_factory=list, repr=False)  # turn parts, as the generation's manifest names them
    generation: Path | None = None  # the generation folder the corpus was read from
    index: CorpusIndex = field(default=None, repr=False)  # type: ignore[assignment]  # set by load()
    _turns: Any = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)
    _reader: Any = field(default=None, repr=False)  # the shared lock on the generation (generations.Reader)

    @classmethod
    def load(cls, processed_dir: Path | str = config.PROCESSED_DIR, *, verify: bool = True) -> Corpus:
        """The current generation of a processed folder (or the generation folder given), held for as
        long as the corpus is open (no ingest removes it) and checked against its manifest.

        Sizes are always checked; with ``verify`` (the default) every file's SHA-256 too, once per
        generation (cached by file status), so a damaged file is an error naming it, never data.
        """
        from analysis.ingest import generations, manifest

        processed_dir = Path(processed_dir)
        if (processed_dir / manifest.MANIFEST).is_file():  # a generation itself: pinned by the caller
            reader = generations.hold_generation(processed_dir)
            if reader is None:
                raise CorpusError(f"{processed_dir}: the generation was removed; run the command again")
        elif generations.current(processed_dir) is None:
            if (processed_dir / config.DOCUMENTS_FILE).is_file():
                raise CorpusError(f"{processed_dir} was written by an older version: run `python -m analysis ingest`")
            raise CorpusError(f"no processed corpus in {processed_dir}: run `python -m analysis ingest` first")
        else:
            reader = generations.hold(processed_dir)
        gen = reader.generation
        problems = [p for p in manifest.verify(gen, hashes=verify) if "not in the manifest" not in p]
        if problems:
            reader.close()
            raise CorpusError(f"{gen} does not match its manifest ({'; '.join(problems[:3])})")
        parts = manifest.files(gen, config.TURNS_FILE + "/")
        if not parts:
            reader.close()
            raise CorpusError(f"{processed_dir} has no {config.TURNS_FILE}: run `python -m analysis ingest` again")
        info_path = gen / config.CORPUS_INFO_FILE
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        try:
            index = CorpusIndex(gen)
        except CorpusError:
            reader.close()
            raise
        return cls(info, processed_dir, parts=parts, generation=gen, index=index, _reader=reader)

    def close(self) -> None:
        """Let go of the generation (an ingest may then remove it once it is two generations old)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    @cached_property
    def documents(self) -> pd.DataFrame:
        """One row per document (``documents.parquet``), dates as timestamps."""
        import pandas as pd

        documents = pd.read_parquet(self.generation / config.DOCUMENTS_FILE)  # type: ignore[operator]
        documents["date"] = pd.to_datetime(documents["date"])
        return documents

    @property
    def turns(self) -> pd.DataFrame:
        """Every paragraph (``turns.parquet``), read on first use: a query reads only its speaker's rows."""
        if self._turns is None:
            import pandas as pd

            self._turns = pd.read_parquet(self._turns_path)
        return self._turns

    @property
    def _turns_path(self) -> list[str]:
        return [str(p) for p in self.parts]

    def _read_turns(self, *, columns: list[str] | None = None, filters: list | None = None) -> pd.DataFrame:
        """Some columns or rows of the paragraphs, without reading the rest (or from memory if read)."""
        import pandas as pd

        if self._turns is not None:
            out = self._turns
            for column, _, value in filters or []:
                out = out[out[column] == value]
            return out[columns] if columns else out
        return pd.read_parquet(self._turns_path, columns=columns, filters=filters)

    @property
    def registry(self):
        """The speaker registry (config/speakers.yaml) names and groups are resolved with (read when a name
        is not one the corpus has as it is)."""
        from analysis.speakers import default_registry

        return default_registry()

    @property
    def version(self) -> str:
        return str(self.info.get("corpus_version", "unknown"))

    def speakers(self, *, source: str | None = None) -> pd.DataFrame:
        """Named speakers, most words first: words, statements, first and last date, titles seen.

        ``roles`` lists every printed title the person was introduced with ("Defence Minister;
        Minister of Defence"), most frequent first.
        """
        import pandas as pd

        self.index.reads.everything = True  # every speaker of every source

        speech = self.turns[self.turns["role"] == "speech"].dropna(subset=["speaker"])
        meta = self.documents[["doc_id", "date", "source"]]
        speech = speech.merge(meta, on="doc_id", how="left")
        if source:
            speech = speech[speech["source"] == source]
        out = speech.groupby("speaker").agg(
            words=("n_words", "sum"),
            statements=("doc_id", "nunique"),
            first_date=("date", "min"),
            last_date=("date", "max"),
        )
        titled = speech.dropna(subset=["speaker_role"]).drop_duplicates(["speaker", "doc_id", "speaker_role"])
        roles = titled.groupby("speaker")["speaker_role"].agg(
            lambda s: "; ".join(s.value_counts().sort_index().sort_values(ascending=False, kind="stable").index)
        )
        out["roles"] = roles.reindex(out.index).fillna("")
        for col in ("first_date", "last_date"):
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
        out = out.reset_index().sort_values(["words", "speaker"], ascending=[False, True], kind="stable")
        return out[["speaker", "words", "statements", "first_date", "last_date", "roles"]].reset_index(drop=True)

    def sources(self) -> pd.DataFrame:
        """What the corpus holds, per source: documents, dates, the words of named speakers, the leaders
        among them (most words first) and how the files were read."""
        import pandas as pd

        self.index.reads.everything = True  # every speaker of every source

        speech = self._read_turns(columns=["doc_id", "speaker", "role", "n_words"], filters=[("role", "==", "speech")])
        speech = speech.dropna(subset=["speaker"]).merge(self.documents[["doc_id", "source"]], on="doc_id")
        leaders = set(self.registry.leaders)
        rows = []
        for source, docs in self.documents.groupby("source", sort=True):
            words = speech[speech["source"] == source].groupby("speaker")["n_words"].sum()
            top = words[words.index.isin(leaders)].sort_values(ascending=False, kind="stable")
            rows.append(
                {
                    "source": source,
                    "documents": len(docs),
                    "first_date": docs["date"].min().strftime("%Y-%m-%d"),
                    "last_date": docs["date"].max().strftime("%Y-%m-%d"),
                    "speaker_words": int(words.sum()),
                    "speakers": int((words > 0).sum()),
                    "leaders": len(top),
                    "top_leaders": "; ".join(f"{name} ({int(n):,})" for name, n in top.head(5).items()),
                    "importers": "; ".join(sorted(set(docs["importer"]))),
                    "licence": "; ".join(sorted(set(docs["licence"].dropna())))[:200],
                }
            )
        return pd.DataFrame(rows)

    def groups(self) -> pd.DataFrame:
        """The named groups of config/speakers.yaml, with their members who have words in this corpus."""
        import pandas as pd

        rows = []
        for name in self.registry.groups:
            members = [m for m in self.registry.group(name) or [] if m in self.known_speakers]
            rows.append({"group": name, "members_with_words": len(members), "members": "; ".join(members)})
        return pd.DataFrame(rows)

    @property
    def known_speakers(self) -> frozenset[str]:
        """Everyone with words of their own in the corpus."""
        return self.index.speakers

    @property
    def source_names(self) -> list[str]:
        return self.index.sources

    def resolve_speaker(self, name: str) -> str:
        """Canonical name for ``name`` ("Putin" -> "Vladimir Putin"); error if nobody speaks so. The
        answer is recorded in the index's :attr:`~analysis.index.CorpusIndex.reads`: it depends on who
        speaks in the whole corpus."""
        found = self._resolve_speaker(name)
        self.index.reads.name(name, [found])
        return found

    def _resolve_speaker(self, name: str) -> str:
        if not name or not name.strip():
            raise CorpusError("speaker must be a non-empty name")
        known = self.known_speakers
        if name.strip() in known:  # a name as the corpus has it: nothing to resolve
            return name.strip()
        canonical = self.registry.canonical(name) or self.registry.resolve(name).speaker or name
        for candidate in (canonical, name.strip()):
            if candidate in known:
                return candidate
        # A surname, or a name printed with a title: the one person whose name ends with it.
        tail = re.compile(r"(?:^|\s)" + re.escape(normalize_ws(name)) + r"$", re.IGNORECASE)
        matches = sorted(s for s in known if tail.search(s))
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CorpusError(f"speaker {name!r} is ambiguous: {', '.join(matches[:8])}")
        top = ", ".join(self.index.top_speakers(5))
        raise CorpusError(f"speaker {name!r} has no words in this corpus (top speakers: {top})")

    def resolution(self, asked: str) -> list[str]:
        """The speakers a name as asked stands for in this corpus (a group: its members with words), or
        the error's text: what :meth:`resolve_speaker` and :meth:`expand_speakers` recorded, asked again."""
        try:
            if asked not in self.known_speakers and self.registry.group(asked) is not None:
                return self.expand_speakers([asked])
            return [self._resolve_speaker(asked)]
        except CorpusError as exc:
            return [f"error: {exc}"]

    def expand_speakers(self, names: list[str]) -> list[str]:
        """Canonical speakers for ``names``, in order and once each; a group of config/speakers.yaml
        ("US presidents") stands for its members who have words in this corpus."""
        out: list[str] = []
        for name in names:
            if name in self.known_speakers:  # a speaker as the corpus names him, not a group
                out.append(name)
                continue
            members = self.registry.group(name)
            if members is None:
                out.append(self.resolve_speaker(name))
                continue
            present = [m for m in members if m in self.known_speakers]
            if not present:
                raise CorpusError(f"group {name!r}: none of its {len(members)} members has words in this corpus")
            self.index.reads.name(name, present)
            out += present
        return list(dict.fromkeys(out))

    def selections(self, params) -> list[Selection]:
        """One selection per speaker a measure's parameters name (:class:`~analysis.selection.SelectionParams`),
        in order and once each; a group stands for its members with words in the selection's dates and source."""
        base = params.selection()
        self.check_source(base.source)
        speakers: list[str] = []
        for name in params.speakers:
            found = self.expand_speakers([name])
            group = name not in self.known_speakers and self.registry.group(name) is not None
            if group:  # its members who say nothing in these dates and source are left out
                words = self.index.words_by_speaker_in(self.scope(base, speakers=found))
                found = [s for s in found if words.get(s)]
                if not found:
                    raise CorpusError(f"group {name!r} has no words in {base.with_(speaker=name).describe()}")
            speakers += [s for s in found if s not in speakers]
        return [base.with_(speaker=s) for s in speakers]

    def check_source(self, source: str | None) -> None:
        if source and source not in self.source_names:
            sources = ", ".join(sorted(self.source_names))
            raise CorpusError(f"source {source!r} is not in this corpus (sources: {sources})")

    def scope(self, selection: Selection, speakers=None) -> Scope:
        """The index scope of a selection (its speaker, or ``speakers``), resolved and checked."""
        self.check_source(selection.source)
        names = speakers if speakers is not None else [self.resolve_speaker(selection.speaker)]
        return Scope.of(names, selection.start, selection.end, selection.source)

    def select(self, selection: Selection) -> Selected:
        """The selection with its speaker resolved (its paragraphs read when asked for); kept."""
        if selection not in self._cache:
            resolved = selection.with_(speaker=self.resolve_speaker(selection.speaker))
            self.check_source(selection.source)
            if len(self._cache) >= 24:
                self._cache.pop(next(iter(self._cache)))
            self._cache[selection] = Selected(resolved, self)
        return self._cache[selection]

    def _turns_of(self, sel: Selection) -> pd.DataFrame:
        """The speaker's own paragraphs (role ``speech``) in the selection, joined with document metadata."""
        import pandas as pd

        self.index.reads.scope(Scope.of([sel.speaker], sel.start, sel.end, sel.source))

        t = self._read_turns(
            columns=list(SELECTED_COLUMNS), filters=[("role", "==", "speech"), ("speaker", "==", sel.speaker)]
        )
        meta = self.documents[["doc_id", "date", "title", "source", "source_url"]]
        out = t.merge(meta, on="doc_id", how="left", validate="many_to_one")
        if sel.start:
            out = out[out["date"] >= pd.Timestamp(sel.start)]
        if sel.end:
            out = out[out["date"] <= pd.Timestamp(sel.end)]
        if sel.source:
            out = out[out["source"] == sel.source]
        return out.sort_values(["date", "doc_id", "para_no"]).reset_index(drop=True)


@dataclass
class Selected:
    """A resolved selection (canonical speaker); its paragraphs as a DataFrame when asked for."""

    selection: Selection
    corpus: Corpus = field(repr=False)
    _turns: Any = field(default=None, repr=False)

    @property
    def speaker(self) -> str:
        return self.selection.speaker

    @property
    def scope(self) -> Scope:
        return self.corpus.scope(self.selection)

    @property
    def turns(self) -> pd.DataFrame:
        if self._turns is None:
            self._turns = self.corpus._turns_of(self.selection)
        return self._turns
