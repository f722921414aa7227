"""The REST clients: ``Client`` and ``AsyncClient``, their resources and order handles.

Sync and async twins (``client``/``async_client``, ``resources``/``async_resources``) are
kept in step by construction: ``tests/ergonomic/test_twins.py`` fails when their public
names, signatures or docstrings drift apart. Above the HTTP layer (:mod:`connecttrade._http`),
below the streams.
"""

from __future__ import annotations

from connecttrade.rest.async_client import (
    AsyncClient,
)
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
from connecttrade.rest.client import (
    Client,
)
from connecttrade.rest.order_handle import (
    AsyncOrderHandle,
    OrderHandle,
)
from connecttrade.rest.order_tracker import (
    OrderTracker,
)
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

__all__ = [
    "Accounts",
    "AgentTokens",
    "AsyncAccounts",
    "AsyncAgentTokens",
    "AsyncBalances",
    "AsyncClient",
    "AsyncConnections",
    "AsyncOrderHandle",
    "AsyncOrders",
    "AsyncPortfolio",
    "AsyncPositions",
    "AsyncTransactions",
    "AsyncUsers",
    "Balances",
    "Client",
    "Connections",
    "OrderHandle",
    "OrderTracker",
    "Orders",
    "Portfolio",
    "Positions",
    "Transactions",
    "Users",
]
