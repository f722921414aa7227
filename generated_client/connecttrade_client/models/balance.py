from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_type import AccountType
from ..models.broker_code import BrokerCode

T = TypeVar("T", bound="Balance")


@_attrs_define
class Balance:
    """Cash, buying power and margin of one account. Money is a decimal string; brokers that do not report a figure send
    null. `version` grows by one with every change the stream reports, so a REST answer and stream updates can be told
    apart by age.

        Attributes:
            account_id (str):
            account_number (str):
            broker (BrokerCode): Broker code as the API returns it (upper case). Requests accept any case.
                INTERACTIVEBROKERS, MOOMOO, STERLING, TRADIER and SCHWAB are not in the vendor's code table; they follow its
                naming rule (name in capitals, no spaces). New brokers are added monthly (the vendor's pages): the list is the
                codes known to this contract, and an answer may carry a code added since. The SDK keeps such a code readable as
                text (`Broker` members for the known ones).
            account_type (AccountType): Cash accounts cannot sell short or borrow; margin accounts use Reg T.
            currency (str):
            cash (str): Settled plus unsettled cash.
            buying_power (str): What new orders may spend now (Reg T 2x equity less margin used on margin accounts).
            equity (str): cash + long market value - short market value.
            long_market_value (str): Market value of long positions.
            short_market_value (str): Market value of short positions, as a positive number.
            margin_used (None | str): Initial margin held by positions and reserved by open orders.
            open_orders_reserved (None | str): Buying power reserved by open orders.
            maintenance_margin (None | str): Maintenance requirement of the positions.
            collateral (None | str): Value pledged as collateral (marginable securities at their loan value).
            realized_pl (None | str): Realized P&L today.
            daily_pl (None | str): Change of equity since the previous close.
            version (str): Per-account balance version, starting at 0, +1 per change the stream reports: cash moving (fills,
                fees, deposits, withdrawals) and open orders reserving or releasing buying power (accepted, replaced, cancelled,
                expired, filled). Price moves and the new-day reset of daily figures (market values, equity, buying power, P&L)
                are not such changes: they are not streamed and leave the version as it is. Equals the `version` of the
                balance_update that reported the latest change.
    """

    account_id: str
    account_number: str
    broker: BrokerCode
    account_type: AccountType
    currency: str
    cash: str
    buying_power: str
    equity: str
    long_market_value: str
    short_market_value: str
    margin_used: None | str
    open_orders_reserved: None | str
    maintenance_margin: None | str
    collateral: None | str
    realized_pl: None | str
    daily_pl: None | str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        account_number = self.account_number

        broker = self.broker.value

        account_type = self.account_type.value

        currency = self.currency

        cash = self.cash

        buying_power = self.buying_power

        equity = self.equity

        long_market_value = self.long_market_value

        short_market_value = self.short_market_value

        margin_used: None | str
        margin_used = self.margin_used

        open_orders_reserved: None | str
        open_orders_reserved = self.open_orders_reserved

        maintenance_margin: None | str
        maintenance_margin = self.maintenance_margin

        collateral: None | str
        collateral = self.collateral

        realized_pl: None | str
        realized_pl = self.realized_pl

        daily_pl: None | str
        daily_pl = self.daily_pl

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "account_number": account_number,
                "broker": broker,
                "account_type": account_type,
                "currency": currency,
                "cash": cash,
                "buying_power": buying_power,
                "equity": equity,
                "long_market_value": long_market_value,
                "short_market_value": short_market_value,
                "margin_used": margin_used,
                "open_orders_reserved": open_orders_reserved,
                "maintenance_margin": maintenance_margin,
                "collateral": collateral,
                "realized_pl": realized_pl,
                "daily_pl": daily_pl,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        account_number = d.pop("account_number")

        broker = BrokerCode(d.pop("broker"))

        account_type = AccountType(d.pop("account_type"))

        currency = d.pop("currency")

        cash = d.pop("cash")

        buying_power = d.pop("buying_power")

        equity = d.pop("equity")

        long_market_value = d.pop("long_market_value")

        short_market_value = d.pop("short_market_value")

        def _parse_margin_used(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        margin_used = _parse_margin_used(d.pop("margin_used"))

        def _parse_open_orders_reserved(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        open_orders_reserved = _parse_open_orders_reserved(d.pop("open_orders_reserved"))

        def _parse_maintenance_margin(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        maintenance_margin = _parse_maintenance_margin(d.pop("maintenance_margin"))

        def _parse_collateral(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        collateral = _parse_collateral(d.pop("collateral"))

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

        version = d.pop("version")

        balance = cls(
            account_id=account_id,
            account_number=account_number,
            broker=broker,
            account_type=account_type,
            currency=currency,
            cash=cash,
            buying_power=buying_power,
            equity=equity,
            long_market_value=long_market_value,
            short_market_value=short_market_value,
            margin_used=margin_used,
            open_orders_reserved=open_orders_reserved,
            maintenance_margin=maintenance_margin,
            collateral=collateral,
            realized_pl=realized_pl,
            daily_pl=daily_pl,
            version=version,
        )

        balance.additional_properties = d
        return balance

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
