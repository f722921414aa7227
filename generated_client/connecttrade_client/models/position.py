from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument

T = TypeVar("T", bound="Position")


@_attrs_define
class Position:
    """A holding. Negative quantity is a short position. P&L fields may be null where a broker does not report them.
    `version` grows by one with every change the stream reports, so a REST answer and stream updates can be told apart
    by age.

        Attributes:
            account_id (str):
            symbol (str):
            instrument (Instrument): STK equity, OPT single-leg option, MLEG_OPT multi-leg option, FUT future, CRYPTO spot
                crypto (CRYPTO is this contract's name; the vendor docs only say crypto is traded).
            quantity (str): Signed quantity (contracts for options and futures).
            avg_price (str): Average entry price per share or contract unit.
            cost_basis (str): avg_price x |quantity| x multiplier.
            multiplier (str): Contract multiplier: 1 for equities, 100 for options.
            last_price (None | str): Latest trade or mid price.
            market_value (None | str): quantity x last_price x multiplier.
            unrealized_pl (None | str): market_value - cost_basis (sign-adjusted for shorts).
            realized_pl (None | str): Realized P&L of closed parts of the position.
            daily_pl (None | str): P&L since the previous close.
            total_pl (None | str): realized_pl + unrealized_pl.
            version (str): Per-position version, +1 per change the stream reports: every fill booked into the position (1
                after the fill that opens it; it keeps counting when the position closes and reopens). Price moves and the new-
                day reset of daily figures (last_price, market_value, the P&L fields) are not such changes: they are not
                streamed and leave the version as it is. Equals the `version` of the position_update that reported the latest
                change.
    """

    account_id: str
    symbol: str
    instrument: Instrument
    quantity: str
    avg_price: str
    cost_basis: str
    multiplier: str
    last_price: None | str
    market_value: None | str
    unrealized_pl: None | str
    realized_pl: None | str
    daily_pl: None | str
    total_pl: None | str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        symbol = self.symbol

        instrument = self.instrument.value

        quantity = self.quantity

        avg_price = self.avg_price

        cost_basis = self.cost_basis

        multiplier = self.multiplier

        last_price: None | str
        last_price = self.last_price

        market_value: None | str
        market_value = self.market_value

        unrealized_pl: None | str
        unrealized_pl = self.unrealized_pl

        realized_pl: None | str
        realized_pl = self.realized_pl

        daily_pl: None | str
        daily_pl = self.daily_pl

        total_pl: None | str
        total_pl = self.total_pl

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "symbol": symbol,
                "instrument": instrument,
                "quantity": quantity,
                "avg_price": avg_price,
                "cost_basis": cost_basis,
                "multiplier": multiplier,
                "last_price": last_price,
                "market_value": market_value,
                "unrealized_pl": unrealized_pl,
                "realized_pl": realized_pl,
                "daily_pl": daily_pl,
                "total_pl": total_pl,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        symbol = d.pop("symbol")

        instrument = Instrument(d.pop("instrument"))

        quantity = d.pop("quantity")

        avg_price = d.pop("avg_price")

        cost_basis = d.pop("cost_basis")

        multiplier = d.pop("multiplier")

        def _parse_last_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_price = _parse_last_price(d.pop("last_price"))

        def _parse_market_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        market_value = _parse_market_value(d.pop("market_value"))

        def _parse_unrealized_pl(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unrealized_pl = _parse_unrealized_pl(d.pop("unrealized_pl"))

        def _parse_realized_pl(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        realized_pl = _parse_realized_pl(d.pop("realized_pl"))

        def _parse_daily_pl(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        daily_pl = _parse_daily_pl(d.pop("daily_pl"))

        def _parse_total_pl(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        total_pl = _parse_total_pl(d.pop("total_pl"))

        version = d.pop("version")

        position = cls(
            account_id=account_id,
            symbol=symbol,
            instrument=instrument,
            quantity=quantity,
            avg_price=avg_price,
            cost_basis=cost_basis,
            multiplier=multiplier,
            last_price=last_price,
            market_value=market_value,
            unrealized_pl=unrealized_pl,
            realized_pl=realized_pl,
            daily_pl=daily_pl,
            total_pl=total_pl,
            version=version,
        )

        position.additional_properties = d
        return position

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
