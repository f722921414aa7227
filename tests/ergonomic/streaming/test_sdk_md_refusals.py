"""A market-data symbol the server refuses never stops the others: against the real mock
over loopback, the refused symbol is reported (event and typed error) and forgotten, and
the accepted ones stream now and after reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import connecttrade
from connecttrade_mock.testing import MockServer

from .stream_support import async_client, demo_login, sync_client

FAST = connecttrade.Backoff(base=0.05, cap=0.2)
ALPACA = "conn_demo_alpaca"
PATIENCE = 15.0


class Seen:
    """Every event a stream published, for assertions after the fact."""

    def __init__(self, stream: connecttrade.MarketDataStream) -> None:
        self.events: list[connecttrade.MarketDataEvent] = []
        stream.add_listener(self.events.append)

    def refusals(self) -> list[connecttrade.SubscriptionRefused]:
        return [e for e in self.events if isinstance(e, connecttrade.SubscriptionRefused)]


async def _next_quote(queue: AsyncIterator[connecttrade.MarketDataEvent]) -> connecttrade.Quote:
    async with asyncio.timeout(PATIENCE):
        async for event in queue:
            if isinstance(event, connecttrade.Quote):
                return event
    raise AssertionError("the stream ended")


async def _wait_for(condition: object) -> None:
    assert callable(condition)
    async with asyncio.timeout(PATIENCE):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.mark.anyio
async def test_an_unknown_symbol_is_refused_while_the_others_stream_across_reconnects(
    live_mock: MockServer,
) -> None:
    """ZVZZT with the unknown QQQQX on a live stream: the call raises naming QQQQX, a
    SubscriptionRefused event says so, ZVZZT quotes flow; after a drop the stream
    resubscribes ZVZZT alone (QQQQX is not asked for again) and its quotes flow again."""
    assert live_mock.control is not None
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, ALPACA, backoff=FAST)
        seen = Seen(md)
        async with md:
            await md.wait_live(PATIENCE)
            quotes = md.events()
            with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
                await md.subscribe_quotes(["ZVZZT", "QQQQX"])
            refused = caught.value
            assert (refused.channel, refused.symbols, refused.accepted) == (
                "quotes",
                ("QQQQX",),
                ("ZVZZT",),
            )
            assert [r.code for r in refused.refusals] == ["unknown_symbol"]
            assert "QQQQX" in str(refused)
            assert seen.refusals() == list(refused.refusals)
            assert md.symbols("quotes") == ("ZVZZT",)
            assert (await _next_quote(quotes)).symbol == "ZVZZT"

            assert live_mock.control.drop_streams("market_data", code=1011) == 1
            await _wait_for(lambda: md.connects == 2 and md.state is connecttrade.StreamState.LIVE)
            listed = await md.list_subscriptions()
            assert [(s.channel, s.symbol) for s in listed.subscriptions] == [("quotes", "ZVZZT")]
            after = md.events()
            live_mock.control.set_quote("ZVZZT", "10.00", "10.10")
            assert (await _next_quote(after)).symbol == "ZVZZT"
    assert len(seen.refusals()) == 1  # the reconnect did not ask for QQQQX again


@pytest.mark.anyio
async def test_symbols_refused_while_connecting_do_not_hold_the_stream_back(
    live_mock: MockServer,
) -> None:
    """A refusal answering the frames that open the connection is an event for symbols
    registered before start(), and an error for a call made while connecting; the stream
    still goes live and the accepted symbols stream."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, ALPACA, backoff=FAST)
        seen = Seen(md)
        queue = md.events()
        await md.subscribe_quotes(["QQQQX", "ZVZZT"])  # idle: registered only
        async with md:
            assert md.state is connecttrade.StreamState.CONNECTING
            with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
                await md.subscribe_trades(["ZWZZT", "QQQQY"], session="all")
            await md.wait_live(PATIENCE)  # returns: the refusals did not hold it back
            assert caught.value.symbols == ("QQQQY",)
            assert caught.value.accepted == ("ZWZZT",)
            assert {(r.channel, r.symbols) for r in seen.refusals()} == {
                ("quotes", ("QQQQX",)),
                ("trades", ("QQQQY",)),
            }
            assert (md.symbols("quotes"), md.symbols("trades")) == (("ZVZZT",), ("ZWZZT",))
            assert (await _next_quote(queue)).symbol == "ZVZZT"


@pytest.mark.anyio
async def test_refusal_codes_are_reported_one_by_one(live_mock: MockServer) -> None:
    """Through Tradier (no crypto) one call with an equity, a crypto pair and an unknown
    symbol raises with one refusal per code and keeps the equity subscribed."""
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, "conn_demo_tradier", backoff=FAST)
        async with md:
            await md.wait_live(PATIENCE)
            with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
                await md.subscribe_quotes(["AAPL", "BTC/USD", "NOPE"])
            assert [(r.code, r.symbols) for r in caught.value.refusals] == [
                ("not_entitled", ("BTC/USD",)),
                ("unknown_symbol", ("NOPE",)),
            ]
            assert caught.value.symbols == ("BTC/USD", "NOPE")
            assert md.symbols("quotes") == ("AAPL",)


def _read_only_connection(server: MockServer, ct: connecttrade.Client) -> str:
    """Link a read-only Schwab account to the demo user (approving it as the user would)."""
    request = ct.connections.create("SCHWAB", "https://app.example.com/callback", "readonly")
    with httpx.Client(base_url=server.base_url) as browser:
        answer = browser.post(
            urlsplit(request.url).path,
            data={"decision": "approve", "broker": "SCHWAB", "account": "live"},
            follow_redirects=False,
        )
    assert answer.status_code == 303, answer.text
    return parse_qs(urlsplit(answer.headers["location"]).query)["connection_id"][0]


@pytest.mark.anyio
async def test_a_read_only_connection_refuses_every_symbol_with_not_entitled(
    live_mock: MockServer,
) -> None:
    """On a bank broker's connection (read-only) the sync stream goes live, the call
    raises not_entitled naming every symbol, nothing stays registered, and the stream
    stays live."""
    login = demo_login(live_mock)
    with sync_client(live_mock, login) as ct:
        connection_id = _read_only_connection(live_mock, ct)
        with connecttrade.SyncMarketDataStream.from_client(ct, connection_id) as md:
            md.wait_live(PATIENCE)
            with pytest.raises(connecttrade.SubscriptionRefusedError) as caught:
                md.subscribe_quotes(["AAPL", "MSFT"])
            assert [r.code for r in caught.value.refusals] == ["not_entitled"]
            assert caught.value.symbols == ("AAPL", "MSFT")
            assert caught.value.accepted == ()
            assert md.symbols("quotes") == ()
            assert md.state is connecttrade.StreamState.LIVE


@pytest.mark.anyio
async def test_sync_stream_raises_and_keeps_streaming_the_rest(live_mock: MockServer) -> None:
    """The sync facade's subscribe blocks for the answer, raises naming the refused symbol,
    and the accepted one's quotes arrive on its iterator."""
    with (
        sync_client(live_mock, demo_login(live_mock)) as ct,
        connecttrade.SyncMarketDataStream.from_client(ct, ALPACA, backoff=FAST) as md,
    ):
        with pytest.raises(connecttrade.SubscriptionRefusedError, match="QQQQX"):
            md.subscribe_quotes(["QQQQX", "ZVZZT"])
        assert md.state is connecttrade.StreamState.LIVE
        events = [md.get(timeout=PATIENCE)]
        while not isinstance(events[-1], connecttrade.Quote):
            events.append(md.get(timeout=PATIENCE))
        assert events[-1].symbol == "ZVZZT"
        refusals = [e for e in events if isinstance(e, connecttrade.SubscriptionRefused)]
        assert [(r.channel, r.symbols, r.code) for r in refusals] == [
            ("quotes", ("QQQQX",), "unknown_symbol")
        ]
        assert md.symbols("quotes") == ("ZVZZT",)


@pytest.mark.anyio
async def test_a_subscribe_with_no_answer_times_out_and_stays_registered(
    live_mock: MockServer,
) -> None:
    """While the stream waits out a long reconnect delay a subscribe call gives up after
    its timeout with TimeoutError, and its symbol is still registered for the next
    connection."""
    assert live_mock.control is not None
    slow = connecttrade.Backoff(base=60, cap=60)
    async with async_client(live_mock, demo_login(live_mock)) as ct:
        md = connecttrade.MarketDataStream.from_client(ct, ALPACA, backoff=slow)
        async with md:
            await md.wait_live(PATIENCE)
            live_mock.control.drop_streams("market_data", code=1011)
            await _wait_for(lambda: md.state is connecttrade.StreamState.RECONNECTING)
            with pytest.raises(TimeoutError, match="stay registered"):
                await md.subscribe_quotes("ZVZZT", timeout=0.2)
            assert md.symbols("quotes") == ("ZVZZT",)
