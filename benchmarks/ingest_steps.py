"""The ingest steps of ``run.py`` (1, 3 and 6): the parse floor, full and incremental ingests, and
the ingest of a generated table.

``step_*`` run in a child process (see ``harness``); the other functions run in the driver and
start those children.
"""

from __future__ import annotations

import shutil
import statistics
import tarfile
import time
from pathlib import Path

from harness import ROOT, child, median_of

DEFAULT_ARCHIVE = ROOT / "data" / "raw" / "kremlin" / "kremlin-en-news.tar.xz"
#: Pages changed before each incremental ingest (step 3).
TOUCHED = 10


# --- steps, each run in a child process ---------------------------------------------------------


def step_floor(folder: str) -> dict:
    from selectolax.lexbor import LexborHTMLParser

    files = sorted(Path(folder).glob("*.html"))
    data = [f.read_bytes() for f in files]
    t = time.perf_counter()
    for raw in data:
        LexborHTMLParser(raw.decode("utf-8", errors="replace"))
    return {"seconds": time.perf_counter() - t, "pages": len(files)}


def step_ingest(raw: str, out: str, full: str) -> dict:
    import pandas  # noqa: F401  pyarrow imports it on first use; keep imports out of the timing

    from analysis.ingest import ingest

    t = time.perf_counter()
    result = ingest(raw, out, quiet=True, full=full == "full")
    return {
        "seconds": time.perf_counter() - t,
        "parsed": result.parsed,
        "documents": result.info["documents"],
        "statuses": result.info["statuses"],
    }


# --- in the driver ------------------------------------------------------------------------------


def extract_pages(archive: Path, folder: Path) -> Path:
    """The archive's pages, extracted into ``folder``."""
    folder.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def ingest_default(work: Path) -> Path:
    """One full ingest of the default corpus (``data/raw``) into ``work/p-default``."""
    child("ingest", str(ROOT / "data" / "raw"), str(work / "p-default"), "full")
    return work / "p-default"


def floor_and_full(folder: Path, work: Path, runs: int) -> dict[str, dict]:
    """Step 1's first two figures: the bare parse of the extracted folder and its full ingest."""
    return {
        "floor": median_of(runs, lambda: child("floor", str(folder))),
        "ingest": median_of(runs, lambda: child("ingest", str(folder), str(work / "p-folder"), "full")),
    }


def ingest_figures(archive: Path, folder: Path, work: Path, runs: int) -> dict[str, dict]:
    """Step 1: the floor, the ingest of the folder and of the .tar.xz, and the default corpus's full
    and nothing-changed ingests (the latter into ``work/p-default``, which later steps read)."""
    r = floor_and_full(folder, work, runs)
    r["ingest_tar"] = median_of(runs, lambda: child("ingest", str(archive), str(work / "p-tar"), "full"))
    raw = str(ROOT / "data" / "raw")
    r["ingest_default"] = median_of(runs, lambda: child("ingest", raw, str(work / "p-default"), "full"))
    r["ingest_default_warm"] = median_of(runs, lambda: child("ingest", raw, str(work / "p-default"), "incremental"))
    return r


def touch_pages(folder: Path, n: int) -> list[str]:
    pages = sorted(folder.glob("*.html"))
    step = max(1, len(pages) // n)
    chosen = pages[::step][:n]
    for p in chosen:
        data = p.read_bytes()
        p.write_bytes(data.replace(b"</h1>", b" (benchmark edit)</h1>", 1))
    return [p.name for p in chosen]


def incremental_figures(folder: Path, work: Path, runs: int) -> dict[str, dict]:
    """Step 3, as a journalist meets it: a full ingest of the folder after changing 10 pages (the
    denominator), then 10 more pages changed and an incremental ingest into the same processed folder
    (the generation the last ingest left, its files as that ingest wrote them)."""
    inc_times, full_times = [], []
    for i in range(runs):
        touch_pages(folder, TOUCHED)
        full_times.append(child("ingest", str(folder), str(work / f"full{i}"), "full"))
        touch_pages(folder, TOUCHED)
        inc_times.append(child("ingest", str(folder), str(work / f"full{i}"), "incremental"))
        shutil.rmtree(work / f"full{i}", ignore_errors=True)
    return {
        "incremental": {
            "seconds": statistics.median(x["seconds"] for x in inc_times),
            "rss_mb": max(x["rss_mb"] for x in inc_times),
            "parsed": inc_times[0]["parsed"],
            "all": [round(x["seconds"], 3) for x in inc_times],
        },
        "full_after_touch": {
            "seconds": statistics.median(x["seconds"] for x in full_times),
            "rss_mb": max(x["rss_mb"] for x in full_times),
            "all": [round(x["seconds"], 3) for x in full_times],
        },
    }


def table_figures(work: Path, rows: int) -> dict:
    """One ingest of a generated table of ``rows`` statements (step 6): seconds and peak RSS."""
    from large_table import make_table

    csv_path = make_table(work / "table-raw", rows)
    out = child("ingest", str(csv_path.parent), str(work / "p-table"), "full")
    out["rows"], out["mb"] = rows, csv_path.stat().st_size / 1e6
    shutil.rmtree(work / "p-table", ignore_errors=True)
    return out
