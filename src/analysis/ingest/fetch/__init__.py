"""``python -m analysis fetch [SOURCE ...] [--since DATE]``: download new statements into the raw folder.

Usage::

    python -m analysis fetch                      # every source of config/fetch.yaml
    python -m analysis fetch kremlin --since 2026-01-01
    python -m analysis fetch kremlin --refresh    # ask again for stored pages: a changed one is a new version
    python -m analysis fetch --into /tmp/raw --fetch-config my-sources.yaml --state-dir /tmp/fetch-state

The sources are configured in ``config/fetch.yaml`` (:mod:`~analysis.ingest.fetch.sources`;
``docs/fetch.md`` describes every key): en.kremlin.ru transcripts (list pages and the pages they link
to, stored as served: :mod:`~analysis.ingest.fetch.kremlin`) and any RSS 2.0 or Atom feed
(:mod:`~analysis.ingest.fetch.feeds`). Each statement becomes one file in the source's folder under the
raw folder, with a ``<stem>.meta.yaml`` sidecar naming its URL (``source_url``), retrieval time
(``retrieved``) and licence; the next ``python -m analysis ingest`` reads it like any other raw file.

Polite and safe (:mod:`~analysis.ingest.fetch.client`, :mod:`~analysis.ingest.fetch.robots`): robots.txt
obeyed (a disallowed URL is listed, not fetched), a delay between requests to a host, conditional
requests (ETag, Last-Modified; a 304 is nothing new), retries with exponential backoff on 429 and 5xx
(Retry-After honoured up to two minutes), connect and read timeouts, a size cap (reading stops past it,
nothing is written), redirects only to http(s) and at most five. Resumable
(:mod:`~analysis.ingest.fetch.store`): a statement stored before is not downloaded again, a run that
stopped half-way goes on where it stopped, and a URL that failed for now is tried again next run. A raw
file is never overwritten (written under a temporary name, then linked): a page that changed is stored
beside it as a new version (``NNNNN.v2.html``) and listed. Every URL ends in the log
(``build/fetch/<source>-log.csv``) as saved, new version, unchanged, stored before, skipped (with why)
or failed (with why); a summary goes to stderr. The exit status is 1 when a source could not be read
at all (its list or feeds failed), 2 for a bad configuration (one line naming the file and the key).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.errors import ParameterError
from analysis.ingest.fetch import feeds, kremlin
from analysis.ingest.fetch import sources as src
from analysis.ingest.fetch.client import Client
from analysis.ingest.fetch.run import Run
from analysis.ingest.fetch.store import OUTCOMES, Log, State, locked
from analysis.params import Command, Params, param
from analysis.selection import iso_date

SHOWN = 20  # lines of each kind of trouble the summary prints (the log has them all)


@dataclass(frozen=True)
class FetchParams(Params):
    sources: list[str] = param([], "sources of the fetch configuration to fetch; none for all", positional=True)
    since: str = param("", "only statements dated on or after this day, YYYY-MM-DD; empty for any")
    refresh: bool = param(
        False, "ask again for each stored Kremlin page (conditionally); a changed one is a new version"
    )
    into: str = param("", "raw folder the statements go to (each source in its folder); empty for data/raw")
    fetch_config: str = param("", "the sources' configuration; empty for config/fetch.yaml")
    state_dir: str = param("", "where what was fetched is remembered and logged; empty for build/fetch")

    def validate(self) -> None:
        if self.since:
            iso_date(self.since, "since")


def fetch(params: FetchParams) -> dict[str, Log]:
    """Fetch each source ``params`` names (all configured ones when none): its log by name. The log of a
    source is written to ``<state dir>/<source>-log.csv`` even when the run is interrupted."""
    configured = src.load(Path(params.fetch_config) if params.fetch_config else None)
    names = list(dict.fromkeys(params.sources)) or list(configured)
    unknown = [n for n in names if n not in configured]
    if unknown:
        raise ParameterError(f"no source {unknown[0]!r} in the fetch configuration (sources: {', '.join(configured)})")
    raw = Path(params.into or config.RAW_DIR)
    state_dir = Path(params.state_dir or config.BUILD_DIR / "fetch")
    since = dt.date.fromisoformat(params.since) if params.since else None
    logs = {}
    for name in names:
        source = configured[name]
        client = Client(
            delay=source.delay,
            timeout=source.timeout,
            max_bytes=source.max_bytes,
            retries=source.retries,
            backoff=source.backoff,
        )
        with locked(state_dir / f"{name}.lock"):
            state = State.load(state_dir / f"{name}.json")
            run = Run(source, raw / source.folder, client, state, Log(), since, params.refresh)
            logs[name] = run.log
            try:
                (kremlin.walk if source.kind == "kremlin" else feeds.walk)(run)
            finally:
                run.log.write(state_dir / f"{name}-log.csv")
    return logs


def failed_entirely(log: Log) -> bool:
    """Whether a source could not be read at all: none of its lists or feeds was read."""
    return log.read == 0


def summary(name: str, log: Log, log_path: Path) -> list[str]:
    """The lines the command prints for one source: counts, then each failure, skip and new version."""
    counts = ", ".join(f"{log.count(o)} {o}" for o in OUTCOMES if log.count(o))
    lines = [f"fetch {name}: {counts or 'nothing to do'} (every URL in {log_path})"]
    for outcome in ("failed", "skipped", "new version"):
        rows = [r for r in log.rows if r["outcome"] == outcome]
        lines += [f"  {outcome} {r['url']}: {r['reason'] or r['file']}" for r in rows[:SHOWN]]
        if len(rows) > SHOWN:
            lines.append(f"  … {len(rows) - SHOWN} more {outcome} in the log")
    if failed_entirely(log):
        lines.append(f"fetch {name}: failed, none of its lists or feeds could be read")
    return lines


def _run(params: FetchParams) -> int:
    logs = fetch(params)
    state_dir = Path(params.state_dir or config.BUILD_DIR / "fetch")
    for name, log in logs.items():
        print("\n".join(summary(name, log, state_dir / f"{name}-log.csv")), file=sys.stderr)
    return 1 if any(failed_entirely(log) for log in logs.values()) else 0


COMMAND = Command("fetch", "download new statements into the raw folder (config/fetch.yaml)", FetchParams, _run)
