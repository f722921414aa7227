"""Named multi-leg option strategies, each returning an ``MLEG_OPT`` :class:`OrderRequest`.

Every constructor opens the position (legs are ``BUY_TO_OPEN`` / ``SELL_TO_OPEN``) and
enforces the strategy's shape before anything is sent: 2 to 4 legs, no contract twice,
one underlying, ratios in lowest terms, the right calls and puts, the strike order and
the expiries the strategy is defined by. A broken rule raises :class:`InvalidStrategy`
naming it. To close a position or trade a shape not listed here, use :func:`multi_leg`
with explicit :class:`~connecttrade.types.orders.Leg` values.

Prices are per spread and never signed by the caller: pass ``debit=`` (net paid) or
``credit=`` (net received), or neither for a market order. Strategies that can only be
opened one way (a bull call spread always costs money) refuse the other keyword.
On the wire the net price is signed: positive for a debit, negative for a credit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum

from connecttrade.types.enums import Instrument, LegAction, OrderType, TimeInForce
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionRight, OptionSymbol
from connecttrade.types.orders import (
    Amount,
    Leg,
    OrderRequest,
    _amount,
    _check_decimal,
    _enum,
    _leg_problem,
)
from connecttrade.types.root_error import ConnectTradeError

__all__ = [
    "InvalidStrategy",
    "bear_call_spread",
    "bear_put_spread",
    "bull_call_spread",
    "bull_put_spread",
    "butterfly",
    "calendar",
    "collar",
    "iron_butterfly",
    "iron_condor",
    "long_straddle",
    "long_strangle",
    "multi_leg",
    "ratio_spread",
]

OptionLike = OptionSymbol | str

_BUY, _SELL = LegAction.BUY_TO_OPEN, LegAction.SELL_TO_OPEN
_CALL, _PUT = OptionRight.CALL, OptionRight.PUT


class _Net(Enum):
    """Which way a strategy's net price can go when it is opened."""

    DEBIT = "debit"
    CREDIT = "credit"
    EITHER = "either"


class InvalidStrategy(ConnectTradeError, ValueError):  # noqa: N818 -- named for what is invalid, like InvalidTransition
    """A multi-leg strategy breaks one of its rules; the message names the rule."""

    def __init__(self, strategy: str, rule: str) -> None:
        self.strategy = strategy
        self.rule = rule
        super().__init__(f"{strategy}: {rule}")

    def __reduce__(self) -> tuple[type[InvalidStrategy], tuple[str, str]]:
        # The default reduction replays ``args`` (the formatted message) into __init__.
        return type(self), (self.strategy, self.rule)


def bull_call_spread(
    long_call: OptionLike,
    short_call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy a call and sell a higher-strike call of the same expiry, for a net debit."""
    name = "bull_call_spread"
    lc, sc = _parse(name, long_call=long_call, short_call=short_call)
    legs = _legs(name, (lc, _BUY, 1), (sc, _SELL, 1))
    _rights(name, _CALL, long_call=lc, short_call=sc)
    _one_expiry(name, lc, sc)
    _ascending(name, long_call=lc, short_call=sc)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.DEBIT)


def bear_put_spread(
    long_put: OptionLike,
    short_put: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy a put and sell a lower-strike put of the same expiry, for a net debit."""
    name = "bear_put_spread"
    lp, sp = _parse(name, long_put=long_put, short_put=short_put)
    legs = _legs(name, (lp, _BUY, 1), (sp, _SELL, 1))
    _rights(name, _PUT, long_put=lp, short_put=sp)
    _one_expiry(name, lp, sp)
    _ascending(name, short_put=sp, long_put=lp)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.DEBIT)


def bear_call_spread(
    short_call: OptionLike,
    long_call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Sell a call and buy a higher-strike call of the same expiry, for a net credit."""
    name = "bear_call_spread"
    sc, lc = _parse(name, short_call=short_call, long_call=long_call)
    legs = _legs(name, (sc, _SELL, 1), (lc, _BUY, 1))
    _rights(name, _CALL, short_call=sc, long_call=lc)
    _one_expiry(name, sc, lc)
    _ascending(name, short_call=sc, long_call=lc)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.CREDIT)


def bull_put_spread(
    short_put: OptionLike,
    long_put: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Sell a put and buy a lower-strike put of the same expiry, for a net credit."""
    name = "bull_put_spread"
    sp, lp = _parse(name, short_put=short_put, long_put=long_put)
    legs = _legs(name, (sp, _SELL, 1), (lp, _BUY, 1))
    _rights(name, _PUT, short_put=sp, long_put=lp)
    _one_expiry(name, sp, lp)
    _ascending(name, long_put=lp, short_put=sp)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.CREDIT)


def long_straddle(
    put: OptionLike,
    call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy a put and a call with the same strike and expiry, for a net debit."""
    name = "long_straddle"
    p, c = _parse(name, put=put, call=call)
    legs = _legs(name, (p, _BUY, 1), (c, _BUY, 1))
    _rights(name, _PUT, put=p)
    _rights(name, _CALL, call=c)
    _one_expiry(name, p, c)
    if p.strike != c.strike:
        raise InvalidStrategy(
            name, f"the put and the call need one strike, got {p.strike} and {c.strike}"
        )
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.DEBIT)


def long_strangle(
    put: OptionLike,
    call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy a put and a higher-strike call of the same expiry, for a net debit."""
    name = "long_strangle"
    p, c = _parse(name, put=put, call=call)
    legs = _legs(name, (p, _BUY, 1), (c, _BUY, 1))
    _rights(name, _PUT, put=p)
    _rights(name, _CALL, call=c)
    _one_expiry(name, p, c)
    _ascending(name, put=p, call=c)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.DEBIT)


def iron_condor(
    long_put: OptionLike,
    short_put: OptionLike,
    short_call: OptionLike,
    long_call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """A bull put spread below a bear call spread, one expiry, for a net credit.

    Strikes rise strictly from the long put to the long call; equal short strikes make
    an :func:`iron_butterfly`.
    """
    name = "iron_condor"
    lp, sp, sc, lc = _parse(
        name, long_put=long_put, short_put=short_put, short_call=short_call, long_call=long_call
    )
    legs = _legs(name, (lp, _BUY, 1), (sp, _SELL, 1), (sc, _SELL, 1), (lc, _BUY, 1))
    _rights(name, _PUT, long_put=lp, short_put=sp)
    _rights(name, _CALL, short_call=sc, long_call=lc)
    _one_expiry(name, lp, sp, sc, lc)
    _ascending(name, long_put=lp, short_put=sp, short_call=sc, long_call=lc)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.CREDIT)


def iron_butterfly(
    long_put: OptionLike,
    short_put: OptionLike,
    short_call: OptionLike,
    long_call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Sell a straddle and buy a put below and a call above it, one expiry, for a credit."""
    name = "iron_butterfly"
    lp, sp, sc, lc = _parse(
        name, long_put=long_put, short_put=short_put, short_call=short_call, long_call=long_call
    )
    legs = _legs(name, (lp, _BUY, 1), (sp, _SELL, 1), (sc, _SELL, 1), (lc, _BUY, 1))
    _rights(name, _PUT, long_put=lp, short_put=sp)
    _rights(name, _CALL, short_call=sc, long_call=lc)
    _one_expiry(name, lp, sp, sc, lc)
    if sp.strike != sc.strike:
        raise InvalidStrategy(
            name,
            f"the short put and short call need one strike, got {sp.strike} and {sc.strike}",
        )
    _ascending(name, long_put=lp, short_put=sp)
    _ascending(name, short_call=sc, long_call=lc)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.CREDIT)


def butterfly(
    lower: OptionLike,
    middle: OptionLike,
    upper: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy one lower, sell two middle, buy one upper: all calls or all puts, one expiry.

    The wings may differ in width (a broken-wing butterfly), which can open for a
    credit, so both ``debit=`` and ``credit=`` are accepted.
    """
    name = "butterfly"
    lo, mid, up = _parse(name, lower=lower, middle=middle, upper=upper)
    legs = _legs(name, (lo, _BUY, 1), (mid, _SELL, 2), (up, _BUY, 1))
    _rights(name, lo.right, lower=lo, middle=mid, upper=up)
    _one_expiry(name, lo, mid, up)
    _ascending(name, lower=lo, middle=mid, upper=up)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.EITHER)


def ratio_spread(
    long: OptionLike,
    short: OptionLike,
    *,
    ratio: tuple[int, int] = (1, 2),
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Buy ``ratio[0]`` and sell ``ratio[1]`` options of one right and expiry.

    The default 1x2 is the classic front ratio spread; ``(2, 1)`` is a backspread. The
    strikes must differ (two legs cannot be one contract) and the ratio must be in lowest
    terms and not 1:1 (that is a vertical spread); which strike is higher is left to the
    trader.
    """
    name = "ratio_spread"
    lg, sh = _parse(name, long=long, short=short)
    if (
        not isinstance(ratio, tuple)
        or len(ratio) != 2
        or any(type(part) is not int or part < 1 for part in ratio)
    ):
        raise InvalidStrategy(name, f"ratio must be two positive ints, got {ratio!r}")
    if ratio[0] == ratio[1]:
        raise InvalidStrategy(
            name, f"ratio {ratio[0]}:{ratio[1]} is not a ratio spread; use a vertical spread"
        )
    legs = _legs(name, (lg, _BUY, ratio[0]), (sh, _SELL, ratio[1]))
    _rights(name, lg.right, long=lg, short=sh)
    # Equal strikes would make the two legs one contract, which _legs already refuses.
    _one_expiry(name, lg, sh)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.EITHER)


def collar(
    long_put: OptionLike,
    short_call: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """The option legs of a collar: buy a put and sell a higher-strike call, one expiry.

    A collar protects shares already held; a multi-leg option order cannot carry a stock
    leg, so the shares are bought (or already owned) separately. ``qty`` counts contracts,
    each covering 100 shares.
    """
    name = "collar"
    lp, sc = _parse(name, long_put=long_put, short_call=short_call)
    legs = _legs(name, (lp, _BUY, 1), (sc, _SELL, 1))
    _rights(name, _PUT, long_put=lp)
    _rights(name, _CALL, short_call=sc)
    _one_expiry(name, lp, sc)
    _ascending(name, long_put=lp, short_call=sc)
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.EITHER)


def calendar(
    near: OptionLike,
    far: OptionLike,
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Sell a near-expiry option and buy a later one, same right and strike, for a debit."""
    name = "calendar"
    nr, fr = _parse(name, near=near, far=far)
    legs = _legs(name, (nr, _SELL, 1), (fr, _BUY, 1))
    _rights(name, nr.right, near=nr, far=fr)
    if nr.strike != fr.strike:
        raise InvalidStrategy(name, f"both legs need one strike, got {nr.strike} and {fr.strike}")
    if not nr.expiry < fr.expiry:
        raise InvalidStrategy(
            name, f"the near expiry {nr.expiry} must come before the far expiry {fr.expiry}"
        )
    return _order(name, legs, qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.DEBIT)


def multi_leg(
    legs: Sequence[Leg],
    *,
    qty: Amount,
    debit: Amount | None = None,
    credit: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
) -> OrderRequest:
    """Any 2-4 leg order, for shapes not named above and for closing positions.

    Only the rules every multi-leg order keeps are checked: leg count, distinct
    contracts, one underlying and ratios in lowest terms.
    """
    name = "multi_leg"
    problem = _leg_problem(legs)
    if problem is not None:
        raise InvalidStrategy(name, problem)
    return _order(name, list(legs), qty=qty, debit=debit, credit=credit, tif=tif, net=_Net.EITHER)


def _parse(strategy: str, **symbols: OptionLike) -> list[OptionSymbol]:
    """Parse each named leg symbol, in the order given, naming the leg on failure."""
    parsed = []
    for role, symbol in symbols.items():
        if isinstance(symbol, OptionSymbol):
            parsed.append(symbol)
            continue
        try:
            parsed.append(OptionSymbol.parse(symbol))
        except InvalidOptionSymbol as exc:
            raise InvalidStrategy(strategy, f"{role}: {exc}") from exc
    return parsed


def _legs(strategy: str, *specs: tuple[OptionSymbol, LegAction, int]) -> list[Leg]:
    legs = [Leg(symbol, action, ratio) for symbol, action, ratio in specs]
    problem = _leg_problem(legs)
    if problem is not None:
        raise InvalidStrategy(strategy, problem)
    return legs


def _rights(strategy: str, right: OptionRight, **symbols: OptionSymbol) -> None:
    wanted = "call" if right is _CALL else "put"
    for role, symbol in symbols.items():
        if symbol.right is not right:
            raise InvalidStrategy(strategy, f"{role} must be a {wanted}, got {symbol}")


def _one_expiry(strategy: str, *symbols: OptionSymbol) -> None:
    expiries: list[dt.date] = sorted({symbol.expiry for symbol in symbols})
    if len(expiries) > 1:
        listed = ", ".join(str(expiry) for expiry in expiries)
        raise InvalidStrategy(strategy, f"all legs need one expiry, got {listed}")


def _ascending(strategy: str, **symbols: OptionSymbol) -> None:
    """Require strictly rising strikes in the order the legs are named."""
    named = list(symbols.items())
    for (low_role, low), (high_role, high) in itertools.pairwise(named):
        if not low.strike < high.strike:
            raise InvalidStrategy(
                strategy,
                f"the {_words(low_role)} strike ({low.strike}) must be below the "
                f"{_words(high_role)} strike ({high.strike})",
            )


def _words(role: str) -> str:
    return role.replace("_", " ")


def _order(
    strategy: str,
    legs: list[Leg],
    *,
    qty: Amount,
    debit: Amount | None,
    credit: Amount | None,
    tif: TimeInForce | str,
    net: _Net,
) -> OrderRequest:
    """Build the MLEG_OPT request, turning ``debit=``/``credit=`` into a signed net price."""
    if debit is not None and credit is not None:
        raise InvalidStrategy(strategy, "give debit= or credit=, not both")
    if net is _Net.DEBIT and credit is not None:
        raise InvalidStrategy(
            strategy, "opens for a net debit, so credit= cannot apply; pass debit= or neither"
        )
    if net is _Net.CREDIT and debit is not None:
        raise InvalidStrategy(
            strategy, "opens for a net credit, so debit= cannot apply; pass credit= or neither"
        )
    limit_price: Decimal | None = None
    for keyword, value, sign in (("debit", debit, 1), ("credit", credit, -1)):
        amount = _amount(keyword, value)
        if amount is not None:
            # The keyword carries the sign, so the amount itself must be positive.
            _check_decimal(keyword, amount, signed=False)
            limit_price = amount.copy_negate() if sign < 0 else amount
    return OrderRequest(
        instrument=Instrument.MLEG_OPT,
        order_type=OrderType.MKT if limit_price is None else OrderType.LMT,
        tif=_enum("tif", TimeInForce, tif),
        qty=_amount("qty", qty),
        limit_price=limit_price,
        legs=tuple(legs),
    )
