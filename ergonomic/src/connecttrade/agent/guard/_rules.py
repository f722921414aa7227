"""The policy's rules applied to one order: pure functions from values to rule checks.

Rule ids (the ``rule`` of audit entries and :class:`~connecttrade.agent.guard.errors.Refused`):
``account_allowlist``, ``instrument``, ``order_type``, ``tif``, ``symbol_allowlist``,
``max_quantity``, ``max_notional``, ``market_data``, ``session_window``,
``daily_orders``, ``daily_notional``, ``approval_threshold``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connecttrade.agent.guard.checks import RuleCheck
from connecttrade.agent.policy import Policy, canonical_symbol
from connecttrade.types.enums import Instrument
from connecttrade.types.equity_symbol import EquitySymbol
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionSymbol
from connecttrade.types.orders import OrderRequest

__all__ = [
    "account_check",
    "approval_needed",
    "first_failure",
    "in_reconcile_scope",
    "order_checks",
    "symbol_check",
    "timing_checks",
    "underlyings",
]


def first_failure(checks: list[RuleCheck]) -> RuleCheck | None:
    """The first check that failed, or ``None``."""
    return next((check for check in checks if not check.passed), None)


def account_check(policy: Policy, account_id: str) -> RuleCheck:
    """Is the account on the allowlist?"""
    if account_id in policy.accounts:
        return RuleCheck("account_allowlist", True, f"{account_id} is allowed")
    return RuleCheck("account_allowlist", False, f"account {account_id!r} is not on the allowlist")


def underlyings(order: OrderRequest) -> list[tuple[str, str | None]]:
    """``(symbol as sent, allowlist key)`` for each symbol of ``order``.

    The key is the canonical equity symbol, an option's OCC root, or for futures and
    crypto the upper-cased text; it is ``None`` when the symbol is not written in the
    form the SDK sends (a lower-case or padded crypto pair), which is refused.
    """
    if order.instrument is Instrument.MLEG_OPT:
        return [(str(leg.symbol), leg.symbol.underlying) for leg in order.legs]
    symbol = order.symbol
    if isinstance(symbol, OptionSymbol):
        return [(str(symbol), symbol.underlying)]
    if isinstance(symbol, EquitySymbol):
        return [(str(symbol), str(symbol))]
    text = str(symbol)
    canonical = canonical_symbol(text)
    return [(text, canonical if canonical == text else None)]


def _allowed(policy: Policy, key: str, is_option: bool) -> bool:
    if key in policy.symbols:
        return True
    # An OCC root drops a class suffix's slash: BRKB options are on BRK/B.
    return is_option and any(entry.replace("/", "") == key for entry in policy.symbols)


def in_reconcile_scope(policy: Policy, symbols: list[str]) -> bool:
    """Does reconciliation compare a position or order in ``symbols`` (an order's legs)?

    Always, under ``reconcile_scope = "accounts"``; under ``"symbols"`` when any of them
    (an option by its underlying) is on the allowlist.
    """
    if policy.reconcile_scope == "accounts":
        return True
    for symbol in symbols:
        try:
            option = OptionSymbol.parse(symbol)
        except InvalidOptionSymbol:
            if canonical_symbol(symbol) in policy.symbols:
                return True
        else:
            if _allowed(policy, option.underlying, is_option=True):
                return True
    return False


def symbol_check(policy: Policy, order: OrderRequest) -> RuleCheck:
    """Is every symbol (an option's underlying) on the allowlist, in its canonical form?"""
    is_option = order.instrument in (Instrument.OPT, Instrument.MLEG_OPT)
    for sent, key in underlyings(order):
        if key is None:
            return RuleCheck(
                "symbol_allowlist",
                False,
                f"{sent!r} is not written canonically (expected {canonical_symbol(sent)!r})",
            )
        if not _allowed(policy, key, is_option):
            what = f"underlying {key} of {sent}" if key != sent else sent
            return RuleCheck("symbol_allowlist", False, f"{what} is not on the allowlist")
    keys = ", ".join(sorted({key or "" for _, key in underlyings(order)}))
    return RuleCheck("symbol_allowlist", True, f"{keys} allowed")


def order_checks(
    policy: Policy,
    order: OrderRequest,
    account_id: str,
    notional: Decimal | None,
    quantity: Decimal | None,
) -> list[RuleCheck]:
    """The rules that depend only on the order and the policy (and its estimated cost)."""
    checks = [account_check(policy, account_id)]
    checks.append(
        RuleCheck(
            "instrument",
            order.instrument in policy.instruments,
            f"{order.instrument} (allowed: {', '.join(sorted(policy.instruments))})",
        )
    )
    checks.append(
        RuleCheck(
            "order_type",
            order.order_type in policy.order_types,
            f"{order.order_type} (allowed: {', '.join(sorted(policy.order_types))})",
        )
    )
    checks.append(
        RuleCheck(
            "tif",
            order.tif in policy.tifs,
            f"{order.tif} (allowed: {', '.join(sorted(policy.tifs))})",
        )
    )
    checks.append(symbol_check(policy, order))
    if quantity is not None:
        checks.append(
            RuleCheck(
                "max_quantity",
                quantity <= policy.max_quantity,
                f"quantity {_qty(quantity)} (max {policy.max_quantity})",
            )
        )
    if notional is not None:
        checks.append(
            RuleCheck(
                "max_notional",
                notional <= policy.max_notional,
                f"estimated notional {_text(notional)} (max {policy.max_notional})",
            )
        )
    return checks


def timing_checks(
    policy: Policy,
    now: dt.datetime,
    used_orders: int,
    used_notional: Decimal,
    notional: Decimal,
) -> list[RuleCheck]:
    """The rules that change with time: session windows and the day's usage."""
    checks = []
    if policy.sessions:
        inside = [w for w in policy.sessions if w.contains(now)]
        local = now.astimezone(policy.sessions[0].zone)
        checks.append(
            RuleCheck(
                "session_window",
                bool(inside),
                (f"inside {inside[0].describe()}" if inside else "outside every window")
                + f" (now {local:%a %Y-%m-%d %H:%M:%S %Z})",
            )
        )
    else:
        checks.append(RuleCheck("session_window", True, "no session windows configured"))
    if policy.daily_max_orders is not None:
        checks.append(
            RuleCheck(
                "daily_orders",
                used_orders + 1 <= policy.daily_max_orders,
                f"{used_orders} sent today + this one (max {policy.daily_max_orders})",
            )
        )
    if policy.daily_max_notional is not None:
        total = used_notional + notional
        checks.append(
            RuleCheck(
                "daily_notional",
                total <= policy.daily_max_notional,
                f"{_text(used_notional)} sent today + {_text(notional)} = {_text(total)} "
                f"(max {policy.daily_max_notional})",
            )
        )
    return checks


def approval_needed(policy: Policy, notional: Decimal) -> RuleCheck:
    """``passed`` is False when a human must approve (the notional is over the threshold)."""
    threshold = policy.approval_threshold
    if threshold is None:
        return RuleCheck("approval_threshold", True, "no approval threshold configured")
    if notional > threshold:
        return RuleCheck(
            "approval_threshold",
            False,
            f"estimated notional {_text(notional)} is over {threshold}: a human must approve",
        )
    return RuleCheck("approval_threshold", True, f"{_text(notional)} is within {threshold}")


def _text(value: Decimal) -> str:
    """A Decimal for people: two places for money-sized values, exact otherwise."""
    rounded = value.quantize(Decimal("0.01"))
    return format(rounded if rounded == value or abs(value) >= 1 else value, "f")


def _qty(value: Decimal) -> str:
    """A quantity for people: exact when short, four places when estimated from a price."""
    text = format(value, "f")
    if len(text.partition(".")[2]) <= 4:
        return text
    return format(value.quantize(Decimal("0.0001")), "f")
