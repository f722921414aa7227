"""Runs operations over an ``httpx.Client``: retries (stamina), rate limit, errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

import httpx
import stamina

from .account_book import AccountBook
from .calls import HttpCall, HttpResult, Operation
from .protocol import interpret, prepare, retry_hook, retry_kwargs, transport_error
from .rate_limit import TokenBucket
from .settings import Settings

__all__ = ["SyncDriver"]

_T = TypeVar("_T")


class SyncDriver:
    """One client's way to the network; ``sleep`` and ``clock`` are replaceable in tests."""

    def __init__(
        self,
        http: httpx.Client,
        settings: Settings,
        limiter: TokenBucket | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.settings = settings
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.accounts = AccountBook()

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
        args = prepare(call, self.settings).as_kwargs()
        for attempt in stamina.retry_context(on=retry_hook(call), **retry_kwargs(self.settings)):
            with attempt:
                if call.rate_limited and self.limiter is not None:
                    delay = self.limiter.reserve()
                    if delay > 0:
                        self.sleep(delay)
                try:
                    response = self.http.request(**args)
                except httpx.RequestError as exc:
                    raise transport_error(exc, call, self.settings) from exc
                return interpret(call, response, attempt.num, self.settings)
        raise AssertionError("unreachable: stamina re-raises the last failure")
