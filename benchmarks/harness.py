"""The child-process protocol of ``run.py``, and what every step's measurement shares.

A step runs in a fresh interpreter, by name: ``python benchmarks/run.py --step NAME ARGS…`` calls the
step function ``NAME`` of the driver's step table with ``ARGS`` (strings), and prints its result as
one JSON line with the process's peak RSS added. ``child`` is the parent's half, ``run_step`` the
child's.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The script a child process runs: the driver, which holds the step table.
DRIVER = Path(__file__).resolve().with_name("run.py")


def child(name: str, *args: str) -> dict:
    """Run one step in a fresh interpreter; add its peak RSS (own and its worker processes)."""
    out = subprocess.run(
        [sys.executable, str(DRIVER), "--step", name, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_step(steps: Mapping[str, Callable[..., dict]], name: str, args: list[str]) -> None:
    """The child's half: run step ``name``, print its result and peak RSS as one JSON line."""
    result = steps[name](*args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["rss_mb"] = round(max(own, kids) / 1024, 1)
    result["rss_self_mb"] = round(own / 1024, 1)
    print(json.dumps(result))


def median_of(runs: int, fn: Callable[[], dict]) -> dict:
    """``fn`` run ``runs`` times: the middle result, with the median seconds and the largest RSS."""
    results = [fn() for _ in range(runs)]
    out = dict(results[len(results) // 2])
    out["seconds"] = statistics.median(r["seconds"] for r in results)
    out["rss_mb"] = max(r["rss_mb"] for r in results)
    out["all"] = [round(r["seconds"], 3) for r in results]
    return out


@contextmanager
def scratch() -> Iterator[Path]:
    """A temporary working folder, removed afterwards whatever happens."""
    work = Path(tempfile.mkdtemp(prefix="refrain-bench-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
