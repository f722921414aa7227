from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.broker_code import BrokerCode
from ..models.connection_type import ConnectionType

if TYPE_CHECKING:
    from ..models.account_ref import AccountRef


T = TypeVar("T", bound="Connection")


@_attrs_define
class Connection:
    """A user's link to one brokerage login.

    Attributes:
        connection_id (str):
        broker (BrokerCode): Broker code as the API returns it (upper case). Requests accept any case.
            INTERACTIVEBROKERS, MOOMOO, STERLING, TRADIER and SCHWAB are not in the vendor's code table; they follow its
            naming rule (name in capitals, no spaces).
        connection_type (ConnectionType): `trade` may place orders; `readonly` may only read.
        created_at (datetime.datetime):
        accounts (list[AccountRef]):
    """

    connection_id: str
    broker: BrokerCode
    connection_type: ConnectionType
    created_at: datetime.datetime
    accounts: list[AccountRef]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connection_id = self.connection_id

        broker = self.broker.value

        connection_type = self.connection_type.value

        created_at = self.created_at.isoformat()

        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connection_id": connection_id,
                "broker": broker,
                "connection_type": connection_type,
                "created_at": created_at,
                "accounts": accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_ref import AccountRef  # noqa: PLC0415

        d = dict(src_dict)
        connection_id = d.pop("connection_id")

        broker = BrokerCode(d.pop("broker"))

        connection_type = ConnectionType(d.pop("connection_type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in _accounts:
            accounts_item = AccountRef.from_dict(accounts_item_data)

            accounts.append(accounts_item)

        connection = cls(
            connection_id=connection_id,
            broker=broker,
            connection_type=connection_type,
            created_at=created_at,
            accounts=accounts,
        )

        connection.additional_properties = d
        return connection

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
