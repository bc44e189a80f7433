"""The fetch tests' server: a fresh one on 127.0.0.1 for each test."""

from __future__ import annotations

import pytest

from tests.ingest.fetch.server import Site, serve


@pytest.fixture
def site():
    s = Site()
    server = serve(s)
    yield s
    server.shutdown()
    server.server_close()
