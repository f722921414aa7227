"""The sans-IO vocabulary: an operation yields :class:`HttpCall` values and receives results.

An operation is written once, as a generator::

    def list_accounts(...) -> Operation[list[Account]]:
        result = yield HttpCall(...)
        return [parse.account(item) for item in result.body]

and the sync and async drivers run it over ``httpx.Client`` or ``httpx.AsyncClient``.
The driver does everything that touches the network: credentials, retries, the order
rate limit, turning error statuses into exceptions.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeAlias, TypeVar

__all__ = ["Auth", "HttpCall", "HttpResult", "Operation", "Retry", "from_generated"]

_T = TypeVar("_T")


class Auth(Enum):
    """Which credentials a call sends."""

    #: The platform pair only (user management).
    CLIENT = "client"
    #: The platform pair and the end user's pair.
    USER = "user"


class Retry(Enum):
    """When a failed attempt may be sent again."""

    #: Repeating the call cannot do anything twice (GET, DELETE, and order calls made
    #: idempotent by their client order id): retry connection failures, 429 and 5xx.
    SAFE = "safe"
    #: Repeating could act twice (create a user, rotate a secret): retry only failures
    #: where the request never reached the service (connect errors, 429).
    UNSENT = "unsent"


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request an operation wants made; the path is relative to the base URL."""

    method: str
    path: str
    auth: Auth
    retry: Retry
    params: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    #: Order placement, modification and cancellation: counted by the client's rate limiter.
    rate_limited: bool = False
    #: Statuses that, answering a *retry*, mean an earlier attempt already took effect
    #: (409 for a repeated client order id, 404 for a repeated delete). They are handed to
    #: the operation to resolve instead of being raised. On a first attempt they raise.
    settled_on_retry: frozenset[int] = frozenset()
    #: Statuses handed to the operation to resolve on any attempt, the first included (a
    #: 409 for a placement whose client order id may name an order placed before).
    settled: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class HttpResult:
    """A 2xx answer, a ``settled`` status, or a ``settled_on_retry`` status answering a retry."""

    status_code: int
    body: object
    request_id: str | None
    attempt: int
    #: For a settled error status, its message as raised errors carry it (``message``, else
    #: the body's text; secrets masked); empty for a 2xx.
    message: str = ""


Operation: TypeAlias = Generator[HttpCall, HttpResult, _T]


def from_generated(
    kwargs: Mapping[str, Any],
    *,
    auth: Auth,
    retry: Retry,
    rate_limited: bool = False,
    settled_on_retry: frozenset[int] = frozenset(),
    settled: frozenset[int] = frozenset(),
) -> HttpCall:
    """Turn the generated client's ``_get_kwargs(...)`` into an :class:`HttpCall`.

    Paths, query parameters and bodies come from codegen, so a contract change reaches
    the SDK by regenerating.
    """
    params = {name: str(value) for name, value in dict(kwargs.get("params") or {}).items()}
    return HttpCall(
        method=str(kwargs["method"]).upper(),
        path=str(kwargs["url"]),
        auth=auth,
        retry=retry,
        params=params,
        json=kwargs.get("json"),
        rate_limited=rate_limited,
        settled_on_retry=settled_on_retry,
        settled=settled,
    )
