"""Tests for the Secret wrapper that keeps credentials out of text."""

from __future__ import annotations

import copy
import logging
import pickle
from collections.abc import Callable

import pytest

from connecttrade.types.secret import Secret

SECRET_VALUE = "cs_live_5up3r-s3cr3t"


@pytest.mark.parametrize(
    "render",
    [
        repr,
        str,
        lambda s: f"{s}",
        lambda s: f"{s!r}",
        lambda s: f"{s:>30}",
        lambda s: str([s]),
        lambda s: str({"client_secret": s}),
        # logging formats records with %, so this is what a logged secret looks like.
        lambda s: logging.LogRecord("ct", logging.INFO, __file__, 1, "%s", (s,), None).getMessage(),
    ],
    ids=["repr", "str", "f-string", "f-string-repr", "format-spec", "list", "dict", "logging"],
)
def test_secret_never_renders_its_value(render: Callable[[Secret], str]) -> None:
    """Every way of turning a Secret into text shows the mask, never the value."""
    text = render(Secret(SECRET_VALUE))
    assert SECRET_VALUE not in text
    assert "Secret('****')" in text


def test_secret_reveals_its_value_on_request() -> None:
    """reveal() returns the wrapped value unchanged."""
    assert Secret(SECRET_VALUE).reveal() == SECRET_VALUE


def test_secret_compares_by_value() -> None:
    """Secrets with equal values are equal; a Secret never equals a plain string."""
    assert Secret(SECRET_VALUE) == Secret(SECRET_VALUE)
    assert Secret(SECRET_VALUE) != Secret("other")
    assert Secret(SECRET_VALUE) != SECRET_VALUE


def test_secret_is_unhashable() -> None:
    """A Secret cannot be hashed, so it cannot become a dict key or set member."""
    with pytest.raises(TypeError, match="unhashable"):
        hash(Secret(SECRET_VALUE))


def test_secret_refuses_pickling() -> None:
    """Pickling a Secret raises instead of writing the value into the pickle."""
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(SECRET_VALUE))


def test_secret_is_immutable_and_copies_to_itself() -> None:
    """A Secret's value cannot be replaced, and copying returns the same object."""
    secret = Secret(SECRET_VALUE)
    with pytest.raises(AttributeError):
        secret._value = "changed"
    with pytest.raises(AttributeError):
        del secret._value
    assert copy.copy(secret) is secret
    assert copy.deepcopy({"s": secret})["s"] is secret


@pytest.mark.parametrize(
    ("value", "error"),
    [("", ValueError), (None, TypeError), (b"bytes", TypeError)],
    ids=["empty", "none", "bytes"],
)
def test_secret_requires_a_non_empty_string(value: object, error: type[Exception]) -> None:
    """Only a non-empty str can be wrapped."""
    with pytest.raises(error):
        Secret(value)  # type: ignore[arg-type]
