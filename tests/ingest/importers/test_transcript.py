"""The transcript importer: labels, the sidecar's and profile's facts, stage directions, bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.errors import IngestError
from analysis.ingest import ingest, parse_raw
from analysis.ingest.importers.transcript import paragraphs_of
from analysis.speakers import default_registry
from analysis.text import count_words, spoken
from tests.conftest import FIXTURES

REG = default_registry()
HERE = FIXTURES / "transcripts"


def parse(path: Path, *, sidecar: bytes | None = None, profile: bytes | None = None):
    raw = path.read_bytes()
    side = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.yaml")
    if sidecar is None and side.exists():
        sidecar = side.read_bytes()
    prof = path.with_name("profile.yaml")
    profiles = (("", profile),) if profile is not None else ((("", prof.read_bytes()),) if prof.exists() else ())
    found = parse_raw(
        path.name, raw, sha=hashlib.sha256(raw).hexdigest(), registry=REG, sidecar=sidecar, profiles=profiles
    )
    assert len(found.documents) == 1
    return found.documents[0]


def who(doc) -> list[tuple[str, str]]:
    return [(p.speaker if p.role == "speech" else f"({p.role})", p.text) for p in doc.paragraphs]


def test_sidecar_labels_map_and_conventions():
    doc = parse(HERE / "2019-06-05-joint-press.txt")
    assert (doc.title, str(doc.date), doc.source, doc.importer) == (
        "Joint press conference",
        "2019-06-05",
        "pool transcript",
        "transcript",
    )
    assert who(doc) == [
        ("Vladimir Putin", "Mr Chairman, friends, we have had a productive day. That's all there is to it."),
        ("Xi Jinping", "Thank you. [Speaks Chinese.] We agree on the main points."),
        ("Xi Jinping", "Our teams will continue."),  # a new sentence on a new line: a new paragraph, same turn
        ("(question)", "A question for both leaders. Will the pipeline be built?"),
        ("Vladimir Putin", "It will. (Applause.)"),
        ("(editorial)", "(Laughter)"),  # a stage direction: kept for display, the turn goes on
        ("Vladimir Putin", "We will sign the agreement in the autumn."),
        ("(moderator)", "Thank you, the next question."),  # "[Moderator]:"
        ("(question)", "Is that final?"),  # "Journalist:"
        ("Vladimir Putin", "It is final, by military means if need be."),  # "A:": the statement's speaker
        ("Fauci", "I am not in this transcript."),  # unknown: kept, with a warning
    ]
    assert any("unknown speaker label 'DR. FAUCI'" in w for w in doc.warnings)
    assert doc.kind == "transcript"


def test_stage_directions_and_insertions_are_not_counted():
    doc = parse(HERE / "2019-06-05-joint-press.txt")
    putin = sum(count_words(spoken(p.text)) for p in doc.paragraphs if p.speaker == "Vladimir Putin")
    xi = sum(count_words(spoken(p.text)) for p in doc.paragraphs if p.speaker == "Xi Jinping")
    assert putin == 15 + 2 + 8 + 9  # "(Applause.)" is not his
    assert xi == 2 + 6 + 4  # "[Speaks Chinese.]" is the transcriber's


def test_profile_facts_from_name_and_first_line_and_full_stop_labels():
    doc = parse(HERE / "profiled" / "2010-02-09-news-conference.txt")
    assert (str(doc.date), doc.title, doc.speaker) == ("2010-02-09", "News Conference", "Barack Obama")
    assert doc.source_url == "https://example.org/speeches/february-9-2010-news-conference"
    assert who(doc) == [
        ("Barack Obama", "Good afternoon, everybody."),  # "The President.": the office holder on the date
        ("(question)", "Mr. President, will you sign it?"),
        ("Barack Obama", "I will. [Laughter]"),
        ("Smith", "Thank you, sir."),
        ("Smith", "Gentlemen of the Congress: this is a salutation, not a label."),
        ("Joe Biden", "I agree."),  # "The Vice President." on 2010-02-09
        ("Joe Biden", "Second. A list item, not a label."),
    ]


def test_audience_interjections_and_the_reporters_closing_do_not_take_the_floor():
    doc = parse(HERE / "profiled" / "2018-07-24-rally.txt")
    assert who(doc) == [
        ("Donald Trump", "Thank you very much."),
        ("(question)", "USA! USA!"),
        ("Donald Trump", "And we will keep winning."),  # the crowd interrupted; he goes on
        ("(editorial)", "(APPLAUSE)"),
        ("(question)", "Sir, one more?"),  # "Q" and spaces
        ("Donald Trump", "No."),
        ("(question)", "Thank you, Mr. President."),  # the senior reporter's closing
    ]


@pytest.mark.parametrize(
    "line, label",
    [
        ("MR. SHADEL: Good evening.", "MR. SHADEL"),
        ("SECRETARY MNUCHIN: Thank you.", "SECRETARY MNUCHIN"),
        ("BILL SHADEL, MODERATOR: Good evening.", "BILL SHADEL, MODERATOR"),
        ("Shipyard director Igor Obrubov: We have laid the keel.", "Shipyard director Igor Obrubov"),
        ("**Vladimir Putin:** Good afternoon.", "Vladimir Putin"),
        ("[Xi Jinping]: Thank you.", "Xi Jinping"),
        ("Q: Mr President?", "Q"),
        ("Q. Mr President?", "Q"),
        ("Q    Mr. President?", "Q"),
        ("Now, let me be clear: it is done.", None),  # a sentence
        ("Gentlemen of the Congress: I speak.", None),  # a salutation
        ("Mr. Speaker, Mr. Vice President, Members of Congress: tonight", None),
        ("France: “We will not.”", None),  # a quotation
        ("In my annual message to Congress in December, 1869, the following:", None),
        ("The Governor ignores the most patent fact in the history of this depression: that", None),
        ("Fiscal Year From: United States", None),  # a table heading
        ("THE PRESIDENT. My fellow Americans: good evening.", None),  # not a colon label (full stop off)
    ],
)
def test_colon_labels(line, label):
    import datetime as dt

    from analysis.ingest.importers.labels import LabelReader

    reader = LabelReader(REG, date=dt.date(2020, 1, 1), warnings=[])
    reader.prepare(["Q: One?", "Q: Two?", line])  # a transcript: it has labels of its own
    assert reader.read(line)[0] == label


@pytest.mark.parametrize("line", ["CJ: Great work.", "Jim Carter: You embody the goodness of our nation."])
def test_a_bare_name_is_no_label_in_a_speech_without_labels(line):
    import datetime as dt

    from analysis.ingest.importers.labels import LabelReader

    reader = LabelReader(REG, date=dt.date(2018, 1, 30), warnings=[])
    reader.prepare(["My fellow Americans, tonight I speak to you.", line])
    assert reader.read(line)[0] is None
    reader.prepare(["Q: One?", "Q: Two?", line])  # the same line in a transcript with labels is one
    assert reader.read(line)[0] is not None


@pytest.mark.parametrize(
    "line, label",
    [
        ("The President. Good afternoon.", "The President"),
        ("Mr. Lehrer. Governor Clinton, one minute.", "Mr. Lehrer"),
        ("President Gorbachev. Good evening.", "President Gorbachev"),
        ("The Secretary of Transportation. We will not meet.", "The Secretary of Transportation"),
        ("Audience member. We love you!", "Audience member"),
        ("Second. The list goes on.", None),
        ("Andy Biggs. What a guy.", None),  # a name read out, not a label (no title, not a speaker here)
        ("Mr. Warren Wiggins. Mr. Wiggins is 42 years old.", None),  # an announcement of a name
        ("Our nation honors President Gerald R. Ford today.", None),
        ("I want to thank Google. Google is helping.", None),
        ("Governor and Mrs. Morrison, Mayor Al Sorensen", None),
    ],
)
def test_full_stop_labels(line, label):
    import datetime as dt

    from analysis.ingest.importers.labels import LabelReader

    reader = LabelReader(REG, date=dt.date(1992, 10, 11), full_stop=True, warnings=[])
    reader.prepare([line])
    assert reader.read(line)[0] == label


def test_paragraphs_hard_breaks_soft_wraps_and_labels():
    import datetime as dt

    from analysis.ingest.importers.labels import LabelReader

    reader = LabelReader(REG, date=dt.date(2020, 1, 1), warnings=[])
    body = (
        "One line that wraps\nonto the next.\nA new sentence after a full stop.  \n"
        "hard break<br />After br\nQ: A label."
    )
    assert paragraphs_of(body, reader) == [
        "One line that wraps onto the next.",
        "A new sentence after a full stop.",
        "hard break",
        "After br",
        "Q: A label.",
    ]


@pytest.mark.parametrize(
    "sidecar, code",
    [
        (b"format: transcript\ntitle: T\nsource: s\n", "no-date"),
        (b"format: transcript\ntitle: T\ndate: 2019-02-30\n", "bad-metadata"),  # YAML refuses the date
        (b"format: transcript\ntitle: T\ndate: 3000-01-01\n", "bad-date"),
        (b"format: transcript\ntitle: [a, b]\ndate: 2019-01-01\n", "bad-metadata"),
        (b"format: transcript\ndate: 2019-01-01\nspeakers: [PUTIN]\n", "bad-metadata"),
        (b"format: transcripts\ndate: 2019-01-01\n", "bad-metadata"),  # an unknown format, named
    ],
)
def test_bad_metadata_is_refused_with_its_code(tmp_path, sidecar, code):
    path = tmp_path / "t.txt"
    path.write_text("PUTIN: Hello.\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        parse(path, sidecar=sidecar, profile=b"{}")
    assert err.value.code == code


def test_a_file_name_the_profile_cannot_read_is_refused(tmp_path):
    path = tmp_path / "undated-speech.txt"
    path.write_text("President: Barack Obama\n\nHello.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="does not match the profile's file_name"):
        parse(path, profile=(HERE / "profiled" / "profile.yaml").read_bytes())


def test_answer_without_a_statement_speaker_is_a_warning(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Q: Will it rain?\n\nA: It will.\n", encoding="utf-8")
    doc = parse(path, sidecar=b"format: transcript\ntitle: T\ndate: 2019-01-01\n", profile=b"{}")
    assert [p.role for p in doc.paragraphs] == ["question", "question"]
    assert any("answer label 'A'" in w for w in doc.warnings)


def test_ingest_reports_every_transcript_and_its_problems(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in HERE.rglob("*"):
        if f.is_file():
            target = raw / f.relative_to(HERE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    (raw / "profiled" / "undated.txt").write_text("President: Barack Obama\n\nHello.\n", encoding="utf-8")
    (raw / "profiled" / "2019-01-01-empty.txt").write_text("President: Barack Obama\n\n", encoding="utf-8")
    (raw / "bare.txt").write_text("Hello, no metadata.\n", encoding="utf-8")
    ingest(raw, tmp_path / "out", quiet=True)
    report = pd.read_csv(tmp_path / "out" / config.INGEST_REPORT_FILE, keep_default_na=False).set_index("path")
    assert report.loc["2019-06-05-joint-press.txt", "status"] == "ingested"
    assert "unknown speaker label 'DR. FAUCI'" in report.loc["2019-06-05-joint-press.txt", "warnings"]
    assert report.loc["profiled/profile.yaml", "status"] == "metadata"
    assert report.loc["profiled/undated.txt", "reason"].startswith("bad-metadata: the file name does not match")
    assert report.loc["profiled/2019-01-01-empty.txt", "reason"].startswith("empty file") or report.loc[
        "profiled/2019-01-01-empty.txt", "reason"
    ].startswith("empty-body")
    assert report.loc["bare.txt", "reason"].startswith("no-metadata")
    assert set(report["status"]) <= {"ingested", "skipped", "metadata"}
