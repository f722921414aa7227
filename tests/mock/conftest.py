"""Fixtures of the mock broker's behavioural tests: a fresh in-process mock per test, and
for the stream tests one loopback mock per module (each module's ``server`` resets it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mock_api import Api, settings
from starlette.applications import Starlette
from starlette.testclient import TestClient
from stream_client import Rest, stream_server

from connecttrade_mock.app import create_app
from connecttrade_mock.testing import MockControl, MockServer


@pytest.fixture
def app() -> Starlette:
    """A fresh mock on a manual clock at ``START``, without an order rate limit."""
    return create_app(settings())


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    """A driver of the mock acting as the demo user."""
    return Api(client)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[MockServer]:
    """A mock on a loopback port for one stream test module."""
    with stream_server() as server:
        yield server


@pytest.fixture
def control(server: MockServer) -> MockControl:
    """The control API of the module's ``server``."""
    assert server.control is not None
    return server.control


@pytest.fixture
def rest(server: MockServer) -> Iterator[Rest]:
    """A REST driver of the module's ``server`` acting as the demo user."""
    driver = Rest(server)
    yield driver
    driver.close()
