"""The guard priced from the market-data stream: live quotes, silence, drops, clocks.

Every test runs against the real mock over loopback (manual clock: quotes change only
when a test pins one). The guard's clock is a week after the mock's on purpose: the
quote source times quotes by when the stream last spoke, on the guard's clock, so the
two clocks never have to agree.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import pytest

import connecttrade
from connecttrade.agent import Policy, QuoteUnavailable, Refused, StreamQuotes, SyncStreamQuotes
from connecttrade.agent.quotes._board import QuoteBoard
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .demo_clients import async_sdk_client, sdk_client
from .guard_env import MARGIN, FakeClock
from .stream_glue_support import eventually, fixed_backoff, stream_guard

ALPACA = "conn_demo_alpaca"


@pytest.fixture
def clock(mock_broker: MockBrokerFixture) -> FakeClock:
    """The guard's clock: a week after the mock's, standing still unless a test moves it."""
    mock_now = dt.datetime.fromisoformat(mock_broker.control.state()["now"])
    return FakeClock(mock_now + dt.timedelta(days=7))


def policy(**changes: object) -> Policy:
    """The margin account, the scenario symbols, any time of day, 60 s old quotes at most."""
    values: dict[str, object] = {
        "accounts": frozenset({MARGIN}),
        "symbols": frozenset({"ZVZZT", "ZWZZT", "ZAZZT", "QQQQX"}),
        "max_quantity": Decimal(100),
        "max_notional": Decimal(5000),
        "sessions": (),
    }
    values.update(changes)
    return Policy(**values)  # type: ignore[arg-type]


def market_buy(symbol: str, qty: int = 10) -> connecttrade.OrderRequest:
    return connecttrade.market(symbol, qty, side="BUY")


def test_guard_prices_a_market_order_from_the_stream_quote(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """A market buy is bounded by the streamed quote's highest price and goes through to
    the broker, although the mock's clock is a week behind the guard's."""
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10", last="10.05")
    with SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock) as quotes:
        guard = stream_guard(client, policy(), quotes, clock, tmp_path)
        tools = guard.execute_tools()
        staged = tools.prepare_order(market_buy("ZVZZT", 10), account_id=MARGIN)
        assert staged.estimated_notional == Decimal("101.00")
        assert "10.10" in staged.summary
        exchange_time = quotes.cache.quote("ZVZZT").time  # type: ignore[union-attr]
        assert clock() - exchange_time > dt.timedelta(days=6)
        result = tools.confirm(staged.confirmation_id)
        assert result.status == "submitted"
        assert result.order is not None
        assert result.order.symbol == "ZVZZT"


def test_a_new_quote_reprices_the_next_order(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """A quote the broker changes reaches the guard's next estimate through the stream."""
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10")
    with SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock) as quotes:
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("101.00")
        mock_broker.control.set_quote("ZVZZT", "20.00", "20.50")
        eventually(lambda: quotes("ZVZZT").ask == Decimal("20.50"), "the new quote streamed in")
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("205.00")


def test_symbols_are_subscribed_when_first_priced(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """A symbol the source was not given is subscribed on the guard's first ask and priced."""
    mock_broker.control.set_quote("ZWZZT", "30.00", "30.20")
    with SyncStreamQuotes.from_client(client, ALPACA, clock=clock) as quotes:
        quotes.stream.wait_live(timeout=10)
        assert not quotes.symbols
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        staged = tools.prepare_order(market_buy("ZWZZT", 5))
        assert staged.estimated_notional == Decimal("151.00")
        assert quotes.symbols == ("ZWZZT",)


def test_a_symbol_the_feed_refuses_is_refused_and_forgotten(
    client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """A symbol the feed does not know is refused with rule ``market_data`` naming the
    feed's reason, and dropped from the source and the stream, so reconnects do not keep
    asking for it."""
    with SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock, wait=0.5) as quotes:
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        with pytest.raises(Refused) as refusal:
            tools.prepare_order(market_buy("QQQQX"))
        assert refusal.value.rule == "market_data"
        assert "QQQQX" in refusal.value.reason
        assert "unknown_symbol" in refusal.value.reason
        assert quotes.symbols == ("ZVZZT",)
        assert quotes.stream.symbols("quotes") == ("ZVZZT",)
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional > 0


def test_subscribing_a_refused_symbol_with_others_keeps_the_others(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """``subscribe`` with a symbol the feed lacks raises naming it, and the symbols given
    with it are subscribed and priced (one bad symbol no longer stops a whole frame)."""
    mock_broker.control.set_quote("ZWZZT", "30.00", "30.20")
    with SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock) as quotes:
        with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
            quotes.subscribe(["QQQQX", "ZWZZT"])
        assert (caught.value.symbols, caught.value.accepted) == (("QQQQX",), ("ZWZZT",))
        assert quotes.symbols == ("ZVZZT", "ZWZZT")
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        assert tools.prepare_order(market_buy("ZWZZT", 5)).estimated_notional == Decimal("151.00")


def test_without_on_demand_subscription_only_given_symbols_are_priced(
    client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """With ``subscribe_on_demand`` off, a symbol not given is refused and not subscribed."""
    with SyncStreamQuotes.from_client(
        client, ALPACA, ["ZVZZT"], clock=clock, subscribe_on_demand=False
    ) as quotes:
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        with pytest.raises(Refused) as refusal:
            tools.prepare_order(market_buy("ZWZZT"))
        assert refusal.value.rule == "market_data"
        assert "not subscribed" in refusal.value.reason
        assert quotes.symbols == ("ZVZZT",)


def test_a_silent_stream_makes_quotes_stale_until_it_speaks_again(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """While the stream is stalled its quote ages on the guard's clock, and past
    ``max_quote_age`` the guard refuses the market order; once frames flow again the same
    quote is vouched for anew and priced."""
    mock_broker.control.stream_settings(heartbeat_seconds=1)
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10")
    # The SDK stream must not give up on the silent socket itself during this test.
    with SyncStreamQuotes.from_client(
        client, ALPACA, ["ZVZZT"], clock=clock, stale_after=60
    ) as quotes:
        tools = stream_guard(
            client, policy(max_quote_age=dt.timedelta(seconds=1.5)), quotes, clock, tmp_path
        ).prepare_tools()
        eventually(lambda: clock() - quotes("ZVZZT").time < dt.timedelta(seconds=1), "fresh")
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("101.00")

        assert mock_broker.control.stall_streams("market_data", 4) == 1
        eventually(lambda: clock() - quotes("ZVZZT").time > dt.timedelta(seconds=2), "stale")
        with pytest.raises(Refused) as refusal:
            tools.prepare_order(market_buy("ZVZZT"))
        assert refusal.value.rule == "market_data"
        assert "stale market data" in refusal.value.reason

        eventually(lambda: clock() - quotes("ZVZZT").time < dt.timedelta(seconds=1), "resumed")
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("101.00")


def test_a_dropped_stream_has_no_quotes_until_it_is_live_again(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """While a dropped stream waits to reconnect, the guard refuses market orders at once
    (the last quote is not used, however recent), and limit orders still go through."""
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10")
    with SyncStreamQuotes.from_client(
        client, ALPACA, ["ZVZZT"], clock=clock, backoff=fixed_backoff(60)
    ) as quotes:
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("101.00")
        assert mock_broker.control.drop_streams("market_data", code=1011) == 1
        eventually(lambda: quotes.stream.state is connecttrade.StreamState.RECONNECTING, "down")
        with pytest.raises(Refused) as refusal:
            tools.prepare_order(market_buy("ZVZZT"))
        assert refusal.value.rule == "market_data"
        assert "reconnecting" in refusal.value.reason
        limit = connecttrade.limit("ZVZZT", 10, "10.20", side="BUY")
        assert tools.prepare_order(limit).estimated_notional == Decimal("102.00")


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-frame", "tcp-reset"])
def test_after_a_reconnect_the_quote_is_delivered_again_before_use(
    mock_broker: MockBrokerFixture,
    client: connecttrade.Client,
    clock: FakeClock,
    tmp_path: Path,
    abrupt: bool,
) -> None:
    """After a drop the stream reconnects and resubscribes, and the guard prices from the
    quote the new session delivered, including a price that moved during the outage."""
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10")
    with SyncStreamQuotes.from_client(
        client, ALPACA, ["ZVZZT"], clock=clock, backoff=fixed_backoff(0.3)
    ) as quotes:
        quotes.stream.wait_live(timeout=10)
        tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("101.00")
        mock_broker.control.drop_streams("market_data", abrupt=abrupt)
        mock_broker.control.set_quote("ZVZZT", "11.00", "11.10")
        eventually(lambda: quotes.stream.connects == 2, "reconnected")
        assert tools.prepare_order(market_buy("ZVZZT")).estimated_notional == Decimal("111.00")


def test_asked_on_the_stream_thread_it_answers_without_blocking_the_stream(
    mock_broker: MockBrokerFixture, client: connecttrade.Client, clock: FakeClock
) -> None:
    """Asked from a listener on the stream's own thread, the source answers a quoted
    symbol and refuses a new one at once instead of waiting for a quote that thread
    would have to deliver."""
    answers: list[object] = []
    done = threading.Event()
    with SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock) as quotes:
        quotes("ZVZZT")

        def on_event(event: object) -> None:
            if isinstance(event, connecttrade.Quote) and event.ask == Decimal("12.10"):
                for symbol in ("ZVZZT", "ZAZZT"):
                    try:
                        answers.append(quotes(symbol).ask)
                    except QuoteUnavailable as exc:
                        answers.append(type(exc))
                done.set()

        quotes.stream.add_listener(on_event)
        mock_broker.control.set_quote("ZVZZT", "12.00", "12.10")
        assert done.wait(10)
        assert answers == [Decimal("12.10"), QuoteUnavailable]
        assert quotes.symbols == ("ZVZZT",)


def test_a_closed_source_refuses(client: connecttrade.Client, clock: FakeClock) -> None:
    """Once the source (and the stream it made) is closed, every ask raises
    ``QuoteUnavailable`` naming the closed stream."""
    quotes = SyncStreamQuotes.from_client(client, ALPACA, ["ZVZZT"], clock=clock)
    quotes("ZVZZT")
    quotes.close()
    quotes.close()
    with pytest.raises(QuoteUnavailable, match="closed"):
        quotes("ZVZZT")
    assert quotes.stream.state is connecttrade.StreamState.CLOSED


@pytest.mark.parametrize(
    ("option", "value"),
    [("wait", -1), ("wait", float("nan")), ("wait", True)],
    ids=["negative-wait", "nan-wait", "bool-wait"],
)
def test_bad_options_are_refused_before_anything_starts(
    client: connecttrade.Client, option: str, value: object
) -> None:
    """A bad option raises ``ValueError`` naming it, and no stream is left running."""
    with pytest.raises(ValueError, match=option):
        SyncStreamQuotes.from_client(client, ALPACA, **{option: value})  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_async_stream_quotes_serve_a_guard_in_a_worker_thread(
    mock_broker: MockBrokerFixture, clock: FakeClock, tmp_path: Path
) -> None:
    """Over an async stream the guard, run in a worker thread, subscribes and prices a new
    symbol; asked on the loop itself, an unknown symbol is subscribed in the background
    and refused once instead of blocking the loop."""
    mock_broker.control.set_quote("ZVZZT", "10.00", "10.10")
    mock_broker.control.set_quote("ZAZZT", "40.00", "40.40")
    async with async_sdk_client(mock_broker) as act:
        stream = connecttrade.MarketDataStream.from_client(act, ALPACA)
        async with stream:
            quotes = StreamQuotes(stream, clock=clock)
            with sdk_client(mock_broker) as client:
                tools = stream_guard(client, policy(), quotes, clock, tmp_path).prepare_tools()
                staged = await asyncio.to_thread(tools.prepare_order, market_buy("ZVZZT"))
                assert staged.estimated_notional == Decimal("101.00")
                with pytest.raises(QuoteUnavailable, match="being subscribed"):
                    quotes("ZAZZT")
                for _ in range(500):
                    try:
                        assert quotes("ZAZZT").ask == Decimal("40.40")
                        break
                    except QuoteUnavailable:
                        await asyncio.sleep(0.02)
                else:
                    pytest.fail("ZAZZT was never quoted")
                assert quotes.symbols == ("ZAZZT", "ZVZZT")
            quotes.close()


# ---------------------------------------------------------------- the board, without a socket
T = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def md_quote(symbol: str, ask: str) -> connecttrade.Quote:
    return connecttrade.Quote(
        symbol, Decimal(ask) - 1, Decimal(ask), Decimal(100), Decimal(100), None, T
    )


def went(previous: str, state: str) -> connecttrade.StateChanged:
    return connecttrade.StateChanged(
        connecttrade.StreamState(previous), connecttrade.StreamState(state), "test"
    )


class Ticker:
    """A monotonic clock and a last-frame time that a test sets."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.last_frame: float | None = None

    def frame(self) -> None:
        self.last_frame = self.now


def test_board_trusts_only_quotes_of_the_current_session() -> None:
    """A quote delivered before the stream dropped is not vouched for after it is live
    again until the new session delivers it; its silence counts from the last frame."""
    ticker = Ticker()
    board = QuoteBoard(connecttrade.MarketCache(), lambda: ticker.last_frame, lambda: ticker.now)
    board.adopt(connecttrade.StreamState.CONNECTING)
    board.on_event(went("connecting", "authenticating"))
    board.on_event(md_quote("BRK.B", "10"))  # delivered while resubscribing
    ticker.frame()
    board.on_event(went("authenticating", "live"))
    ticker.now += 2.5
    found = board.trusted("brk/b")  # any dialect names the same symbol
    assert (found.quote.ask, found.silence) == (Decimal(10), 2.5)

    board.on_event(went("live", "reconnecting"))
    with pytest.raises(QuoteUnavailable, match="reconnecting"):
        board.wait_trusted("BRK.B", timeout=30)  # fails at once: nothing is coming
    board.on_event(went("reconnecting", "connecting"))
    board.on_event(went("connecting", "authenticating"))
    board.on_event(went("authenticating", "live"))
    with pytest.raises(QuoteUnavailable, match="since the stream went live"):
        board.trusted("BRK.B")
    board.on_event(md_quote("BRK.B", "11"))
    ticker.frame()
    assert board.trusted("BRK.B").quote.ask == Decimal(11)
    assert board.trusted("BRK.B").silence == 0

    board.detach()
    board.on_event(md_quote("BRK.B", "12"))
    with pytest.raises(QuoteUnavailable, match="closed"):
        board.trusted("BRK.B")


def test_board_keeps_the_state_an_event_told_over_the_one_read_at_attach() -> None:
    """A state change that arrives between attaching and reading the stream's state wins
    over the (older) state read."""
    board = QuoteBoard(connecttrade.MarketCache(), lambda: None)
    board.on_event(went("authenticating", "live"))
    board.adopt(connecttrade.StreamState.AUTHENTICATING)
    assert board.state is connecttrade.StreamState.LIVE
