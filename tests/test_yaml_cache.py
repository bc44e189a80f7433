"""A configuration file's YAML is read once per content: later reads take the JSON kept in the cache."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import config, safe_yaml
from analysis.speakers import SpeakerRegistry

DOCUMENT = """\
version: 3
speakers:
  - name: Vladimir Putin
    patterns: ['vladimirputin', 'putin$']
    terms: [{office: president, from: 2000-05-07, to: 2008-05-07}]
checked: 2026-12-06 10:30:00
ratio: 0.5
empty:
flags: [true, false, null]
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    return folder


def test_a_configuration_file_is_read_as_yaml_once_then_from_its_cache(tmp_path, cache, monkeypatch):
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    first = safe_yaml.load_file(path)
    assert first == safe_yaml.load(DOCUMENT, what="x")
    assert len(list(cache.glob("yaml-*.json"))) == 1

    def no_yaml(*args, **kwargs):
        raise AssertionError("parsed as YAML again")

    monkeypatch.setattr(safe_yaml, "load", no_yaml)
    again = safe_yaml.load_file(path)
    assert again == first
    assert type(again["speakers"][0]["terms"][0]["from"]) is dt.date
    assert again["checked"] == dt.datetime(2026, 12, 6, 10, 30)
    again["speakers"].clear()  # each read gives values of its own
    assert safe_yaml.load_file(path) == first


def test_an_edited_file_is_read_again(tmp_path, cache):
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert safe_yaml.load_file(path)["version"] == 3
    path.write_text(DOCUMENT.replace("version: 3", "version: 4"), encoding="utf-8")
    assert safe_yaml.load_file(path)["version"] == 4


@pytest.mark.parametrize(
    "text",
    ["{1: one, 2: two}", "when: {$date: '2020-01-01'}", "nan: .nan", "words: !!set {a, b}", "raw: !!binary aGk="],
    ids=["keys-not-text", "looks-like-a-kept-date", "not-a-number", "a-set", "bytes"],
)
def test_a_document_json_cannot_give_back_exactly_is_not_cached(tmp_path, cache, text):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    expected = safe_yaml.load(text, what="x")
    got = safe_yaml.load_file(path)
    assert repr(got) == repr(expected)
    assert not list(cache.glob("yaml-*.json"))


def test_a_damaged_cache_file_is_read_as_yaml_again(tmp_path, cache):
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    first = safe_yaml.load_file(path)
    (kept,) = cache.glob("yaml-*.json")
    kept.write_text('{"version": ', encoding="utf-8")
    assert safe_yaml.load_file(path) == first


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(config, "CACHE_DIR", blocked / "cache")
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert safe_yaml.load_file(path) == safe_yaml.load(DOCUMENT, what="x")
    assert not list(tmp_path.glob("**/*.tmp"))


def test_bad_yaml_is_an_error_naming_the_file_every_time(tmp_path, cache):
    path = tmp_path / "speakers.yaml"
    path.write_text("speakers: [unclosed", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(safe_yaml.YamlError, match=r"speakers\.yaml: not valid YAML"):
            safe_yaml.load_file(path)
    assert not list(cache.glob("yaml-*.json"))


def test_the_registry_from_the_cache_is_the_registry_from_yaml(cache):
    fresh = SpeakerRegistry.load(config.SPEAKERS_FILE)
    assert list(cache.glob("yaml-*.json"))
    cached = SpeakerRegistry.load(config.SPEAKERS_FILE)
    assert cached.fingerprint() == fresh.fingerprint()
    assert cached.version == fresh.version and cached.groups == fresh.groups


def test_a_check_vets_a_document_read_as_yaml_and_one_that_fails_is_not_kept(tmp_path, cache):
    """``check`` runs on a document read as YAML, not on one taken from the cache (which has passed it); what
    it raises names the file, every time, and the document is not kept."""
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    checked: list[int] = []
    assert safe_yaml.load_file(path, check=lambda d: checked.append(d["version"])) == safe_yaml.load_file(path)
    safe_yaml.load_file(path, check=lambda d: checked.append(d["version"]))
    assert checked == [3]  # read as YAML once (the cache without a check is another entry)
    assert len(list(cache.glob("yaml-*.json"))) == 2

    def refuse(document):
        raise ValueError("version 3 is refused")

    path.write_text(DOCUMENT.replace("ratio: 0.5", "ratio: 0.25"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"speakers\.yaml: version 3 is refused"):
            safe_yaml.load_file(path, check=refuse)
    assert len(list(cache.glob("yaml-*.json"))) == 2


def test_a_speaker_pattern_that_does_not_compile_is_an_error_when_the_registry_is_loaded(tmp_path, cache):
    """The registry compiles its patterns when it first needs them; the load has checked them, so a bad one
    is still an error at once, naming the file, the speaker and the pattern (a cached file is one that passed)."""
    path = tmp_path / "speakers.yaml"
    path.write_text(DOCUMENT.replace("'putin$'", "'putin($'"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"speakers\.yaml: speaker 'Vladimir Putin': pattern 'putin\(\$'"):
            SpeakerRegistry.load(path)
    good = SpeakerRegistry.load(config.SPEAKERS_FILE)
    assert good._compiled is None  # not compiled until a label is resolved
    assert good.canonical("Vladimir Putin") == "Vladimir Putin"
    assert good._compiled is not None
    assert good == SpeakerRegistry.load(config.SPEAKERS_FILE)  # compiled or not, the same registry
