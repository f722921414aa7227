"""Each client's memory of its accounts' brokers, so ``orders.place`` need not ask again."""

from __future__ import annotations

from collections.abc import Iterable

from connecttrade.types.results import Account

__all__ = ["AccountBook"]


class AccountBook:
    """Broker codes by account id, filled from every account list the client fetches."""

    __slots__ = ("_brokers",)

    def __init__(self) -> None:
        self._brokers: dict[str, str] = {}

    def remember(self, accounts: Iterable[Account]) -> None:
        for account in accounts:
            self._brokers[account.account_id] = str(account.broker)

    def broker_of(self, account_id: str) -> str | None:
        return self._brokers.get(account_id)
