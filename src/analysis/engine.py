"""Where the work that goes part by part runs: in this process (``local``, the default) or on a
``dask.distributed`` cluster (``dask``).

Two kinds of work go part by part: the ingest's parsing (batches of raw files) and the measures'
passes over the index (one task per index part: the paragraphs a scope selects, the matches of a
query, the tokens of a stream). With ``--engine dask --scheduler tcp://host:8786`` they are sent to
the cluster's workers and their results come back in order, so every output is the one the local
engine gives. Workers need this package installed and the raw and processed folders at the same
paths (a shared file system). Without a scheduler address, ``dask`` starts a ``LocalCluster`` of
this machine's cores (one single-threaded worker process each).

The default comes from ``config/engine.yaml`` (``engine:`` and ``scheduler:``); the command line's
``--engine`` and ``--scheduler`` override it for one run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from analysis.params import ENGINES, configured_engine


class Engine:
    """Runs a function over items, here or on the cluster, and returns the results in the items' order."""

    def __init__(self, kind: str = "local", scheduler: str = "") -> None:
        if kind not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {kind!r}")
        self.kind, self.scheduler = kind, scheduler

    @property
    def local(self) -> bool:
        return self.kind == "local"

    @cached_property
    def client(self) -> Any:
        """The ``distributed.Client`` of the cluster (started on first use)."""
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler, set_as_default=False)
        cluster = LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster, set_as_default=False)

    @property
    def workers(self) -> int:
        """How many tasks run at once."""
        return 1 if self.local else max(1, sum(self.client.nthreads().values()))

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        """``[fn(item, *args) for item in items]``, on the cluster for ``dask``."""
        if self.local:
            return [fn(item, *args) for item in items]
        futures = [self.client.submit(fn, item, *args, pure=False) for item in items]
        return self.client.gather(futures)

    def close(self) -> None:
        if "client" in self.__dict__:
            cluster = self.client.cluster
            self.client.close()
            if cluster is not None and not self.scheduler:
                cluster.close()
            del self.__dict__["client"]


_ENGINES: dict[tuple[str, str], Engine] = {}


def engine_of(kind: str = "local", scheduler: str = "") -> Engine:
    """One engine per kind and address in a process (a cluster is connected to once)."""
    if (kind, scheduler) not in _ENGINES:
        _ENGINES[kind, scheduler] = Engine(kind, scheduler)
    return _ENGINES[kind, scheduler]


def engine_for(params: Any) -> Engine:
    """The engine a unit's parameters ask for (:class:`~analysis.params.EngineParams`), what they leave
    empty taken from ``config/engine.yaml``."""
    configured = configured_engine()
    kind = getattr(params, "engine", "") or configured["engine"]
    return engine_of(kind, getattr(params, "scheduler", "") or configured["scheduler"])


def close_all() -> None:
    """Stop every cluster this process started and disconnect from every scheduler."""
    for kind, scheduler in list(_ENGINES):
        _ENGINES.pop((kind, scheduler)).close()
