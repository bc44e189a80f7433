"""The publish workflow, run here: every ``run:`` step of ``.github/workflows/publish.yml``'s build job, in
order, as CI runs it (``make fetch``, ``make all``), with its folders pointed at temporary ones and the
fetch at a local HTTP server. Two runs, as two days: the second fetches two new transcripts, and the
site's feed has an entry for them. (The ``uses:`` steps are GitHub's own: checkout, Python, the cache,
the Pages upload of ``reports``.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from analysis import config
from tests.conftest import FIXTURES
from tests.ingest.fetch.server import Site, serve
from tests.ingest.fetch.test_fetch import LIST, list_html, transcript
from tests.publish.render.test_news import ATOM, atom_entries

WORKFLOW = config.PROJ_ROOT / ".github" / "workflows" / "publish.yml"


def build_steps() -> list[dict]:
    job = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]
    return job["steps"]


def test_the_workflow_fetches_then_builds_then_uploads_the_reports_folder():
    steps = build_steps()
    runs = [s["run"] for s in steps if "run" in s]
    assert [r.split()[:2] for r in runs] == [["make", "fetch"], ["make", "all"]]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "reports"
    cached = next(s for s in steps if "data/processed" in str(s.get("with", {}).get("path", "")))["with"]["path"]
    for kept in ("reports", "build/render-state.json", "build/news", "build/fetch", "data/raw/kremlin-fetched"):
        assert kept in cached.split(), kept
    fetched = yaml.safe_load((config.CONFIG_DIR / "fetch.yaml").read_text(encoding="utf-8"))["sources"]["kremlin"]
    assert f"data/raw/{fetched['folder']}" in cached.split()  # what was fetched survives to the next run


@pytest.mark.notebook
def test_the_publish_steps_run_here_and_the_feed_announces_new_statements(tmp_path):
    site = Site()
    server = serve(site)
    try:
        site.page(LIST, list_html())  # day one: nothing new on the list
        raw = tmp_path / "raw"
        shutil.copytree(FIXTURES / "raw", raw)
        fetch_cfg = tmp_path / "fetch.yaml"
        source = {"kind": "kremlin", "urls": [site.base + LIST], "folder": "kremlin-fetched", "licence": "CC BY 4.0"}
        fetch_cfg.write_text(yaml.safe_dump({"sources": {"kremlin": {**source, "delay": 0}}}), encoding="utf-8")
        reports_cfg = tmp_path / "reports.yaml"
        report = {
            "name": "phrases",
            "notebook": "01-track-phrases.ipynb",
            "title": "Phrases",
            "parameters": {"phrases": ["that is all there is to it", "military means"]},
        }
        reports_cfg.write_text(yaml.safe_dump({"reports": [report]}), encoding="utf-8")
        folders = {
            "REFRAIN_RAW": raw,
            "REFRAIN_PROCESSED": tmp_path / "processed",
            "REFRAIN_REPORTS": tmp_path / "reports",
            "REFRAIN_BUILD": tmp_path / "build",
            "REFRAIN_REPORTS_CONFIG": reports_cfg,
            "REFRAIN_FETCH_CONFIG": fetch_cfg,
        }
        env = {**os.environ, **{k: str(v) for k, v in folders.items()}}

        def day() -> None:
            for step in build_steps():
                if "run" in step:
                    out = subprocess.run(
                        ["bash", "-e", "-c", step["run"]],
                        cwd=config.PROJ_ROOT,
                        env={**env, **{k: str(v) for k, v in (step.get("env") or {}).items()}},
                        capture_output=True,
                        text=True,
                    )
                    assert out.returncode == 0, (step["name"], out.stdout[-2000:], out.stderr[-3000:])
                    assert "::warning::" not in out.stdout, out.stdout[-2000:]

        day()
        reports = tmp_path / "reports"
        for name in ("index.html", "phrases.html", "explore.html", "changes.html", "feed.xml", "changes.json"):
            assert (reports / name).is_file(), name
        assert len(atom_entries(reports / "feed.xml")) == 1  # the first build

        site.page(LIST, list_html("70001", "70002"))  # day two: two new transcripts
        site.page(f"{LIST}/70001", transcript("70001", words="That is all there is to it."))
        site.page(f"{LIST}/70002", transcript("70002", words="By military means, if need be."))
        day()
        assert sorted(p.name for p in (raw / "kremlin-fetched").glob("*.html")) == ["70001.html", "70002.html"]
        entries = atom_entries(reports / "feed.xml")
        assert len(entries) == 2
        newest = entries[0]
        assert newest.findtext(f"{ATOM}title").startswith("2 new statements (en.kremlin.ru 2)")
        content = newest.findtext(f"{ATOM}content")
        assert "Meeting 70001" in content and "Meeting 70002" in content
        assert ET.parse(reports / "feed.xml").getroot().findtext(f"{ATOM}updated") == newest.findtext(f"{ATOM}updated")
        assert "Meeting 70002" in (reports / "changes.html").read_text(encoding="utf-8")
        index = (reports / "index.html").read_text(encoding="utf-8")
        assert 'href="changes.html"' in index and 'href="feed.xml"' in index
    finally:
        server.shutdown()
