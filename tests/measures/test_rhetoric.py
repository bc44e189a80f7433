"""Rhetoric markers: sampling for labels and labelled precision."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import lexicon, rhetoric
from analysis.measures.count import evidence
from analysis.selection import Selection


@pytest.fixture(scope="module")
def hits(default_corpus):
    lex = lexicon.load(kind="rhetoric")
    return evidence(default_corpus, Selection.of(speaker="Putin"), lex.names, lexicon=lex), lex


def test_sample_is_reproducible_and_capped(hits):
    ev, _ = hits
    a = rhetoric.sample_for_labelling(ev, per_category=3)
    b = rhetoric.sample_for_labelling(ev.sample(frac=1, random_state=1), per_category=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.groupby("category").size().max() <= 3
    assert list(a.columns) == rhetoric.LABEL_COLUMNS


def test_precision_from_labels(hits, tmp_path):
    ev, lex = hits
    sample = rhetoric.sample_for_labelling(ev, per_category=2)
    sample["label"] = ["true", "false"] * (len(sample) // 2) + ["true"] * (len(sample) % 2)
    path = tmp_path / "labels.csv"
    sample.to_csv(path, index=False)
    prec = rhetoric.precision(ev, rhetoric.read_labels(path), lex.names).set_index("category")
    for cat, rows in sample.groupby("category"):
        assert prec.loc[cat, "labelled"] == len(rows)
        assert prec.loc[cat, "true"] == (rows["label"] == "true").sum()
    assert (prec["hits"] >= prec["labelled"]).all()


def test_labels_for_hits_that_no_longer_exist_are_ignored(hits, tmp_path):
    ev, lex = hits
    path = tmp_path / "labels.csv"
    pd.DataFrame([{"hit_id": "000000000000", "category": lex.names[0], "label": "true"}]).to_csv(path, index=False)
    assert rhetoric.precision(ev, rhetoric.read_labels(path), lex.names)["labelled"].sum() == 0


def test_bad_label_values_are_an_error(tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame([{"hit_id": "x", "category": "force", "label": "maybe"}]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="true/false"):
        rhetoric.read_labels(path)


def test_missing_labels_file_means_no_labels(tmp_path):
    assert rhetoric.read_labels(tmp_path / "none.csv").empty


@pytest.mark.parametrize("k, n, lo, hi", [(8, 8, 0.676, 1.0), (0, 8, 0.0, 0.324), (5, 8, 0.306, 0.863)])
def test_wilson_interval(k, n, lo, hi):
    low, high = rhetoric.wilson(k, n)
    assert (round(low, 3), round(high, 3)) == (lo, hi)


def test_project_labels_file_is_valid(hits):
    ev, lex = hits
    labels = rhetoric.read_labels()
    assert set(labels["category"]) <= set(lex.names)
    prec = rhetoric.precision(ev, labels, lex.names)
    assert (prec["labelled"] > 0).all()  # every category has some labels on the current lexicon
