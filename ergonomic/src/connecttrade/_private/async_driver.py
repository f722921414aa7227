"""Runs operations over an ``httpx.AsyncClient``: retries (stamina), rate limit, errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import httpx
import stamina

from .account_book import AccountBook
from .calls import HttpCall, HttpResult, Operation
from .protocol import interpret, prepare, retry_hook, retry_kwargs, transport_error
from .rate_limit import TokenBucket
from .settings import Settings

__all__ = ["AsyncDriver"]

_T = TypeVar("_T")


class AsyncDriver:
    """One async client's way to the network; ``sleep`` and ``clock`` are replaceable."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: Settings,
        limiter: TokenBucket | None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.settings = settings
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.accounts = AccountBook()

    async def run(self, operation: Operation[_T]) -> _T:
        """Drive ``operation`` to its end, answering each call it yields."""
        try:
            call = next(operation)
            while True:
                call = operation.send(await self.send(call))
        except StopIteration as done:
            return cast(_T, done.value)
        finally:
            operation.close()

    async def send(self, call: HttpCall) -> HttpResult:
        """Make one call, retrying as its policy allows."""
        args = prepare(call, self.settings).as_kwargs()
        async for attempt in stamina.retry_context(
            on=retry_hook(call), **retry_kwargs(self.settings)
        ):
            with attempt:
                if call.rate_limited and self.limiter is not None:
                    delay = self.limiter.reserve()
                    if delay > 0:
                        await self.sleep(delay)
                try:
                    response = await self.http.request(**args)
                except httpx.RequestError as exc:
                    raise transport_error(exc, call, self.settings) from exc
                return interpret(call, response, attempt.num, self.settings)
        raise AssertionError("unreachable: stamina re-raises the last failure")
