"""Limits everywhere: YAML that expands or nests without bound, a file whose parse never ends, metadata
that is not what it says, a page nested twenty thousand deep: each ends in a listed reason."""

from __future__ import annotations

import os
import time

import pytest

from analysis import safe_yaml
from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.ingest import parse as parse_module
from analysis.ingest.importers import common
from tests.conftest import kremlin_page

GOOD = "---\ntitle: Remarks\ndate: 2021-06-01\nspeaker: Vladimir Putin\n---\nWe will do it.\n"


def build(raw, tmp_path, **kw):
    return ingest(raw, tmp_path / "out", quiet=True, jobs=1, **kw)


def rows(result) -> dict[str, dict]:
    return {r["path"]: r for r in result.report}


def bomb(levels: int, width: int) -> str:
    """Each level an anchored list of ``width`` aliases to the level below: width**levels leaves."""
    lines = ["a0: &a0 [x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines)


@pytest.mark.parametrize("levels, width", [(9, 10), (6, 10), (33, 3)])
def test_alias_bombs_under_the_alias_limit_are_refused_before_they_expand(raw_dir, tmp_path, levels, width):
    text = bomb(levels, width)
    assert text.count("*") <= safe_yaml.MAX_ALIASES  # the alias limit alone lets these through
    (raw_dir / "good.md").write_text(GOOD, encoding="utf-8")
    (raw_dir / "good.meta.yaml").write_text(text + "\nsource: x\n", encoding="utf-8")
    started = time.process_time()
    row = rows(build(raw_dir, tmp_path))["good.md"]
    assert row["status"] == "skipped"
    assert row["reason"] == (
        "bad-metadata: its .meta.yaml sidecar: its aliases expand to more than 200,000 values "
        "(nested aliases multiply); write the values out, or fewer of them"
    )
    assert time.process_time() - started < 60  # not a time limit on the machine: a bound on the expansion


def test_a_document_of_too_many_values_without_aliases_is_refused():
    """Without an alias the values counted while parsing are the document's size (the composed graph is
    not walked): at the limit it is read, one value over it is refused, naming the count."""
    at_limit = "[" + "1," * (safe_yaml.MAX_NODES - 2) + "1]"  # the list and its values
    assert len(safe_yaml.load(at_limit, what="x")) == safe_yaml.MAX_NODES - 1
    with pytest.raises(safe_yaml.YamlError, match=r"^x: 200,001 values, more than the limit of 200,000$"):
        safe_yaml.load("[" + "1," * (safe_yaml.MAX_NODES - 1) + "1]", what="x")
    assert safe_yaml.load("a: &a [1, 2]\nb: *a\n", what="x") == {"a": [1, 2], "b": [1, 2]}


def test_deeply_nested_yaml_is_refused_not_a_crash(raw_dir, tmp_path):
    (raw_dir / "good.md").write_text(GOOD, encoding="utf-8")
    (raw_dir / "good.meta.yaml").write_text("x: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    row = rows(build(raw_dir, tmp_path))["good.md"]
    assert row["reason"] == "bad-metadata: its .meta.yaml sidecar: lists or mappings nested more than 100 deep"


def test_an_impossible_date_is_named(raw_dir, tmp_path):
    (raw_dir / "bad.md").write_text(GOOD.replace("2021-06-01", "2025-02-30"), encoding="utf-8")
    reason = rows(build(raw_dir, tmp_path))["bad.md"]["reason"]
    assert "'2025-02-30' (line 2) is not a date" in reason


def test_a_file_whose_parse_never_ends_is_stopped_and_named(raw_dir, tmp_path, monkeypatch):
    """Each header line matches just under the per-line limit: the per-file limit stops the file."""
    monkeypatch.setattr(parse_module, "FILE_SECONDS", 2.0)
    monkeypatch.setattr(common, "PATTERN_SECONDS", 0.5)
    real = common.match_limited

    def slow(compiled, text, key, **kw):
        time.sleep(0.4)  # under the per-line limit, every line
        return real(compiled, text, key, **kw)

    monkeypatch.setattr(common, "match_limited", slow)
    (raw_dir / "slow").mkdir()
    (raw_dir / "slow" / "profile.yaml").write_text(
        "format: transcript\nheader: ['^(?P<title>.*)$']\ndate: 2021-01-01\n", encoding="utf-8"
    )
    (raw_dir / "slow" / "long.txt").write_text("line\n" * 1_000, encoding="utf-8")
    (raw_dir / "fine.md").write_text(GOOD, encoding="utf-8")
    report = rows(build(raw_dir, tmp_path))
    assert report["slow/long.txt"]["reason"] == "parse-timeout: parsing took longer than 2 s; it was stopped"
    assert report["fine.md"]["status"] == "ingested"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"id,title\n1," + b"x" * 1_100_000 + b"\n", "unreadable manifest: not a CSV table (field larger than"),
        (os.urandom(3_000).replace(b"\n", b"\x01"), "unreadable manifest:"),
        (b"page,title\n1,x\n", "unreadable manifest: no 'id' column in its header"),
    ],
)
def test_a_manifest_that_is_not_a_table_is_listed(raw_dir, tmp_path, content, reason):
    (raw_dir / "MANIFEST.csv").write_bytes(content)
    (raw_dir / "good.md").write_text(GOOD, encoding="utf-8")
    report = rows(build(raw_dir, tmp_path))
    assert report["MANIFEST.csv"]["status"] == "skipped" and report["MANIFEST.csv"]["reason"].startswith(reason)
    assert len(report["MANIFEST.csv"]["reason"]) <= 1_000
    assert report["good.md"]["status"] == "ingested"


def test_a_page_nested_twenty_thousand_deep_is_read(raw_dir, tmp_path):
    """Twenty times Python's recursion limit: the page is walked without recursion. (The HTML parser's own
    time grows with the square of the depth: 0.5 s here, 15 s at 100,000; a page deep enough to take
    longer than the parse limit is listed as a parse-timeout, tested apart.)"""
    body = "<div>" * 20_000 + "<p><b>Vladimir Putin:</b> We have agreed on everything.</p>" + "</div>" * 20_000
    (raw_dir / "99999.html").write_bytes(kremlin_page(body))
    report = rows(build(raw_dir, tmp_path))
    assert report["99999.html"]["status"] == "ingested", report["99999.html"]["reason"]
    turns = Corpus.load(tmp_path / "out").turns
    assert "We have agreed on everything." in set(turns.loc[turns["speaker"] == "Vladimir Putin", "text"])


def test_messages_never_carry_an_expanded_value(raw_dir, tmp_path):
    """A 6-level bomb used as a title: refused, and its message stays short."""
    (raw_dir / "bad.md").write_text("---\n" + bomb(6, 10) + "\ntitle: *a6\n---\nText.\n", encoding="utf-8")
    report = rows(build(raw_dir, tmp_path))
    assert len(report["bad.md"]["reason"]) < 300
