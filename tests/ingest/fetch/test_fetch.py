"""`python -m analysis fetch` end to end: the command line's summary and exit status, raw files never
overwritten, and what the ingest makes of what was fetched from a real server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.ingest import ingest
from analysis.ingest.fetch import store, summary
from tests.ingest.fetch.server import LIST, configure, list_html, run, transcript

__all__ = ["LIST", "list_html", "transcript"]  # the publish workflow's test serves the same pages


def test_fetched_kremlin_pages_are_ingested_unchanged_with_their_source_urls(site, tmp_path):
    site.page(LIST, list_html("70001", "70002", more=True))
    site.page(f"{LIST}/page/2", list_html("70003", page=2))
    site.page(f"{LIST}/70001", transcript("70001"))
    site.page(f"{LIST}/70002", transcript("70002", words="By military means, if need be."))
    site.page(f"{LIST}/70003", transcript("70003", date="2025-05-09"))
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "kremlin-fetched"})
    run(tmp_path, cfg)
    result = ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    assert result.info["statuses"] == {"ingested": 3, "metadata": 3}
    docs = {d["doc_id"]: d for d in result.documents}
    assert sorted(docs) == ["kremlin-70001", "kremlin-70002", "kremlin-70003"]
    assert docs["kremlin-70003"]["source_url"] == "http://en.kremlin.ru/events/president/news/70003"  # the archive's
    assert docs["kremlin-70003"]["date"] == "2025-05-09" and docs["kremlin-70003"]["title"] == "Meeting 70003"
    assert {d["importer"] for d in docs.values()} == {"kremlin"}
    assert [r for r in result.report if r["warnings"] or (r["reason"] and r["status"] != "metadata")] == []


def test_the_command_line_prints_a_summary_and_fails_a_source_it_cannot_read(site, tmp_path):
    site.page(LIST, list_html("70001", "70002"))
    site.page(f"{LIST}/70001", transcript("70001"))
    site.page("/robots.txt", b"User-agent: *\nDisallow: /events/president/transcripts/70002\n")
    cfg = configure(
        tmp_path,
        site,
        kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"},
        gone={"kind": "kremlin", "urls": ["/nothing"], "folder": "g"},
    )
    common = ["--into", str(tmp_path / "raw"), "--fetch-config", str(cfg), "--state-dir", str(tmp_path / "s")]
    fetch = [sys.executable, "-m", "analysis", "fetch"]
    ok = subprocess.run([*fetch, "kremlin", *common], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    lines = ok.stderr.splitlines()
    assert lines[0] == f"fetch kremlin: 1 saved, 1 failed (every URL in {tmp_path / 's' / 'kremlin-log.csv'})"
    assert lines[1:] == [f"  failed {site.base}{LIST}/70002: robots.txt disallows {site.base}{LIST}/70002"]
    both = subprocess.run([*fetch, *common], capture_output=True, text=True)  # every source: one cannot be read
    assert both.returncode == 1
    assert f"  failed {site.base}/nothing: list page: HTTP 404" in both.stderr.splitlines()
    assert "fetch gone: failed, none of its lists or feeds could be read" in both.stderr.splitlines()
    assert "fetch kremlin: 1 stored before, 1 failed" in both.stderr
    unknown = subprocess.run([*fetch, "nope", *common], capture_output=True, text=True)
    assert unknown.returncode == 2 and unknown.stderr.splitlines() == [
        "error: no source 'nope' in the fetch configuration (sources: gone, kremlin)"
    ]
    since = subprocess.run([*fetch, "--since", "last week", *common], capture_output=True, text=True)
    assert since.returncode == 2 and "since date 'last week' is not an ISO date" in since.stderr


def test_a_raw_file_is_never_overwritten(tmp_path):
    folder = tmp_path / "f"
    assert store.save(folder, "1", ".html", b"<html>a</html>", {"source_url": "u"}, "n") == ("saved", folder / "1.html")
    assert store.save(folder, "1", ".html", b"<html>a</html>", {}, "n") == ("unchanged", None)
    assert store.save(folder, "1", ".html", b"<html>b</html>", {}, "n") == ("new version", folder / "1.v2.html")
    assert store.save(folder, "1", ".html", b"<html>c</html>", {}, "n") == ("new version", folder / "1.v3.html")
    assert [p.name for p in store.versions(folder, "1", ".html")] == ["1.html", "1.v2.html", "1.v3.html"]
    assert (folder / "1.html").read_bytes() == b"<html>a</html>"
    assert (
        store.write_new(folder / "1.html", b"other") is False and (folder / "1.html").read_bytes() == b"<html>a</html>"
    )
    (folder / "2.meta.yaml").write_text("source_url: kept\n")  # a run stopped between a sidecar and its file
    assert store.save(folder, "2", ".html", b"<html>2</html>", {"source_url": "new"}, "n")[0] == "saved"
    assert (folder / "2.meta.yaml").read_text() == "source_url: kept\n"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_two_runs_of_one_source_at_once_are_refused(site, tmp_path):
    site.page(LIST, list_html())
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"})
    with store.locked(tmp_path / "state" / "kremlin.lock"), pytest.raises(OSError, match="another fetch of this"):
        run(tmp_path, cfg)
    assert run(tmp_path, cfg)["kremlin"]  # once the other is done


def test_the_summary_counts_every_outcome_and_lists_each_failure_skip_and_new_version(tmp_path):
    log = store.Log(read=1)
    log.add("http://x/1", "saved", "k/1.html")
    log.add("http://x/2", "new version", "k/2.v2.html")
    log.add("http://x/3", "skipped", reason="not HTML (Content-Type: application/pdf)")
    for i in range(25):
        log.add(f"http://x/f{i}", "failed", reason="HTTP 404")
    lines = summary("s", log, tmp_path / "s-log.csv")
    assert lines[0] == f"fetch s: 1 saved, 1 new version, 1 skipped, 25 failed (every URL in {tmp_path / 's-log.csv'})"
    assert lines[1:3] == ["  failed http://x/f0: HTTP 404", "  failed http://x/f1: HTTP 404"]
    assert "  … 5 more failed in the log" in lines
    assert lines[-2:] == [
        "  skipped http://x/3: not HTML (Content-Type: application/pdf)",
        "  new version http://x/2: k/2.v2.html",
    ]
    assert summary("s", store.Log(), tmp_path)[-1] == "fetch s: failed, none of its lists or feeds could be read"
