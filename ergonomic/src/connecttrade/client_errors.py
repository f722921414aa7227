"""Errors the client raises on its own, without an error status from the API.

They join the tree drawn in :mod:`connecttrade.errors`::

    ConnectTradeError
    ├── MissingCredentialsError       a call needs credentials the client was not given
    ├── OrderWaitTimeoutError              an order was not done when the wait ran out
    └── APIError
        └── UnexpectedResponseError   a 2xx answer did not have the contract's shape

None of them carries a secret: messages name fields, never their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connecttrade.errors import APIError, ConnectTradeError

if TYPE_CHECKING:
    from connecttrade.results import Order

__all__ = ["MissingCredentialsError", "OrderWaitTimeoutError", "UnexpectedResponseError"]


class MissingCredentialsError(ConnectTradeError):
    """The client lacks credentials a call needs; raised before any request is sent."""


class UnexpectedResponseError(APIError):
    """A successful answer lacked a field or held a value of the wrong type."""


class OrderWaitTimeoutError(ConnectTradeError, TimeoutError):
    """An order was still open when :meth:`OrderHandle.wait` ran out of time.

    ``order`` is the latest state seen; the order keeps working at the broker.
    """

    def __init__(self, order: Order, timeout: float) -> None:
        self.order = order
        self.timeout = timeout
        super().__init__(
            f"order {order.order_id} is still {order.status} after {timeout:g} seconds"
        )
