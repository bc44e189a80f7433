"""Incremental publishing: only reports whose inputs changed are rendered again, the result is
byte-identical to a full render, and a report the list no longer names is removed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis import config
from analysis.ingest import ingest
from analysis.publish.render import incremental
from analysis.publish.render.reports import render_all
from analysis.publish.render.specs import ReportSpec, load_specs
from tests.conftest import FIXTURES
from tests.publish.render.test_render import SMALL, write_config

PROFILE = {"doc_id": "kremlin-90001"}


#: What changed from build to build (``analysis.publish.render.news``): a history, which differs between a
#: folder built twice and one built once; every other file must be byte-identical.
HISTORY = {"changes.html", "changes.json", "feed.xml"}


def tree(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files if p.name not in HISTORY}


def reports(*, phrases_period: str = "year", with_profile: bool = True) -> list[dict]:
    out = [
        {
            "name": "phrases",
            "notebook": "01-track-phrases.ipynb",
            "title": "Phrases",
            "parameters": {**SMALL, "period": phrases_period},
        }
    ]
    if with_profile:
        out.append({"name": "profile", "notebook": "06-profile-statement.ipynb", "title": "One", "parameters": PROFILE})
    return out


def render(cfg: Path, root: Path, corpus, capsys, *, full: bool = False) -> tuple[list[str], str]:
    failures = render_all(
        config_path=cfg,
        reports_dir=root / "reports",
        processed_dir=corpus.path,
        build_dir=root / "build",
        full=full,
    )
    return failures, capsys.readouterr().err


def rendered(err: str) -> list[str]:
    """The reports a run rendered, from its output ("render: <name> (<notebook>) in 4.2 s")."""
    return [line.split()[1] for line in err.splitlines() if line.startswith("render: ") and " in " in line]


@pytest.mark.notebook
def test_only_changed_reports_are_rendered_and_the_result_equals_a_full_render(fixture_corpus, tmp_path, capsys):
    inc, cfg = tmp_path / "inc", tmp_path / "reports.yaml"
    write_config(cfg, reports())
    failures, err = render(cfg, inc, fixture_corpus, capsys)
    assert failures == [] and rendered(err) == ["phrases", "profile"]
    first = tree(inc / "reports")

    failures, err = render(cfg, inc, fixture_corpus, capsys)  # nothing changed
    assert failures == [] and rendered(err) == []
    assert "render: 2 unchanged since last rendered: phrases, profile" in err
    assert err.strip().splitlines()[-1] == f"reports: {(inc / 'reports' / 'index.html').resolve()}"
    assert tree(inc / "reports") == first

    write_config(cfg, reports(phrases_period="month"))  # one report's parameters change
    failures, err = render(cfg, inc, fixture_corpus, capsys)
    assert failures == [] and rendered(err) == ["phrases"]
    assert "render: 1 unchanged since last rendered: profile" in err

    full = tmp_path / "full"
    failures, err = render(cfg, full, fixture_corpus, capsys, full=True)
    assert failures == [] and rendered(err) == ["phrases", "profile"]
    assert tree(inc / "reports") == tree(full / "reports")  # byte-identical, file for file

    (inc / "reports" / "phrases" / "README.md").unlink()  # an output deleted by hand is rendered again
    failures, err = render(cfg, inc, fixture_corpus, capsys)
    assert rendered(err) == ["phrases"]
    assert tree(inc / "reports") == tree(full / "reports")


SPEECH = "President: {president}\n\n{text}  \n"


@pytest.mark.notebook
def test_a_new_us_speech_renders_again_only_the_report_that_reads_us_presidents(tmp_path, capsys):
    """Render by data: a Miller Center speech added to the corpus changes what the leaders report reads
    (the U.S. presidents' words), not what the Putin report reads; only the former is rendered again,
    and the result equals a full render, file for file."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    us = raw / "miller-center"
    us.mkdir()
    shutil.copy(config.RAW_DIR / "miller-center" / "profile.yaml", us / "profile.yaml")
    for day, president in (("2021-05-01", "Donald Trump"), ("2021-07-01", "Donald Trump")):
        text = "Our partners know that we fight terrorism. That is all there is to it. " * 40
        (us / f"{day}-remarks.txt").write_text(SPEECH.format(president=president, text=text), encoding="utf-8")
    processed = tmp_path / "processed"
    ingest(raw, processed, quiet=True)
    cfg = write_config(
        tmp_path / "reports.yaml",
        [
            reports(with_profile=False)[0],
            {
                "name": "leaders",
                "notebook": "07-compare-leaders.ipynb",
                "title": "Leaders",
                "parameters": {
                    "speakers": ["Vladimir Putin", "US presidents"],
                    "phrases": ["our-partners", "finality"],
                    "min_period_words": 1,
                },
            },
        ],
    )
    corpus = SimpleNamespace(path=processed)
    failures, err = render(cfg, tmp_path / "inc", corpus, capsys)
    assert failures == [] and rendered(err) == ["phrases", "leaders"], err

    text = "Our partners and our sovereignty. " * 40
    (us / "2021-09-01-more-remarks.txt").write_text(
        SPEECH.format(president="Donald Trump", text=text), encoding="utf-8"
    )
    ingest(raw, processed, quiet=True)
    failures, err = render(cfg, tmp_path / "inc", corpus, capsys)
    assert failures == [] and rendered(err) == ["leaders"], err
    assert "render: 1 unchanged since last rendered: phrases" in err

    failures, err = render(cfg, tmp_path / "full", corpus, capsys, full=True)
    assert failures == []
    assert tree(tmp_path / "inc" / "reports") == tree(tmp_path / "full" / "reports")
    page = (tmp_path / "full" / "reports" / "phrases.html").read_text(encoding="utf-8")
    assert "data version" in page and "corpus version" not in page  # its own data's version, not the corpus's


@pytest.mark.notebook
def test_a_report_the_list_no_longer_names_is_removed(fixture_corpus, tmp_path, capsys):
    cfg = tmp_path / "reports.yaml"
    write_config(cfg, reports())
    assert render(cfg, tmp_path, fixture_corpus, capsys)[0] == []
    (tmp_path / "reports" / "notes.html").write_text("mine", encoding="utf-8")  # not a report: kept
    write_config(cfg, reports(with_profile=False))
    failures, err = render(cfg, tmp_path, fixture_corpus, capsys)
    assert failures == [] and rendered(err) == []
    assert "render: removed profile (config/reports.yaml no longer lists it)" in err
    assert not (tmp_path / "reports" / "profile").exists() and not (tmp_path / "reports" / "profile.html").exists()
    assert (tmp_path / "reports" / "phrases.html").exists() and (tmp_path / "reports" / "notes.html").exists()
    assert 'href="profile.html"' not in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")


# --- the fingerprint ------------------------------------------------------------------------------


@pytest.fixture
def house(tmp_path, monkeypatch):
    """A copy of the project's notebooks, configuration and library for the fingerprint to read."""
    for name in ("NOTEBOOKS_DIR", "CONFIG_DIR"):
        copy = tmp_path / name
        shutil.copytree(getattr(config, name), copy)
        monkeypatch.setattr(config, name, copy)
    monkeypatch.setattr(config, "REPORTS_FILE", tmp_path / "CONFIG_DIR" / "reports.yaml")
    library = tmp_path / "src" / "analysis"
    shutil.copytree(config.LIBRARY_DIR, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "LIBRARY_DIR", library)
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / config.CORPUS_INFO_FILE).write_text('{"corpus_version": "a"}', encoding="utf-8")
    return tmp_path


SPEC = ReportSpec("r", "01-track-phrases.ipynb", "T", "", {"phrases": ["a"]})


def _print(house: Path, spec: ReportSpec = SPEC) -> str:
    return incremental.fingerprint(spec, incremental.shared_inputs(house / "processed"))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        "notebook",
        "parameters",
        "title",
        "schema",
        "lexicon",
        "speakers",
        "library",
    ],
)
def test_the_fingerprint_changes_with_each_input(house, change):
    before = _print(house)
    spec = SPEC
    if change == "notebook":
        _append(house / "NOTEBOOKS_DIR" / SPEC.notebook, "\n")
    elif change == "parameters":
        spec = ReportSpec("r", SPEC.notebook, "T", "", {"phrases": ["b"]})
    elif change == "title":
        spec = ReportSpec("r", SPEC.notebook, "T2", "", SPEC.parameters)
    elif change == "schema":
        (house / "processed" / config.CORPUS_INFO_FILE).write_text('{"schema_version": 99}', encoding="utf-8")
    elif change == "lexicon":
        _append(house / "CONFIG_DIR" / "lexicons" / "phrases.yaml", "\n# changed\n")
    elif change == "speakers":
        _append(house / "CONFIG_DIR" / "speakers.yaml", "\n# changed\n")
    elif change == "library":
        _append(house / "src" / "analysis" / "publish" / "charts" / "basic.py", "\n# changed\n")
    assert _print(house, spec) != before


def test_the_fingerprint_leaves_the_corpus_version_to_each_reports_data(house):
    """A new corpus version alone (a statement added) does not change the fingerprint: each report's own
    data is compared (:func:`incremental.data_version`)."""
    before = _print(house)
    (house / "processed" / config.CORPUS_INFO_FILE).write_text('{"corpus_version": "b"}', encoding="utf-8")
    assert _print(house) == before


def test_the_fingerprint_ignores_the_other_reports_of_the_list(house):
    before = _print(house)
    _append(config.REPORTS_FILE, "\n# another report's change\n")
    assert _print(house) == before


@pytest.mark.notebook
def test_a_warm_build_is_quiet_and_ends_with_the_gallery_path(published, default_corpus, tmp_path):
    """`make all` with nothing changed: a summary of the ingest report, not a line per known warning; no
    kernel banner; every report unchanged; the last line is the path of reports/index.html. On copies (the
    published folder and the corpus are shared by the other tests of the run), which also shows that a
    project moved whole, its reports with its build folder, keeps its render state."""
    shutil.copytree(published.parent, tmp_path / "site", symlinks=True)
    shutil.copytree(default_corpus.path, tmp_path / "processed", symlinks=True)
    published = tmp_path / "site" / "reports"
    cmd = [sys.executable, "-m", "analysis", "build", "--raw", str(config.RAW_DIR)]
    cmd += ["--processed", str(tmp_path / "processed"), "--reports-dir", str(published)]
    cmd += ["--build-dir", str(published.parent / "build")]
    res = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    assert res.returncode == 0, res.stderr[-3000:]
    lines = (res.stdout + res.stderr).strip().splitlines()
    assert len(lines) <= 20, lines
    assert lines[-1] == f"reports: {(published / 'index.html').resolve()}"
    assert f"render: {len(load_specs())} unchanged since last rendered" in res.stderr
    assert not [line for line in lines if re.fullmatch(r"render: \S+ \(\S+\) in [\d.]+ s", line)]  # none rendered
    assert not [line for line in lines if "TCP" in line or "setuptools" in line or line.startswith("  warning ")]
    assert any(line.startswith("ingest: ") for line in lines)
