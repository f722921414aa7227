"""The seeded market simulator: determinism, book sanity, bars, options and control."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connecttrade_mock import exchange_calendar as _calendar
from connecttrade_mock.clock import NEW_YORK, ClockMode, Session, VirtualClock
from connecttrade_mock.market.instrument import AssetClass, OptionContract, UnknownSymbol
from connecttrade_mock.market.market import Market
from connecttrade_mock.market.options_math import OptionRight
from connecttrade_mock.market.quote import BarInterval

# Friday 2025-03-07 10:00 New York (EST): the regular session is running.
START = datetime(2025, 3, 7, 15, 0, tzinfo=UTC)
SYMBOLS = ["AAPL", "TSLA", "BRK/B", "BACpL", "ZVZZT", "ESZ6", "CLF7", "BTC/USD", "DOGE/USD"]


def make_market(seed: int = 7, start: datetime = START) -> tuple[Market, VirtualClock]:
    """A market on a manual clock."""
    clock = VirtualClock(ClockMode.MANUAL, start=start, wall=lambda: 0.0)
    return Market(seed, clock), clock


def occ(root: str, expiry: date, right: str, strike: str) -> str:
    """An OCC symbol."""
    return OptionContract(root, expiry, OptionRight(right), Decimal(strike)).symbol


# ---- universe -----------------------------------------------------------------------


def test_the_universe_has_every_asset_class() -> None:
    """The universe holds equities, scenario symbols, futures and crypto."""
    market, _clock = make_market()
    symbols = set(market.symbols())
    assert {"AAPL", "SPY", "BRK/B", "BACpL", "ESZ6", "NQZ6", "CLF7", "BTC/USD"} <= symbols
    assert {"ZVZZT", "ZWZZT", "ZXZZT", "ZAZZT", "ZBZZT"} <= symbols
    assert len(symbols) >= 30


@pytest.mark.parametrize(
    ("symbol", "asset_class", "multiplier"),
    [
        ("AAPL", AssetClass.EQUITY, "1"),
        ("ESZ6", AssetClass.FUTURE, "50"),
        ("NQZ6", AssetClass.FUTURE, "20"),
        ("CLF7", AssetClass.FUTURE, "1000"),
        ("ETH/USD", AssetClass.CRYPTO, "1"),
        ("AAPL250321C00270000", AssetClass.OPTION, "100"),
    ],
    ids=["equity", "es", "nq", "cl", "crypto", "option"],
)
def test_instruments_carry_their_conventions(
    symbol: str, asset_class: AssetClass, multiplier: str
) -> None:
    """Each instrument reports its asset class and contract multiplier."""
    market, _clock = make_market()
    instrument = market.instrument_of(symbol)
    assert instrument is not None
    assert instrument.asset_class is asset_class
    assert instrument.multiplier == Decimal(multiplier)


@pytest.mark.parametrize(
    "symbol",
    ["NOPE", "aapl", "BRKB", "ZZZZ251231C00100000", "BRK251231C00100000", "AAPL251399C00100000"],
    ids=["unknown", "lower-case", "wrong-class", "unknown-root", "not-optionable", "bad-date"],
)
def test_unknown_symbols(symbol: str) -> None:
    """Symbols outside the universe are not known and quoting them raises UnknownSymbol."""
    market, _clock = make_market()
    assert not market.is_known(symbol)
    assert market.instrument_of(symbol) is None
    with pytest.raises(UnknownSymbol) as caught:
        market.quote(symbol)
    assert caught.value.symbol == symbol


@pytest.mark.parametrize(
    ("text", "root", "expiry", "right", "strike"),
    [
        ("TSLA251031C00437500", "TSLA", date(2025, 10, 31), "C", "437.5"),
        ("SPY   241018P00430000", "SPY", date(2024, 10, 18), "P", "430"),
        ("AAPL241018P00002010", "AAPL", date(2024, 10, 18), "P", "2.01"),
    ],
    ids=["unpadded", "padded-root", "two-decimal-strike"],
)
def test_occ_symbols_parse_exactly(
    text: str, root: str, expiry: date, right: str, strike: str
) -> None:
    """OCC symbols parse padded or not, and strikes scale exactly to thousandths."""
    contract = OptionContract.parse(text)
    assert contract == OptionContract(root, expiry, OptionRight(right), Decimal(strike))
    assert contract.occ(padded=" " in text) == text


# ---- determinism ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_market() -> None:
    """Two markets with one seed and one start agree on every quote, trade and bar."""
    first, first_clock = make_market(seed=11)
    second, second_clock = make_market(seed=11)
    for _ in range(5):
        for symbol in SYMBOLS:
            assert first.quote(symbol) == second.quote(symbol)
        first_clock.advance(timedelta(minutes=17))
        second_clock.advance(timedelta(minutes=17))
    assert first.recent_trades("AAPL", 20) == second.recent_trades("AAPL", 20)
    assert first.bars("TSLA", "5m", START) == second.bars("TSLA", "5m", START)


def test_different_seeds_give_different_markets() -> None:
    """Changing the seed changes the random walk."""
    first, clock_a = make_market(seed=1)
    second, clock_b = make_market(seed=2)
    clock_a.advance(timedelta(hours=1))
    clock_b.advance(timedelta(hours=1))
    assert first.quote("AAPL").bid != second.quote("AAPL").bid


def test_prices_do_not_depend_on_what_was_asked_before() -> None:
    """A price at a moment is the same whether the clock stepped or jumped there."""
    stepping, stepping_clock = make_market()
    for _ in range(120):
        stepping_clock.advance(timedelta(seconds=30))
        stepping.quote("NVDA")
    jumping, jumping_clock = make_market()
    jumping_clock.advance(timedelta(hours=1))
    assert stepping.quote("NVDA") == jumping.quote("NVDA")


def test_a_week_long_jump_answers() -> None:
    """After a week-long jump the quote is still sane and bars cover the gap."""
    market, clock = make_market()
    clock.advance(timedelta(days=7))
    quote = market.quote("AAPL")
    assert quote.time == START + timedelta(days=7)
    assert Decimal(100) < quote.bid < quote.ask < Decimal(1000)
    daily = market.bars("AAPL", "1d", START, clock.now())
    assert len(daily) == 6  # Friday, five weekdays, Friday: weekends print nothing
    assert daily[-1].start < clock.now()


def test_the_start_price_is_the_day_open() -> None:
    """The symbol's starting price is the open of the clock's start day."""
    market, _clock = make_market()
    (today,) = market.bars("AAPL", "1d", START - timedelta(hours=1), START)
    assert today.open == Decimal("270.00")


# ---- quotes and depth -----------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    symbol=st.sampled_from(SYMBOLS),
    steps=st.lists(st.integers(min_value=1, max_value=86_400 * 3), min_size=1, max_size=8),
)
def test_the_book_is_never_crossed(seed: int, symbol: str, steps: list[int]) -> None:
    """Bid stays below ask, on tick, with positive sizes, however the clock moves."""
    market, clock = make_market(seed=seed)
    instrument = market.instrument_of(symbol)
    assert instrument is not None
    for step in steps:
        clock.advance(timedelta(seconds=step))
        quote = market.quote(symbol)
        assert 0 < quote.bid < quote.ask
        assert quote.bid_size > 0
        assert quote.ask_size > 0
        assert quote.last > 0
        assert quote.last_size >= 0
        assert quote.bid % instrument.tick_for(quote.bid) == 0
        assert quote.ask % instrument.tick_for(quote.ask) == 0


@pytest.mark.parametrize(
    ("symbol", "spread"),
    [("AAPL", "0.01"), ("SPY", "0.01"), ("BRK/B", "0.03"), ("ESZ6", "0.25"), ("BTC/USD", "5.00")],
    ids=["aapl", "spy", "brk", "es", "btc"],
)
def test_spreads_are_realistic(symbol: str, spread: str) -> None:
    """Liquid names quote a one-tick spread, others wider."""
    market, _clock = make_market()
    quote = market.quote(symbol)
    assert quote.ask - quote.bid == Decimal(spread)


def test_crypto_sizes_are_fractional() -> None:
    """Crypto quotes and trades carry fractional sizes."""
    market, _clock = make_market()
    assert any(t.size != t.size.to_integral_value() for t in market.recent_trades("BTC/USD", 20))


def test_sub_dollar_crypto_keeps_eight_decimals() -> None:
    """A coin priced under a dollar quotes with eight decimals."""
    market, _clock = make_market()
    quote = market.quote("DOGE/USD")
    assert quote.bid.as_tuple().exponent == -8
    assert quote.bid < 1


def test_scenario_symbols_never_move() -> None:
    """Scenario symbols sit at $10.00 whatever the time."""
    market, clock = make_market()
    for _ in range(5):
        quote = market.quote("ZXZZT")
        assert (quote.bid, quote.ask, quote.last) == (
            Decimal("9.99"),
            Decimal("10.01"),
            Decimal("10.00"),
        )
        clock.advance(timedelta(hours=7))


@pytest.mark.parametrize("symbol", ["AAPL", "BTC/USD", "AAPL250321C00270000"], ids=str)
def test_depth_is_ordered_and_matches_the_quote(symbol: str) -> None:
    """Bids descend and asks ascend from the top of book the quote shows."""
    market, _clock = make_market()
    book = market.depth(symbol, levels=10)
    quote = market.quote(symbol)
    assert (book.bids[0].price, book.asks[0].price) == (quote.bid, quote.ask)
    bid_prices = [level.price for level in book.bids]
    ask_prices = [level.price for level in book.asks]
    assert bid_prices == sorted(bid_prices, reverse=True)
    assert len(set(bid_prices)) == len(bid_prices)
    assert ask_prices == sorted(ask_prices)
    assert len(set(ask_prices)) == len(ask_prices)
    assert len(book.asks) == 10
    assert all(level.size > 0 and level.price >= 0 for level in book.bids + book.asks)


# ---- trades and bars ------------------------------------------------------------------


def test_recent_trades_are_chronological_and_in_session() -> None:
    """Recent trades come oldest first, none after now, labelled with their session."""
    market, clock = make_market()
    trades = market.recent_trades("AAPL", 50)
    assert len(trades) == 50
    times = [t.time for t in trades]
    assert times == sorted(times)
    assert times[-1] <= clock.now()
    assert {t.session for t in trades} == {Session.REGULAR}
    assert all(t.size > 0 for t in trades)
    assert len({t.id for t in trades}) == 50


def test_equities_print_nothing_when_the_market_is_closed() -> None:
    """Equity trades fall only in pre-market, regular or after-hours sessions."""
    market, clock = make_market()
    clock.advance(timedelta(days=1))  # Saturday
    weekend = market.trades("AAPL", START + timedelta(hours=6), clock.now())
    assert {t.session for t in weekend} <= {
        Session.PRE_MARKET,
        Session.REGULAR,
        Session.AFTER_HOURS,
    }
    assert {t.session for t in weekend} == {Session.AFTER_HOURS}
    assert all(t.time.astimezone(NEW_YORK).hour < 20 for t in weekend)
    assert market.recent_trades("AAPL", 1)[0].time.astimezone(NEW_YORK).weekday() == 4


def test_trades_stop_at_now() -> None:
    """Asking for trades in the future returns nothing beyond now."""
    market, clock = make_market()
    trades = market.trades("SPY", START - timedelta(seconds=30), START + timedelta(hours=1))
    assert trades
    assert all(t.time <= clock.now() for t in trades)


@pytest.mark.parametrize("interval", list(BarInterval), ids=str)
@pytest.mark.parametrize("symbol", ["AAPL", "BTC/USD", "ESZ6"], ids=str)
def test_bars_are_well_formed(symbol: str, interval: BarInterval) -> None:
    """Every bar has low <= open, close <= high, positive volume, and aligned starts."""
    market, clock = make_market()
    clock.advance(timedelta(hours=3))
    span = timedelta(seconds=interval.seconds * 40)
    bars = market.bars(symbol, interval, clock.now() - span)
    assert bars
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close)
        assert max(bar.open, bar.close) <= bar.high
        assert bar.volume > 0
        assert bar.interval is interval
        assert (
            bar.start - datetime(1970, 1, 1, 5, tzinfo=UTC)
        ).total_seconds() % interval.seconds == 0
    starts = [bar.start for bar in bars]
    assert starts == sorted(starts)
    assert starts[-1] <= clock.now()


def test_bars_agree_with_the_trades_inside_them() -> None:
    """Each minute bar holds exactly its trades: their sizes sum to its volume and their
    prices lie within its range."""
    market, clock = make_market()
    clock.advance(timedelta(minutes=20))
    start = START + timedelta(minutes=5)
    for bar in market.bars("TSLA", "1m", start, clock.now()):
        inside = market.trades("TSLA", bar.start, bar.start + timedelta(minutes=1))
        assert sum(t.size for t in inside) == bar.volume
        assert all(bar.low <= t.price <= bar.high for t in inside)


def test_coarse_bars_aggregate_fine_ones() -> None:
    """An hour bar is the open, extremes, close and summed volume of its minute bars."""
    market, clock = make_market()
    clock.advance(timedelta(hours=2))
    hour = START.replace(minute=0) + timedelta(hours=1)
    (coarse,) = market.bars("AMZN", "1h", hour, hour + timedelta(hours=1))
    fine = market.bars("AMZN", "1m", hour, hour + timedelta(hours=1))
    assert coarse.open == fine[0].open
    assert coarse.close == fine[-1].close
    assert coarse.high == max(b.high for b in fine)
    assert coarse.low == min(b.low for b in fine)
    assert coarse.volume == sum(b.volume for b in fine)


def test_the_current_bar_matches_the_live_quote() -> None:
    """The bar holding now closes at the last trade the quote reports."""
    market, clock = make_market()
    clock.advance(timedelta(minutes=3, seconds=20))
    current = market.bars("MSFT", "1m", clock.now() - timedelta(seconds=1))[-1]
    last = market.recent_trades("MSFT", 1)[0]
    assert current.start <= last.time <= clock.now()
    assert current.low <= market.quote("MSFT").last <= current.high


def test_history_backfills_deterministically() -> None:
    """A year of daily history is generated backwards and is the same on every ask."""
    market, _clock = make_market()
    year = market.bars("SPY", "1d", START - timedelta(days=365), START)
    again = make_market()[0].bars("SPY", "1d", START - timedelta(days=365), START)
    assert year == again
    assert 250 <= len(year) <= 262
    assert all(b.start.astimezone(NEW_YORK).weekday() < 5 for b in year)


def test_too_many_bars_are_refused() -> None:
    """One request may not span more than MAX_BARS bars."""
    market, _clock = make_market()
    with pytest.raises(ValueError, match="at most"):
        market.bars("AAPL", "1m", START - timedelta(days=30), START)


# ---- options --------------------------------------------------------------------------


def test_option_quotes_respect_put_call_parity() -> None:
    """Call minus put theoretical values equals S - K e^(-rT) within a cent or two."""
    market, clock = make_market()
    expiry = date(2025, 4, 17)
    for strike in ("250", "270", "290"):
        call = market.option_quote(occ("AAPL", expiry, "C", strike))
        put = market.option_quote(occ("AAPL", expiry, "P", strike))
        years = (call.contract.expires_at - clock.now()).total_seconds() / (365 * 86_400)
        forward = float(call.underlying_price) - float(strike) * math.exp(-0.04 * years)
        assert abs(float(call.theoretical - put.theoretical) - forward) <= 0.02
        for quote in (call, put):
            assert quote.quote.bid <= quote.theoretical <= quote.quote.ask
            assert quote.quote.bid < quote.quote.ask


def test_option_quotes_follow_the_underlying() -> None:
    """Pinning the underlying higher raises the call and lowers the put."""
    market, _clock = make_market()
    call_symbol = occ("AAPL", date(2025, 4, 17), "C", "270")
    put_symbol = occ("AAPL", date(2025, 4, 17), "P", "270")
    call, put = market.option_quote(call_symbol), market.option_quote(put_symbol)
    market.set_quote("AAPL", Decimal("300.00"), Decimal("300.02"))
    assert market.option_quote(call_symbol).theoretical > call.theoretical
    assert market.option_quote(put_symbol).theoretical < put.theoretical
    assert market.option_quote(call_symbol).underlying_price == Decimal("300.01")


def test_the_options_chain_lists_strikes_around_the_money() -> None:
    """The chain has both rights at 2N+1 strikes centred on the underlying price."""
    market, clock = make_market()
    chain = market.options_chain("SPY", strikes_around=3)
    assert chain.expiry == market.option_expiries("SPY")[0]
    assert chain.expiry >= clock.trading_day()
    assert len(chain.contracts) == 14
    strikes = sorted({c.contract.strike for c in chain.contracts})
    assert len(strikes) == 7
    assert strikes[0] < chain.underlying_price < strikes[-1]
    assert all(market.is_known(c.symbol) for c in chain.contracts)
    calls = [c for c in chain.contracts if c.contract.right is OptionRight.CALL]
    deltas = [c.greeks.delta for c in calls]
    assert deltas == sorted(deltas, reverse=True)


def test_stock_expiries_are_fridays_or_the_thursday_before_a_holiday() -> None:
    """A stock's listed expiries are upcoming Fridays, weekly and monthly, or the Thursday
    when the Friday is an exchange holiday (Good Friday 2025 moved April's monthly to
    Thursday 17 April)."""
    market, clock = make_market()
    expiries = market.option_expiries("AAPL")
    assert len(expiries) >= 6
    assert expiries == sorted(expiries)
    assert all(e >= clock.trading_day() for e in expiries)
    thursdays = [e for e in expiries if e.weekday() != 4]
    assert date(2025, 4, 17) in thursdays
    assert date(2025, 4, 18) not in expiries
    assert all(
        e.weekday() == 3 and not _calendar.is_business_day(e + timedelta(days=1)) for e in thursdays
    )


@pytest.mark.parametrize("underlying", ["NOPE", "BTC/USD", "ZVZZT"], ids=str)
def test_no_chain_for_unknown_or_unoptionable_underlyings(underlying: str) -> None:
    """Only optionable equities have chains."""
    market, _clock = make_market()
    with pytest.raises(UnknownSymbol):
        market.options_chain(underlying)


def test_an_expired_option_is_worth_its_intrinsic_value() -> None:
    """After expiry an option's value is its intrinsic value."""
    market, _clock = make_market()
    market.set_quote("AAPL", Decimal("280.00"), Decimal("280.02"))
    quote = market.option_quote(occ("AAPL", date(2025, 3, 6), "C", "270"))
    assert quote.theoretical == Decimal("10.01")


# ---- control --------------------------------------------------------------------------


def test_set_quote_pins_the_price_until_unpinned() -> None:
    """A pinned quote holds exactly as time passes; unpinning resumes the walk from it."""
    market, clock = make_market()
    pinned = market.set_quote("AAPL", Decimal("150.00"), Decimal("150.04"))
    assert (pinned.bid, pinned.ask, pinned.last) == (
        Decimal("150.00"),
        Decimal("150.04"),
        Decimal("150.02"),
    )
    clock.advance(timedelta(hours=2))
    held = market.quote("AAPL")
    assert (held.bid, held.ask, held.last) == (pinned.bid, pinned.ask, pinned.last)
    assert {t.price for t in market.trades("AAPL", START, clock.now())} == {Decimal("150.02")}
    market.unpin("AAPL")
    clock.advance(timedelta(seconds=5))
    resumed = market.quote("AAPL")
    assert abs(resumed.mid - Decimal("150.02")) < Decimal("1.00")


def test_set_quote_moves_the_reference_and_the_band() -> None:
    """After a pin the circuit band is 10% either side of the pinned last."""
    market, _clock = make_market()
    market.set_quote("MSFT", Decimal("99.99"), Decimal("100.01"), last=Decimal("100.00"))
    assert market.reference_price("MSFT") == Decimal("100.00")
    assert market.circuit_band("MSFT") == (Decimal("90.00"), Decimal("110.00"))


def test_the_reference_is_the_previous_close() -> None:
    """Without pins the reference is the previous regular close and the band is +-10%."""
    market, _clock = make_market()
    reference = market.reference_price("JPM")
    thursday_close = datetime(2025, 3, 6, 16, 0, tzinfo=NEW_YORK)
    (bar,) = market.bars("JPM", "1m", thursday_close - timedelta(minutes=1), thursday_close)
    assert reference == bar.close
    low, high = market.circuit_band("JPM")
    assert low >= reference * Decimal("0.9")
    assert high <= reference * Decimal("1.1")
    assert high - low > reference * Decimal("0.19")


@pytest.mark.parametrize(
    ("bid", "ask"),
    [("10.00", "10.00"), ("10.01", "10.00"), ("0", "1.00")],
    ids=["locked", "crossed", "zero-bid"],
)
def test_set_quote_refuses_bad_books(bid: str, ask: str) -> None:
    """A locked, crossed or zero-bid quote is refused."""
    market, _clock = make_market()
    with pytest.raises(ValueError, match="bid"):
        market.set_quote("AAPL", Decimal(bid), Decimal(ask))


def test_option_quotes_can_be_pinned() -> None:
    """Pinning an option fixes its bid and ask while the model value still updates."""
    market, _clock = make_market()
    symbol = occ("AAPL", date(2025, 4, 17), "C", "270")
    market.set_quote(symbol, Decimal("5.00"), Decimal("5.20"))
    quote = market.option_quote(symbol)
    assert (quote.quote.bid, quote.quote.ask, quote.quote.last) == (
        Decimal("5.00"),
        Decimal("5.20"),
        Decimal("5.10"),
    )
    market.unpin(symbol)
    assert market.option_quote(symbol).quote.bid != Decimal("5.00")
