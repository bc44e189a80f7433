"""The fetch configuration: every mistake is one error naming the file, the source and the key."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from analysis import config
from analysis.errors import ParameterError
from analysis.ingest.fetch.sources import load

OK = {"kind": "feed", "urls": ["http://x.org/feed"], "folder": "k", "licence": "l"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({**OK, "speed": 2}, "unknown key 'speed'"),
        ({**OK, "kind": "rss"}, "kind must be one of kremlin, feed; got 'rss'"),
        ({**OK, "urls": ["file:///etc/passwd"]}, "not an http(s) URL: 'file:///etc/passwd'"),
        ({**OK, "urls": "http://x.org/feed"}, "urls must be list"),
        ({**OK, "urls": []}, "urls must be a list of URLs"),
        ({**OK, "url": "http://x.org/a"}, "give url (one) or urls (a list), one of them"),
        ({**OK, "folder": "../out"}, "folder must be a folder inside the raw folder"),
        ({**OK, "folder": "/tmp/out"}, "folder must be a folder inside the raw folder"),
        ({k: v for k, v in OK.items() if k != "licence"}, "licence is required"),
        ({**OK, "delay": "soon"}, "delay must be float; got 'soon'"),
        ({**OK, "delay": -1}, "delay must be at least 0"),
        ({**OK, "retries": 1.5}, "retries must be int"),
        ({**OK, "follow": "yes"}, "follow must be bool"),
        ({**OK, "max_pages": 3}, "max_pages applies to kind kremlin only, not feed"),
        ({**OK, "kind": "kremlin", "follow": True}, "follow applies to kind feed only, not kremlin"),
        ({**OK, "item_filter": "(unclosed"}, "item_filter is not a regular expression"),
        ({**OK, "importer": "word_soup"}, "importer 'word_soup' is none of the ingest's"),
        ({**OK, "front_matter": {"source_url": "x"}}, "front_matter sets 'source_url', which the fetch writes itself"),
    ],
)
def test_a_bad_source_names_the_file_the_source_and_the_key(tmp_path, spec, message):
    path = tmp_path / "fetch.yaml"
    path.write_text(yaml.safe_dump({"sources": {"s": spec}}), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load(path)
    assert str(path) in str(err.value) and "source 's'" in str(err.value) and message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: []\n", "`sources:` must list the sources"),
        ("source: {}\n", "unknown key 'source'"),
        ("- a\n", "must be a mapping with the key `sources:`"),
        ("sources:\n  - {kind: feed}\n", "sources, item 1: needs `name:`"),
        ("sources:\n  'a b': {kind: feed}\n", "source 'a b': a name is letters, digits"),
        ("sources:\n" + "  - {name: a, kind: feed, url: 'http://x', folder: a, licence: l}\n" * 2, "configured twice"),
        ("sources: {a: [1, 2]}\n", "source 'a' must be a mapping of settings"),
        ("sources: {a: {kind: feed\n", "not valid YAML"),
    ],
)
def test_a_bad_file_is_one_error_naming_it(tmp_path, text, message):
    path = tmp_path / "fetch.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_list_of_sources_with_names_and_one_url(tmp_path):
    path = tmp_path / "fetch.yaml"
    spec = {"name": "a", "kind": "feed", "url": "http://x.org/f", "folder": "k", "licence": "l"}
    path.write_text(yaml.safe_dump({"sources": [spec]}), encoding="utf-8")
    source = load(path)["a"]
    assert source.urls == ("http://x.org/f",) and source.delay == 1.0 and source.importer == ""


def test_the_projects_configuration_is_valid():
    sources = load(config.CONFIG_DIR / "fetch.yaml")
    kremlin = sources["kremlin"]
    assert kremlin.kind == "kremlin" and kremlin.importer == "kremlin" and kremlin.delay >= 1
    assert kremlin.urls == ("http://en.kremlin.ru/events/president/transcripts",)
    assert kremlin.licence.startswith("CC BY 4.0")


def test_the_command_line_says_a_bad_configuration_in_one_line(tmp_path):
    path = tmp_path / "fetch.yaml"
    path.write_text(yaml.safe_dump({"sources": {"s": {**OK, "delay": "soon"}}}), encoding="utf-8")
    cmd = [sys.executable, "-m", "analysis", "fetch", "--fetch-config", str(path), "--state-dir", str(tmp_path)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.splitlines() == [
        f"error: {path}: source 's': delay must be float; got 'soon'"
    ]
