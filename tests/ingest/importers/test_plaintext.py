"""Hand-added statements: Markdown or text with YAML front matter."""

from __future__ import annotations

import pytest

from analysis.errors import IngestError
from analysis.ingest.importers.base import RawSource
from analysis.ingest.importers.plaintext import parse_plaintext
from analysis.speakers import default_registry

REG = default_registry()

GOOD = """---
title: Remarks
date: 2024-02-14
speaker: Putin
source_url: https://example.org/r
---
# On energy

First paragraph
split over lines.

Question: Someone else asks.

Vladimir Putin: Back to me.
"""


def parse(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_plaintext(RawSource("s.md", raw, "0"), registry=REG)


def test_front_matter_and_turns():
    doc = parse(GOOD)
    assert doc.date.isoformat() == "2024-02-14"
    rows = [(p.role, p.speaker, p.section, p.text) for p in doc.paragraphs]
    assert rows == [
        ("heading", None, "On energy", "On energy"),
        ("speech", "Vladimir Putin", "On energy", "First paragraph split over lines."),
        ("question", None, "On energy", "Someone else asks."),
        ("speech", "Vladimir Putin", "On energy", "Back to me."),
    ]


@pytest.mark.parametrize(
    "text, code",
    [
        ("no front matter at all\n", "no-front-matter"),
        ("---\ntitle: x\nspeaker: Putin\n---\nText.\n", "no-date"),
        ("---\ntitle: x\ndate: 14/02/2024\nspeaker: Putin\n---\nText.\n", "bad-date"),
        ("---\ntitle: x\ndate: 2024-02-14\n---\nText.\n", "no-speaker"),
        ("---\ntitle: [unclosed\n---\nText.\n", "bad-front-matter"),
        ("---\ntitle: x\ndate: 2024-02-14\nspeaker: Putin\n---\n\n\n", "empty-body"),
    ],
)
def test_bad_statements(text, code):
    with pytest.raises(IngestError) as exc:
        parse(text)
    assert exc.value.code == code


def test_unknown_speaker_is_warned_and_kept():
    doc = parse("---\ntitle: x\ndate: 2024-02-14\nspeaker: Jane Doe\n---\nHello.\n")
    assert doc.paragraphs[0].speaker == "Jane Doe"
    assert any("unknown speaker 'Jane Doe'" in w for w in doc.warnings)


FRONT = "---\ntitle: Interview\ndate: 2020-01-01\nspeaker: Vladimir Putin\n---\nBODY\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "Q: What now?\n\nA: Something.\n\nMore of it.",
            [
                ("question", None, "What now?"),
                ("speech", "Vladimir Putin", "Something."),
                ("speech", "Vladimir Putin", "More of it."),
            ],
        ),
        ("Question: Why?\n\nAnswer: Because.", [("question", None, "Why?"), ("speech", "Vladimir Putin", "Because.")]),
        ("**Q:** Bold?\n\n**A:** Yes.", [("question", None, "Bold?"), ("speech", "Vladimir Putin", "Yes.")]),
        ("Q. Dotted?\n\nA. Dotted.", [("question", None, "Dotted?"), ("speech", "Vladimir Putin", "Dotted.")]),
        ("A lot of people ask.", [("speech", "Vladimir Putin", "A lot of people ask.")]),
        (
            "Question: “How much funding is required?” “A lot.”",
            [("speech", "Vladimir Putin", "Question: “How much funding is required?” “A lot.”")],
        ),
        (
            "Defence Minister Sergei Shoigu: Reporting.\n\nPUTIN: Thanks.",
            [("speech", "Sergei Shoigu", "Reporting."), ("speech", "Vladimir Putin", "Thanks.")],
        ),
        ("Interviewer: Hm?\n\nA: Yes.", [("question", None, "Hm?"), ("speech", "Vladimir Putin", "Yes.")]),
    ],
)
def test_hand_typed_question_and_answer_conventions(raw_dir, body, expected):
    raw = FRONT.replace("BODY", body).encode()
    doc = parse_plaintext(RawSource("t.md", raw, "0"), registry=REG)
    assert [(p.role, p.speaker, p.text) for p in doc.paragraphs] == expected
