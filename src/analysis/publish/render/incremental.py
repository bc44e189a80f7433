"""Incremental publishing: a report is rendered again only when something it is made from changed.

A report's inputs are its entry in ``config/reports.yaml``, its notebook, the configuration it
reads (the lexicons, the speaker registry, stop phrases: everything in ``config/`` but the report
list), the library's code, the pinned requirements and the processed corpus's schema and
speaker-registry versions: their SHA-256 is the report's fingerprint. And its data: not the corpus
version (a new U.S. speech changes that) but the rows the report read. A rendered report's
``report.json`` records what it read (:class:`analysis.index.reads.Reads`: its scopes, the names it
resolved, the statements it looked up); :func:`data_version` evaluates that record on a generation.
After a report is published, ``build/render-state.json`` records its fingerprint, its record and data
version, and the SHA-256 of every file it published; the next run skips it when all still hold (so a
deleted or edited output is rendered again, and so is a report whose statements changed). Rendering is
deterministic and a report's pages name the version of its own data, not the corpus's, so a skipped
report is byte-identical to what a full render would write
(``tests/publish/render/test_incremental_render.py`` proves it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.index.reads import Reads, version_of

STATE_FILE = "render-state.json"


def shared_inputs(processed_dir: Path) -> str:
    """The SHA-256 of what every report is made from: schema and registry versions, configuration, code,
    pins (not the corpus version: each report's own data is compared by :func:`data_version`)."""
    h = hashlib.sha256()
    info = Path(processed_dir) / config.CORPUS_INFO_FILE
    versions = {k: v for k, v in _read_json(info).items() if k in ("schema_version", "speakers_version")}
    h.update(json.dumps(versions, sort_keys=True).encode() if info.is_file() else b"no corpus")
    files = [p for p in sorted(config.CONFIG_DIR.rglob("*")) if p.is_file() and p != config.REPORTS_FILE]
    h.update(config.files_digest(files, config.CONFIG_DIR).encode())
    h.update(config.files_digest(config.library_files(), config.LIBRARY_DIR).encode())
    pins = (config.PROJ_ROOT / "requirements.txt", config.PROJ_ROOT / "pyproject.toml")
    h.update(config.files_digest(pins, config.PROJ_ROOT).encode())
    return h.hexdigest()


def fingerprint(spec, shared: str) -> str:
    """One report's fingerprint: its entry in the report list, its notebook, and the shared inputs."""
    h = hashlib.sha256(shared.encode())
    h.update(json.dumps(dataclasses.asdict(spec), sort_keys=True, default=str, ensure_ascii=False).encode())
    notebook = config.NOTEBOOKS_DIR / spec.notebook
    h.update(notebook.read_bytes() if notebook.is_file() else b"no notebook")
    return h.hexdigest()


def published_record(folder: Path) -> dict:
    """A report's ``report.json`` (empty when missing or unreadable)."""
    data = _read_json(Path(folder) / "report.json")
    return data if isinstance(data, dict) else {}


def published_data(folder: Path) -> dict | None:
    """The version of the data a report shows (``report.json``'s ``data``), for its page's footer."""
    return published_record(folder).get("data") or None


def data_version(corpus, reads: dict | None) -> str | None:
    """The version, on ``corpus``, of what a report's record ``reads`` says it read; None without one."""
    if not isinstance(reads, dict):
        return None
    return version_of(corpus.index, Reads.from_json(reads), corpus.resolution)


def _read_json(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def published_files(reports_dir: Path, name: str) -> dict[str, str]:
    """SHA-256 of every file a report published: ``<name>.html`` and everything under ``<name>/``."""
    files = [reports_dir / f"{name}.html", *sorted((reports_dir / name).rglob("*"))]
    return {
        p.relative_to(reports_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()
    }


@dataclass
class RenderState:
    """What was last rendered into one reports folder, kept under ``build/``."""

    path: Path
    reports_dir: Path
    reports: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, build_dir: Path, reports_dir: Path) -> RenderState:
        path = Path(build_dir) / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        mine = data.get(_key(path, reports_dir)) if isinstance(data, dict) else None
        return cls(path, Path(reports_dir), dict(mine) if isinstance(mine, dict) else {})

    def is_current(self, name: str, inputs: str, corpus=None) -> bool:
        """True when the report was rendered from these inputs, its files are as published and, on
        ``corpus`` (:class:`~analysis.corpus.Corpus`), what it read is as it was."""
        entry = self.reports.get(name)
        if not isinstance(entry, dict) or entry.get("inputs") != inputs:
            return False
        if not entry.get("files") or published_files(self.reports_dir, name) != entry["files"]:
            return False
        if corpus is None:
            return True
        return entry.get("data") is not None and data_version(corpus, entry.get("reads")) == entry["data"]

    def record(self, name: str, inputs: str, corpus=None) -> None:
        """Record a report just published: its inputs, files and, on ``corpus``, what it read and the
        version of that (none when its ``report.json`` has no record: it is rendered every time)."""
        reads = published_record(self.reports_dir / name).get("reads")
        self.reports[name] = {
            "inputs": inputs,
            "files": published_files(self.reports_dir, name),
            "reads": reads,
            "data": data_version(corpus, reads) if corpus is not None else None,
        }

    def forget(self, name: str) -> None:
        self.reports.pop(name, None)

    def save(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data = {k: v for k, v in data.items() if not os.path.isabs(k)} if isinstance(data, dict) else {}  # old keys
        data[_key(self.path, self.reports_dir)] = self.reports
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)


def _key(state_file: Path, reports_dir: Path) -> str:
    """A reports folder's key in the render state: its path from the state's folder, so that a project
    moved or copied whole (its reports and build folders) keeps what it rendered."""
    return os.path.relpath(Path(reports_dir).resolve(), Path(state_file).parent.resolve())


def remove_unlisted(reports_dir: Path, listed: set[str], state: RenderState) -> list[str]:
    """Remove each report in ``reports_dir`` that the list no longer names; return their names. Only a
    report this folder's render state says was rendered here (a ``<name>/report.json`` folder and its
    ``<name>.html``) is removed: nothing else is touched."""
    removed: list[str] = []
    if not reports_dir.is_dir():
        return removed
    for name in sorted(set(state.reports) - listed):
        folder = reports_dir / name
        if (folder / "report.json").is_file() and not folder.is_symlink():
            shutil.rmtree(folder)
            (reports_dir / f"{name}.html").unlink(missing_ok=True)
            removed.append(name)
    return removed
