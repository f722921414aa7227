"""Feed an :class:`~connecttrade.agent.AlertMonitor` from the SDK's streams, no polling.

```python
with connecttrade.SyncAccountView(client) as view, StreamAlerts(monitor, view):
    ...   # rejections, partial fills, margin moves and outages alert as they happen
```

:class:`StreamAlerts` attaches a monitor to one stream or live account view until
:meth:`~StreamAlerts.detach`:

- every connection change goes to ``observe_stream_state`` (a drop alerts once per
  outage: the reconnect attempts that follow are the same outage, and going live again
  ends it). A stream you close yourself is not an outage; one stopped for good by the
  server (refused credentials, a replaced session) is;
- order updates go to ``observe_order`` (rejections, partial fills) and balance updates
  to ``observe_balance`` (buying power and margin thresholds).

Attached to a live account view, orders and balances come from the view's changes
instead of the raw stream: they are applied by version, and the view's REST sync after
every reconnect also reports what changed while the stream was down (an order rejected
during an outage still alerts). Its first sync reports today's rejected and partly
filled orders, as :meth:`~connecttrade.agent.AlertMonitor.poll` does. Attached to a bare
brokerage stream, an update missed during an outage is not seen.

The monitor is called on the stream's thread (the event loop for async sources, the
background thread for sync ones): keep alert callbacks quick.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeAlias

from connecttrade.agent.alerts.monitor import AlertMonitor
from connecttrade.streams.account_state import AccountChange
from connecttrade.streams.account_view import LiveAccountView
from connecttrade.streams.brokerage import BrokerageStream
from connecttrade.streams.market_data import MarketDataStream
from connecttrade.streams.state import StateChanged, StreamState
from connecttrade.streams.sync import SyncAccountView, SyncBrokerageStream, SyncMarketDataStream
from connecttrade.types.brokerage_events import BalanceUpdate, OrderUpdate
from connecttrade.types.results import Balance, Order

__all__ = ["AlertSource", "StreamAlerts"]

#: What :class:`StreamAlerts` can attach to.
AlertSource: TypeAlias = (
    BrokerageStream
    | MarketDataStream
    | SyncBrokerageStream
    | SyncMarketDataStream
    | LiveAccountView
    | SyncAccountView
)


def _default_name(source: AlertSource) -> str:
    if isinstance(source, MarketDataStream | SyncMarketDataStream):
        return "market_data"
    return "brokerage"


class StreamAlerts:
    """Feeds ``monitor`` from ``source`` until :meth:`detach` (or the ``with`` block ends).

    ``name`` is the stream's name in disconnect alerts (default ``brokerage`` or
    ``market_data``); give streams of the same kind different names to track their
    outages apart.
    """

    def __init__(
        self, monitor: AlertMonitor, source: AlertSource, *, name: str | None = None
    ) -> None:
        if not isinstance(monitor, AlertMonitor):
            raise TypeError(f"monitor: expected an AlertMonitor, got {type(monitor).__name__}")
        self._monitor = monitor
        self._name = name if name is not None else _default_name(source)
        self._removers: list[Callable[[], None]] = []
        if isinstance(source, LiveAccountView):
            self._removers.append(source.on_change(self._on_change))
            self._removers.append(source.stream.add_listener(self._on_state))
        elif isinstance(source, SyncAccountView):
            self._removers.append(source.on_change(self._on_change))
            self._removers.append(source.add_stream_listener(self._on_state))
        elif isinstance(
            source,
            BrokerageStream | MarketDataStream | SyncBrokerageStream | SyncMarketDataStream,
        ):
            self._removers.append(source.add_listener(self._on_stream_event))
        else:
            raise TypeError(
                "source: expected a brokerage or market-data stream or a live account view, "
                f"got {type(source).__name__}"
            )

    @property
    def name(self) -> str:
        """The stream's name in disconnect alerts."""
        return self._name

    @property
    def attached(self) -> bool:
        """Whether the monitor is still fed."""
        return bool(self._removers)

    def detach(self) -> None:
        """Stop feeding the monitor; safe to call twice."""
        removers, self._removers = self._removers, []
        for remove in removers:
            remove()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.detach()

    def __repr__(self) -> str:
        return f"StreamAlerts(name={self._name!r}, attached={self.attached})"

    # ------------------------------------------------------------------ listeners
    def _on_stream_event(self, event: object) -> None:
        if isinstance(event, OrderUpdate):
            self._monitor.observe_order(event.order)
        elif isinstance(event, BalanceUpdate):
            self._monitor.observe_balance(event.balance)
        else:
            self._on_state(event)

    def _on_state(self, event: object) -> None:
        if not isinstance(event, StateChanged):
            return
        if event.state is StreamState.CLOSED and event.error is None:
            return  # closed on purpose by its owner: not an outage
        self._monitor.observe_stream_state(
            event.previous, event.state, event.reason, stream=self._name
        )

    def _on_change(self, change: AccountChange) -> None:
        if isinstance(change.value, Order):
            self._monitor.observe_order(change.value)
        elif isinstance(change.value, Balance):
            self._monitor.observe_balance(change.value)
