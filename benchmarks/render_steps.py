"""The render steps of ``run.py`` (4 and 5): every report, one notebook with a changed phrase, a
warm ``make all`` with nothing changed, and one with a U.S. president's speech added (render by data:
only the reports that read the presidents' words are rendered again).

``step_render`` runs in a child process (see ``harness``); the other functions run in the driver.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, child, median_of

CONFIG = ROOT / "config" / "reports.yaml"


# --- a step, run in a child process -------------------------------------------------------------


def step_render(config: str, reports: str, processed: str) -> dict:
    """A full render (every report, whatever the last run left)."""
    import contextlib
    import io

    from analysis.publish.render.reports import render_all

    said = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stderr(said):
        failures = render_all(
            config_path=config,
            reports_dir=reports,
            processed_dir=processed,
            build_dir=Path(reports).parent / "build",
            full=True,
        )
    took = time.perf_counter() - t
    sys.stderr.write(said.getvalue())
    return {"seconds": took, "failures": len(failures), "explorer": explorer_line(said.getvalue())}


EXPLORER = re.compile(
    r"explorer: built, ([\d.]+) s: positions worked out for (\d+) of (\d+) speakers, ([\d,]+) of ([\d,]+) data files"
)


def explorer_line(stderr: str) -> dict | None:
    """What a render said of the explorer's build: seconds, speakers worked out, data files written."""
    found = EXPLORER.search(stderr)
    if not found:
        return None
    n = [int(x.replace(",", "")) for x in found.groups()[1:]]
    return {"seconds": float(found.group(1)), "speakers_again": n[0], "speakers": n[1], "written": n[2], "files": n[3]}


# --- in the driver ------------------------------------------------------------------------------


def render_figures(embedded: Path, work: Path, runs: int) -> dict[str, dict]:
    """Steps 4 and 5 on the processed corpus ``embedded``."""
    r = {"render_all": median_of(runs, lambda: child("render", str(CONFIG), str(work / "reports-all"), str(embedded)))}
    one = one_report_config(work / "one.yaml")
    r["render_one"] = median_of(runs, lambda: child("render", str(one), str(work / "reports-one"), str(embedded)))
    r["make_all_warm"] = warm_build(work / "reports-all", embedded, runs)
    r["make_all_speech"] = speech_build(work, embedded, runs)
    return r


def one_report_config(dest: Path) -> Path:
    """A report configuration of the first report alone, its phrases changed (written to ``dest``)."""
    import yaml

    spec = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["reports"][0]
    spec["parameters"]["phrases"] = ["our partners", "by military means"]
    dest.write_text(yaml.safe_dump({"reports": [spec]}), encoding="utf-8")
    return dest


def _build(raw: Path, processed: Path, reports: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--processed", str(processed)]
    cmd += ["--reports-dir", str(reports), "--build-dir", str(reports.parent / "build")]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CI": "true"})
    if out.returncode != 0:
        raise RuntimeError(f"build failed:\n{out.stderr[-2000:]}")
    return out


SPEECH = (
    "President: Donald Trump\n\nThese are remarks number {n} of the benchmark.\n\n"
    + "Our partners in Europe must pay their share; we will fight terrorism. " * 30
)  # numbered: each run's speech is a new statement, not a duplicate of the last run's (skipped as such)


def speech_build(work: Path, processed: Path, runs: int) -> dict:
    """`make all` after one Miller Center speech is added to a copy of the raw folder (a new speech each
    run), into the folder of the full render: the whole process, and the reports it rendered again.
    The copy is ingested once first (its files are new to the state: hashed, none parsed); the speeches
    are removed at the end and the corpus rebuilt, so later steps read the default corpus."""
    raw, reports = work / "raw-speech", work / "reports-all"
    shutil.copytree(ROOT / "data" / "raw", raw)
    _build(raw, processed, reports)
    times, rendered, added, explorer = [], [], [], []
    for i in range(runs):
        speech = raw / "miller-center" / f"2020-09-{10 + i:02d}-benchmark-remarks.txt"
        speech.write_text(SPEECH.format(n=i + 1), encoding="utf-8")
        added.append(speech)
        t = time.perf_counter()
        out = _build(raw, processed, reports)
        times.append(time.perf_counter() - t)
        rendered.append([line.split()[1] for line in out.stderr.splitlines() if re.match(r"render: \S+ \(", line)])
        explorer.append(explorer_line(out.stderr))
    for speech in added:
        speech.unlink()
    _build(raw, processed, reports)
    middle = sorted(range(len(times)), key=times.__getitem__)[len(times) // 2]
    return {
        "seconds": times[middle],
        "all": [round(x, 3) for x in times],
        "rendered": rendered[middle],
        "expected": reading_presidents(),
        "explorer": explorer[middle],
    }


def reading_presidents() -> list[str]:
    """The reports of config/reports.yaml that ask for the U.S. presidents' words (the group, or one of them)."""
    import yaml

    from analysis.speakers import default_registry

    presidents = {"US presidents", *(default_registry().group("US presidents") or [])}
    specs = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["reports"]
    return [s["name"] for s in specs if presidents & set((s.get("parameters") or {}).get("speakers") or [])]


def warm_build(reports: Path, processed: Path, runs: int) -> dict:
    """`make all` with nothing changed since the full render into ``reports``: the whole
    ``python -m analysis build`` process (check the raw files, find every report current)."""
    cmd = [
        sys.executable,
        "-m",
        "analysis",
        "build",
        "--raw",
        str(ROOT / "data" / "raw"),
        "--processed",
        str(processed),
    ]
    cmd += ["--reports-dir", str(reports), "--build-dir", str(reports.parent / "build")]
    times, lines = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CI": "true"})
        times.append(time.perf_counter() - t)
        if out.returncode != 0 or "unchanged since last rendered" not in out.stderr:
            raise RuntimeError(f"warm build did not skip the reports:\n{out.stderr[-2000:]}")
        lines = len(out.stderr.splitlines())
    return {"seconds": statistics.median(times), "all": [round(x, 3) for x in times], "lines": lines}
