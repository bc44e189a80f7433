"""Papermill straight from the shell, as a journalist runs it: list parameters from one string or a
comma-separated one, a misspelt name or a bad value stops with one line and a non-zero exit, and a
run by hand writes into build/, never into reports/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.errors import ParameterError
from analysis.publish.stories.parameters import coerce, from_namespace, injected_names

PAPERMILL = Path(sys.executable).with_name("papermill")
NOTEBOOK = config.NOTEBOOKS_DIR / "01-track-phrases.ipynb"


def papermill(tmp_path: Path, corpus, *args: str) -> subprocess.CompletedProcess:
    """``papermill notebooks/01-track-phrases.ipynb out.ipynb <args>`` on the fixture corpus."""
    cmd = [str(PAPERMILL), str(NOTEBOOK), str(tmp_path / "out.ipynb"), "--no-progress-bar", *args]
    cmd += ["-p", "processed_dir", str(corpus.path), "-p", "reports_dir", str(tmp_path / "runs")]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "CI": "true"})


def phrases_counted(tmp_path: Path) -> list[str]:
    rates = next((tmp_path / "runs" / "track-phrases").glob("fig*_phrase_rates.csv"))
    return list(dict.fromkeys(pd.read_csv(rates)["phrase"]))


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.notebook
@pytest.mark.parametrize(
    "value, expected",
    [
        ("That's all there is to it", ["That's all there is to it"]),
        ("That's all there is to it, It shows as text", ["That's all there is to it", "It shows as text"]),
    ],
)
def test_a_list_parameter_takes_one_string_or_a_comma_separated_one(fixture_corpus, tmp_path, value, expected):
    res = papermill(tmp_path, fixture_corpus, "-p", "phrases", value)
    assert res.returncode == 0, res.stderr[-2000:]
    assert phrases_counted(tmp_path) == expected


@pytest.mark.notebook
def test_a_list_in_yaml_keeps_a_phrase_with_a_comma(fixture_corpus, tmp_path):
    res = papermill(tmp_path, fixture_corpus, "-y", 'phrases: ["well, you know", "It shows as text"]')
    assert res.returncode == 0, res.stderr[-2000:]
    assert phrases_counted(tmp_path) == ["well, you know", "It shows as text"]


@pytest.mark.notebook
@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "phrse", "partners"], "unknown parameter 'phrse' (did you mean 'phrases'?)"),
        (["-p", "smooth_periods", "two"], "parameter smooth_periods must be a whole number; got 'two'"),
        (["-p", "per", "minutes"], "per must be one of"),
    ],
)
def test_a_bad_parameter_stops_papermill_with_one_line(fixture_corpus, tmp_path, args, message):
    res = papermill(tmp_path, fixture_corpus, *args)
    assert res.returncode != 0
    assert "Traceback" not in res.stderr and "---------" not in res.stderr, res.stderr[-2000:]
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("papermill: the notebook stopped") and "ParameterError" in last, res.stderr[-2000:]
    assert message in last
    assert len([line for line in res.stderr.splitlines() if "ParameterError" in line]) == 1


@pytest.mark.notebook
def test_leaders_whose_years_do_not_overlap_stop_papermill_with_one_line(default_corpus, tmp_path):
    """Notebook 07 with Trump and Obama (no year in common) once ended in a 40-line traceback."""
    cmd = [str(PAPERMILL), str(config.NOTEBOOKS_DIR / "07-compare-leaders.ipynb"), str(tmp_path / "out.ipynb")]
    cmd += ["--no-progress-bar", "-p", "speakers", "Donald Trump, Barack Obama", "-p", "phrases", "terrorism"]
    cmd += ["-p", "processed_dir", str(default_corpus.path), "-p", "reports_dir", str(tmp_path / "runs")]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "CI": "true"})
    assert res.returncode != 0
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("papermill: the notebook stopped") and "CorpusError" in last, res.stderr[-2000:]
    assert "(Donald Trump: 2017–2020; Barack Obama: 2008–2016)" in last


@pytest.mark.notebook
def test_a_run_by_hand_writes_to_build_and_links_from_the_notebook(fixture_corpus, tmp_path):
    """No ``reports_dir``: the files go to build/runs/<report_name>/ and every link the notebook shows
    opens, from notebooks/, a file that exists."""
    name = f"test-by-hand-{os.getpid()}"
    cmd = [str(PAPERMILL), str(NOTEBOOK), str(tmp_path / "out.ipynb"), "--no-progress-bar"]
    cmd += ["-p", "processed_dir", str(fixture_corpus.path), "-p", "report_name", name]
    cmd += ["-p", "phrases", "That's all there is to it"]
    before = sorted(config.REPORTS_DIR.rglob("*")) if config.REPORTS_DIR.exists() else []
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr[-2000:]
        assert (config.RUNS_DIR / name / "README.md").is_file()
        after = sorted(config.REPORTS_DIR.rglob("*")) if config.REPORTS_DIR.exists() else []
        assert after == before  # reports/ untouched
        nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
        shown = " ".join(
            o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []) if "data" in o
        )
        links = {h for h in re.findall(r'href="([^"#]+)', shown) if not h.startswith(("http:", "https:"))}
        assert links and all(h.startswith(f"../build/runs/{name}/") for h in links), sorted(links)[:5]
        missing = [h for h in links if not (config.NOTEBOOKS_DIR / h).resolve().exists()]
        assert missing == []
        # one drawing per chart: the phone drawing hidden, shown instead of the wide one in a narrow output
        figures = re.findall(r'<figure class="chart".*?</figure>', shown, flags=re.S)
        assert figures and all('<div class="chart-narrow" hidden>' in f and "@container" in f for f in figures)
        # a run's evidence pages link only to what exists beside them (no gallery, explorer or report page)
        pages = sorted((config.RUNS_DIR / name / "evidence").glob("*.html"))
        assert pages
        for path in pages:
            text = path.read_text(encoding="utf-8")
            local = {h for h in re.findall(r'href="([^"#]*)', text) if h and not h.startswith(("http:", "https:"))}
            assert all((path.parent / h).resolve().exists() for h in local), (path.name, sorted(local))
            assert "index.html" not in text and "explore.html" not in text
    finally:
        shutil.rmtree(config.RUNS_DIR / name, ignore_errors=True)


# --- the rules, unit by unit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, kind, expected",
    [
        ("our partners", list, ["our partners"]),
        ("a, b ,, c", list, ["a", "b", "c"]),
        (("a", "b"), list, ["a", "b"]),
        (["a"], list, ["a"]),
        (2014, str, "2014"),
        (None, str, ""),
        ("5", int, 5),
        ("5,000", int, 5000),
        (3.0, int, 3),
        ("yes", bool, True),
        ("false", bool, False),
        (0, bool, False),
        ("0.5", float, 0.5),
        (2, float, 2.0),
    ],
)
def test_values_become_the_declared_type(value, kind, expected):
    assert coerce("p", value, kind) == expected


@pytest.mark.parametrize(
    "value, kind", [("two", int), (True, int), ("maybe", bool), ([1], str), ("x", float), (3, list)]
)
def test_a_value_of_the_wrong_kind_is_a_parameter_error(value, kind):
    with pytest.raises(ParameterError, match="parameter p must be"):
        coerce("p", value, kind)


def test_only_the_names_papermill_injected_are_checked():
    history = ["", "phrases: list = []\nsmooth_periods: int = 0", "# Parameters\nphrse = 'x'\nsmooth_periods = 2\n"]
    assert injected_names(history) == ["phrse", "smooth_periods"]
    namespace = {"__annotations__": {"phrases": list, "smooth_periods": int}, "phrases": [], "smooth_periods": 2}
    with pytest.raises(ParameterError, match=r"unknown parameter 'phrse' \(did you mean 'phrases'\?\)"):
        from_namespace({**namespace, "In": history})
    # run by hand (no injected cell), variables of later cells are not parameters
    assert from_namespace({**namespace, "In": history[:2], "top": 5}) == {"phrases": [], "smooth_periods": 2}
