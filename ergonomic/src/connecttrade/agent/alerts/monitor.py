"""Alerts on what a supervisor must hear about: rejections, partial fills, disconnects, margin.

```python
monitor = AlertMonitor(callbacks=[page_the_desk], audit=AuditLog("audit.jsonl"),
                       thresholds=MarginThresholds(change_percent=Decimal(10),
                                                   buying_power_floor=Decimal(5000)))
monitor.poll(client)                      # orders and balances over REST
monitor.observe_stream_state("connected", "disconnected", "socket closed")
```

Each alert goes, in this order, to the audit log (``action: "alert"``, ``decision:
"info"``, ``level: "system"``), to the ``connecttrade.agent.alerts`` logger at WARNING,
and to every registered callback; a callback that raises is logged and the others still
run. Alerts are deduplicated: one per order per condition (a rejection, a partial fill),
one per stream outage until the stream is up again, one per crossing of the buying-power
floor, and a margin change is measured from the value last alerted on, so a slow drift
alerts once it has moved far enough and not on every step.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias

from connecttrade.agent.audit import AuditDecision, AuditLevel
from connecttrade.types.enums import OrderStatus
from connecttrade.types.results import Balance, Order

if TYPE_CHECKING:
    from connecttrade.rest.async_client import AsyncClient
    from connecttrade.rest.client import Client

__all__ = [
    "DOWN_STREAM_STATES",
    "Alert",
    "AlertCallback",
    "AlertKind",
    "AlertMonitor",
    "AuditSink",
    "MarginThresholds",
]

# The public logger name, unchanged since alerts became a package.
_log = logging.getLogger("connecttrade.agent.alerts")


#: Stream states that mean the stream is not delivering (compared in lower case).
DOWN_STREAM_STATES: Final = frozenset(
    {"disconnected", "reconnecting", "closed", "closing", "failed", "error", "lost"}
)
# States on the way up: they neither raise an alert nor end an outage.
_TRANSIENT_STREAM_STATES: Final = frozenset(
    {"connecting", "authenticating", "subscribing", "new", "idle"}
)
_WATCHED_MARGIN_FIELDS: Final = ("buying_power", "margin_used")
_HUNDRED: Final = Decimal(100)


class AuditSink(Protocol):
    """Where alerts are recorded: anything with ``AuditLog.append``'s signature."""

    def append(
        self,
        *,
        actor: str,
        level: AuditLevel,
        action: str,
        inputs: Mapping[str, Any],
        decision: AuditDecision,
        rule: str | None = None,
        reason: str | None = None,
        result: Any = None,
    ) -> object: ...


class AlertKind(enum.StrEnum):
    """The condition an alert reports (also its ``rule`` in the audit log)."""

    ORDER_REJECTED = "order_rejected"
    PARTIAL_FILL = "partial_fill"
    STREAM_DISCONNECTED = "stream_disconnected"
    MARGIN_CHANGE = "margin_change"
    BUYING_POWER_FLOOR = "buying_power_floor"


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: what happened, when it was noticed, and to what.

    ``details`` holds the figures behind the message as text (Decimals written exactly).
    """

    kind: AlertKind
    time: dt.datetime
    message: str
    account_id: str | None = None
    order_id: str | None = None
    symbol: str | None = None
    details: Mapping[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The alert as a JSON object (the ``result`` of its audit entry)."""
        return {
            "kind": self.kind.value,
            "time": self.time.isoformat(),
            "message": self.message,
            "account_id": self.account_id,
            "order_id": self.order_id,
            "symbol": self.symbol,
            "details": dict(self.details),
        }


AlertCallback: TypeAlias = Callable[[Alert], object]


def _decimal(name: str, value: Decimal | int | str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name}: {value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{name}: {value!r} is not a finite number")
    return number


@dataclass(frozen=True, slots=True)
class MarginThresholds:
    """When balances alert.

    ``change_percent``: buying power or margin used moving by more than this percentage
    of the value last alerted on (or first seen). ``buying_power_floor``: buying power
    falling below this amount (``None``: no floor).
    """

    change_percent: Decimal = Decimal(10)
    buying_power_floor: Decimal | None = None

    def __post_init__(self) -> None:
        percent = _decimal("change_percent", self.change_percent)
        if percent <= 0:
            raise ValueError(f"change_percent: must be above 0, got {percent}")
        object.__setattr__(self, "change_percent", percent)
        if self.buying_power_floor is not None:
            floor = _decimal("buying_power_floor", self.buying_power_floor)
            object.__setattr__(self, "buying_power_floor", floor)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _state_name(state: object) -> str:
    """A stream state as lower-case text, whether given as an enum member or a string."""
    value = state.value if isinstance(state, enum.Enum) else state
    return str(value).strip().lower()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _order_label(order: Order) -> str:
    what = order.symbol or "/".join(leg.symbol for leg in order.legs) or "?"
    size = order.qty if order.qty is not None else order.notional
    side = f"{order.side} " if order.side is not None else ""
    return f"{side}{_text(size) or '?'} {what}"


class AlertMonitor:
    """Watches orders, balances and stream states and delivers deduplicated alerts.

    Thread-safe: stream callbacks may report states from another thread while a poll
    runs. Callbacks are called in registration order on the thread that observed the
    event; one may call back into the monitor.
    """

    def __init__(
        self,
        *,
        callbacks: Iterable[AlertCallback] = (),
        audit: AuditSink | None = None,
        actor: str = "alert-monitor",
        thresholds: MarginThresholds | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._callbacks: list[AlertCallback] = list(callbacks)
        self._audit = audit
        self._actor = actor
        self.thresholds = thresholds if thresholds is not None else MarginThresholds()
        self._clock = clock
        self._lock = threading.RLock()
        self._history: list[Alert] = []
        self._order_conditions: set[tuple[str, AlertKind]] = set()
        self._margin_baseline: dict[tuple[str, str], Decimal] = {}
        self._below_floor: set[str] = set()
        self._down_streams: set[str] = set()

    def __repr__(self) -> str:
        return f"AlertMonitor(actor={self._actor!r}, alerts={len(self._history)})"

    @property
    def alerts(self) -> tuple[Alert, ...]:
        """Every alert delivered so far, oldest first."""
        with self._lock:
            return tuple(self._history)

    def add_callback(self, callback: AlertCallback) -> None:
        """Deliver future alerts to ``callback`` too."""
        with self._lock:
            self._callbacks.append(callback)

    # ------------------------------------------------------------------ observations
    def observe_order(self, order: Order) -> list[Alert]:
        """Alert on a rejected or partially filled order (once per order and condition)."""
        found: list[Alert | None] = []
        if order.status == OrderStatus.REJECTED:
            reason = order.reject_reason or "no reason given"
            found.append(
                self._order_alert(
                    order,
                    AlertKind.ORDER_REJECTED,
                    f"Order {order.order_id} ({_order_label(order)}) was rejected: {reason}",
                    {"reject_reason": order.reject_reason, "status": str(order.status)},
                )
            )
        if _is_partial(order):
            filled, ordered = _text(order.filled_qty), _text(order.qty)
            price = _text(order.avg_fill_price)
            found.append(
                self._order_alert(
                    order,
                    AlertKind.PARTIAL_FILL,
                    f"Order {order.order_id} ({_order_label(order)}) partially filled: "
                    f"{filled} of {ordered or '?'} at average {price or '?'} "
                    f"(status {order.status})",
                    {
                        "filled_qty": filled,
                        "qty": ordered,
                        "avg_fill_price": price,
                        "status": str(order.status),
                    },
                )
            )
        return self._deliver([alert for alert in found if alert is not None])

    def observe_balance(self, balance: Balance) -> list[Alert]:
        """Alert when buying power or margin used moved past the threshold or the floor."""
        found: list[Alert] = []
        with self._lock:
            for name in _WATCHED_MARGIN_FIELDS:
                value: Decimal | None = getattr(balance, name)
                if value is None:
                    continue
                key = (balance.account_id, name)
                before = self._margin_baseline.get(key)
                if before is None:
                    self._margin_baseline[key] = value
                    continue
                moved = _percent_change(before, value)
                if moved is None or moved <= self.thresholds.change_percent:
                    continue
                self._margin_baseline[key] = value
                found.append(
                    Alert(
                        kind=AlertKind.MARGIN_CHANGE,
                        time=self._clock(),
                        message=(
                            f"{name.replace('_', ' ').capitalize()} of {balance.account_id} "
                            f"{_describe_move(before, value, moved)} from {_text(before)} to "
                            f"{_text(value)} (threshold {_text(self.thresholds.change_percent)}%)"
                        ),
                        account_id=balance.account_id,
                        details={
                            "field": name,
                            "before": _text(before),
                            "after": _text(value),
                            "change_percent": _text(moved),
                        },
                    )
                )
            floor = self.thresholds.buying_power_floor
            if floor is not None:
                below = balance.buying_power < floor
                if below and balance.account_id not in self._below_floor:
                    self._below_floor.add(balance.account_id)
                    found.append(
                        Alert(
                            kind=AlertKind.BUYING_POWER_FLOOR,
                            time=self._clock(),
                            message=(
                                f"Buying power of {balance.account_id} is "
                                f"{_text(balance.buying_power)}, below the floor of "
                                f"{_text(floor)}"
                            ),
                            account_id=balance.account_id,
                            details={
                                "buying_power": _text(balance.buying_power),
                                "floor": _text(floor),
                            },
                        )
                    )
                elif not below:
                    self._below_floor.discard(balance.account_id)
        return self._deliver(found)

    def observe_stream_state(
        self, old: object, new: object, reason: str | None = None, *, stream: str = "stream"
    ) -> list[Alert]:
        """Alert when ``stream`` goes down (once per outage; it ends when the stream is up).

        States are strings or enum members, compared in lower case: one of
        :data:`DOWN_STREAM_STATES` means down; ``connecting`` and similar states on the way
        up change nothing; any other state means up.
        """
        before, after = _state_name(old), _state_name(new)
        found: list[Alert] = []
        with self._lock:
            if after in DOWN_STREAM_STATES:
                if stream not in self._down_streams:
                    self._down_streams.add(stream)
                    because = f": {reason}" if reason else ""
                    found.append(
                        Alert(
                            kind=AlertKind.STREAM_DISCONNECTED,
                            time=self._clock(),
                            message=f"Stream {stream!r} went from {before} to {after}{because}",
                            details={
                                "stream": stream,
                                "old_state": before,
                                "new_state": after,
                                "reason": reason,
                            },
                        )
                    )
            elif after not in _TRANSIENT_STREAM_STATES:
                self._down_streams.discard(stream)
        return self._deliver(found)

    # ------------------------------------------------------------------ polling
    def poll(
        self,
        client: Client,
        account_ids: Iterable[str] | None = None,
        *,
        since: dt.datetime | None = None,
    ) -> list[Alert]:
        """Read orders and balances over REST and observe them; return the new alerts.

        ``account_ids`` defaults to every account of the client's user. Orders are those
        created since ``since`` (default: the broker's current day), in every status.
        API errors propagate as the SDK's typed errors.
        """
        accounts = (
            list(account_ids)
            if account_ids is not None
            else [account.account_id for account in client.accounts.list()]
        )
        new: list[Alert] = []
        for account_id in accounts:
            for order in client.orders.list(account_id, status="all", start_time=since):
                new += self.observe_order(order)
            for balance in client.balances.list(account_id=account_id):
                new += self.observe_balance(balance)
        return new

    async def poll_async(
        self,
        client: AsyncClient,
        account_ids: Iterable[str] | None = None,
        *,
        since: dt.datetime | None = None,
    ) -> list[Alert]:
        """:meth:`poll` with an :class:`~connecttrade.AsyncClient`."""
        accounts = (
            list(account_ids)
            if account_ids is not None
            else [account.account_id for account in await client.accounts.list()]
        )
        new: list[Alert] = []
        for account_id in accounts:
            async for order in client.orders.list(account_id, status="all", start_time=since):
                new += self.observe_order(order)
            for balance in await client.balances.list(account_id=account_id):
                new += self.observe_balance(balance)
        return new

    # ------------------------------------------------------------------ delivery
    def _order_alert(
        self,
        order: Order,
        kind: AlertKind,
        message: str,
        details: Mapping[str, str | None],
    ) -> Alert | None:
        with self._lock:
            key = (order.order_id, kind)
            if key in self._order_conditions:
                return None
            self._order_conditions.add(key)
        return Alert(
            kind=kind,
            time=self._clock(),
            message=message,
            account_id=order.account_id,
            order_id=order.order_id,
            symbol=order.symbol,
            details=details,
        )

    def _deliver(self, alerts: list[Alert]) -> list[Alert]:
        for alert in alerts:
            with self._lock:
                self._history.append(alert)
                callbacks = list(self._callbacks)
            self._record(alert)
            _log.warning(
                "alert %s: %s", alert.kind.value, alert.message, extra={"alert": alert.to_json()}
            )
            for callback in callbacks:
                try:
                    callback(alert)
                except Exception:
                    _log.exception("alert callback %r failed on %s", callback, alert.kind.value)
        return alerts

    def _record(self, alert: Alert) -> None:
        if self._audit is None:
            return
        try:
            self._audit.append(
                actor=self._actor,
                level="system",
                action="alert",
                inputs={
                    "kind": alert.kind.value,
                    "account_id": alert.account_id,
                    "order_id": alert.order_id,
                },
                decision="info",
                rule=alert.kind.value,
                reason=alert.message,
                result=alert.to_json(),
            )
        except Exception:
            # The alert still reaches the logger and callbacks; the failure itself is loud.
            _log.exception("could not write alert %s to the audit log", alert.kind.value)


def _is_partial(order: Order) -> bool:
    """Partly filled: still filling, or ended (cancelled, expired) with some quantity done."""
    if order.status == OrderStatus.PARTIALLY_FILLED:
        return True
    return order.is_done and order.status != OrderStatus.FILLED and order.filled_qty > 0


def _percent_change(before: Decimal, after: Decimal) -> Decimal | None:
    """How far ``after`` is from ``before``, in percent of ``before``; ``None``: no move.

    A move away from zero has no finite percentage and counts as past any threshold.
    """
    if after == before:
        return None
    if before == 0:
        return Decimal("Infinity")
    return abs(after - before) / abs(before) * _HUNDRED


def _describe_move(before: Decimal, after: Decimal, percent: Decimal) -> str:
    verb = "rose" if after > before else "fell"
    if not percent.is_finite():
        return f"{verb} away from zero"
    return f"{verb} {percent.quantize(Decimal('0.01'))}%"
