"""Command line: ``python -m analysis {ingest,count,kwic,catchphrases,topics,rhetoric,keyness,profile,speakers,
sources,families,audit,score-attribution,docs,build,render}``.

Scripts and CI use the same functions the notebooks call; errors go to stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import config, csvout
from analysis.cli import queries
from analysis.cli.queries import analyse, concat, listing, write

SPEAKER_HELP = (
    f"speaker name or alias, or a group of config/speakers.yaml (e.g. 'US presidents'); repeat for several "
    f"(default: {config.DEFAULT_SPEAKER}); output has a speaker column and each speaker's rates use his own words"
)


def _add_query_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--processed", type=Path, default=config.PROCESSED_DIR, help="processed corpus folder (default: data/processed)"
    )
    p.add_argument("--speaker", action="append", help=SPEAKER_HELP)
    p.add_argument(
        "--phrase",
        action="append",
        required=True,
        dest="phrases",
        help="a phrase, or a family name from the phrase lexicon; repeat for several",
    )
    p.add_argument("--lexicon", type=Path, help="phrase lexicon (default: config/lexicons/phrases.yaml)")
    p.add_argument("--start", help="first date, YYYY-MM-DD (inclusive)")
    p.add_argument("--end", help="last date, YYYY-MM-DD (inclusive)")
    p.add_argument("--source", help="only documents from this outlet (e.g. en.kremlin.ru)")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")


def _add_scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--processed", type=Path, default=config.PROCESSED_DIR, help="processed corpus folder (default: data/processed)"
    )
    p.add_argument("--speaker", action="append", help=SPEAKER_HELP)
    p.add_argument("--start", help="first date, YYYY-MM-DD (inclusive)")
    p.add_argument("--end", help="last date, YYYY-MM-DD (inclusive)")
    p.add_argument("--source", help="only documents from this outlet (e.g. en.kremlin.ru)")
    p.add_argument("--out", type=Path, help="write CSV to this file instead of standard output")


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line (and exit status 2), like every other error of the command line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build the processed corpus from a raw folder")
    p.add_argument(
        "--raw", type=Path, default=config.RAW_DIR, help="raw folder or .tar(.xz/.gz) archive (default: data/raw)"
    )
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR, help="processed folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--verbose", action="store_true", help="list every skipped file and warning, not a summary")
    p.add_argument("--full", action="store_true", help="ignore the previous run: re-parse every file")
    p.add_argument("--jobs", type=_positive, help="parallel parsing processes (default: all cores)")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="if another ingest is writing the same --out, wait this long for it (default: fail at once)",
    )

    p = sub.add_parser("count", help="phrase counts per period in a speaker's own words")
    _add_query_args(p)
    p.add_argument("--by", choices=["year", "month", "document"], default="year")
    p.add_argument("--breakdown", action="store_true", help="one row per surface form of each family too")
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = sub.add_parser("kwic", help="every match with its context (the evidence behind a count)")
    _add_query_args(p)
    p.add_argument("--format", choices=["csv", "html"], default="csv")

    p = sub.add_parser("catchphrases", help="recurring phrases of a speaker across statements")
    _add_scope_args(p)
    p.add_argument("--min-n", type=_positive, default=3, help="shortest phrase, in words (default 3)")
    p.add_argument("--max-n", type=_positive, default=8, help="longest phrase, in words (default 8)")
    p.add_argument("--min-statements", type=_positive, default=2, help="found in at least this many statements")
    p.add_argument("--top", type=_positive, default=50)
    p.add_argument(
        "--reference",
        choices=["others", "none"],
        default="others",
        help="keep phrases distinctive against the other speakers' words (default), or every recurring one",
    )

    p = sub.add_parser("topics", help="topic-lexicon shares per period (or NMF topics with --discover)")
    _add_scope_args(p)
    p.add_argument("--by", choices=["year", "month", "document"], default="year")
    p.add_argument("--lexicon", type=Path, help="topic lexicon (default: config/lexicons/topics.yaml)")
    p.add_argument("--discover", type=_positive, metavar="K", help="instead, K NMF topics: top terms per topic")
    p.add_argument("--seed", type=int, default=0, help="random seed for --discover (default 0)")

    p = sub.add_parser("rhetoric", help="rhetoric-marker counts, a labelling sample, or labelled precision")
    _add_scope_args(p)
    p.add_argument("--by", choices=["year", "month", "document"], default="year")
    p.add_argument("--lexicon", type=Path, help="rhetoric lexicon (default: config/lexicons/rhetoric.yaml)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--sample", type=_positive, metavar="N", help="write N hits per category to label (CSV)")
    mode.add_argument("--precision", action="store_true", help="labelled precision per category")
    p.add_argument("--labels", type=Path, help="labels file (default: config/labels/rhetoric-labels.csv)")

    p = sub.add_parser("keyness", help="terms over-used in one period or speaker against another (G², log ratio)")
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--speaker", action="append", help="speaker of side A (and B); repeat, or a group, for several")
    p.add_argument("--speaker-b", help="compare with this speaker over the same dates (--a-start/--a-end)")
    p.add_argument("--split", help="A: before this date; B: from this date on (YYYY-MM-DD)")
    p.add_argument("--a-start")
    p.add_argument("--a-end")
    p.add_argument("--b-start")
    p.add_argument("--b-end")
    p.add_argument("--source", help="only documents from this outlet (e.g. en.kremlin.ru)")
    p.add_argument("--ngram", type=int, default=1, choices=[1, 2, 3])
    p.add_argument("--min-freq", type=_positive, default=5, help="keep terms used at least this often")
    p.add_argument("--top", type=_positive, default=30)
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")

    p = sub.add_parser("profile", help="one statement taken apart: words, phrase families and markers per heading")
    _add_scope_args(p)
    p.add_argument("--doc-id", required=True, help="the statement (a documents.doc_id)")
    p.add_argument(
        "--family",
        action="append",
        dest="families",
        help="a phrase family (or phrase) to look for; repeat (default: the profile's families)",
    )
    p.add_argument("--lexicon", type=Path, help="phrase lexicon (default: config/lexicons/phrases.yaml)")

    p = sub.add_parser("speakers", help="who speaks in the corpus: words, statements, first/last date, titles")
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--source", help="only documents from this outlet (e.g. en.kremlin.ru)")
    p.add_argument("--min-words", type=int, default=0, help="only speakers with at least this many words")
    p.add_argument("--groups", action="store_true", help="list the named groups (--speaker 'US presidents') instead")
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")

    p = sub.add_parser("sources", help="what the corpus holds: per source, documents, dates, words, leaders")
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")

    p = sub.add_parser("families", help="what can be counted: phrase families, rhetoric categories, topics")
    p.add_argument("--kind", choices=["phrases", "rhetoric", "topics"], default="phrases")
    p.add_argument("--lexicon", type=Path, help="lexicon file (default: the kind's file in config/lexicons/)")
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")

    p = sub.add_parser("audit", help="paragraphs whose attribution looks wrong, by kind (CSV)")
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--summary", action="store_true", help="only the counts by kind")
    p.add_argument("--out", type=Path, help="write the CSV to this file (the counts still go to stderr)")

    p = sub.add_parser(
        "score-attribution", help="word-level precision and recall of the importers against a hand-checked gold set"
    )
    p.add_argument(
        "--gold",
        type=Path,
        default=config.PROJ_ROOT / "tests" / "gold",
        help="folder of gold CSVs, each beside its raw file (default: tests/gold)",
    )
    p.add_argument(
        "--leader",
        help="the speaker whose words are scored first (default: each statement's own speaker, "
        "where its metadata names one, else " + config.DEFAULT_SPEAKER + ")",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("docs", help="write docs/data-dictionary.md from docs/columns.yaml (the column schema)")
    p.add_argument("--out", type=Path, help="write here instead of docs/data-dictionary.md")
    p.add_argument(
        "--readme",
        action="store_true",
        help="also rewrite README.md's section on what the corpus holds, from --processed",
    )
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)

    p = sub.add_parser("build", help="rebuild everything from data/raw and publish into reports/ (ingest + render)")
    p.add_argument("--raw", type=Path, default=config.RAW_DIR)
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--reports-dir", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--build-dir", type=Path, default=config.BUILD_DIR, help="executed notebooks and render state")
    p.add_argument("--full", action="store_true", help="re-parse every raw file and render every report")
    p.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for another ingest or render"
    )

    p = sub.add_parser("render", help="execute the notebooks with papermill and write HTML reports")
    p.add_argument("--config", type=Path, default=config.REPORTS_FILE, help="report list (YAML)")
    p.add_argument("--only", action="append", help="render only this report (repeatable)")
    p.add_argument("--full", action="store_true", help="render every report, not only those whose inputs changed")
    p.add_argument("--reports-dir", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--build-dir", type=Path, default=config.BUILD_DIR, help="executed notebooks and render state")
    p.add_argument("--processed", type=Path, default=config.PROCESSED_DIR)
    p.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="if another render is writing --reports-dir, wait"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (ValueError, OSError) as exc:  # bad parameters, missing or unwritable files: one line, exit 2
        message = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in message:
            message += f": {exc.filename}"
        print(f"error: {message}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        from analysis.ingest import ingest

        ingest(
            args.raw, args.out, quiet=args.quiet, full=args.full, jobs=args.jobs, wait=args.wait, verbose=args.verbose
        )
        return 0
    if args.command in ("count", "kwic"):
        from analysis.corpus import Corpus
        from analysis.measures.count import count_phrases, evidence, inflection_hints
        from analysis.measures.lexicon import load

        corpus = Corpus.load(args.processed)
        lexicon = load(args.lexicon)
        selections = queries.selections(args, corpus)
        hints = inflection_hints(corpus, selections, args.phrases, lexicon=lexicon)
        for hint in hints:
            print(f"hint: {hint}", file=sys.stderr)
        if args.command == "count":
            table = concat(
                [count_phrases(corpus, s, args.phrases, lexicon=lexicon, breakdown=args.breakdown) for s in selections]
            )
            text = (
                (csvout.to_csv(table) or "")
                if args.format == "csv"
                else table.to_json(orient="records", indent=1) + "\n"
            )
        else:
            from analysis.publish.evidence import evidence_csv, kwic_page

            ev = concat([evidence(corpus, s, args.phrases, lexicon=lexicon) for s in selections])
            if len(selections) > 1:
                ev = ev.sort_values(["date", "doc_id", "para_no", "char_start"], kind="stable").reset_index(drop=True)
            if args.format == "csv":
                text = evidence_csv(ev)
            else:
                searched = [s.describe() for s in selections]
                text = kwic_page(ev, phrases=args.phrases, searched=searched, corpus=corpus.info, hints=hints)
        write(text, args.out)
        return 0
    if args.command in ("catchphrases", "topics", "rhetoric", "keyness"):
        from analysis.corpus import Corpus

        corpus = Corpus.load(args.processed)
        tables = []
        for selection in queries.selections(args, corpus):
            table = analyse(args, corpus, selection)
            if "speaker" not in table.columns:
                table.insert(0, "speaker", selection.speaker)
            tables.append(table)
        write(csvout.to_csv(concat(tables)) or "", args.out)
        return 0
    if args.command == "profile":
        from analysis.corpus import Corpus
        from analysis.measures.lexicon import load
        from analysis.measures.statement import DEFAULT_FAMILIES, heading_profile

        corpus = Corpus.load(args.processed)
        selections = queries.selections(args, corpus)
        if len(selections) > 1:
            raise ValueError("profile takes one --speaker (the statement's speaker)")
        table = heading_profile(
            corpus, selections[0], args.doc_id, args.families or DEFAULT_FAMILIES, lexicon=load(args.lexicon)
        )
        write((csvout.to_csv(table) or ""), args.out)
        return 0
    if args.command == "speakers":
        from analysis.corpus import Corpus

        if args.min_words < 0:
            raise ValueError("--min-words must be 0 or more")
        corpus = Corpus.load(args.processed)
        if args.groups:
            listing(corpus.groups(), args, cut="members")
            return 0
        table = corpus.speakers(source=args.source)
        listing(table[table["words"] >= args.min_words], args, cut="roles")
        return 0
    if args.command == "sources":
        from analysis.corpus import Corpus

        listing(Corpus.load(args.processed).sources(), args, cut="top_leaders")
        return 0
    if args.command == "families":
        from analysis.measures import lexicon as lexicons

        lex = lexicons.load(args.lexicon, kind=args.kind)
        table = lexicons.describe(lex.entries).assign(forms=[len(t.patterns) for t in lex.entries])
        table.insert(0, "lexicon", lex.label())
        listing(table[["lexicon", "name", "forms", "description", "patterns"]], args, cut="patterns")
        return 0
    if args.command == "audit":
        from analysis.corpus import Corpus
        from analysis.quality.audit import audit, summary

        corpus = Corpus.load(args.processed)
        hits = audit(corpus.turns, corpus.documents)
        counts = summary(hits)
        if args.summary:
            write(csvout.to_csv(counts) or "", args.out)
            return 0
        print(
            f"audit: {len(hits)} paragraph(s) flagged: "
            + ", ".join(f"{r.kind} {r.paragraphs}" for r in counts.itertuples()),
            file=sys.stderr,
        )
        write(csvout.to_csv(hits) or "", args.out)
        return 0
    if args.command == "score-attribution":
        import json

        from analysis.quality.attribution import format_summary, score

        result = score(args.gold, leader=args.leader)
        write(
            format_summary(result) if args.format == "text" else json.dumps(result, indent=1, default=str) + "\n", None
        )
        return 0
    if args.command == "docs":
        from analysis.publish.columns import write_markdown

        print(f"docs: wrote {write_markdown(args.out)}", file=sys.stderr)
        if args.readme:
            from analysis.corpus import Corpus
            from analysis.publish.holdings import update_readme

            print(f"docs: wrote {update_readme(Corpus.load(args.processed))}", file=sys.stderr)
        return 0
    if args.command == "build":
        from analysis.ingest import ingest
        from analysis.publish.render import render_all

        ingest(args.raw, args.processed, full=args.full, wait=args.wait)
        failures = render_all(
            reports_dir=args.reports_dir,
            processed_dir=args.processed,
            build_dir=args.build_dir,
            full=args.full,
            wait=args.wait,
        )
        return 1 if failures else 0
    if args.command == "render":
        from analysis.publish.render import render_all

        failures = render_all(
            config_path=args.config,
            only=args.only,
            reports_dir=args.reports_dir,
            processed_dir=args.processed,
            build_dir=args.build_dir,
            full=args.full,
            wait=args.wait,
        )
        return 1 if failures else 0
    raise AssertionError(args.command)
