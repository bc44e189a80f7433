"""The query commands' helpers: one selection per speaker asked for, the per-speaker tables, listings."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis import config, csvout


def listing(table, args: argparse.Namespace, *, cut: str) -> None:
    """A listing as CSV, or as a terminal-width table whose long ``cut`` column is shortened (the CSV has it whole)."""
    if args.format == "csv":
        write(csvout.to_csv(table) or "", args.out)
        return
    shown = (
        table.assign(**{cut: table[cut].map(lambda r: r if len(r) <= 60 else r[:59] + "…")}) if len(table) else table
    )
    write(shown.to_string(index=False) + "\n", args.out)


def write(text: str, out: Path | None) -> None:
    import sys

    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def _selection(args: argparse.Namespace, **changes):
    """The command's :class:`~analysis.selection.Selection` (its first speaker), built as the notebooks
    build theirs."""
    from analysis.selection import Selection

    params = {
        "speaker": (args.speaker or [None])[0],
        "start": getattr(args, "start", None),
        "end": getattr(args, "end", None),
        "source": args.source,
        "period": getattr(args, "by", None),
    }
    return Selection.of(**{**params, **changes})


def selections(args: argparse.Namespace, corpus) -> list:
    """One selection per speaker the command names (``--speaker`` repeated, groups expanded to their
    members who have words in the selection's dates and source)."""
    base = _selection(args)
    names = args.speaker or [config.DEFAULT_SPEAKER]
    speakers: list[str] = []
    for name in names:
        found = corpus.expand_speakers([name])
        if corpus.registry.group(name) is not None:  # a group's members who say nothing here are left out
            found = [s for s in found if not corpus.select(base.with_(speaker=s)).turns.empty]
            if not found:
                raise ValueError(f"group {name!r} has no words in {base.with_(speaker=name).describe()}")
        speakers += [s for s in found if s not in speakers]
    return [base.with_(speaker=s) for s in speakers]


def concat(tables: list):
    import pandas as pd

    return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


def analyse(args: argparse.Namespace, corpus, selection):
    """The table for the catchphrases, topics, rhetoric and keyness commands, for one speaker."""
    from analysis.measures import lexicon

    if args.command == "keyness":
        import pandas as pd

        from analysis.measures.keyness import compare_scopes, sides

        if args.split or args.speaker_b:
            a, b, _, _ = sides(
                corpus, selection.with_(start=args.a_start, end=args.a_end), split=args.split, speaker_b=args.speaker_b
            )
        elif (args.a_start or args.a_end) and (args.b_start or args.b_end):
            a = corpus.scope(selection.with_(start=args.a_start, end=args.a_end))
            b = corpus.scope(selection.with_(start=args.b_start, end=args.b_end))
        else:
            raise ValueError(
                "say what to compare: --split DATE, --speaker-b NAME, or --a-start/--a-end and --b-start/--b-end"
            )
        result = compare_scopes(corpus.index, a, b, ngram=args.ngram, min_freq=args.min_freq, top=args.top)
        return pd.concat([result["a"], result["b"]], ignore_index=True)
    turns = corpus.select(selection).turns
    if args.command == "catchphrases":
        from analysis.measures.catchphrases import discover_in, publisher_scope, reference_scope

        return discover_in(
            corpus.index,
            corpus.scope(selection),
            publisher=publisher_scope(corpus),
            reference=reference_scope(corpus, selection) if args.reference == "others" else None,
            min_n=args.min_n,
            max_n=args.max_n,
            min_docs=args.min_statements,
            top=args.top,
        )
    if args.command == "topics":
        from analysis.measures import topics

        if args.discover is not None:
            return topics.discover(turns, n_topics=args.discover, by=args.by, seed=args.seed)["terms"]
        lex = lexicon.load(args.lexicon, kind="topics")
        return topics.lexicon_shares_in(corpus.index, corpus.scope(selection), lex, by=args.by)
    from analysis.measures import rhetoric
    from analysis.measures.count import count_phrases, evidence

    lex = lexicon.load(args.lexicon, kind="rhetoric")
    if args.sample or args.precision:
        ev = evidence(corpus, selection, lex.names, lexicon=lex)
        if args.sample:
            return rhetoric.sample_for_labelling(ev, per_category=args.sample)
        return rhetoric.precision(ev, rhetoric.read_labels(_existing(args.labels) or rhetoric.LABELS_FILE), lex.names)
    return count_phrases(corpus, selection, lex.names, lexicon=lex)


def _existing(path: Path | None) -> Path | None:
    """A file named on the command line: it must exist (a typo must not quietly mean "no labels")."""
    if path is not None and not path.is_file():
        raise ValueError(f"{path} does not exist")
    return path
