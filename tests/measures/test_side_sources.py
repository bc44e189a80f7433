"""A side of a comparison restricted to a source: keyness's ``source_b`` and the leaders report's
``side_sources``, so that a side's words come from where the page says they come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.corpus import Corpus
from analysis.errors import CorpusError, ParameterError
from analysis.ingest import ingest
from analysis.measures import leaders
from analysis.measures.count import count_table
from analysis.measures.keyness import KeynessParams
from analysis.publish.stories.leaders import LeadersReport
from analysis.selection import Selection


def _speech(folder: Path, date: str, speaker: str, source: str, text: str) -> None:
    body = "\n\n".join(f"{text} This is paragraph {i} of {speaker} on {date}." for i in range(3))
    front = f"title: {speaker} {date}\ndate: {date}\nspeaker: {speaker}\nsource: {source}\nkind: speech"
    name = f"{date}-{speaker.split()[-1].lower()}-{source}.md"
    (folder / name).write_text(f"---\n{front}\nsource_url: https://example.org/{name}\n---\n{body}\n")


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory) -> Corpus:
    """Anna Alpha on the wire; Boris Beta mostly in the gazette, once on the wire (saying "our partners")."""
    root = tmp_path_factory.mktemp("sources")
    raw = root / "raw" / "statements"
    raw.mkdir(parents=True)
    _speech(raw, "2020-01-10", "Anna Alpha", "wire", "Our partners know our position on the harvest.")
    _speech(raw, "2020-02-10", "Boris Beta", "gazette", "The roads and the schools come first this year.")
    _speech(raw, "2020-03-10", "Boris Beta", "gazette", "The schools and the roads need money this year.")
    _speech(raw, "2020-04-10", "Boris Beta", "wire", "Our partners and our partners again, I said on the wire.")
    ingest(root / "raw", root / "processed", quiet=True)
    return Corpus.load(root / "processed")


def test_keyness_side_b_from_one_source(two_sources):
    params = KeynessParams.of({"speakers": ["Anna Alpha"], "speaker_b": "Boris Beta", "source_b": "gazette"})
    a, b, _, label_b = params.scopes(two_sources, params.selection())
    assert (a.source, b.source) == (None, "gazette") and label_b == "Boris Beta (gazette)"
    assert two_sources.index.words(b) < two_sources.index.words(b.__class__(b.speakers, source=None))
    wrong = KeynessParams.of({"speakers": ["Anna Alpha"], "speaker_b": "Boris Beta", "source_b": "radio"})
    with pytest.raises(CorpusError, match="source 'radio' is not in this corpus"):
        wrong.scopes(two_sources, wrong.selection())


def test_a_leaders_side_counts_only_its_source(two_sources):
    base = Selection.of()
    anywhere = leaders.sides_of(two_sources, ["Anna Alpha", "Boris Beta"], base)
    gazette = leaders.sides_of(two_sources, ["Anna Alpha", "Boris Beta"], base, ["", "gazette"])
    assert [s.source for s in gazette["Boris Beta"]] == ["gazette"] and gazette["Anna Alpha"][0].source is None
    uses = {
        name: int(count_table(two_sources, sides["Boris Beta"], ["our partners"]).to_pandas()["count"].sum())
        for name, sides in (("anywhere", anywhere), ("gazette", gazette))
    }
    assert uses == {
        "anywhere": 6,
        "gazette": 0,
    }  # twice in each of 3 paragraphs: his wire speech is not on the gazette side
    with pytest.raises(ValueError, match="one source per side"):
        leaders.sides_of(two_sources, ["Anna Alpha", "Boris Beta"], base, ["wire"])


def test_the_report_checks_one_source_per_side():
    with pytest.raises(ParameterError, match="side_sources: one per side"):
        LeadersReport.of({"speakers": ["Anna Alpha", "Boris Beta"], "side_sources": ["wire"]})
    ok = LeadersReport.of({"speakers": ["Anna Alpha", "Boris Beta"], "side_sources": ["", "gazette"]})
    assert ok.side_sources == ["", "gazette"]
