from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.broker_code import BrokerCode
from ..models.connection_type import ConnectionType

if TYPE_CHECKING:
    from ..models.account_ref import AccountRef


T = TypeVar("T", bound="ConnectionResponse")


@_attrs_define
class ConnectionResponse:
    """A user's link to one brokerage login. Named as the vendor names it (live client code calls it `ConnectionResponse`
    and notes it has no `status` field: a connection listed is a live one).

        Attributes:
            connection_id (str):
            broker (BrokerCode): Broker code as the API returns it (upper case). Requests accept any case.
                INTERACTIVEBROKERS, MOOMOO, STERLING, TRADIER and SCHWAB are not in the vendor's code table; they follow its
                naming rule (name in capitals, no spaces). New brokers are added monthly (the vendor's pages): the list is the
                codes known to this contract, and an answer may carry a code added since. The SDK keeps such a code readable as
                text (`Broker` members for the known ones).
            connection_type (ConnectionType): `trade` may place orders; `readonly` may only read.
            created_at (datetime.datetime):
            accounts (list[AccountRef] | None): The brokerage accounts of the login. Live clients read it as possibly null
                (then: no accounts yet); the SDK reads null as no accounts. This mock always sends an array.
    """

    connection_id: str
    broker: BrokerCode
    connection_type: ConnectionType
    created_at: datetime.datetime
    accounts: list[AccountRef] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connection_id = self.connection_id

        broker = self.broker.value

        connection_type = self.connection_type.value

        created_at = self.created_at.isoformat()

        accounts: list[dict[str, Any]] | None
        if isinstance(self.accounts, list):
            accounts = []
            for accounts_type_0_item_data in self.accounts:
                accounts_type_0_item = accounts_type_0_item_data.to_dict()
                accounts.append(accounts_type_0_item)

        else:
            accounts = self.accounts

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

        def _parse_accounts(data: object) -> list[AccountRef] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                accounts_type_0 = []
                _accounts_type_0 = data
                for accounts_type_0_item_data in _accounts_type_0:
                    accounts_type_0_item = AccountRef.from_dict(accounts_type_0_item_data)

                    accounts_type_0.append(accounts_type_0_item)

                return accounts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AccountRef] | None, data)

        accounts = _parse_accounts(d.pop("accounts"))

        connection_response = cls(
            connection_id=connection_id,
            broker=broker,
            connection_type=connection_type,
            created_at=created_at,
            accounts=accounts,
        )

        connection_response.additional_properties = d
        return connection_response

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
