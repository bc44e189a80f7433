"""Command line: ``python -m analysis {ingest,count,kwic,render}``.

Scripts and CI use the same functions the notebooks call; errors go to stderr with exit code 2.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config


def _add_query_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR,
                   help="processed corpus folder (default: data/processed)")
    p.add_argument("--speaker", default=config.DEFAULT_SPEAKER, help="speaker name (default: %(default)s)")
    p.add_argument("--phrase", action="append", required=True, dest="phrases",
                   help="a phrase, or a family name from the phrase lexicon; repeat for several")
    p.add_argument("--lexicon", type=Path, help="phrase lexicon (default: config/lexicons/phrases.yaml)")
    p.add_argument("--start", help="first date, YYYY-MM-DD (inclusive)")
    p.add_argument("--end", help="last date, YYYY-MM-DD (inclusive)")
    p.add_argument("--source", help="only documents from this outlet (e.g. en.kremlin.ru)")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build the processed corpus from a raw folder")
    p.add_argument("--raw", type=Path, default=config.RAW_DIR, help="raw folder (default: data/raw)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="processed folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")

    p = sub.add_parser("count", help="phrase counts per period in a speaker's own words")
    _add_query_args(p)
    p.add_argument("--by", choices=["year", "month", "document"], default="year")
    p.add_argument("--breakdown", action="store_true", help="one row per surface form of each family too")
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = sub.add_parser("kwic", help="every match with its context (the evidence behind a count)")
    _add_query_args(p)
    p.add_argument("--format", choices=["csv", "html"], default="csv")

    p = sub.add_parser("render", help="execute the notebooks with papermill and write HTML reports")
    p.add_argument("--config", type=Path, default=config.REPORTS_FILE, help="report list (YAML)")
    p.add_argument("--only", action="append", help="render only this report (repeatable)")
    p.add_argument("--reports-dir", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def _run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        from .ingest import ingest

        ingest(args.raw, args.out, quiet=args.quiet)
        return 0
    if args.command in ("count", "kwic"):
        from .corpus import Corpus
        from .count import count_phrases, evidence

        from .lexicon import load

        corpus = Corpus.load(args.processed)
        lexicon = load(args.lexicon)
        if args.command == "count":
            table = count_phrases(corpus, speaker=args.speaker, phrases=args.phrases, by=args.by,
                                  start=args.start, end=args.end, source=args.source, lexicon=lexicon,
                                  breakdown=args.breakdown)
            text = table.to_csv(index=False, lineterminator="\n") if args.format == "csv" \
                else table.to_json(orient="records", indent=1) + "\n"
        else:
            from .evidence import evidence_csv, evidence_html

            ev = evidence(corpus, speaker=args.speaker, phrases=args.phrases, start=args.start, end=args.end,
                          source=args.source, lexicon=lexicon)
            text = evidence_csv(ev) if args.format == "csv" else evidence_html(ev)
        _write(text, args.out)
        return 0
    if args.command == "render":
        from .render import render_all

        failures = render_all(config_path=args.config, only=args.only, reports_dir=args.reports_dir,
                              processed_dir=args.processed)
        return 1 if failures else 0
    raise AssertionError(args.command)
