"""A real PostgreSQL server for the store's tests (see tests/pgserver.py).

``postgres_server`` starts one server for the test session (one per pytest-xdist
worker) and stops it at the end; ``postgres_dsn`` gives each test a fresh, empty
schema on it, selected through the address's ``search_path``. Without PostgreSQL
installed (or, as root, without a ``postgres`` user) both skip with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pgserver import PostgresServer, shared_server_or_skip, stop_shared_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = shared_server_or_skip()
    yield server
    stop_shared_server()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    """A ``postgresql://`` address whose ``search_path`` is a new, empty schema."""
    return postgres_server.dsn(postgres_server.create_schema(request.node.name))
