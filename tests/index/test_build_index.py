"""A dirty part's index built from its previous index (the unchanged documents' tokens taken, not made
again) is the index a full build makes of the same rows, byte for byte."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis.ingest.index import build_index, write_arrow
from analysis.ingest.store import _old_index
from analysis.parquet import read_parquet


@pytest.fixture(scope="module")
def part(fixture_corpus) -> pa.Table:
    """The fixture corpus's largest turn part."""
    return max((read_parquet(p) for p in fixture_corpus.parts), key=lambda t: t.num_rows)


def changed(turns: pa.Table, doc_ids: set[str], rng: random.Random) -> pa.Table:
    """``turns`` with the paragraphs of ``doc_ids`` given new words, and some of them emptied."""
    texts = turns["text"].to_pylist()
    docs = turns["doc_id"].to_pylist()
    for i, d in enumerate(docs):
        if d in doc_ids:
            texts[i] = rng.choice(["", f"zzz-new{i} words, never seen: {i}.", texts[i].upper(), "Word"])
    return turns.set_column(turns.schema.get_field_index("text"), "text", pa.array(texts, pa.string()))


def same_bytes(a: pa.Table, b: pa.Table, tmp_path) -> bool:
    write_arrow(a, tmp_path / "a.arrow")
    write_arrow(b, tmp_path / "b.arrow")
    return (tmp_path / "a.arrow").read_bytes() == (tmp_path / "b.arrow").read_bytes()


@pytest.mark.parametrize("seed", range(8))
def test_an_index_from_the_old_one_equals_one_made_anew(part, tmp_path, seed):
    rng = random.Random(seed)
    old_index = build_index(part)
    ids = sorted(set(part["doc_id"].to_pylist()))
    unchanged = set(rng.sample(ids, rng.randint(1, len(ids))))
    gone = set(rng.sample(sorted(set(ids) - unchanged), min(1, len(ids) - len(unchanged))))
    mask = pc.is_in(part["doc_id"], value_set=pa.array(sorted(unchanged)))
    known = old_index.filter(mask)
    new = changed(part, set(ids) - unchanged, rng)
    new = new.filter(pc.invert(pc.is_in(new["doc_id"], value_set=pa.array(sorted(gone), pa.string()))))
    built, fresh = build_index(new, known), build_index(new)
    assert built.equals(fresh)
    assert same_bytes(built, fresh, tmp_path)


def test_every_document_unchanged_and_a_single_paragraph(part, tmp_path):
    index = build_index(part)
    assert same_bytes(build_index(part, index), index, tmp_path)
    one = part.slice(0, 1)
    assert same_bytes(build_index(one, build_index(one)), build_index(one), tmp_path)


def test_an_old_index_that_does_not_match_its_part_is_not_used(part, tmp_path):
    path = tmp_path / "index.arrow"
    write_arrow(build_index(part.slice(1)), path)  # one paragraph short: made again, not trusted
    assert _old_index(path, part, pc.equal(part["para_no"], part["para_no"])) is None
    assert _old_index(tmp_path / "missing.arrow", part, pa.chunked_array([[True] * part.num_rows])) is None
    write_arrow(build_index(part), path)
    assert _old_index(path, part, pa.chunked_array([[True] * part.num_rows])).num_rows == part.num_rows


def _a_document_with_a_word_of_its_own(part: pa.Table) -> str:
    """A document of ``part`` one of whose words no other document of the part uses."""
    index = build_index(part)
    owners: dict[str, set[str]] = {}
    for doc, tokens in zip(index["doc_id"].to_pylist(), index["tokens"].to_pylist(), strict=True):
        for word in tokens:
            owners.setdefault(word, set()).add(doc)
    return min(next(iter(docs)) for docs in owners.values() if len(docs) == 1)


@pytest.mark.parametrize(
    ("edit", "stays"),
    [("same words", True), ("upper case", True), ("words of its own emptied", False), ("a new word", False)],
)
def test_an_edit_that_keeps_the_vocabulary_or_not_gives_the_index_made_anew(part, tmp_path, monkeypatch, edit, stays):
    """The index of a dirty part whose words stay the same keeps the old vocabulary and every old id (nothing
    made again); one whose words change makes its vocabulary anew. Both are what a full build makes."""
    from analysis.ingest import index as index_module

    target = _a_document_with_a_word_of_its_own(part)
    rewrite = {
        "same words": lambda t: t,
        "upper case": str.upper,
        "words of its own emptied": lambda t: "",
        "a new word": lambda t: t + " zzzunseenword",
    }[edit]
    docs, texts = part["doc_id"].to_pylist(), part["text"].to_pylist()
    new = part.set_column(
        part.schema.get_field_index("text"),
        "text",
        pa.array([rewrite(t) if d == target else t for d, t in zip(docs, texts, strict=True)], pa.string()),
    )
    known = build_index(part).filter(pc.not_equal(part["doc_id"], target))
    seen = []
    kept = index_module._ids_in_same_vocabulary
    monkeypatch.setattr(
        index_module, "_ids_in_same_vocabulary", lambda *a, **k: seen.append(kept(*a, **k) is not None) or kept(*a, **k)
    )
    built, fresh = build_index(new, known), build_index(new)
    assert seen == [stays]
    assert built.equals(fresh)
    assert same_bytes(built, fresh, tmp_path)
