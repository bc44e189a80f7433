"""The explorer's speed and size (issue 18): its files for a corpus, and for typical questions the time
from asking to the answer shown and the bytes of data files that answer loaded, in Debian's chromium
from a local file, each question on a freshly opened page (nothing loaded before it but the page).

``python benchmarks/explorer.py PROCESSED`` (``run.py`` runs it as step 11); prints Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [  # (phrases, speakers): up to three words, then longer ones and patterns
    (["our partners"], ["Vladimir Putin"]),
    (["legally impossible"], ["Vladimir Putin"]),
    (["as you know"], ["Vladimir Putin"]),
    (["terrorism"], ["US presidents"]),
    (["our-partners"], ["US presidents", "Vladimir Putin"]),
    (["the people"], ["Barack Obama", "Donald Trump"]),
    (["nazi*"], ["Vladimir Putin"]),
    (["that's all there is to it"], ["Vladimir Putin"]),
    (["we will not allow anyone"], ["Vladimir Putin"]),
    (["by * means"], ["Vladimir Putin"]),
]
LOADED = "() => Refrain.loaded()"  # the data files the page has asked for


def measure(site: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for phrases, speakers in QUESTIONS:
            times, loaded = [], 0
            for _ in range(runs):
                page = browser.new_page()
                page.goto((site / "explore.html").as_uri())
                page.wait_for_function("document.body.dataset.state === 'ready'")
                before = set(page.evaluate(LOADED))
                fragment = "q=" + quote(", ".join(phrases)) + "".join(f"&speaker={quote(s)}" for s in speakers)
                began = page.evaluate("() => performance.now()")
                page.evaluate("f => { location.hash = f; }", fragment + "&by=year")
                page.wait_for_function("document.body.dataset.state === 'done'", timeout=60_000)
                times.append(page.evaluate("() => performance.now()") - began)
                new = [u for u in page.evaluate(LOADED) if u not in before]
                loaded = sum((site / u).stat().st_size for u in new)
                page.close()
            words = max(len(p.split()) for p in phrases)
            out.append(
                {
                    "question": f"{', '.join(phrases)} · {', '.join(speakers)}",
                    "ms": statistics.median(times),
                    "bytes": loaded,
                    "words": words,
                    "limit_ms": 300 if words <= 3 else 1000,
                }
            )
        browser.close()
    return out


def table(site: Path, rows: list[dict]) -> str:
    files = [p for p in (site / "explore").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files) + (site / "explore.html").stat().st_size
    lines = [
        f"Explorer files for the default corpus: {total / 2**20:.1f} MiB in {len(files):,} files (target ≤ 60 MB: "
        f"{'met' if total <= 60e6 else 'MISSED'}). Each question on a freshly opened page, median of the runs.",
        "",
        "| question | answer shown (ms) | target | data loaded (KB) | target ≤ 200 KB | met |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for r in rows:
        met = r["ms"] <= r["limit_ms"] and r["bytes"] <= 200_000
        lines.append(
            f"| {r['question']} | {r['ms']:.0f} | ≤ {r['limit_ms']} ms | {r['bytes'] / 1000:.0f} | | "
            f"{'yes' if met else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.ingest import generations
    from analysis.publish.explorer import build as explore

    with tempfile.TemporaryDirectory(prefix="refrain-explorer-") as tmp:
        reader = generations.hold(args.processed)
        try:
            explore.build(reader.generation, Path(tmp))
        finally:
            reader.close()
        print(table(Path(tmp), measure(Path(tmp), args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
