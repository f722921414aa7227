"""One-shot market data (``client.market_data``) against the real mock over loopback, with
a manual clock so that a one-shot answer and a stream subscription see the same moment:
quotes, bars, the options chain and its discovery, refusals and timeouts, sync and async."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import connecttrade
from connecttrade._http import endpoints
from connecttrade.types.results import MarketDataToken
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockServer

from .stream_support import async_client, demo_login, sync_client

ALPACA = "conn_demo_alpaca"
PATIENCE = 15.0


@pytest.fixture(scope="module")
def manual_mock_server() -> Iterator[MockServer]:
    """One mock whose clock moves only when told to."""
    with MockServer(Settings(clock_mode=ClockMode.MANUAL)) as server:
        yield server


@pytest.fixture
def mock(manual_mock_server: MockServer) -> MockServer:
    """The manual-clock mock, freshly reset (demo tenant)."""
    assert manual_mock_server.control is not None
    manual_mock_server.control.reset(7)
    return manual_mock_server


async def _stream_events(
    ct: connecttrade.AsyncClient, subscribe: str, *args: object, **kwargs: object
) -> list[connecttrade.MarketDataEvent]:
    """The events a fresh stream publishes until its subscription's first data came."""
    events: list[connecttrade.MarketDataEvent] = []
    async with connecttrade.MarketDataStream.from_client(ct, ALPACA) as md:
        md.add_listener(events.append)
        await md.wait_live(PATIENCE)
        await getattr(md, subscribe)(*args, **kwargs)
        await md.list_subscriptions()  # answered after the subscription's first data
    return events


@pytest.mark.anyio
async def test_latest_quotes_equal_what_a_stream_subscription_sends(mock: MockServer) -> None:
    """latest_quotes over one session returns, per symbol in the order asked, the quote a
    quotes subscription sends first at the same moment; latest_quote returns one."""
    async with async_client(mock, demo_login(mock)) as ct:
        quotes = await ct.market_data.latest_quotes(["MSFT", "AAPL", "ZVZZT"])
        single = await ct.market_data.latest_quote("AAPL")
        events = await _stream_events(ct, "subscribe_quotes", ["MSFT", "AAPL", "ZVZZT"])
    streamed = {e.symbol: e for e in events if isinstance(e, connecttrade.Quote)}
    assert list(quotes) == ["MSFT", "AAPL", "ZVZZT"]
    assert quotes == streamed
    assert single == streamed["AAPL"]
    assert isinstance(single.bid, Decimal)
    assert single.bid < single.ask


def test_the_sync_client_gives_the_same_quotes(mock: MockServer) -> None:
    """Client.market_data (a private loop thread) answers what AsyncClient's does, and an
    explicit connection_id is the default one here."""
    with sync_client(mock, demo_login(mock)) as ct:
        default = ct.market_data.latest_quotes(["AAPL", "MSFT"])
        chosen = ct.market_data.latest_quote("MSFT", connection_id=ALPACA)
    assert chosen == default["MSFT"]
    assert default["AAPL"].symbol == "AAPL"


@pytest.mark.anyio
async def test_an_unknown_symbol_raises_a_typed_refusal_naming_it(mock: MockServer) -> None:
    """A symbol the market does not know raises SubscriptionRefusedError naming it, for
    quotes, a window of bars and a backfill alike."""
    async with async_client(mock, demo_login(mock)) as ct:
        with pytest.raises(connecttrade.SubscriptionRefusedError) as quotes:
            await ct.market_data.latest_quotes(["ZVZZT", "QQQQX"])
        with pytest.raises(connecttrade.SubscriptionRefusedError) as window:
            await ct.market_data.bars(
                "QQQQX", "1m", start=dt.datetime(2026, 1, 5, 14, 30, tzinfo=dt.UTC)
            )
        with pytest.raises(connecttrade.SubscriptionRefusedError) as backfill:
            await ct.market_data.bars("QQQQX", "5m", backfill=3)
    assert (quotes.value.symbols, quotes.value.accepted) == (("QQQQX",), ("ZVZZT",))
    assert [r.code for r in quotes.value.refusals] == ["unknown_symbol"]
    for caught in (window, backfill):
        assert (caught.value.channel, caught.value.symbols) == ("bars", ("QQQQX",))
        assert "QQQQX" in str(caught.value)


def test_the_sync_client_raises_the_same_refusal(mock: MockServer) -> None:
    """The sync twin raises the same typed refusal for an unknown symbol."""
    with (
        sync_client(mock, demo_login(mock)) as ct,
        pytest.raises(connecttrade.SubscriptionRefusedError) as caught,
    ):
        ct.market_data.latest_quote("QQQQX")
    assert caught.value.symbols == ("QQQQX",)


@pytest.mark.anyio
async def test_bars_of_a_window_and_a_backfill_agree_with_the_stream(mock: MockServer) -> None:
    """bars(start=, end=) are the stream snapshot's bars of [start, end); backfill=N are the
    N completed bars a bars subscription backfills, which are the window's last N."""
    async with async_client(mock, demo_login(mock)) as ct:
        backfilled = await ct.market_data.bars("AAPL", "1m", backfill=5)
        end = backfilled[-1].start + dt.timedelta(minutes=1)
        start = end - dt.timedelta(minutes=10)
        window = await ct.market_data.bars("AAPL", "1m", start=start, end=end)
        limited = await ct.market_data.bars("AAPL", "1m", start=start, end=end, limit=3)
        events = await _stream_events(ct, "subscribe_bars", "AAPL", "1m", 5)
        async with connecttrade.MarketDataStream.from_client(ct, ALPACA) as md:
            await md.wait_live(PATIENCE)
            snapshot = await md.snapshot("AAPL", "1m", start, end)
    assert [b.start for b in window] == [start + dt.timedelta(minutes=i) for i in range(10)]
    assert [(b.start, b.open, b.high, b.low, b.close, b.volume) for b in window] == [
        (b.start, b.open, b.high, b.low, b.close, b.volume) for b in snapshot.bars
    ]
    assert limited == window[:3]
    assert backfilled == window[-5:]
    assert backfilled == [e for e in events if isinstance(e, connecttrade.Bar) and e.backfill]
    assert all(b.final and b.symbol == "AAPL" and b.interval == "1m" for b in window)


@pytest.mark.anyio
async def test_a_window_up_to_now_ends_with_the_forming_bar(mock: MockServer) -> None:
    """bars(start=) runs to the server's now: every bar but the forming last one is final,
    and the forming one is the stream's live bar at that moment."""
    assert mock.control is not None
    mock.control.advance(90)  # into a minute
    async with async_client(mock, demo_login(mock)) as ct:
        (last_done,) = await ct.market_data.bars("AAPL", "1m", backfill=1)
        window = await ct.market_data.bars("AAPL", "1m", start=last_done.start)
        events = await _stream_events(ct, "subscribe_bars", "AAPL", "1m")
    (live,) = [e for e in events if isinstance(e, connecttrade.Bar)]
    assert [b.final for b in window] == [True, False]
    assert window[0] == last_done
    assert (window[1].start, window[1].close) == (live.start, live.close)
    assert live.final is False


def test_bars_refuse_contradictory_arguments_before_connecting(mock: MockServer) -> None:
    """Neither or both of start= and backfill=, a naive time or an unknown interval is a
    ValueError raised before any session opens."""
    aware = dt.datetime(2026, 1, 5, 14, 30, tzinfo=dt.UTC)
    with sync_client(mock, demo_login(mock)) as ct:
        with pytest.raises(ValueError, match="either start"):
            ct.market_data.bars("AAPL", "1m")
        with pytest.raises(ValueError, match="either start"):
            ct.market_data.bars("AAPL", "1m", start=aware, backfill=3)
        with pytest.raises(ValueError, match="aware"):
            ct.market_data.bars("AAPL", "1m", start=aware.replace(tzinfo=None))
        with pytest.raises(ValueError, match="interval"):
            ct.market_data.bars("AAPL", "2m", backfill=3)


@pytest.mark.anyio
async def test_expiries_and_strikes_agree_with_chain_frames(mock: MockServer) -> None:
    """Every expiry option_expiries lists has a chain frame of exactly that expiry, the
    first is the chain's default, and option_strikes are the strikes of a 50-strike frame."""
    async with async_client(mock, demo_login(mock)) as ct:
        expiries = await ct.market_data.option_expiries("SPY")
        strikes = await ct.market_data.option_strikes("SPY", expiries[1])
        nearest = await ct.market_data.option_chain("SPY", strikes=3)
        chains = await ct.market_data.option_chains("SPY", end=expiries[3], strikes=2)
        events = await _stream_events(
            ct, "subscribe_options_chain", "SPY", expiry=expiries[1], strikes=50
        )
    assert expiries == sorted(expiries)
    assert len(expiries) > 4
    assert nearest.expiries == (expiries[0],)
    assert [c.expiries for c in chains] == [(e,) for e in expiries[:4]]
    (frame,) = [e for e in events if isinstance(e, connecttrade.OptionsChain)]
    assert strikes == list(frame.strikes)
    assert frame.expiries == (expiries[1],)
    assert all(isinstance(s, Decimal) for s in strikes)
    later = await _later_expiries(mock, expiries)
    assert later == expiries[2:]


async def _later_expiries(mock: MockServer, expiries: list[dt.date]) -> list[dt.date]:
    async with async_client(mock, demo_login(mock)) as ct:
        return await ct.market_data.option_expiries(
            "SPY", start=expiries[1] + dt.timedelta(days=1), end=expiries[-1]
        )


@pytest.mark.anyio
async def test_a_chain_has_typed_rights_greeks_and_lands_in_the_cache(mock: MockServer) -> None:
    """option_chain's contracts carry OptionRight and Decimal greeks, calls and puts pair
    up by strike, and a MarketCache fed the stream's frame holds that same chain."""
    async with async_client(mock, demo_login(mock)) as ct:
        chain = await ct.market_data.option_chain("SPY", strikes=2)
        bare = await ct.market_data.option_chain("SPY", strikes=2, greeks=False)
        events = await _stream_events(ct, "subscribe_options_chain", "SPY", greeks=True, strikes=2)
    cache = connecttrade.MarketCache()
    for event in events:
        cache.apply(event)
    assert cache.options_chain("SPY") == chain
    assert cache.option_expiries("SPY") == chain.expiries
    assert "SPY" in cache.symbols()
    assert {c.right for c in chain.contracts} == {connecttrade.OptionRight.CALL, "P"}
    assert [c.strike for c in chain.calls] == [p.strike for p in chain.puts] == list(chain.strikes)
    assert len(chain.strikes) == 5
    middle = chain.strikes[2]
    call = chain.contract(middle, connecttrade.OptionRight.CALL)
    assert call is not None
    assert call.greeks is not None
    assert isinstance(call.greeks.delta, Decimal)
    assert 0 < call.greeks.delta < 1
    put = chain.contract(str(middle), "P")
    assert put is not None
    assert put.greeks is not None
    assert put.greeks.delta < 0
    assert all(c.greeks is None for c in bare.contracts)


def test_the_sync_client_lists_the_same_chain(mock: MockServer) -> None:
    """The sync twin finds the same expiries and the same nearest chain."""
    with sync_client(mock, demo_login(mock)) as ct:
        expiries = ct.market_data.option_expiries("SPY", end=dt.date(2026, 2, 1))
        chain = ct.market_data.option_chain("SPY", expiries[0], strikes=1)
    assert chain.expiries == (expiries[0],)
    assert all(e <= dt.date(2026, 2, 1) for e in expiries)


@pytest.mark.anyio
async def test_a_timeout_is_typed_and_says_what_it_waited_for(mock: MockServer) -> None:
    """A call that cannot finish within timeout= raises MarketDataTimeoutError, which is a
    TimeoutError naming what was missing; a bad strikes count is a ValueError."""
    async with async_client(mock, demo_login(mock)) as ct:
        with pytest.raises(connecttrade.MarketDataTimeoutError) as caught:
            await ct.market_data.latest_quote("AAPL", timeout=0.000_001)
        with pytest.raises(ValueError, match="strikes"):
            await ct.market_data.option_chain("SPY", strikes=51)
    assert isinstance(caught.value, TimeoutError)
    assert "quote of AAPL" in str(caught.value)
    with sync_client(mock, demo_login(mock)) as ct, pytest.raises(TimeoutError):
        ct.market_data.option_expiries("SPY", timeout=0.000_001)


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[MarketDataToken]:
    """Every market-data token the SDK fetched during the test."""
    seen: list[MarketDataToken] = []
    original = endpoints.market_data_token

    def spy(connection_id: str) -> Generator[object, object, MarketDataToken]:
        token: MarketDataToken = yield from original(connection_id)
        seen.append(token)
        return token

    monkeypatch.setattr(endpoints, "market_data_token", spy)
    return seen


def test_no_token_shows_in_logs_errors_or_reprs(
    mock: MockServer, issued_tokens: list[MarketDataToken], caplog: pytest.LogCaptureFixture
) -> None:
    """The tokens a one-shot call fetched appear in no log record, error message or repr."""
    caplog.set_level("DEBUG")
    with sync_client(mock, demo_login(mock)) as ct:
        quote = ct.market_data.latest_quote("AAPL")
        with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
            ct.market_data.latest_quote("QQQQX")
        shown = [repr(ct.market_data), repr(quote), str(caught.value), repr(caught.value)]
    assert len(issued_tokens) == 2
    texts = [record.getMessage() for record in caplog.records] + shown
    for token in issued_tokens:
        secret = token.token.reveal()
        assert secret
        assert not any(secret in text for text in texts)
        assert secret not in repr(token)


@pytest.mark.anyio
async def test_an_unknown_connection_is_the_servers_not_found(mock: MockServer) -> None:
    """connection_id= of no connection of the user raises NotFoundError from the token call."""
    async with async_client(mock, demo_login(mock)) as ct:
        with pytest.raises(connecttrade.NotFoundError):
            await ct.market_data.latest_quote("AAPL", connection_id="conn_nope")


@pytest.mark.anyio
async def test_calls_made_at_once_share_one_session(
    mock: MockServer, issued_tokens: list[MarketDataToken]
) -> None:
    """Quotes, bars and a chain asked for at once on one AsyncClient share one session
    (one token fetched, nobody replaced), and each call gets only what it asked for."""
    async with async_client(mock, demo_login(mock)) as ct:
        md = ct.market_data
        aapl, both, bars, chain, expiries = await asyncio.gather(
            md.latest_quote("AAPL"),
            md.latest_quotes(["MSFT", "ZVZZT"]),
            md.bars("AAPL", "5m", backfill=2),
            md.option_chain("SPY", strikes=1),
            md.option_expiries("SPY", end=dt.date(2026, 2, 1)),
        )
        again = await md.latest_quote("AAPL")  # a new session: the first one closed
    assert len(issued_tokens) == 2
    assert aapl == again
    assert list(both) == ["MSFT", "ZVZZT"]
    assert len(bars) == 2
    assert chain.expiries == (expiries[0],)


def test_sync_calls_from_threads_share_one_session(
    mock: MockServer, issued_tokens: list[MarketDataToken]
) -> None:
    """Sync calls from several threads at once run on one loop thread and one session, or
    one after another; none replaces another's session."""
    symbols = ["AAPL", "MSFT", "ZVZZT", "ZWZZT"]
    with sync_client(mock, demo_login(mock)) as ct, ThreadPoolExecutor(4) as pool:
        quotes = list(pool.map(ct.market_data.latest_quote, symbols))
    assert [q.symbol for q in quotes] == symbols
    assert 1 <= len(issued_tokens) <= len(symbols)
