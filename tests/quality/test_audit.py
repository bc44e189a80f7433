"""The attribution audit: each kind of suspicious paragraph, and what it must not flag."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.quality.audit import KINDS, audit, looks_like_label, summary


def turns(*rows) -> pd.DataFrame:
    out = []
    for i, (speaker, attribution, text, *label) in enumerate(rows):
        out.append(
            {
                "doc_id": "d1",
                "para_no": i,
                "speaker": speaker,
                "speaker_label": label[0] if label else speaker,
                "role": "speech" if speaker else "question",
                "attribution": attribution,
                "text": text,
            }
        )
    return pd.DataFrame(out)


DOCS = pd.DataFrame({"doc_id": ["d1"], "date": ["2019-05-01"], "source_url": ["http://example.org/1"]})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Head of the A Just Russia faction Sergei Mironov: Mr President, colleagues.", True),
        ("Olympic ice hockey champion Ilya Kovalchuk (retranslated): Thank you.", True),
        ("Minister of Defence: Sergei Shoigu.", False),  # an item of a list read out
        ("France: “It (international law) does not allow…”", False),  # a quotation
        ("Naturally, we will discuss the situation in the Middle East: the latest developments.", False),
        ("Let me repeat: it is only natural.", False),
    ],
)
def test_label_shaped_openings(text, expected):
    assert looks_like_label(text) is expected


@pytest.mark.parametrize(
    "rows, kind",
    [
        (
            (
                ("Vladimir Putin", "label", "Please."),
                ("Vladimir Putin", "continuation", "Head of the Communist Party faction Gennady Zyuganov: Thank you."),
            ),
            "label-in-turn",
        ),
        ((("Vladimir Putin", "label", "Good. Vladimir Vladimirovich, let me say that we agree."),), "addresses-self"),
        ((("Sergei Shoigu", "label", "Thank you, Mr Shoigu. Now the next report."),), "thanks-self"),
        (
            (("Vladimir Putin", "label", "Thank you, Mr President. Let me report on the harvest."),),
            "addressed-as-president",
        ),
        (
            (("Vladimir Putin", "label", "Hello."), ("Sergei Shoigu", "continuation", "A change with no label.")),
            "unlabelled-change",
        ),
        (
            (("Vladimir Putin", "label", "Hello."), ("Vladimir Putin", "continuation", "Q:—to Dr. Vane. How many?")),
            "dash-after-label",
        ),
        ((("Far East", "label", "TRADE AND TREATIES.", "THE FAR EAST"),), "heading-as-speaker"),
        ((("Navy Department", "label", "The ships sail today.", "NAVY DEPARTMENT"),), "body-as-speaker"),
        ((("France", "label", "We agree with the proposal.", "France"),), "body-as-speaker"),
        ((("Vladimir Putin", "label", "Thank you, dear.", "Mrs. Putin"),), "spouse-as-person"),
    ],
)
def test_each_kind_is_found(rows, kind):
    hits = audit(turns(*rows), DOCS)
    assert hits["kind"].tolist() == [kind]
    assert hits["source_url"].tolist() == ["http://example.org/1"]


def test_a_guest_thanking_the_host_president_is_not_flagged():
    rows = (("Vladimir Putin", "label", "Mr President, thank you very much for the invitation."),)
    assert audit(turns(*rows), DOCS).empty


def test_summary_lists_every_kind():
    hits = audit(turns(("Vladimir Putin", "label", "Hello."), ("Sergei Shoigu", "continuation", "Hi.")), DOCS)
    table = summary(hits)
    assert table["kind"].tolist() == list(KINDS)
    assert dict(zip(table["kind"], table["paragraphs"], strict=True))["unlabelled-change"] == 1
    assert table["paragraphs"].sum() == 1
