"""Project paths and defaults: the one place that knows where things live.

Every path in the library and the notebooks is built from :data:`PROJ_ROOT`, never from the
current working directory, so a notebook run from JupyterLab, papermill or CI sees the same files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

PROJ_ROOT: Path = Path(os.environ.get("REFRAIN_ROOT", Path(__file__).resolve().parents[2]))

DATA_DIR: Path = PROJ_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
PROCESSED_DIR: Path = DATA_DIR / "processed"
CONFIG_DIR: Path = PROJ_ROOT / "config"
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
REPORTS_DIR: Path = PROJ_ROOT / "reports"
BUILD_DIR: Path = PROJ_ROOT / "build"
RUNS_DIR: Path = BUILD_DIR / "runs"  # a notebook run by hand (JupyterLab, papermill) writes its report's files here
CACHE_DIR: Path = Path(os.environ.get("REFRAIN_CACHE", BUILD_DIR / "cache"))  # derived files kept between runs

LIBRARY_DIR: Path = Path(__file__).resolve().parent  # src/analysis: the library's code, templates and scripts

SPEAKERS_FILE: Path = CONFIG_DIR / "speakers.yaml"
REPORTS_FILE: Path = CONFIG_DIR / "reports.yaml"

DOCUMENTS_FILE = "documents.parquet"
TURNS_FILE = "turns.parquet"
INGEST_REPORT_FILE = "ingest_report.csv"
CORPUS_INFO_FILE = "corpus.json"
INDEX_DIR = "index"  # the persisted index of a generation: index/part-NNN.arrow, index/documents.arrow
INDEX_DOCUMENTS = f"{INDEX_DIR}/documents.arrow"
SPEAKER_WORDS_KEY = b"refrain.speaker_words"  # metadata of an index part: each speaker's own words in it


def library_files() -> list[Path]:
    """The library's own files (its code, templates and the explorer's script; not bytecode), sorted: what
    a report or the explorer depends on besides its data and configuration."""
    return sorted(
        p for p in LIBRARY_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """The SHA-256 of files by their path under ``root`` and their bytes (a file that is not there counts as
    absent): what code or configuration an output was made with."""
    h = hashlib.sha256()
    for path in paths:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def turn_part(k: int) -> str:
    """A turn part (one file of the turns dataset), relative to its generation."""
    return f"{TURNS_FILE}/part-{k:03d}.parquet"


def index_part(k: int) -> str:
    """A part's index file, relative to its generation."""
    return f"{INDEX_DIR}/part-{k:03d}.arrow"


def index_postings(k: int) -> str:
    """A part's postings (token positions grouped by token), relative to its generation."""
    return f"{INDEX_DIR}/post-{k:03d}.arrow"


DEFAULT_SPEAKER = "Vladimir Putin"
