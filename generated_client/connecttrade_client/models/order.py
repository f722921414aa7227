from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.broker_code import BrokerCode
from ..models.instrument import Instrument
from ..models.order_side import OrderSide
from ..models.order_status import OrderStatus
from ..models.order_type import OrderType
from ..models.time_in_force import TimeInForce

if TYPE_CHECKING:
    from ..models.fill import Fill
    from ..models.order_leg import OrderLeg


T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """An order as the broker holds it, with its fills. `version` grows by one with every change, so stream updates can be
    applied in order.

        Attributes:
            order_id (str):
            account_id (str):
            cl_order_id (str):
            broker (BrokerCode): Broker code as the API returns it (upper case). Requests accept any case.
                INTERACTIVEBROKERS, MOOMOO, STERLING, TRADIER and SCHWAB are not in the vendor's code table; they follow its
                naming rule (name in capitals, no spaces). New brokers are added monthly (the vendor's pages): the list is the
                codes known to this contract, and an answer may carry a code added since. The SDK keeps such a code readable as
                text (`Broker` members for the known ones).
            instrument (Instrument): STK equity, OPT single-leg option, MLEG_OPT multi-leg option, FUT future, CRYPTO spot
                crypto (CRYPTO is this contract's name; the vendor docs only say crypto is traded).
            symbol (None | str): Null for multi-leg orders.
            side (None | OrderSide): Null for multi-leg orders.
            order_type (OrderType): MKT market, LMT limit, STP stop (becomes market when triggered), STPLMT stop-limit
                (becomes limit when triggered).
            order_tif (TimeInForce): DAY until the regular close; GTC until filled or cancelled; IOC fills what it can now
                and cancels the rest; FOK fills completely now or not at all; OPEN/CLOSE execute at the open/close; DAY+/GTC+
                also trade in extended hours.
            order_qty (None | str): Ordered quantity (null for notional orders until filled).
            order_notional (None | str): Ordered dollar amount for notional orders.
            order_limit_price (None | str): Limit price (net per spread for multi-leg).
            stop_price (None | str): Stop trigger price.
            legs (list[OrderLeg]): Empty unless MLEG_OPT.
            status (OrderStatus): Normalized status. The broker's own status is in `broker_status`.
            broker_status (str): The broker's own status word.
            reject_reason (None | str): Why the broker rejected the order.
            filled_qty (str): Quantity filled so far.
            remaining_qty (None | str): Quantity still working (0 once terminal).
            avg_fill_price (None | str): Volume-weighted average of the fills.
            fills (list[Fill]):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            replaces_order_id (None | str):
            replaced_by_order_id (None | str):
            version (str): Per-order version, starting at 1, +1 per change.
    """

    order_id: str
    account_id: str
    cl_order_id: str
    broker: BrokerCode
    instrument: Instrument
    symbol: None | str
    side: None | OrderSide
    order_type: OrderType
    order_tif: TimeInForce
    order_qty: None | str
    order_notional: None | str
    order_limit_price: None | str
    stop_price: None | str
    legs: list[OrderLeg]
    status: OrderStatus
    broker_status: str
    reject_reason: None | str
    filled_qty: str
    remaining_qty: None | str
    avg_fill_price: None | str
    fills: list[Fill]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    replaces_order_id: None | str
    replaced_by_order_id: None | str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        account_id = self.account_id

        cl_order_id = self.cl_order_id

        broker = self.broker.value

        instrument = self.instrument.value

        symbol: None | str
        symbol = self.symbol

        side: None | str
        if isinstance(self.side, OrderSide):
            side = self.side.value
        else:
            side = self.side

        order_type = self.order_type.value

        order_tif = self.order_tif.value

        order_qty: None | str
        order_qty = self.order_qty

        order_notional: None | str
        order_notional = self.order_notional

        order_limit_price: None | str
        order_limit_price = self.order_limit_price

        stop_price: None | str
        stop_price = self.stop_price

        legs = []
        for legs_item_data in self.legs:
            legs_item = legs_item_data.to_dict()
            legs.append(legs_item)

        status = self.status.value

        broker_status = self.broker_status

        reject_reason: None | str
        reject_reason = self.reject_reason

        filled_qty = self.filled_qty

        remaining_qty: None | str
        remaining_qty = self.remaining_qty

        avg_fill_price: None | str
        avg_fill_price = self.avg_fill_price

        fills = []
        for fills_item_data in self.fills:
            fills_item = fills_item_data.to_dict()
            fills.append(fills_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        replaces_order_id: None | str
        replaces_order_id = self.replaces_order_id

        replaced_by_order_id: None | str
        replaced_by_order_id = self.replaced_by_order_id

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "account_id": account_id,
                "cl_order_id": cl_order_id,
                "broker": broker,
                "instrument": instrument,
                "symbol": symbol,
                "side": side,
                "order_type": order_type,
                "order_tif": order_tif,
                "order_qty": order_qty,
                "order_notional": order_notional,
                "order_limit_price": order_limit_price,
                "stop_price": stop_price,
                "legs": legs,
                "status": status,
                "broker_status": broker_status,
                "reject_reason": reject_reason,
                "filled_qty": filled_qty,
                "remaining_qty": remaining_qty,
                "avg_fill_price": avg_fill_price,
                "fills": fills,
                "created_at": created_at,
                "updated_at": updated_at,
                "replaces_order_id": replaces_order_id,
                "replaced_by_order_id": replaced_by_order_id,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fill import Fill  # noqa: PLC0415
        from ..models.order_leg import OrderLeg  # noqa: PLC0415

        d = dict(src_dict)
        order_id = d.pop("order_id")

        account_id = d.pop("account_id")

        cl_order_id = d.pop("cl_order_id")

        broker = BrokerCode(d.pop("broker"))

        instrument = Instrument(d.pop("instrument"))

        def _parse_symbol(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        symbol = _parse_symbol(d.pop("symbol"))

        def _parse_side(data: object) -> None | OrderSide:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                side_type_0 = OrderSide(data)

                return side_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderSide, data)

        side = _parse_side(d.pop("side"))

        order_type = OrderType(d.pop("order_type"))

        order_tif = TimeInForce(d.pop("order_tif"))

        def _parse_order_qty(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_qty = _parse_order_qty(d.pop("order_qty"))

        def _parse_order_notional(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_notional = _parse_order_notional(d.pop("order_notional"))

        def _parse_order_limit_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_limit_price = _parse_order_limit_price(d.pop("order_limit_price"))

        def _parse_stop_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stop_price = _parse_stop_price(d.pop("stop_price"))

        legs = []
        _legs = d.pop("legs")
        for legs_item_data in _legs:
            legs_item = OrderLeg.from_dict(legs_item_data)

            legs.append(legs_item)

        status = OrderStatus(d.pop("status"))

        broker_status = d.pop("broker_status")

        def _parse_reject_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reject_reason = _parse_reject_reason(d.pop("reject_reason"))

        filled_qty = d.pop("filled_qty")

        def _parse_remaining_qty(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remaining_qty = _parse_remaining_qty(d.pop("remaining_qty"))

        def _parse_avg_fill_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avg_fill_price = _parse_avg_fill_price(d.pop("avg_fill_price"))

        fills = []
        _fills = d.pop("fills")
        for fills_item_data in _fills:
            fills_item = Fill.from_dict(fills_item_data)

            fills.append(fills_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_replaces_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        replaces_order_id = _parse_replaces_order_id(d.pop("replaces_order_id"))

        def _parse_replaced_by_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        replaced_by_order_id = _parse_replaced_by_order_id(d.pop("replaced_by_order_id"))

        version = d.pop("version")

        order = cls(
            order_id=order_id,
            account_id=account_id,
            cl_order_id=cl_order_id,
            broker=broker,
            instrument=instrument,
            symbol=symbol,
            side=side,
            order_type=order_type,
            order_tif=order_tif,
            order_qty=order_qty,
            order_notional=order_notional,
            order_limit_price=order_limit_price,
            stop_price=stop_price,
            legs=legs,
            status=status,
            broker_status=broker_status,
            reject_reason=reject_reason,
            filled_qty=filled_qty,
            remaining_qty=remaining_qty,
            avg_fill_price=avg_fill_price,
            fills=fills,
            created_at=created_at,
            updated_at=updated_at,
            replaces_order_id=replaces_order_id,
            replaced_by_order_id=replaced_by_order_id,
            version=version,
        )

        order.additional_properties = d
        return order

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
