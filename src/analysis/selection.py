"""What every measure is asked about: whose words, between which dates, from which source, per what period.

A :class:`Selection` is built the same way by the command line and the notebooks
(:meth:`Selection.of`, which treats empty parameters as "no bound") and checked when built (dates,
period). :meth:`analysis.corpus.Corpus.select` resolves it once against a corpus (the speaker's
canonical name, the source) and keeps the selected words and their text index, so every measure
that takes the same selection shares one preparation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from analysis import config
from analysis.errors import CorpusError
from analysis.params import CorpusParams, Params, param

PERIODS = ("year", "month", "document")


@dataclass(frozen=True)
class Selection:
    """A speaker's own words between two dates (inclusive, ISO), from one source, per period."""

    speaker: str = config.DEFAULT_SPEAKER
    start: str | None = None
    end: str | None = None
    source: str | None = None
    period: str = "year"

    def __post_init__(self) -> None:
        if not isinstance(self.speaker, str) or not self.speaker.strip():
            raise CorpusError("speaker must be a non-empty name")
        for what in ("start", "end"):
            value = getattr(self, what)
            if value is not None:
                object.__setattr__(self, what, iso_date(value, what))
        if self.start and self.end and self.start > self.end:
            raise CorpusError(f"start {self.start} is after end {self.end}")
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {self.period!r}")
        if self.source is not None and not str(self.source).strip():
            object.__setattr__(self, "source", None)

    @classmethod
    def of(
        cls,
        *,
        speaker: str | None = None,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        source: str | None = None,
        period: str | None = None,
    ) -> Selection:
        """A selection from notebook or command-line parameters, where an empty value means "not set"."""
        return cls(
            speaker=speaker or config.DEFAULT_SPEAKER,
            start=str(start) if start else None,
            end=str(end) if end else None,
            source=source or None,
            period=period or "year",
        )

    def with_(self, **changes) -> Selection:
        """The same selection with some fields changed (``sel.with_(period="year")``)."""
        return replace(self, **changes)

    def describe(self) -> str:
        """ "Vladimir Putin, 2014-03-01 to 2020-12-31, en.kremlin.ru": for report headers and messages."""
        dates = f"{self.start or 'the start'} to {self.end or 'the end'}" if self.start or self.end else "all dates"
        return ", ".join(x for x in (self.speaker, dates, self.source) if x)


@dataclass(frozen=True)
class SelectionParams(CorpusParams):
    """Whose words, between which dates, from which source: the parameters every measure shares."""

    speakers: list[str] = param(
        [config.DEFAULT_SPEAKER],
        "whose own words: names or aliases, or groups of config/speakers.yaml (e.g. 'US presidents'); with several, "
        "each speaker's rates use his own words",
        one="speaker",
        required=True,
    )
    start: str = param("", "first date included, YYYY-MM-DD; empty for the start of the corpus")
    end: str = param("", "last date included, YYYY-MM-DD; empty for the end of the corpus")
    source: str = param("", "only statements from this outlet (a documents.source value, e.g. en.kremlin.ru)")

    def validate(self) -> None:
        self.selection()  # dates checked (and in order) as the selection checks them

    def selection(self, speaker: str | None = None, **changes) -> Selection:
        """The :class:`Selection` of one speaker (the first asked for, unless given)."""
        period = getattr(self, "period", None)
        return Selection.of(
            speaker=speaker or self.speakers[0], start=self.start, end=self.end, source=self.source, period=period
        ).with_(**changes)


@dataclass(frozen=True)
class PeriodParams(Params):
    """The period of a time series."""

    period: str = param("year", "period of the time series: year, month or document", choices=PERIODS)


@dataclass(frozen=True)
class Scope:
    """The paragraphs a question reads: whose words (None: everyone's), between which dates (days since
    1970, inclusive), from which source, in which roles."""

    speakers: frozenset[str] | None = None
    start: int | None = None
    end: int | None = None
    source: str | None = None
    roles: frozenset[str] = frozenset({"speech"})
    exclude: frozenset[str] = frozenset()  # speakers left out (everyone else's words: ``speakers`` None)
    documents: frozenset[str] | None = None  # only these statements (doc ids)

    @classmethod
    def of(
        cls,
        speakers=None,
        start: str | None = None,
        end: str | None = None,
        source: str | None = None,
        roles=("speech",),
        exclude=(),
        documents=None,
    ) -> Scope:
        return cls(
            frozenset(speakers) if speakers is not None else None,
            _days(start) if start else None,
            _days(end) if end else None,
            source or None,
            frozenset(roles),
            frozenset(exclude),
            frozenset(documents) if documents is not None else None,
        )


def _days(iso: str) -> int:
    return (dt.date.fromisoformat(str(iso)[:10]) - dt.date(1970, 1, 1)).days


def iso_date(value: str | dt.date, what: str) -> str:
    """An ISO date (YYYY-MM-DD) as text; :class:`CorpusError` naming the parameter otherwise."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise CorpusError(f"{what} date {value!r} is not an ISO date (YYYY-MM-DD)") from exc
