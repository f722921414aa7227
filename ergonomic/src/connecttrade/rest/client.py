"""The synchronous client: ``connecttrade.Client``.

```python
with connecttrade.Client(client_id=..., client_secret=..., user_id=..., user_secret=...) as ct:
    handle = ct.orders.place(connecttrade.limit("AAPL", 10, "171.25", side="BUY"),
                             account_id="acc_...")
    order = handle.wait(timeout=30)
```

Credentials left out are read from ``CONNECTTRADE_CLIENT_ID``, ``CONNECTTRADE_CLIENT_SECRET``,
``CONNECTTRADE_USER_ID``, ``CONNECTTRADE_USER_SECRET`` (and the base URL from
``CONNECTTRADE_BASE_URL``). The user pair is optional: platform calls (``users``) need
only the client pair, and a user-level call without it raises
:class:`~connecttrade._exceptions.MissingCredentialsError` before sending anything.

Twins, kept in step by construction: this module and its twin
:mod:`connecttrade.rest.async_client` have the same public names, signatures and
docstrings, modulo ``async``/``await``, ``Async``-prefixed types and the docstring words
of ``tests/ergonomic/test_twins.py`` (``an AsyncClient`` reads ``a Client``, ``async
with`` reads ``with``); that test fails on any other drift, so change both or neither.
"""

from __future__ import annotations

import httpx

from connecttrade._http.auth_headers import pool_headers
from connecttrade._http.client_base import ClientBase, resolve_client_settings
from connecttrade._http.rate_limit import TokenBucket
from connecttrade._http.settings import DEFAULT_TIMEOUT, Settings, as_timeout
from connecttrade._http.sync_driver import SyncDriver
from connecttrade.rest._closing import ClosedOnExit
from connecttrade.rest.market_data import MarketData
from connecttrade.rest.resources import (
    Accounts,
    AgentTokens,
    Balances,
    Connections,
    Orders,
    Portfolio,
    Positions,
    Transactions,
    Users,
)
from connecttrade.types.secret import Secret

__all__ = ["Client"]

DEFAULT_MAX_RETRIES = 2
DEFAULT_ORDER_RATE = 10.0


class Client(ClientBase, ClosedOnExit):
    """A Connect Trade client over one ``httpx.Client`` connection pool.

    Idempotent calls (GET, DELETE) and order calls are retried on connection errors, 429
    (waiting at least ``Retry-After``) and 5xx, up to ``max_retries`` times with
    exponential backoff and jitter. Order placement, modification and cancellation are
    paced below ``order_rate_per_second`` (``None`` turns pacing off).

    Pass ``http_client`` to use your own ``httpx.Client`` (proxies, transports, tests); it
    is then yours to close, and its own timeout applies unless ``timeout`` is given.
    """

    users: Users
    connections: Connections
    accounts: Accounts
    balances: Balances
    positions: Positions
    orders: Orders
    transactions: Transactions
    agent_tokens: AgentTokens
    portfolio: Portfolio
    market_data: MarketData
    _driver: SyncDriver

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
        http_client: httpx.Client | None = None,
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
            http = httpx.Client(timeout=as_timeout(timeout), headers=pool_headers(settings))
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
        http: httpx.Client,
        *,
        owns_http: bool,
        order_rate: float | None,
        pool_settings: Settings | None,
    ) -> None:
        limiter = None if order_rate is None else TokenBucket(order_rate)
        self._driver = SyncDriver(http, settings, limiter, pool_settings=pool_settings)
        self._owns_http = owns_http
        self._order_rate = order_rate
        self.users = Users(self._driver)
        self.connections = Connections(self._driver)
        self.accounts = Accounts(self._driver)
        self.balances = Balances(self._driver)
        self.positions = Positions(self._driver)
        self.orders = Orders(self._driver)
        self.transactions = Transactions(self._driver)
        self.agent_tokens = AgentTokens(self._driver)
        self.portfolio = Portfolio(self._driver)
        self.market_data = MarketData(self._driver)

    def for_user(self, user_id: str, user_secret: str | Secret) -> Client:
        """A client acting for another end user, sharing this one's connection pool.

        It has its own order pacing and account cache. Closing it leaves the pool open;
        closing this client closes the pool for both.
        """
        clone = object.__new__(Client)
        clone._setup(
            self._driver.settings.for_user(user_id, user_secret),
            self._driver.http,
            owns_http=False,
            order_rate=self._order_rate,
            pool_settings=self._driver.pool_settings,
        )
        return clone

    def close(self) -> None:
        """Close the connection pool, unless it was passed in or is shared from a parent."""
        if self._owns_http:
            self._driver.http.close()
