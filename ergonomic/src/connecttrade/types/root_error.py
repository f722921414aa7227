"""The root of the SDK's errors, here in the bottom layer so that every layer can use it.

:class:`ConnectTradeError` is defined here, beneath the values, because the values'
own errors (``InvalidOrder``, ``InvalidStrategy``, ``InvalidOptionSymbol``,
``InvalidEquitySymbol``) are SDK errors too; :mod:`connecttrade._exceptions` re-exports it
and draws the whole tree.
"""

from __future__ import annotations

__all__ = ["ConnectTradeError"]


class ConnectTradeError(Exception):
    """The root of every error this SDK raises (see the tree in ``connecttrade._exceptions``).

    ``cl_order_id`` is set on every error raised by ``orders.place``: the client order id
    the placement used (the order's own, or the one generated for it), so that after a
    timeout the order can be found with ``orders.get_by_cl_order_id`` or placed again
    under the same id. It is ``None`` on errors of other calls.
    """

    cl_order_id: str | None = None
