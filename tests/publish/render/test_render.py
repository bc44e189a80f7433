"""Rendering: papermill executes a real notebook on a real kernel; nbconvert writes the HTML."""

from __future__ import annotations

import html
import json

import pytest
import yaml

from analysis import config
from analysis.publish.render.reports import RenderError, render_all, render_one
from analysis.publish.render.specs import ReportSpec, check_parameters, load_specs

pytestmark = pytest.mark.notebook

SMALL = {"speakers": ["Vladimir Putin"], "phrases": ["That's all there is to it", "It shows as text"], "period": "year"}


def write_config(path, reports):
    path.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    return path


def test_notebook_renders_to_html_without_code(fixture_corpus, tmp_path):
    cfg = write_config(
        tmp_path / "reports.yaml",
        [
            {
                "name": "small",
                "notebook": "01-track-phrases.ipynb",
                "title": "Small <test> report",
                "summary": "A summary & more",
                "parameters": SMALL,
            },
        ],
    )
    reports = tmp_path / "reports"
    failures = render_all(
        config_path=cfg, reports_dir=reports, processed_dir=fixture_corpus.path, build_dir=tmp_path / "build"
    )
    assert failures == []
    page = (reports / "small.html").read_text(encoding="utf-8")
    assert "from analysis" not in page  # input cells are excluded for readers
    assert "Phrases over time" in page and "Evidence" in page
    quotes = " ".join(q.read_text(encoding="utf-8") for q in sorted((reports / "small" / "evidence").glob("*.html")))
    assert "&lt;img src=x onerror=alert(1)&gt;" in quotes  # source text is escaped…
    assert "<img src=x onerror" not in page + quotes  # …never markup
    assert (reports / "small" / "evidence.csv").exists()
    assert sorted(p.name for p in (reports / "small").glob("fig*.csv")) == [
        "fig1_phrase_rates.csv",
        "fig2_dispersion.csv",
        "fig3_words_per_heading.csv",
    ]
    assert (reports / "small" / "coverage.csv").exists() and (reports / "small" / "coverage.svg").exists()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="small.html"' in index
    assert "Small &lt;test&gt; report" in index
    finding = json.loads((reports / "small" / "report.json").read_text(encoding="utf-8"))["finding"]
    assert finding and html.escape(finding) in index  # the gallery card states the report's finding
    assert (tmp_path / "build" / "executed" / "small.ipynb").exists()


def test_failing_notebook_is_named_kept_and_not_published(fixture_corpus, tmp_path):
    cfg = write_config(
        tmp_path / "reports.yaml",
        [
            {
                "name": "broken",
                "notebook": "01-track-phrases.ipynb",
                "title": "Broken",
                "parameters": {**SMALL, "speakers": ["Nobody Atall"]},  # valid as declared; fails in the kernel
            },
        ],
    )
    reports = tmp_path / "reports"
    failures = render_all(
        config_path=cfg, reports_dir=reports, processed_dir=fixture_corpus.path, build_dir=tmp_path / "build"
    )
    assert len(failures) == 1
    assert "01-track-phrases.ipynb" in failures[0] and "no words in this corpus" in failures[0]
    assert (tmp_path / "build" / "executed" / "broken.ipynb").exists()
    assert not (reports / "broken.html").exists()
    assert not (reports / "broken").exists()


def test_unknown_parameter_is_rejected_before_running():
    spec = ReportSpec("x", "01-track-phrases.ipynb", "X", "", {"phrasez": ["a"]})
    with pytest.raises(ValueError, match="unknown parameter"):
        check_parameters(spec, config.NOTEBOOKS_DIR / spec.notebook)


def test_missing_notebook(tmp_path, fixture_corpus):
    spec = ReportSpec("x", "99-nope.ipynb", "X", "", {})
    with pytest.raises(RenderError, match="not found"):
        render_one(spec, reports_dir=tmp_path, processed_dir=fixture_corpus.path, build_dir=tmp_path)


def test_committed_notebooks_have_no_outputs():
    import nbformat

    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: exactly one cell tagged parameters"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


def test_every_parameter_line_is_documented_for_papermill():
    """papermill --help-notebook must see every parameter (it skips lines it cannot parse)."""
    import nbformat
    import papermill as pm

    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        declared = pm.inspect_notebook(str(path))
        assert len(declared) == len(lines), f"{path.name}: papermill parsed {len(declared)} of {len(lines)} lines"
        for name, info in declared.items():
            assert info["help"], f"{path.name}: parameter {name} has no help comment"
            assert info["inferred_type_name"] != "None", f"{path.name}: parameter {name} has no type"


def test_every_project_report_renders_on_the_default_corpus(published):
    reports = published
    index = (reports / "index.html").read_text(encoding="utf-8")
    for spec in load_specs():
        page = (reports / f"{spec.name}.html").read_text(encoding="utf-8")
        assert f'href="{spec.name}.html"' in index
        assert "Edit the `parameters` cell" not in page and "Edit the <code>parameters</code> cell" not in page
        assert "Method" in page  # every report ends with its methodology
        for fig in (reports / spec.name).glob("fig*.png"):
            assert fig.with_suffix(".csv").exists() and fig.with_suffix(".svg").exists()


@pytest.mark.parametrize(
    "notebook, parameters",
    [
        (
            "01-track-phrases.ipynb",
            {
                "phrases": ["finality", "I would like to stress"],
                "period": "month",
                "per": "statements",
                "breakdown": True,
                "smooth_periods": 2,
            },
        ),
        ("01-track-phrases.ipynb", {"phrases": ["finality"], "per": "raw", "start": "2020-01-01"}),
        ("05-compare-periods.ipynb", {"speaker_b": "Ivan Testov", "min_freq": 1, "top": 5}),
        ("06-profile-statement.ipynb", {"doc_id": "kremlin-90001"}),
    ],
)
def test_notebook_options_a_journalist_may_set(fixture_corpus, tmp_path, notebook, parameters):
    cfg = write_config(
        tmp_path / "reports.yaml",
        [{"name": "options", "notebook": notebook, "title": "Options", "parameters": parameters}],
    )
    failures = render_all(
        config_path=cfg,
        reports_dir=tmp_path / "reports",
        processed_dir=fixture_corpus.path,
        build_dir=tmp_path / "build",
    )
    assert failures == []
    meta = json.loads((tmp_path / "reports" / "options" / "report.json").read_text(encoding="utf-8"))
    assert meta["finding"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"per": "minutes"}, "per must be one of"),
        ({"speakers": ["Nobody Atall"]}, "no words in this corpus"),
        ({"start": "yesterday"}, "ISO date"),
    ],
)
def test_bad_notebook_parameters_fail_with_a_clear_message(fixture_corpus, tmp_path, bad, message):
    cfg = write_config(
        tmp_path / "reports.yaml",
        [{"name": "bad", "notebook": "01-track-phrases.ipynb", "title": "Bad", "parameters": {**SMALL, **bad}}],
    )
    failures = render_all(
        config_path=cfg,
        reports_dir=tmp_path / "reports",
        processed_dir=fixture_corpus.path,
        build_dir=tmp_path / "build",
    )
    assert len(failures) == 1 and message in failures[0] and "01-track-phrases.ipynb" in failures[0]
