"""Runs operations over an ``httpx.Client``: retries (stamina), rate limit, errors.

Twins, kept in step by construction: this module and its twin
:mod:`connecttrade._http.async_driver` have the same public names, signatures and
docstrings, modulo ``async``/``await``, ``Async``-prefixed types and the docstring words
of ``tests/ergonomic/test_twins.py`` (``an AsyncClient`` reads ``a Client``, ``async
with`` reads ``with``); that test fails on any other drift, so change both or neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

import httpx
import stamina

from connecttrade._http.account_book import AccountBook
from connecttrade._http.auth_headers import AuthHeaders
from connecttrade._http.calls import HttpCall, HttpResult, Operation
from connecttrade._http.protocol import (
    MOCK_CLOCK_HEADER,
    RequestArgs,
    build_request,
    interpret,
    prepare,
    retry_hook,
    retry_kwargs,
    transport_error,
)
from connecttrade._http.rate_limit import TokenBucket
from connecttrade._http.retry_log import retrying
from connecttrade._http.settings import Settings
from connecttrade._http.url_book import UrlBook

__all__ = ["SyncDriver"]

_T = TypeVar("_T")


class SyncDriver:
    """One client's way to the network; ``sleep`` and ``clock`` are replaceable in tests.

    ``pool_settings`` are the settings whose headers the pool carries (a pool the client
    made, see :mod:`.auth_headers`), or ``None`` for a pool passed in.
    """

    def __init__(
        self,
        http: httpx.Client,
        settings: Settings,
        limiter: TokenBucket | None,
        *,
        pool_settings: Settings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.settings = settings
        self.pool_settings = pool_settings
        self.auth_headers = AuthHeaders(settings, pool_settings)
        self.urls = UrlBook(settings.base_url, parse=isinstance(http, httpx.Client))
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.accounts = AccountBook()
        #: The mock broker's clock mode (``real``, ``fast``, ``manual``) as its latest answer
        #: named it, or ``None`` when the latest answer came from elsewhere.
        self.mock_clock: str | None = None

    def run(self, operation: Operation[_T]) -> _T:
        """Drive ``operation`` to its end, answering each call it yields."""
        try:
            call = next(operation)
            while True:
                call = operation.send(self.send(call))
        except StopIteration as done:
            return cast(_T, done.value)
        finally:
            operation.close()

    def send(self, call: HttpCall) -> HttpResult:
        """Make one call, retrying as its policy allows."""
        args = prepare(call, self.settings, self.auth_headers, self.urls)
        # The first attempt runs outside stamina: setting up its retry machinery costs
        # more than a fast answer takes, and most calls never need it.
        try:
            return self._attempt(call, args, 1)
        except Exception as exc:
            first_failure = exc
        hook = retry_hook(call)
        if not hook(first_failure):
            raise first_failure
        # stamina takes over from the first attempt, whose failure is replayed: its waits,
        # on-retry hooks and testing mode then apply exactly as if it had made that attempt.
        # Retry notices go to the SDK's logger (connecttrade.retries), not stamina's.
        with retrying(call):
            for attempt in stamina.retry_context(on=hook, **retry_kwargs(self.settings)):
                with attempt:
                    if attempt.num == 1:
                        raise first_failure
                    return self._attempt(call, args, attempt.num)
        raise AssertionError("unreachable: stamina re-raises the last failure")

    def _attempt(self, call: HttpCall, args: RequestArgs, number: int) -> HttpResult:
        if call.rate_limited and self.limiter is not None:
            delay = self.limiter.reserve()
            if delay > 0:
                self.sleep(delay)
        try:
            response = self.http.send(build_request(self.http, args))
        except httpx.RequestError as exc:
            raise transport_error(exc, call, self.settings) from exc
        self.mock_clock = response.headers.get(MOCK_CLOCK_HEADER)
        return interpret(call, response, number, self.settings)
