"""A report that fails (its kernel dies, a parameter is absurd) fails alone; the rest and the gallery are published."""

from __future__ import annotations

import shutil

import nbformat
import pytest
import yaml

from analysis import config
from analysis.publish.render.reports import render_all
from analysis.publish.render.specs import load_specs

pytestmark = pytest.mark.notebook


def test_a_report_name_that_leaves_reports_is_refused_before_anything_is_written(tmp_path):
    cfg = tmp_path / "reports.yaml"
    cfg.write_text(
        yaml.safe_dump({"reports": [{"name": "../../escape", "notebook": "01-track-phrases.ipynb", "title": "x"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"report name '\.\./\.\./escape': use lower-case letters"):
        load_specs(cfg)
    with pytest.raises(ValueError, match="report name"):
        render_all(config_path=cfg, reports_dir=tmp_path / "reports", build_dir=tmp_path / "build")
    assert not (tmp_path / "reports").exists() and not (tmp_path / "build").exists()


def test_a_dead_kernel_and_an_absurd_parameter_fail_one_report_each(fixture_corpus, tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    killer = nbformat.read(str(notebooks / "01-track-phrases.ipynb"), as_version=4)
    killer.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(1)  # the kernel dies"))
    nbformat.write(killer, str(notebooks / "99-die.ipynb"))
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", notebooks)
    cfg = tmp_path / "reports.yaml"
    reports = [
        {"name": "dies", "notebook": "99-die.ipynb", "title": "Dies"},
        {
            "name": "huge",
            "notebook": "01-track-phrases.ipynb",
            "title": "Huge",
            "parameters": {"phrases": ["a" * 30_000]},
        },
        {
            "name": "fine",
            "notebook": "01-track-phrases.ipynb",
            "title": "Fine",
            "parameters": {"phrases": ["That's all there is to it"]},
        },
    ]
    cfg.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    failures = render_all(
        config_path=cfg,
        reports_dir=tmp_path / "reports",
        processed_dir=fixture_corpus.path,
        build_dir=tmp_path / "build",
    )
    assert len(failures) == 2
    assert failures[0].startswith("report 'dies'"), failures[0]
    assert failures[1] == "report 'huge': its parameters take 30,017 characters, more than 20,000"
    assert (tmp_path / "reports" / "fine.html").exists()
    assert not (tmp_path / "reports" / "dies.html").exists() and not (tmp_path / "reports" / "huge.html").exists()
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="fine.html"' in index and 'href="dies.html"' not in index


def test_a_title_that_claims_years_the_data_lacks_fails_its_render(fixture_corpus, tmp_path):
    cfg = tmp_path / "reports.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "reports": [
                    {
                        "name": "claims",
                        "notebook": "01-track-phrases.ipynb",
                        "title": "Putin's phrases, 2000–2020",
                        "parameters": {"phrases": ["stress"]},
                    },
                    {
                        "name": "honest",
                        "notebook": "01-track-phrases.ipynb",
                        "title": "Putin's phrases, 2019–2021",
                        "parameters": {"phrases": ["stress"]},
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    failures = render_all(
        config_path=cfg,
        reports_dir=tmp_path / "reports",
        processed_dir=fixture_corpus.path,
        build_dir=tmp_path / "build",
    )
    assert failures == [
        "report 'claims': its title names 2000 but the words it measured run 2019-12-19 to "
        "2021-06-01: correct the title in config/reports.yaml"
    ]
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Vladimir Putin&#x27;s words: 2019-12-19 to 2021-06-01" in index


def test_the_kernels_own_log_stays_out_of_the_render_output(fixture_corpus, tmp_path, monkeypatch, capfd):
    """jupyter_client interrupts a kernel before it shuts it down, and a kernel caught in a message then
    logs "ERROR | KeyboardInterrupt caught in kernel." on the render's stderr: a reader of `make all`
    takes it for a failure. The kernel's own log is off; a report's errors still fail it (above)."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    logs = nbformat.read(str(notebooks / "01-track-phrases.ipynb"), as_version=4)
    line = "from ipykernel.kernelapp import IPKernelApp\nIPKernelApp.instance().log.error('the kernel logs this')"
    logs.cells.insert(2, nbformat.v4.new_code_cell(line))
    nbformat.write(logs, str(notebooks / "99-logs.ipynb"))
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", notebooks)
    cfg = tmp_path / "reports.yaml"
    report = {"name": "logs", "notebook": "99-logs.ipynb", "title": "Logs", "parameters": {"phrases": ["stress"]}}
    cfg.write_text(yaml.safe_dump({"reports": [report]}), encoding="utf-8")
    failures = render_all(
        config_path=cfg,
        reports_dir=tmp_path / "reports",
        processed_dir=fixture_corpus.path,
        build_dir=tmp_path / "build",
    )
    assert failures == [] and (tmp_path / "reports" / "logs.html").exists()
    out, err = capfd.readouterr()
    assert "the kernel logs this" not in out + err and "IPKernelApp" not in out + err
