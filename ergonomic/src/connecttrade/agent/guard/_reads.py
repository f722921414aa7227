"""The read calls: accounts, balances, positions and orders on the allowlist, and quotes."""

from __future__ import annotations

from connecttrade.agent.guard._outcome import Outcome, order_result
from connecttrade.agent.guard._state import GuardState
from connecttrade.agent.guard.errors import Refused
from connecttrade.agent.policy import canonical_symbol
from connecttrade.agent.quotes.source import Quote
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionSymbol
from connecttrade.types.results import Account, Balance, Order, Position

__all__ = ["GuardReads"]


class GuardReads(GuardState):
    """Read the broker's state, filtered to the policy's accounts and symbols."""

    __slots__ = ()

    def _accounts(self) -> Outcome[list[Account]]:
        accounts = [
            a for a in self._client.accounts.list() if a.account_id in self._policy.accounts
        ]
        return Outcome(accounts, {"count": len(accounts)})

    def _balances(self, account_id: str | None) -> Outcome[list[Balance]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            b
            for b in self._client.balances.list(account_id=account_id)
            if b.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _positions(self, account_id: str | None) -> Outcome[list[Position]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            p
            for p in self._client.positions.list(account_id=account_id)
            if p.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _orders(self, account_id: str | None, status: str) -> Outcome[list[Order]]:
        if account_id is not None:
            self._check_account(account_id)
        items = [
            o
            for o in self._client.orders.list(account_id=account_id, status=status)
            if o.account_id in self._policy.accounts
        ]
        return Outcome(items, {"count": len(items)})

    def _order(self, account_id: str, order_id: str) -> Outcome[Order]:
        self._check_account(account_id)
        order = self._client.orders.get(account_id, order_id)
        return Outcome(order, order_result(order))

    def _quote(self, symbol: str) -> Outcome[Quote]:
        if not isinstance(symbol, str):
            raise Refused("symbol_allowlist", f"expected a symbol string, got {symbol!r}")
        try:
            underlying = OptionSymbol.parse(symbol).underlying
        except InvalidOptionSymbol:
            underlying = canonical_symbol(symbol)
        if underlying not in self._policy.symbols:
            raise Refused("symbol_allowlist", f"{symbol!r} is not on the allowlist")
        if self._quotes is None:
            raise Refused("market_data", "no quote source is configured")
        try:
            quote = self._quotes(symbol)
        except Exception as exc:  # any feed failure means "no quote"
            raise Refused("market_data", f"no quote for {symbol}: {exc}") from None
        return Outcome(quote, {"symbol": quote.symbol, "time": quote.time})
