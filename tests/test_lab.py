"""`make lab`: JupyterLab at the project root (config/, data/, reports/ reachable) with the notebooks
folder open, checked by starting it as a journalist would and opening it in chromium."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from analysis import config
from tests.publish.test_published import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.geturl(), r.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token= --ServerApp.password="
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=config.PROJ_ROOT,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
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
