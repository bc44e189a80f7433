"""The dask engine gives what the local engine gives: measures searched part by part on a real
``dask.distributed`` cluster (a LocalCluster of two worker processes), and an ingest parsed there."""

from __future__ import annotations

import contextlib
import io
import os

import distributed
import pytest

from analysis import engine as engines
from analysis.cli import main
from analysis.corpus import Corpus
from analysis.engine import Engine, engine_for
from analysis.errors import ParameterError
from analysis.ingest import ingest, manifest
from analysis.measures import measure
from analysis.selection import Scope
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as running:
        yield running.scheduler_address
        engines.close_all()  # the clients first: a client whose scheduler is gone waits to reconnect


@pytest.fixture(scope="module")
def on_cluster(cluster) -> Engine:
    return engines.engine_of("dask", cluster)


def _pids(engine: Engine) -> set[int]:
    return set(engine.client.run(os.getpid).values())


def test_map_keeps_order_and_runs_on_the_workers(on_cluster):
    assert on_cluster.workers == 2
    assert on_cluster.map(pow, list(range(20)), 2) == [i**2 for i in range(20)]
    assert len(_pids(on_cluster)) == 2


QUESTIONS = [
    ("count", dict(phrases=["our partners", "terrorism"], speakers=["Putin"], period="month")),
    ("count", dict(phrases=["sovereign*"], speakers=["Putin", "Obama"])),
    ("kwic", dict(phrases=["that's all"], speakers=["Putin"])),
    ("keyness", dict(speakers=["Putin"], split="2014-03-01", top=25)),
    ("keyness", dict(speakers=["Putin"], split="2014-03-01", ngram=2, top=25)),
    ("catchphrases", dict(speakers=["Putin"], top=15)),
    ("topics", dict(speakers=["Putin"])),
    ("rhetoric", dict(speakers=["Putin"], period="month")),
]


@pytest.mark.parametrize(("name", "given"), QUESTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(QUESTIONS)])
def test_a_measure_on_the_cluster_equals_the_local_one(default_corpus, on_cluster, name, given):
    unit = measure(name)
    params = unit.params.of(given | dict(processed_dir=str(default_corpus.path)))
    corpus = Corpus.load(default_corpus.path)
    here = unit.compute(corpus, params)
    corpus.index.engine = on_cluster
    there = unit.compute(corpus, params)
    assert here.table.equals(there.table), name
    assert len(here.table) > 0, f"{name} found nothing: the comparison would prove nothing"
    if here.evidence is not None:
        assert here.evidence.equals(there.evidence)


def test_the_index_sends_each_part_to_a_worker(default_corpus, on_cluster):
    corpus = Corpus.load(default_corpus.path)
    corpus.index.engine = on_cluster
    seen = corpus.index.each_part(_where, Scope())
    assert [k for k, _ in seen] == list(range(len(corpus.index)))
    assert {pid for _, pid in seen} <= _pids(on_cluster)
    assert os.getpid() not in {pid for _, pid in seen}


def _where(index, k, part, rows):
    return os.getpid()


def test_the_command_line_runs_a_count_on_the_cluster(default_corpus, cluster):
    ask = ["count", "--phrase", "our partners", "--speaker", "Putin", "--processed-dir", str(default_corpus.path)]
    outputs = []
    for extra in ([], ["--engine", "dask", "--scheduler", cluster]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main([*ask, *extra]) == 0
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") > 1


def test_an_ingest_parsed_on_the_cluster_is_byte_identical(on_cluster, tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    ingest(FIXTURES / "raw", here, quiet=True)
    ingest(FIXTURES / "raw", there, quiet=True, engine=on_cluster)

    def outputs(root):  # not the lock, nor the cache of which files passed their hash (inodes, times)
        return sorted(
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and ".lock" not in p.name and p.name != manifest.VERIFIED
        )

    files = outputs(here)
    assert files
    assert files == outputs(there)
    for rel in files:
        assert (here / rel).read_bytes() == (there / rel).read_bytes(), rel


def test_engine_and_scheduler_come_from_the_config_unless_given(monkeypatch):
    from analysis.measures.count import CountParams

    monkeypatch.setattr(engines, "configured_engine", lambda: {"engine": "dask", "scheduler": "tcp://10.0.0.9:8786"})
    chosen = engine_for(CountParams.of(dict(phrases=["x"])))
    assert (chosen.kind, chosen.scheduler) == ("dask", "tcp://10.0.0.9:8786")
    chosen = engine_for(CountParams.of(dict(phrases=["x"], engine="local")))
    assert chosen.local
    with pytest.raises(ParameterError, match="engine must be one of"):
        CountParams.of(dict(phrases=["x"], engine="spark"))


def test_an_unknown_engine_in_the_config_is_an_error():
    with pytest.raises(ValueError, match="engine must be one of"):
        Engine("spark")
