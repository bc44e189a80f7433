"""Configuration stays in its scope: a parent folder's profile or person list never overrides what is
nearer to a file, conflicts are reported, and templates are plain placeholders."""

from __future__ import annotations

import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest

TEI = "http://www.tei-c.org/ns/1.0"


def build(raw, tmp_path):
    return ingest(raw, tmp_path / "out", quiet=True, jobs=1)


def rows(result) -> dict[str, dict]:
    return {r["path"]: r for r in result.report}


def turns(tmp_path):
    return Corpus.load(tmp_path / "out").turns


PARENT = "speakers: {Question: Vladimir Putin}\nsource: Parent collection\n"


def test_a_parent_profile_does_not_turn_questions_into_a_leaders_words(raw_dir, tmp_path):
    (raw_dir / "profile.yaml").write_text(PARENT, encoding="utf-8")
    sub = raw_dir / "interviews"
    sub.mkdir()
    (sub / "profile.yaml").write_text("format: transcript\nspeaker: Ivan Zorin\n", encoding="utf-8")
    (sub / "2021-03-01-talk.txt").write_text(
        "Question: Will you run again?\n\nIvan Zorin: We shall see.\n", encoding="utf-8"
    )
    (sub / "2021-03-01-talk.meta.yaml").write_text("date: 2021-03-01\ntitle: Talk\n", encoding="utf-8")
    md = raw_dir / "notes"
    md.mkdir()
    (md / "remarks.md").write_text(
        "---\ntitle: Remarks\ndate: 2021-04-01\nspeaker: Ivan Zorin\n---\nOpening words.\n\n"
        "Question: Is it true?\n\nIvan Zorin: It is.\n",
        encoding="utf-8",
    )
    result = build(raw_dir, tmp_path)
    t = turns(tmp_path)
    questions = t[t["text"].isin(["Will you run again?", "Is it true?"])]
    assert set(questions["role"]) == {"question"} and questions["speaker"].isna().all()
    assert "Vladimir Putin" not in set(t["speaker"].dropna())
    for path in ("interviews/2021-03-01-talk.txt", "notes/remarks.md"):
        assert "'Question' mapped to a person in profile.yaml not applied here" in rows(result)[path]["warnings"]
    docs = Corpus.load(tmp_path / "out").documents
    assert set(docs["source"]) == {"Parent collection"}  # ordinary defaults still cascade


def test_the_nearest_profile_wins_and_the_conflict_is_reported(raw_dir, tmp_path):
    (raw_dir / "profile.yaml").write_text("source: Outer\nlicence: CC0\n", encoding="utf-8")
    sub = raw_dir / "inner"
    sub.mkdir()
    (sub / "profile.yaml").write_text("source: Inner\n", encoding="utf-8")
    (sub / "a.md").write_text("---\ntitle: A\ndate: 2021-01-01\nspeaker: Ivan Zorin\n---\nWords.\n", encoding="utf-8")
    result = build(raw_dir, tmp_path)
    doc = Corpus.load(tmp_path / "out").documents.iloc[0]
    assert (doc["source"], doc["licence"]) == ("Inner", "CC0")
    assert (
        "profile 'source': inner/profile.yaml overrides profile.yaml (the nearest profile wins)"
        in (rows(result)["inner/a.md"]["warnings"])
    )


@pytest.mark.parametrize(
    "template, reason",
    [
        ("https://x.org/{year:>300000000}", "{year:>300000000} is not a plain placeholder {name}"),
        ("https://x.org/{title.__class__.__mro__}", "{title.__class__.__mro__} is not a plain placeholder"),
        ("https://x.org/{title[0]}", "{title[0]} is not a plain placeholder"),
        ("https://x.org/{nothing}", "no value for {nothing}"),
    ],
)
def test_a_url_template_is_plain_placeholders_only(raw_dir, tmp_path, template, reason):
    (raw_dir / "2021-03-01-talk.txt").write_text("Ivan Zorin: Words.\n", encoding="utf-8")
    (raw_dir / "2021-03-01-talk.meta.yaml").write_text(
        f"format: transcript\ndate: 2021-03-01\ntitle: Talk\nsource_url: '{template}'\n", encoding="utf-8"
    )
    row = rows(build(raw_dir, tmp_path))["2021-03-01-talk.txt"]
    assert row["status"] == "skipped" and reason in row["reason"], row["reason"]
    assert len(row["reason"]) < 300


def test_a_url_template_fills_plain_placeholders(raw_dir, tmp_path):
    (raw_dir / "2021-03-01-talk.txt").write_text("Ivan Zorin: Words.\n", encoding="utf-8")
    (raw_dir / "2021-03-01-talk.meta.yaml").write_text(
        "format: transcript\ndate: 2021-03-01\ntitle: Talk\nsource_url: 'https://x.org/{year}/{month}-{day}/{stem}'\n",
        encoding="utf-8",
    )
    build(raw_dir, tmp_path)
    assert Corpus.load(tmp_path / "out").documents.iloc[0]["source_url"] == "https://x.org/2021/march-1/2021-03-01-talk"


def person_list(pid: str, forename: str, surname: str) -> str:
    return (
        f'<listPerson xmlns="{TEI}" xmlns:xml="http://www.w3.org/XML/1998/namespace">'
        f'<person xml:id="{pid}"><persName><forename>{forename}</forename><surname>{surname}</surname>'
        "</persName></person></listPerson>"
    )


def sitting(body: str) -> str:
    return (
        f'<TEI xmlns="{TEI}" xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en" '
        'xml:id="ParlaMint-ZZ_2021-05-05"><teiHeader><fileDesc><titleStmt><title>Sitting</title></titleStmt>'
        "</fileDesc><profileDesc><settingDesc><setting><date when='2021-05-05'/></setting></settingDesc>"
        f"</profileDesc></teiHeader><text><body><div>{body}</div></body></text></TEI>"
    )


def test_the_nearest_person_list_wins_over_a_parent_folders(raw_dir, tmp_path):
    (raw_dir / "ParlaMint-ZZ-listPerson.xml").write_text(person_list("Abc", "Joseph", "Stalin"), encoding="utf-8")
    sub = raw_dir / "2021"
    sub.mkdir()
    (sub / "ParlaMint-ZZ-listPerson.xml").write_text(person_list("Abc", "Ana", "Kovač"), encoding="utf-8")
    (sub / "ParlaMint-ZZ_2021-05-05.xml").write_text(
        sitting('<u who="#Abc" xml:id="u1"><seg>Dobar dan.</seg></u>'), encoding="utf-8"
    )
    result = build(raw_dir, tmp_path)
    assert list(turns(tmp_path)["speaker"]) == ["Ana Kovač"]
    assert (
        "person lists disagree, the nearest wins: Abc: 'Ana Kovač'"
        in (rows(result)["2021/ParlaMint-ZZ_2021-05-05.xml"]["warnings"])
    )


def test_a_nested_utterance_is_its_own_turn_counted_once(raw_dir, tmp_path):
    (raw_dir / "ParlaMint-ZZ-listPerson.xml").write_text(
        person_list("A", "Ana", "Kovač").replace(
            "</listPerson>",
            '<person xml:id="B"><persName><forename>Boris</forename><surname>Horvat</surname>'
            "</persName></person></listPerson>",
        ),
        encoding="utf-8",
    )
    body = (
        '<u who="#A" xml:id="u1"><seg>First words.</seg>'
        '<u who="#B" xml:id="u2"><seg>Interruption.</seg></u>'
        "Loose words outside any segment.</u>"
    )
    (raw_dir / "ParlaMint-ZZ_2021-05-05.xml").write_text(sitting(body), encoding="utf-8")
    result = build(raw_dir, tmp_path)
    t = turns(tmp_path)
    assert sorted(zip(t["speaker"], t["text"], strict=True)) == [
        ("Ana Kovač", "First words."),
        ("Ana Kovač", "Loose words outside any segment."),
        ("Boris Horvat", "Interruption."),
    ]
    warnings = rows(result)["ParlaMint-ZZ_2021-05-05.xml"]["warnings"]
    assert "1 utterance(s) <u> inside another <u>" in warnings
    assert "1 piece(s) of text inside <u> but outside any <seg>" in warnings
