from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_side import OrderSide
from ..models.transaction_type import TransactionType

T = TypeVar("T", bound="Transaction")


@_attrs_define
class Transaction:
    """One movement of cash or securities.

    Attributes:
        transaction_id (str):
        account_id (str):
        type_ (TransactionType): What moved cash or securities.
        time (datetime.datetime):
        trade_date (datetime.date):
        symbol (None | str):
        side (None | OrderSide):
        quantity (None | str): Quantity moved (fills).
        price (None | str): Price per unit (fills).
        amount (str): Signed cash effect on the account.
        order_id (None | str):
        fill_id (None | str):
        description (str):
    """

    transaction_id: str
    account_id: str
    type_: TransactionType
    time: datetime.datetime
    trade_date: datetime.date
    symbol: None | str
    side: None | OrderSide
    quantity: None | str
    price: None | str
    amount: str
    order_id: None | str
    fill_id: None | str
    description: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        transaction_id = self.transaction_id

        account_id = self.account_id

        type_ = self.type_.value

        time = self.time.isoformat()

        trade_date = self.trade_date.isoformat()

        symbol: None | str
        symbol = self.symbol

        side: None | str
        if isinstance(self.side, OrderSide):
            side = self.side.value
        else:
            side = self.side

        quantity: None | str
        quantity = self.quantity

        price: None | str
        price = self.price

        amount = self.amount

        order_id: None | str
        order_id = self.order_id

        fill_id: None | str
        fill_id = self.fill_id

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transaction_id": transaction_id,
                "account_id": account_id,
                "type": type_,
                "time": time,
                "trade_date": trade_date,
                "symbol": symbol,
                "side": side,
                "quantity": quantity,
                "price": price,
                "amount": amount,
                "order_id": order_id,
                "fill_id": fill_id,
                "description": description,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        transaction_id = d.pop("transaction_id")

        account_id = d.pop("account_id")

        type_ = TransactionType(d.pop("type"))

        time = datetime.datetime.fromisoformat(d.pop("time"))

        trade_date = datetime.date.fromisoformat(d.pop("trade_date"))

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

        def _parse_quantity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        price = _parse_price(d.pop("price"))

        amount = d.pop("amount")

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        def _parse_fill_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fill_id = _parse_fill_id(d.pop("fill_id"))

        description = d.pop("description")

        transaction = cls(
            transaction_id=transaction_id,
            account_id=account_id,
            type_=type_,
            time=time,
            trade_date=trade_date,
            symbol=symbol,
            side=side,
            quantity=quantity,
            price=price,
            amount=amount,
            order_id=order_id,
            fill_id=fill_id,
            description=description,
        )

        transaction.additional_properties = d
        return transaction

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
