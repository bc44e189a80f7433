"""Render the reports: papermill executes each notebook, nbconvert writes HTML without code.

The list of reports lives in ``config/reports.yaml`` (name, notebook, title, summary,
parameters). For each report:

1. its parameters are checked against the notebook's ``parameters`` cell and its story's parameter
   dataclass (unknown names, wrong kinds and values out of range fail before a kernel starts);
2. papermill executes the notebook on a real kernel into ``build/executed/<name>.ipynb`` (kept,
   so a failure can be debugged);
3. nbconvert writes the HTML without input cells into a staging folder, which replaces
   ``reports/<name>.html`` and ``reports/<name>/`` only when the whole report succeeded.

``reports/index.html`` links every report that rendered. A failing notebook makes the command
exit non-zero with the notebook's name and the error; the other reports are still rendered.
A report whose inputs have not changed since it was last rendered is not rendered again
(:mod:`analysis.publish.render.incremental`), and a report the list no longer names is removed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.errors import CorpusError, RenderError
from analysis.ingest import generations, manifest
from analysis.params import Command, CorpusParams, ReportsDirParams, RunParams, param
from analysis.publish.explorer import build as explore
from analysis.publish.render import news
from analysis.publish.render.incremental import (
    RenderState,
    fingerprint,
    published_data,
    remove_unlisted,
    shared_inputs,
)
from analysis.publish.render.specs import ReportSpec, check_parameters, check_title_years, load_specs
from analysis.publish.site import pages as publish
from analysis.publish.site.columns import write_column_dictionary
from analysis.publish.site.gallery import corpus_info as _corpus_info
from analysis.publish.site.gallery import read_meta as pages_meta
from analysis.publish.site.gallery import write_index

NOTEBOOK_ONLY_TAG = "notebook-only"  # cells for people running the notebook, not for readers
HIDDEN_TAGS = (NOTEBOOK_ONLY_TAG, "parameters", "injected-parameters")  # parameters are in the header


def render_one(spec: ReportSpec, *, reports_dir: Path, processed_dir: Path, build_dir: Path) -> None:
    """Execute one report's notebook and publish its HTML and files; raise RenderError on failure."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    notebook = config.NOTEBOOKS_DIR / spec.notebook
    if not notebook.exists():
        raise RenderError(f"report {spec.name!r}: notebook {spec.notebook} not found in notebooks/")
    check_parameters(spec, notebook)
    executed = build_dir / "executed" / f"{spec.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{spec.name}-", dir=build_dir))
    sockets = Path(tempfile.mkdtemp(prefix="refrain-kernel-"))
    try:
        params = {
            **spec.parameters,
            "report_name": spec.name,
            "report_title": spec.title,
            "processed_dir": str(processed_dir),
            "reports_dir": str(staging),
        }
        try:
            pm.execute_notebook(
                str(notebook),
                str(executed),
                parameters=params,
                kernel_name="python3",
                cwd=str(config.NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
                # written once at the end (and on an error in a cell), not after every cell: a report
                # notebook's outputs are large, and 40 writes cost 0.3-0.6 s a report
                request_save_on_cell_execute=False,
                config=_kernel_config(sockets),
                # the kernel's own log off: jupyter_client interrupts a kernel before it shuts it down, and
                # the kernel then logs "ERROR | KeyboardInterrupt caught in kernel." into the render's
                # output (a cell's error still fails the render, with its message)
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except pm.PapermillExecutionError as exc:
            raise RenderError(
                f"report {spec.name!r}: notebook {spec.notebook} failed in cell {exc.exec_count}: "
                f"{exc.ename}: {exc.evalue} (executed notebook kept at {executed})"
            ) from exc
        check_title_years(spec, pages_meta(staging, spec.name))
        nb = nbformat.read(str(executed), as_version=4)
        for i, cell in enumerate(nb.cells):  # papermill gives its injected cell a random id
            cell["id"] = f"cell-{i:02d}"
        exporter = HTMLExporter(
            template_name="basic",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
        )
        remover = TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS), enabled=True)
        exporter.register_preprocessor(remover, enabled=True)
        body, _ = exporter.from_notebook_node(nb)
        corpus = published_data(staging / spec.name) or _corpus_info(processed_dir)
        page = publish.page(title=spec.title, body=publish.clean_body(body), corpus=corpus)
        (staging / f"{spec.name}.html").write_text(page, encoding="utf-8")
        if (staging / spec.name).exists():
            write_column_dictionary(
                staging / spec.name, notebook=spec.notebook, title=spec.title, parameters=spec.parameters, corpus=corpus
            )
        _publish(staging, spec.name, reports_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)


def _kernel_config(sockets: Path):
    """The kernel talks to papermill over local sockets (IPC), not unencrypted TCP ports, in a folder of
    this render's own (two renders at once never pick the same socket names)."""
    from traitlets.config import Config

    c = Config()
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(sockets / "kernel")
    return c


def _publish(staging: Path, name: str, reports_dir: Path) -> None:
    """Put a finished report in place of the old one, all or nothing: its files are first copied next to
    the old ones (a full disk fails here, the old report whole), then the folder and the page are
    switched by renames, and only then is the old folder removed."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    incoming, outgoing = reports_dir / f".incoming-{name}-{tag}", reports_dir / f".outgoing-{name}-{tag}"
    page = reports_dir / f".incoming-{name}-{tag}.html"
    try:
        if (staging / name).exists():
            shutil.copytree(staging / name, incoming)
        shutil.copyfile(staging / f"{name}.html", page)
        for path in (incoming, page):  # on disk before the switch
            if path.exists():
                _fsync(path)
    except OSError as exc:
        shutil.rmtree(incoming, ignore_errors=True)
        page.unlink(missing_ok=True)
        raise RenderError(
            f"report {name!r}: could not write it into {reports_dir} ({exc}); the old report is unchanged"
        ) from exc
    target = reports_dir / name
    if target.exists():
        os.replace(target, outgoing)
    if incoming.exists():
        os.replace(incoming, target)
    os.replace(page, reports_dir / f"{name}.html")
    shutil.rmtree(outgoing, ignore_errors=True)


def _fsync(path: Path) -> None:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for p in files:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def render_all(
    *,
    config_path: Path | str = config.REPORTS_FILE,
    only: list[str] | None = None,
    reports_dir: Path | str = config.REPORTS_DIR,
    processed_dir: Path | str = config.PROCESSED_DIR,
    build_dir: Path | str = config.BUILD_DIR,
    full: bool = False,
    wait: float = 0.0,
    jobs: int | None = None,
) -> list[str]:
    """Render every report (or ``only`` those named) whose inputs changed since it was last rendered
    into ``reports_dir`` (all of them with ``full``), ``jobs`` notebooks at once (default: one per
    core); remove reports the list no longer names; write the index. Returns the failures.

    One render at a time writes a reports folder (a second fails at once, or waits ``wait`` seconds),
    and every report of a run reads the same corpus generation (held until the run ends, so that an
    ingest meanwhile changes nothing it shows)."""
    all_specs = specs = load_specs(config_path)
    if only:
        unknown = sorted(set(only) - {s.name for s in specs})
        if unknown:
            raise ValueError(f"no report named {', '.join(unknown)} in {config_path}")
        specs = [s for s in specs if s.name in only]
    reports_dir, build_dir = Path(reports_dir), Path(build_dir)
    claim_reports(reports_dir, processed_dir=Path(processed_dir))
    build_dir.mkdir(parents=True, exist_ok=True)
    with generations.Lock(reports_dir, wait=wait, what="render", name=RENDER_LOCK):
        reader = _pin(Path(processed_dir))
        try:
            return _render(all_specs, specs, only, reports_dir, reader.generation, build_dir, full, jobs)
        finally:
            reader.close()


def _timed(spec: ReportSpec, reports_dir: Path, gen: Path, build_dir: Path) -> float:
    began = time.monotonic()
    render_one(spec, reports_dir=reports_dir, processed_dir=gen, build_dir=build_dir)
    return time.monotonic() - began


def _pin(processed_dir: Path):
    if (processed_dir / manifest.MANIFEST).is_file():
        reader = generations.hold_generation(processed_dir)
        if reader is None:
            raise ValueError(f"{processed_dir}: the generation was removed; run the command again")
        return reader
    try:
        return generations.hold(processed_dir)
    except CorpusError as exc:
        raise ValueError(str(exc)) from None


def _render(
    all_specs, specs, only, reports_dir: Path, gen: Path, build_dir: Path, full: bool, jobs: int | None
) -> list[str]:
    from analysis.corpus import Corpus

    state = RenderState.load(build_dir, reports_dir)
    shared = shared_inputs(gen)
    corpus = Corpus.load(gen, verify=False)  # what each report read, evaluated on this generation
    failures: list[str] = []
    unchanged: list[str] = []
    before = news.findings(reports_dir, {s.name for s in all_specs} | set(state.reports))
    try:
        if not only:
            for name in remove_unlisted(reports_dir, {s.name for s in all_specs}, state):
                state.forget(name)
                print(f"render: removed {name} (config/reports.yaml no longer lists it)", file=sys.stderr)
        todo = []
        for spec in specs:
            inputs = fingerprint(spec, shared)
            if not full and state.is_current(spec.name, inputs, corpus):
                unchanged.append(spec.name)
            else:
                todo.append((spec, inputs))
        # Each notebook runs in a kernel of its own and each report is published into a folder of its
        # own: ``jobs`` at once (the explorer's build among them). Results are taken in the list's order,
        # so the messages and the state do not depend on which finishes first.
        pool = ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1))
        try:
            explorer = None
            if not only:
                explorer = pool.submit(explore.refresh, gen, reports_dir, force=full, build_dir=Path(build_dir))
            running = [(spec, inputs, pool.submit(_timed, spec, reports_dir, gen, build_dir)) for spec, inputs in todo]
            for spec, inputs, future in running:
                try:
                    seconds = future.result()
                except Exception as exc:  # a failed notebook, a dead kernel, a bad parameter: this report only
                    state.forget(spec.name)
                    message = (
                        str(exc)
                        if isinstance(exc, (RenderError, ValueError))
                        else (f"report {spec.name!r}: {type(exc).__name__}: {' '.join(str(exc).split())[:500]}")
                    )
                    failures.append(message)
                    print(f"render: FAILED {message}", file=sys.stderr)
                    continue
                state.record(spec.name, inputs, corpus)
                print(f"render: {spec.name} ({spec.notebook}) in {seconds:.1f} s", file=sys.stderr)
            if explorer is not None:
                failures += explorer.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        after = news.findings(reports_dir, {s.name for s in all_specs} | set(state.reports))
        news.record(reports_dir, build_dir, gen, _corpus_info(gen), before, after)
    finally:  # the gallery is written even when a report, or the run, fails
        corpus.close()
        state.save()
        write_index(all_specs, reports_dir, gen)
    if unchanged:
        print(f"render: {len(unchanged)} unchanged since last rendered: {', '.join(unchanged)}", file=sys.stderr)
    print(f"reports: {(reports_dir / 'index.html').resolve()}", file=sys.stderr)
    return failures


RENDER_LOCK = ".refrain-render.lock"
REPORTS_MARKER = ".refrain-reports"


def claim_reports(reports_dir: Path, *, processed_dir: Path) -> None:
    """Make sure ``reports_dir`` may be written (and cleaned of reports the list no longer names): not
    the working directory, the raw or processed folder or the project's own folders, and not a folder
    holding files the project did not write; mark it as the project's."""
    out = Path(os.path.abspath(reports_dir))
    if not str(reports_dir).strip() or out == Path.cwd():
        raise ValueError(f"--reports-dir {str(reports_dir)!r} is the working directory: name a folder for the reports")
    forbidden = {
        Path(os.path.abspath(p))
        for p in (config.PROJ_ROOT, config.DATA_DIR, config.RAW_DIR, config.CONFIG_DIR, config.NOTEBOOKS_DIR)
    } | {Path(os.path.abspath(processed_dir))}
    raw = Path(os.path.abspath(config.RAW_DIR))
    if out in forbidden or raw in out.parents or Path.home() == out:
        raise ValueError(
            f"--reports-dir {reports_dir} is one of the project's own folders: name a folder for the reports"
        )
    if out.exists() and not out.is_dir():
        raise ValueError(f"--reports-dir {reports_dir} is a file, not a folder")
    if out.is_dir() and not (out / REPORTS_MARKER).exists():
        # the marker may be there already: another render claiming the folder at the same moment wrote it
        entries = sorted(p.name for p in out.iterdir() if p.name not in (REPORTS_MARKER, RENDER_LOCK))
        if entries and "index.html" not in entries:  # a gallery written before markers is adopted
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            raise ValueError(
                f"--reports-dir {reports_dir} holds files Refrain did not write ({shown}): name an empty or new folder"
            )
    out.mkdir(parents=True, exist_ok=True)
    if not (out / REPORTS_MARKER).exists():
        (out / REPORTS_MARKER).write_text("Reports published by Refrain (python -m analysis render).\n", "utf-8")


@dataclass(frozen=True)
class RenderParams(RunParams, ReportsDirParams, CorpusParams):
    reports_config: str = param("", "the list of reports (YAML); empty for config/reports.yaml")
    only: list[str] = param([], "render only this report", one="only")
    build_dir: str = param("", "executed notebooks and render state; empty for build/")

    def render(self) -> int:
        """Render the reports (:func:`render_all`); the exit status (1 when a report failed)."""
        folders = dict(reports_dir=self.reports_dir or config.REPORTS_DIR, build_dir=self.build_dir or config.BUILD_DIR)
        folders |= dict(config_path=self.reports_config or config.REPORTS_FILE)
        folders |= dict(processed_dir=self.processed_dir or config.PROCESSED_DIR)
        failures = render_all(**folders, only=self.only or None, full=self.full, wait=self.wait, jobs=self.jobs or None)
        return 1 if failures else 0


COMMAND = Command(
    "render", "execute the notebooks with papermill and write HTML reports", RenderParams, RenderParams.render
)
