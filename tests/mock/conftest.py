"""Fixtures of the mock broker's behavioural tests: a fresh in-process mock per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mock_api import Api, settings
from starlette.applications import Starlette
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app


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
