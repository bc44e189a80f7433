"""Each class of attribution error found on random turns, with made-up names (not the examples found):
a spouse is another person, a dash after a label, headings in capitals and in bold, a sentence that
names a known person, documents read into the record, a typo inside a label, a label inside a
paragraph, a given name misspelt against the title, a lone label on a page that narrates."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from analysis import config
from analysis.ingest import parse_raw
from analysis.ingest.importers.kremlin import parse_kremlin_page
from analysis.speakers import SpeakerRegistry, default_registry
from tests.conftest import kremlin_page

SIDECAR = b"""format: transcript
title: Remarks
date: 1995-03-01
source: test
speaker: Rufus Quill
office: President of Freedonia
full_stop_labels: true
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> SpeakerRegistry:
    """The project's registry plus a made-up head of state, Rufus Quill, and a made-up senator, Amos Pike."""
    data = yaml.safe_load(config.SPEAKERS_FILE.read_text(encoding="utf-8"))
    data["offices"]["President of Freedonia"] = {"labels": ["the president", "president"], "head_of_state": True}
    data["speakers"] += [
        {
            "name": "Rufus Quill",
            "leader": True,
            "patterns": ["rufusquill$", "^(?:mr|president)quill$"],
            "terms": [{"from": "1990-01-20", "to": "1999-01-19", "office": "President of Freedonia"}],
        },
        {"name": "Amos Pike", "patterns": ["amospike$"]},
    ]
    path = tmp_path_factory.mktemp("registry") / "speakers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return SpeakerRegistry.load(path)


def transcript(text: str, registry: SpeakerRegistry):
    raw = text.encode("utf-8")
    found = parse_raw(
        "1995-03-01-remarks.txt", raw, sha=hashlib.sha256(raw).hexdigest(), registry=registry, sidecar=SIDECAR
    )
    return found.documents[0]


def turns(doc) -> list[tuple[str, str | None, str]]:
    return [(p.role, p.speaker, p.text) for p in doc.paragraphs]


def test_a_spouse_is_another_person(registry):
    doc = transcript(
        "THE PRESIDENT. Good evening. I am joined tonight by my wife.\n\n"
        "MRS. QUILL. Thank you, Rufus. Our children need us.\n\n"
        "THE PRESIDENT. Thank you, dear.\n",
        registry,
    )
    assert turns(doc)[1] == ("speech", "Mrs. Quill", "Thank you, Rufus. Our children need us.")
    assert [p.speaker for p in doc.paragraphs if p.speaker == "Rufus Quill"] == ["Rufus Quill"] * 2
    assert any("a spouse or relative is another person" in w and "Mrs. Quill" in w for w in doc.warnings)


def test_first_lady_title_is_not_part_of_the_name():
    assert default_registry().resolve("First Lady Hester Quill").speaker == "Hester Quill"


def test_a_dash_after_a_label_still_opens_a_turn(registry):
    doc = transcript(
        "THE PRESIDENT. We will now take questions.\n\n"
        "Q:—to Dr. Vane. How many cases are there?\n\n"
        "DR. VANE:—About forty, and falling.\n\n"
        "THE PRESIDENT.—Thank you, Doctor.\n",
        registry,
    )
    assert turns(doc)[1:] == [
        ("question", None, "to Dr. Vane. How many cases are there?"),
        ("speech", "Vane", "About forty, and falling."),
        ("speech", "Rufus Quill", "Thank you, Doctor."),
    ]


def test_headings_in_capitals_with_or_without_a_second_part_are_headings(registry):
    doc = transcript(
        "To the Congress of Freedonia:\n\n"
        "TREASURY DEPARTMENT. REVENUES OF THE YEAR \n\n"
        "The revenues of the year were large.\n\n"
        "THE FLEET.\n\n"
        "The fleet is ready.\n",
        registry,
    )
    assert turns(doc) == [
        ("speech", "Rufus Quill", "To the Congress of Freedonia:"),
        ("heading", None, "TREASURY DEPARTMENT. REVENUES OF THE YEAR"),
        ("speech", "Rufus Quill", "The revenues of the year were large."),
        ("heading", None, "THE FLEET."),
        ("speech", "Rufus Quill", "The fleet is ready."),
    ]


def test_a_government_body_is_not_a_speaker(registry):
    doc = transcript("We met today.\n\nINTERIOR DEPARTMENT. The accounts of the year follow.\n", registry)
    assert {p.speaker for p in doc.paragraphs if p.role == "speech"} == {"Rufus Quill"}


def test_a_bold_line_between_turns_is_a_topic_heading(registry):
    doc = transcript(
        "**MODERATOR:** Senator, your answer.\n\n**PIKE:** Prices are too high.\n\n"
        "**Farm Prices**\n\n**MODERATOR:** Mr. President.\n\n**THE PRESIDENT:** They are falling.\n",
        registry,
    )
    assert ("heading", None, "Farm Prices") in turns(doc)
    assert "Farm Prices" not in " ".join(p.text for p in doc.paragraphs if p.role == "speech")


def test_a_sentence_that_names_a_known_person_is_not_a_label(registry):
    doc = transcript("THE PRESIDENT. Good evening.\n\nI chose Senator Amos Pike. He will serve us well.\n", registry)
    assert {p.speaker for p in doc.paragraphs if p.role == "speech"} == {"Rufus Quill"}


def test_enclosures_after_the_signature_are_read_into_the_record(registry):
    doc = transcript(
        "To the Senate:\n\nI transmit the report of the Secretary of State.\n\nRUFUS QUILL.\n\n"
        "DEPARTMENT OF STATE, Capital City, May 1, 1995.\n\nThe PRESIDENT:\n\n"
        "Sir: The treaty was signed at noon.\n\nALMA REED.\n\n"
        "To the Senate:\n\nI add a second message of my own.\n",
        registry,
    )
    roles = {p.text: (p.role, p.speaker) for p in doc.paragraphs}
    assert roles["I transmit the report of the Secretary of State."] == ("speech", "Rufus Quill")
    assert roles["Sir: The treaty was signed at noon."] == ("quotation", "Rufus Quill")  # his reading, not counted
    assert roles["I add a second message of my own."] == ("speech", "Rufus Quill")  # a new message of his
    assert any("read into the record" in w for w in doc.warnings)


def test_testimony_read_out_is_a_quotation(registry):
    doc = transcript(
        "To the House:\n\nThe following is the testimony given by Mr. Pike:\n\n"
        "Q. Did you receive the dispatch?\n\nA. I received it on Sunday.\n\n"
        "These facts speak for themselves.\n",
        registry,
    )
    assert [(p.role, p.speaker) for p in doc.paragraphs][2:] == [
        ("quotation", "Rufus Quill"),
        ("quotation", "Rufus Quill"),
        ("speech", "Rufus Quill"),
    ]


def test_a_label_typo_resolves_with_a_warning(registry):
    doc = transcript("Q. Will you sign?\n\nTHE. PRESIDENT. I will sign it tomorrow.\n", registry)
    assert turns(doc)[-1] == ("speech", "Rufus Quill", "I will sign it tomorrow.")
    assert any("stray full stop" in w for w in doc.warnings)


# --- en.kremlin.ru pages ----------------------------------------------------------------------------


def kremlin(body: str, **kw):
    return parse_kremlin_page(kremlin_page(body, **kw), raw_path="t.html", raw_sha256="0", registry=default_registry())


def test_a_label_inside_a_paragraph_opens_a_turn():
    doc = kremlin(
        "<p><b>Vladimir Putin:</b> You asked me this already. <b>Question:</b> No, I did not. Will you sell it?</p>"
        "<p><b>Vladimir Putin:</b> No.</p>"
    )
    assert [(p.role, p.text) for p in doc.paragraphs if p.role in ("speech", "question")][:2] == [
        ("speech", "You asked me this already."),
        ("question", "No, I did not. Will you sell it?"),
    ]


def test_a_given_name_misspelt_against_the_title_is_read_as_the_titles():
    doc = kremlin(
        "<p><b>Vladimir Putin:</b> Mr Orlik, how is the plant?</p><p><b>Boris Orlik:</b> Working.</p>"
        "<p><b>Vladimir Putin:</b> Good.</p><p><b>Gleb Orlik:</b> Thank you.</p>",
        title="Meeting with Minister of Glassworks Boris Orlik",
    )
    assert {p.speaker for p in doc.paragraphs if p.role == "speech"} == {"Vladimir Putin", "Boris Orlik"}
    assert any("'Gleb Orlik' read as 'Boris Orlik'" in w for w in doc.warnings)


def test_a_title_and_name_is_not_a_misspelt_given_name():
    doc = kremlin(
        "<p><b>Patriarch Tikhon:</b> Welcome.</p><p><b>Vladimir Putin:</b> Thank you.</p>",
        title="Meeting with Patriarch of All Freedonia Tikhon",
    )
    assert "Patriarch Tikhon" in {p.speaker for p in doc.paragraphs}


def test_a_lone_label_on_a_page_that_narrates_is_narration():
    doc = kremlin(
        "<p><b>Putin:</b> Ten Years is an album of photographs from the President's archive, covering every "
        "year that Vladimir Putin has served, with captions and dates.</p><p>More are online.</p>",
        sections='<a href="#">News</a>',
    )
    assert not [p for p in doc.paragraphs if p.role == "speech"]
    assert any("read as narration" in w for w in doc.warnings)


def test_a_lone_label_with_first_person_words_stays_speech():
    doc = kremlin(
        "<p><b>Vladimir Putin:</b> I congratulate the team on its victory and wish every player of it good "
        "health and many more wins in the seasons ahead.</p>"
    )
    assert [p.speaker for p in doc.paragraphs if p.role == "speech"] == ["Vladimir Putin"]
