"""The rules of one HTTP exchange, shared by both drivers and free of I/O.

How a call becomes request arguments, how an answer becomes a result or an error, which
failures are retried and how long to wait. The drivers only add the sending.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from connecttrade._exceptions import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    error_for_status,
)
from connecttrade._http.auth_headers import AuthHeaders
from connecttrade._http.calls import HttpCall, HttpResult, Retry
from connecttrade._http.error_body import error_message
from connecttrade._http.settings import Settings
from connecttrade._http.url_book import UrlBook
from connecttrade._wire.fields import decode_json

__all__ = [
    "MOCK_CLOCK_HEADER",
    "RequestArgs",
    "build_request",
    "interpret",
    "log",
    "prepare",
    "retry_hook",
    "retry_kwargs",
    "transport_error",
]

#: The SDK's logger. Records name the method, path, status, request id and attempt: never
#: headers, bodies or secrets.
log = logging.getLogger("connecttrade")

#: The header the mock broker names its clock mode in (``real``, ``fast``, ``manual``).
MOCK_CLOCK_HEADER = "x-connecttrade-mock-clock"

# Exponential backoff with jitter between attempts (seconds), before any Retry-After.
_WAIT_INITIAL = 0.5
_WAIT_MAX = 8.0
_WAIT_JITTER = 0.5

# Failures where the request certainly never reached the service.
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class RequestArgs:
    """One call's request: arguments for ``build_request`` and the pool headers to leave out."""

    method: str
    url: httpx.URL | str
    params: dict[str, str]
    json: object
    #: Headers the pool does not already carry (see :mod:`.auth_headers`); they may hold
    #: secrets, so the repr leaves them out.
    headers: dict[str, str] | None = field(repr=False)
    drop: tuple[str, ...]
    timeout: httpx.Timeout | None

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client.build_request`` (and the async twin's)."""
        kwargs: dict[str, Any] = {"method": self.method, "url": self.url}
        if self.headers:
            kwargs["headers"] = self.headers
        if self.params:  # httpx re-parses the URL to merge even an empty mapping
            kwargs["params"] = self.params
        if self.json is not None:
            kwargs["json"] = self.json
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return kwargs


def prepare(
    call: HttpCall, settings: Settings, auth_headers: AuthHeaders, urls: UrlBook
) -> RequestArgs:
    """The request for ``call``; raises MissingCredentialsError before anything is sent."""
    plan = auth_headers.plan(call)
    return RequestArgs(
        method=call.method,
        url=urls.url(call.path),
        params=dict(call.params),
        json=call.json,
        headers=plan.add,
        drop=plan.drop,
        timeout=settings.timeout,
    )


def build_request(http: httpx.Client | httpx.AsyncClient, args: RequestArgs) -> httpx.Request:
    """What ``http.request(...)`` would send (it is ``build_request`` then ``send``), without
    the pool headers this call must not carry."""
    request = http.build_request(**args.as_kwargs())
    for key in args.drop:
        del request.headers[key]
    return request


def retry_kwargs(settings: Settings) -> dict[str, Any]:
    """Arguments for ``stamina.retry_context``: attempts from ``max_retries``, no time cap."""
    return {
        "attempts": settings.max_retries + 1,
        "timeout": None,
        "wait_initial": _WAIT_INITIAL,
        "wait_max": _WAIT_MAX,
        "wait_jitter": _WAIT_JITTER,
    }


def retry_hook(call: HttpCall) -> Callable[[BaseException], bool | float]:
    """stamina's ``on=`` hook for ``call``: whether to retry, or how long to wait first.

    A 429 is always retried (the service refused before acting) and waits at least its
    ``Retry-After``. Other failures follow the call's :class:`Retry` policy. The hook takes
    any ``BaseException``: stamina 26.2 types ``on=`` hooks that way, and a hook that takes
    the wider type also fits 26.1's ``Exception`` hooks.
    """

    def hook(exc: BaseException) -> bool | float:
        if isinstance(exc, RateLimitError):
            if exc.retry_after is not None and exc.retry_after > 0:
                return exc.retry_after
            return True
        if not isinstance(exc, APIConnectionError | InternalServerError):
            return False
        if call.retry is Retry.SAFE:
            return True
        return isinstance(exc, APIConnectionError) and isinstance(exc.__cause__, _UNSENT)

    return hook


def transport_error(exc: httpx.RequestError, call: HttpCall, settings: Settings) -> Exception:
    """The SDK error for a failure before any answer arrived (chain it with ``from exc``)."""
    where = f"{call.method} {call.path}"
    log.debug("%s failed: %s", where, type(exc).__name__)
    detail = settings.redact(str(exc)) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out ({type(exc).__name__})")
    return APIConnectionError(f"{where} failed: {detail}")


def interpret(
    call: HttpCall, response: httpx.Response, attempt: int, settings: Settings
) -> HttpResult:
    """The result of a 2xx answer (or a settled status on a retry); raise for the rest."""
    request_id = response.headers.get("x-request-id")
    log.debug(
        "%s %s -> %d (request %s, attempt %d)",
        call.method,
        call.path,
        response.status_code,
        request_id,
        attempt,
    )
    body = decode_json(response.content)
    status = response.status_code
    if (
        200 <= status < 300
        or (attempt > 1 and status in call.settled_on_retry)
        or status in call.settled
    ):
        message = "" if 200 <= status < 300 else error_message(response, body, settings.redact)
        return HttpResult(status, body, request_id, attempt, message)
    raise error_for_status(
        status,
        error_message(response, body, settings.redact),
        request_id=request_id,
        response=response,
        retry_after=_retry_after(response.headers.get("retry-after")),
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
