"""The asynchronous client: ``connecttrade.AsyncClient``, the awaitable twin of ``Client``.

```python
async with connecttrade.AsyncClient(client_id=..., client_secret=...,
                                    user_id=..., user_secret=...) as ct:
    handle = await ct.orders.place(connecttrade.market("AAPL", 1, side="BUY"),
                                   account_id="acc_...")
    order = await handle.wait(timeout=30)
```

Credentials left out are read from ``CONNECTTRADE_CLIENT_ID``, ``CONNECTTRADE_CLIENT_SECRET``,
``CONNECTTRADE_USER_ID``, ``CONNECTTRADE_USER_SECRET`` (and the base URL from
``CONNECTTRADE_BASE_URL``). The user pair is optional: platform calls (``users``) need
only the client pair, and a user-level call without it raises
:class:`~connecttrade._exceptions.MissingCredentialsError` before sending anything.

Twins, kept in step by construction: this module and its twin
:mod:`connecttrade.rest.client` have the same public names, signatures and
docstrings, modulo ``async``/``await``, ``Async``-prefixed types and the docstring words
of ``tests/ergonomic/test_twins.py`` (``an AsyncClient`` reads ``a Client``, ``async
with`` reads ``with``); that test fails on any other drift, so change both or neither.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

import httpx

from connecttrade._http.async_driver import AsyncDriver
from connecttrade._http.auth_headers import pool_headers
from connecttrade._http.client_base import ClientBase, resolve_client_settings
from connecttrade._http.rate_limit import TokenBucket
from connecttrade._http.settings import DEFAULT_TIMEOUT, Settings, as_timeout
from connecttrade.rest.async_resources import (
    AsyncAccounts,
    AsyncAgentTokens,
    AsyncBalances,
    AsyncConnections,
    AsyncOrders,
    AsyncPortfolio,
    AsyncPositions,
    AsyncTransactions,
    AsyncUsers,
)
from connecttrade.rest.market_data import AsyncMarketData
from connecttrade.types.secret import Secret

__all__ = ["AsyncClient"]

DEFAULT_MAX_RETRIES = 2
DEFAULT_ORDER_RATE = 10.0


class AsyncClient(ClientBase):
    """A Connect Trade client over one ``httpx.AsyncClient`` connection pool.

    Idempotent calls (GET, DELETE) and order calls are retried on connection errors, 429
    (waiting at least ``Retry-After``) and 5xx, up to ``max_retries`` times with
    exponential backoff and jitter. Order placement, modification and cancellation are
    paced below ``order_rate_per_second`` (``None`` turns pacing off).

    Pass ``http_client`` to use your own ``httpx.AsyncClient`` (proxies, transports, tests); it
    is then yours to close, and its own timeout applies unless ``timeout`` is given.
    """

    users: AsyncUsers
    connections: AsyncConnections
    accounts: AsyncAccounts
    balances: AsyncBalances
    positions: AsyncPositions
    orders: AsyncOrders
    transactions: AsyncTransactions
    agent_tokens: AsyncAgentTokens
    portfolio: AsyncPortfolio
    market_data: AsyncMarketData
    _driver: AsyncDriver

    def __init__(
        self,
        *,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        user_id: str | None = None,
        user_secret: str | Secret | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        order_rate_per_second: float | None = DEFAULT_ORDER_RATE,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        settings = resolve_client_settings(
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            user_id=user_id,
            user_secret=user_secret,
            timeout=timeout,
            max_retries=max_retries,
            pool_given=http_client is not None,
        )
        owns_http = http_client is None
        # Our own pool carries the headers every call sends (see _http.auth_headers);
        # a pool the caller gives is never changed.
        http = http_client
        if http is None:
            http = httpx.AsyncClient(timeout=as_timeout(timeout), headers=pool_headers(settings))
        self._setup(
            settings,
            http,
            owns_http=owns_http,
            order_rate=order_rate_per_second,
            pool_settings=settings if owns_http else None,
        )

    def _setup(
        self,
        settings: Settings,
        http: httpx.AsyncClient,
        *,
        owns_http: bool,
        order_rate: float | None,
        pool_settings: Settings | None,
    ) -> None:
        limiter = None if order_rate is None else TokenBucket(order_rate)
        self._driver = AsyncDriver(http, settings, limiter, pool_settings=pool_settings)
        self._owns_http = owns_http
        self._order_rate = order_rate
        self.users = AsyncUsers(self._driver)
        self.connections = AsyncConnections(self._driver)
        self.accounts = AsyncAccounts(self._driver)
        self.balances = AsyncBalances(self._driver)
        self.positions = AsyncPositions(self._driver)
        self.orders = AsyncOrders(self._driver)
        self.transactions = AsyncTransactions(self._driver)
        self.agent_tokens = AsyncAgentTokens(self._driver)
        self.portfolio = AsyncPortfolio(self._driver)
        self.market_data = AsyncMarketData(self._driver)

    def for_user(self, user_id: str, user_secret: str | Secret) -> AsyncClient:
        """A client acting for another end user, sharing this one's connection pool.

        It has its own order pacing and account cache. Closing it leaves the pool open;
        closing this client closes the pool for both.
        """
        clone = object.__new__(AsyncClient)
        clone._setup(
            self._driver.settings.for_user(user_id, user_secret),
            self._driver.http,
            owns_http=False,
            order_rate=self._order_rate,
            pool_settings=self._driver.pool_settings,
        )
        return clone

    async def aclose(self) -> None:
        """Close the connection pool, unless it was passed in or is shared from a parent."""
        if self._owns_http:
            await self._driver.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
