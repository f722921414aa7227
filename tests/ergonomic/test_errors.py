"""Tests for the API error hierarchy."""

from __future__ import annotations

import pickle
import re

import httpx
import pytest

from connecttrade import _exceptions as exceptions
from connecttrade import agent
from connecttrade._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectTradeError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    error_for_status,
)

SECRET_VALUE = "cs_live_5up3r-s3cr3t"


def _response(status_code: int) -> httpx.Response:
    """An answer to a request whose headers carry credentials, as every real call does."""
    request = httpx.Request(
        "POST",
        "https://api.connecttrade.com/orders",
        headers={"client-id": "cid", "client-secret": SECRET_VALUE, "user-secret": SECRET_VALUE},
    )
    return httpx.Response(status_code, json={"message": "nope"}, request=request)


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (599, InternalServerError),
        (418, APIStatusError),
        (422, APIStatusError),
        (302, APIStatusError),
    ],
    ids=["400", "401", "403", "404", "409", "429", "500", "502", "599", "418", "422", "302"],
)
def test_error_for_status_picks_the_subclass(
    status_code: int, expected: type[APIStatusError]
) -> None:
    """Each status maps to its subclass; statuses without one give a plain APIStatusError."""
    error = error_for_status(status_code, "nope", "req_1", _response(status_code))
    assert type(error) is expected
    assert (error.status_code, error.message, error.request_id) == (status_code, "nope", "req_1")
    assert error.response is not None
    assert error.response.status_code == status_code


def test_rate_limit_error_carries_retry_after() -> None:
    """A 429 keeps the server's retry hint; other statuses have no such field."""
    limited = error_for_status(429, "slow down", "req_2", None, retry_after=1.5)
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 1.5
    assert not hasattr(error_for_status(400, "bad", None, None, retry_after=1.5), "retry_after")


@pytest.mark.parametrize(
    ("error", "ancestors"),
    [
        (NotFoundError("x", status_code=404), (APIStatusError, APIError, ConnectTradeError)),
        (APITimeoutError(), (APIConnectionError, APIError, ConnectTradeError)),
        (APIConnectionError(), (APIError, ConnectTradeError)),
        (RateLimitError("x"), (APIStatusError, APIError, ConnectTradeError)),
    ],
    ids=["status", "timeout", "connection", "rate-limit"],
)
def test_hierarchy_matches_the_documented_tree(
    error: ConnectTradeError, ancestors: tuple[type[Exception], ...]
) -> None:
    """Every error is caught by each ancestor drawn in the module docstring."""
    for ancestor in ancestors:
        assert isinstance(error, ancestor)
    assert not isinstance(error, ValueError)


def test_transport_errors_are_not_status_errors() -> None:
    """A connection failure is not caught by an except clause for status errors."""
    assert not issubclass(APIConnectionError, APIStatusError)
    assert not issubclass(APIStatusError, APIConnectionError)


def test_message_names_status_and_request_id() -> None:
    """str() gives the API message, the status code and the request id."""
    error = error_for_status(404, "order not found", "req_abc", None)
    assert str(error) == "order not found (HTTP 404, request req_abc)"
    assert str(error_for_status(500, "boom", None, None)) == "boom (HTTP 500)"


@pytest.mark.parametrize("status_code", [400, 401, 429, 500], ids=str)
def test_rendering_never_shows_request_headers(status_code: int) -> None:
    """Neither str() nor repr() of an error leaks the secrets in the request headers."""
    error = error_for_status(status_code, "nope", "req_3", _response(status_code), 2.0)
    assert SECRET_VALUE not in str(error)
    assert SECRET_VALUE not in repr(error)
    assert SECRET_VALUE not in str(error.args)


@pytest.mark.parametrize(
    ("status_code", "retry_after"), [(404, None), (429, 3.0)], ids=["not-found", "rate-limit"]
)
def test_status_errors_survive_pickling(status_code: int, retry_after: float | None) -> None:
    """Pickling keeps the fields (so errors cross process pools) and drops the response."""
    error = error_for_status(status_code, "nope", "req_4", _response(status_code), retry_after)
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 -- our own bytes
    assert type(restored) is type(error)
    assert (restored.status_code, restored.message, restored.request_id) == (
        status_code,
        "nope",
        "req_4",
    )
    assert getattr(restored, "retry_after", None) == retry_after
    assert restored.response is None


def test_connection_errors_have_default_messages() -> None:
    """Transport errors explain themselves without arguments and accept a custom message."""
    assert "failed" in str(APIConnectionError())
    assert "timed out" in str(APITimeoutError())
    assert APIConnectionError("DNS lookup failed").message == "DNS lookup failed"


def _drawn_tree(doc: str) -> list[tuple[str, str | None]]:
    """Each class drawn in a docstring's error tree with the class drawn as its parent."""
    drawn: list[tuple[int, str]] = []
    pairs: list[tuple[str, str | None]] = []
    for match in re.finditer(r"^(    [│├└─ ]*)([A-Z]\w+)\b", doc, re.M):
        column, name = len(match.group(1)), match.group(2)
        parents = [other for col, other in drawn if col < column]
        pairs.append((name, parents[-1] if parents else None))
        drawn = [(col, other) for col, other in drawn if col < column] + [(column, name)]
    return pairs


def test_the_error_tree_draws_every_sdk_error_under_its_parent() -> None:
    """Each error the module defines is in its docstring's tree, under its direct base."""
    defined = {
        name: value
        for name, value in vars(exceptions).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    tree = _drawn_tree(exceptions.__doc__ or "")
    assert set(defined) <= {name for name, _ in tree}
    for name, parent in tree:
        cls = defined.get(name) or getattr(agent, name)
        bases = [base.__name__ for base in cls.__bases__]
        assert parent in bases if parent else bases == ["Exception"], (name, parent, bases)


def test_guard_errors_sit_under_the_root_error() -> None:
    """``except ConnectTradeError`` catches the guard's refusals too, bases otherwise kept."""
    assert agent.GuardError.__bases__ == (ConnectTradeError,)
    assert issubclass(agent.Halted, agent.Refused)
    assert issubclass(agent.Refused, ConnectTradeError)
