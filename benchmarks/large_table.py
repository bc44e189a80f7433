"""A table of a million statements, made here (never committed), and its ingest: time and peak memory.

``python benchmarks/large_table.py ROWS FOLDER`` writes ``FOLDER/statements.csv`` (id, date, speaker,
title and a 40-word text per row, about 200 bytes a row) with its sidecar, for ``run.py`` to ingest.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
    "they you were our partners security cooperation economy sanctions agreement"
).split()
SPEAKERS = ("Vladimir Putin", "Joe Biden", "Donald Trump", "Olaf Scholz")


def make_table(folder: Path, rows: int, *, seed: int = 1) -> Path:
    """A CSV of ``rows`` statements with its sidecar in ``folder``; returns the CSV's path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "statements.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "date", "speaker", "title", "text"])
        for i in range(rows):
            text = " ".join(rng.choices(WORDS, k=40)) + "."
            writer.writerow(
                [f"s{i}", f"{2000 + i % 21}-{1 + i % 12:02d}-{1 + i % 28:02d}", SPEAKERS[i % 4], f"Statement {i}", text]
            )
    (folder / "statements.meta.yaml").write_text(
        "format: table\ndefaults: {source: Generated table}\n", encoding="utf-8"
    )
    return path


if __name__ == "__main__":
    print(make_table(Path(sys.argv[2]), int(sys.argv[1])))
