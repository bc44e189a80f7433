"""`make lab`: JupyterLab at the project root (config/, data/, reports/ reachable) with the notebooks
folder open, checked by starting it as a journalist would and opening it in chromium."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis import config
from tests.publish.test_published import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
CURRENT = "window.jupyterapp.shell.currentWidget"
#: every code cell of the open notebook has run and its kernel is idle
ALL_RUN = f"""() => {{
  const nb = {CURRENT}, cells = nb.content.model.cells;
  for (let i = 0; i < cells.length; i++) if (cells.get(i).type === 'code' && !cells.get(i).executionCount) return false;
  return nb.sessionContext.session.kernel.status === 'idle';
}}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.geturl(), r.read()


def lab_state(tmp_path_factory) -> dict[str, str]:
    """Folders of its own for a test's JupyterLab: its runtime files, and its workspaces (the lab saves
    the open tabs and the file browser's folder there and restores them at the next start)."""
    return {
        "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("jupyter-runtime")),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("jupyter-workspaces")),
    }


@contextlib.contextmanager
def started(env: dict, *make_vars: str, args: str = ""):
    """`make lab` started as a journalist starts it (on a free port, no token); its address once it
    answers; stopped after."""
    port = free_port()
    lab_args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token= --ServerApp.password="
    cmd = ["make", "--no-print-directory", "lab", *make_vars, f"LAB_ARGS={lab_args} {args}".strip()]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        cmd, cwd=config.PROJ_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        for _ in range(240):  # the server starts in a few seconds; give a loaded machine a minute
            if proc.poll() is not None:
                pytest.fail(f"make lab exited: {proc.stdout.read().decode()[-2000:]}")
            try:
                get(f"{base}/api/status")
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("JupyterLab did not answer within a minute")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with started({**os.environ, **lab_state(tmp_path_factory)}) as base:
        yield base


def test_lab_serves_the_project_root(lab):
    _, _, body = get(f"{lab}/api/contents/")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {"config", "data", "notebooks", "src", "Makefile", "README.md"} <= names
    _, _, body = get(f"{lab}/api/contents/notebooks")
    notebooks = {item["name"] for item in json.loads(body)["content"]}
    assert {p.name for p in config.NOTEBOOKS_DIR.glob("*.ipynb")} <= notebooks


def test_lab_opens_on_the_notebooks_folder(lab):
    status, url, _ = get(f"{lab}/")
    assert status == 200 and url.endswith("/lab/tree/notebooks"), url
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{lab}/", wait_until="load")
        first = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))[0].name
        page.get_by_text(first, exact=True).first.wait_for(timeout=60_000)  # listed in the file browser
        crumbs = page.locator(".jp-BreadCrumbs").inner_text(timeout=10_000)
        assert "notebooks" in crumbs, crumbs
        browser.close()


@pytest.fixture(scope="module")
def lab_project(default_corpus, tmp_path_factory):
    """`make lab` on a project of its own (``REFRAIN_ROOT``): the notebooks copied (the lab saves them), the
    configuration and docs linked, the default corpus as data/processed. Yields (lab's address, project)."""
    project = tmp_path_factory.mktemp("lab-project")
    shutil.copytree(config.NOTEBOOKS_DIR, project / "notebooks")
    for name in ("config", "docs"):
        (project / name).symlink_to(config.PROJ_ROOT / name)
    (project / "data").mkdir()
    (project / "data" / "processed").symlink_to(default_corpus.path)
    env = {**os.environ, "REFRAIN_ROOT": str(project), **lab_state(tmp_path_factory)}
    with started(env, f"LAB_ROOT={project}", args="--LabApp.expose_app_in_browser=True") as base:
        yield base, project


def test_a_notebook_run_in_the_lab_shows_one_drawing_per_chart_and_its_bars_open_their_quotes(lab_project):
    """A journalist's run in JupyterLab: edit the parameters, run all cells. Every chart shows one drawing,
    no output is an error, and clicking a bar opens, in a tab of the lab, the page that holds its quotes
    (from build/runs/)."""
    base, project = lab_project
    path = project / "notebooks" / "01-track-phrases.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = re.sub(r'(?m)^start: str = ""', 'start: str = "2015-01-01"', cell.source)
    nbformat.write(nb, path)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/lab/tree/notebooks/{path.name}")
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=120_000)
        page.wait_for_function(f"{CURRENT}.sessionContext.session?.kernel?.status === 'idle'", timeout=120_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RUN, timeout=180_000)
        stderr = page.locator(
            '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"]'
        )
        assert stderr.count() == 0, stderr.all_inner_texts()[:3]
        figures = page.locator("figure.chart")
        assert figures.count() >= 2
        for i in range(figures.count()):
            figures.nth(i).scroll_into_view_if_needed()
            assert figures.nth(i).locator("svg:visible").count() == 1, f"chart {i}: not one drawing shown"
        page.set_viewport_size({"width": 560, "height": 900})  # a narrow output: each chart its phone drawing
        for i in range(figures.count()):
            figures.nth(i).scroll_into_view_if_needed()
            assert figures.nth(i).locator(".chart-narrow svg:visible").count() == 1, f"chart {i}: narrow"
            assert figures.nth(i).locator("svg:visible").count() == 1, f"chart {i}: not one drawing shown"
        page.set_viewport_size({"width": 1280, "height": 900})
        bar = page.locator("figure.chart .chart-wide foreignObject a").first
        bar.scroll_into_view_if_needed()
        href = bar.get_attribute("href") or ""
        page_name, group = href.split("?")[0].rsplit("/", 1)[-1], href.split("#")[-1]
        assert (project / "build" / "runs" / "track-phrases" / "evidence" / page_name).is_file(), href
        bar.click()
        current = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"
        page.wait_for_function(
            f"document.querySelector({json.dumps(current)})?.textContent.trim() === {json.dumps(page_name)}"
        )
        page.wait_for_selector("iframe[src^='blob:']", state="attached")  # the lab's HTML viewer
        frame = next(f for f in page.frames if f != page.main_frame and f.url.startswith("blob:"))
        frame.wait_for_selector(".quote", state="attached")
        held = frame.evaluate(
            "g => (g = document.getElementById(g)) && [+g.dataset.count, g.querySelectorAll('.quote').length]", group
        )
        assert held and held[0] == held[1] > 0, held
        assert not errors, errors
        browser.close()
