"""Load the processed corpus and select a speaker's own words."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis import config
from analysis.speakers import default_registry
from analysis.text import normalize_ws



@dataclass
class Corpus:
    """The processed corpus: one row per document, one row per paragraph, and its version info."""

    documents: pd.DataFrame
    turns: pd.DataFrame
    info: dict
    path: Path | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, processed_dir: Path | str = config.PROCESSED_DIR) -> "Corpus":
        processed_dir = Path(processed_dir)
        docs_path = processed_dir / config.DOCUMENTS_FILE
        if not docs_path.exists():
            raise CorpusError(
                f"no processed corpus in {processed_dir}: run `python -m analysis ingest` first"
            )
        documents = pd.read_parquet(docs_path)
        turns = pd.read_parquet(processed_dir / config.TURNS_FILE)
        info_path = processed_dir / config.CORPUS_INFO_FILE
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        documents["date"] = pd.to_datetime(documents["date"])
        return cls(documents, turns, info, processed_dir)

    @property
    def version(self) -> str:
        return str(self.info.get("corpus_version", "unknown"))

    def speakers(self, *, source: str | None = None) -> pd.DataFrame:
        """Named speakers, most words first: words, statements, first and last date, titles seen.

        ``roles`` lists every printed title the person was introduced with ("Defence Minister;
        Minister of Defence"), most frequent first.
        """
        speech = self.turns[self.turns["role"] == "speech"].dropna(subset=["speaker"])
        meta = self.documents[["doc_id", "date", "source"]]
        speech = speech.merge(meta, on="doc_id", how="left")
        if source:
            speech = speech[speech["source"] == source]
        out = speech.groupby("speaker").agg(words=("n_words", "sum"), statements=("doc_id", "nunique"),
                                            first_date=("date", "min"), last_date=("date", "max"))
        roles_col = "speaker_role" if "speaker_role" in speech.columns else None
        if roles_col:
            titled = speech.dropna(subset=[roles_col]).drop_duplicates(["speaker", "doc_id", roles_col])
            roles = titled.groupby("speaker")[roles_col].agg(
                lambda s: "; ".join(s.value_counts().sort_index().sort_values(ascending=False, kind="stable").index))
            out["roles"] = roles.reindex(out.index).fillna("")
        else:
            out["roles"] = ""
        for col in ("first_date", "last_date"):
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
        out = out.reset_index().sort_values(["words", "speaker"], ascending=[False, True], kind="stable")
        return out[["speaker", "words", "statements", "first_date", "last_date", "roles"]].reset_index(drop=True)

    def resolve_speaker(self, name: str) -> str:
        """Canonical name for ``name`` ("Putin" -> "Vladimir Putin"); error if nobody speaks so."""
        if not name or not name.strip():
            raise CorpusError("speaker must be a non-empty name")
        canonical = default_registry().resolve(name).speaker or name
        known = set(self.turns.loc[self.turns["role"] == "speech", "speaker"].dropna())
        for candidate in (canonical, name.strip()):
            if candidate in known:
                return candidate
        # Labels of people outside the registry keep their titles ("Energy Minister Alexander
        # Novak"): accept the name at the end of one such label ("Alexander Novak", "Novak").
        tail = re.compile(r"(?:^|\s)" + re.escape(normalize_ws(name)) + r"$", re.IGNORECASE)
        matches = sorted(s for s in known if tail.search(s))
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CorpusError(f"speaker {name!r} is ambiguous: {', '.join(matches[:8])}")
        top = ", ".join(self.speakers()["speaker"].head(5))
        raise CorpusError(f"speaker {name!r} has no words in this corpus (top speakers: {top})")

    def speaker_text(self, speaker: str, *, start: str | dt.date | None = None,
                     end: str | dt.date | None = None, source: str | None = None):
        """The speaker's turns (as :meth:`speaker_turns`) and their :class:`~analysis.match.TextIndex`.

        Kept per selection, so a second query over the same selection does not prepare the text
        again. Treat the returned frame as read-only.
        """
        from analysis.measures.match import TextIndex

        key = (self.resolve_speaker(speaker), str(start or ""), str(end or ""), source or "")
        if key not in self._cache:
            if len(self._cache) >= 16:
                self._cache.pop(next(iter(self._cache)))
            turns = self.speaker_turns(speaker, start=start, end=end, source=source)
            self._cache[key] = (turns, TextIndex.of_displays(turns["text"].tolist()))
        return self._cache[key]

    def speaker_turns(self, speaker: str, *, start: str | dt.date | None = None,
                      end: str | dt.date | None = None, source: str | None = None) -> pd.DataFrame:
        """The speaker's own paragraphs (role ``speech``) joined with document metadata.

        ``start`` and ``end`` are inclusive ISO dates; either may be omitted. ``source`` keeps only
        documents from that outlet (the ``source`` column, e.g. "en.kremlin.ru").
        """
        name = self.resolve_speaker(speaker)
        t = self.turns[(self.turns["role"] == "speech") & (self.turns["speaker"] == name)]
        meta = self.documents[["doc_id", "date", "title", "source", "source_url"]]
        out = t.merge(meta, on="doc_id", how="left", validate="many_to_one")
        lo, hi = parse_date(start, "start"), parse_date(end, "end")
        if lo is not None and hi is not None and lo > hi:
            raise CorpusError(f"start {lo.date()} is after end {hi.date()}")
        if lo is not None:
            out = out[out["date"] >= lo]
        if hi is not None:
            out = out[out["date"] <= hi]
        if source:
            sources = set(self.documents["source"])
            if source not in sources:
                raise CorpusError(f"source {source!r} is not in this corpus (sources: {', '.join(sorted(sources))})")
            out = out[out["source"] == source]
        return out.sort_values(["date", "doc_id", "para_no"]).reset_index(drop=True)


def parse_date(value, what: str) -> pd.Timestamp | None:
    """An ISO date parameter as a Timestamp; ``None``/"" means no bound."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(value).strip()[:10]))
    except ValueError as exc:
        raise CorpusError(f"{what} date {value!r} is not an ISO date (YYYY-MM-DD)") from exc
