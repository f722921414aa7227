from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_options_level import AccountOptionsLevel
from ..models.account_type import AccountType
from ..models.broker_code import BrokerCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """A brokerage account the user linked.

    Attributes:
        account_id (str):
        account_number (str):
        institution_name (str):
        connection_id (str):
        broker (BrokerCode): Broker code as the API returns it (upper case). Requests accept any case.
            INTERACTIVEBROKERS, MOOMOO, STERLING, TRADIER and SCHWAB are not in the vendor's code table; they follow its
            naming rule (name in capitals, no spaces). New brokers are added monthly (the vendor's pages): the list is the
            codes known to this contract, and an answer may carry a code added since. The SDK keeps such a code readable as
            text (`Broker` members for the known ones).
        account_type (AccountType): Cash accounts cannot sell short or borrow; margin accounts use Reg T.
        is_paper (bool): Simulated (paper) account.
        can_trade (bool): False for read-only brokers and `readonly` connections.
        currency (str):
        options_level (AccountOptionsLevel | Unset): Options approval level the broker granted the account: 0 none, 1
            covered calls and cash-secured puts, 2 long calls and puts, 3 spreads, 4 uncovered (naked) writing. Orders
            beyond the level are rejected. Optional: not every broker reports it.
    """

    account_id: str
    account_number: str
    institution_name: str
    connection_id: str
    broker: BrokerCode
    account_type: AccountType
    is_paper: bool
    can_trade: bool
    currency: str
    options_level: AccountOptionsLevel | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        account_number = self.account_number

        institution_name = self.institution_name

        connection_id = self.connection_id

        broker = self.broker.value

        account_type = self.account_type.value

        is_paper = self.is_paper

        can_trade = self.can_trade

        currency = self.currency

        options_level: str | Unset = UNSET
        if not isinstance(self.options_level, Unset):
            options_level = self.options_level.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "account_number": account_number,
                "institution_name": institution_name,
                "connection_id": connection_id,
                "broker": broker,
                "account_type": account_type,
                "is_paper": is_paper,
                "can_trade": can_trade,
                "currency": currency,
            }
        )
        if options_level is not UNSET:
            field_dict["options_level"] = options_level

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        account_number = d.pop("account_number")

        institution_name = d.pop("institution_name")

        connection_id = d.pop("connection_id")

        broker = BrokerCode(d.pop("broker"))

        account_type = AccountType(d.pop("account_type"))

        is_paper = d.pop("is_paper")

        can_trade = d.pop("can_trade")

        currency = d.pop("currency")

        _options_level = d.pop("options_level", UNSET)
        options_level: AccountOptionsLevel | Unset
        if isinstance(_options_level, Unset):
            options_level = UNSET
        else:
            options_level = AccountOptionsLevel(_options_level)

        account = cls(
            account_id=account_id,
            account_number=account_number,
            institution_name=institution_name,
            connection_id=connection_id,
            broker=broker,
            account_type=account_type,
            is_paper=is_paper,
            can_trade=can_trade,
            currency=currency,
            options_level=options_level,
        )

        account.additional_properties = d
        return account

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
