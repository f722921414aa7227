"""Tests of the local order book and the quote/bar cache."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import connecttrade

T0 = dt.datetime(2026, 11, 20, 15, 4, tzinfo=dt.UTC)


def _depth(
    time: dt.datetime, bids: list[tuple[str, str]], asks: list[tuple[str, str]]
) -> connecttrade.Depth:
    def levels(pairs: list[tuple[str, str]]) -> tuple[connecttrade.BookLevel, ...]:
        return tuple(connecttrade.BookLevel(Decimal(p), Decimal(s)) for p, s in pairs)

    return connecttrade.Depth("AAPL", len(bids), levels(bids), levels(asks), time)


def _bar(start_minute: int, close: str, *, final: bool) -> connecttrade.Bar:
    start = T0 + dt.timedelta(minutes=start_minute)
    price = Decimal(close)
    return connecttrade.Bar(
        "AAPL", "1m", start, price, price, price, price, Decimal(1), backfill=False, final=final
    )


def test_order_book_answers_best_prices_spread_and_fill_price() -> None:
    """A depth snapshot gives best bid/ask, spread, mid, depth and the cost of a sweep."""
    book = connecttrade.OrderBook("AAPL")
    book.apply(_depth(T0, [("10.00", "5"), ("10.01", "1")], [("10.03", "2"), ("10.05", "10")]))
    assert book.best_bid == connecttrade.BookLevel(Decimal("10.01"), Decimal(1))
    assert book.spread == Decimal("0.02")
    assert book.mid == Decimal("10.02")
    assert book.depth("bid") == Decimal(6)
    assert book.fill_price("buy", Decimal(4)) == Decimal("10.04")
    assert book.fill_price("sell", Decimal(100)) is None
    assert not book.crossed


def test_order_book_ignores_older_snapshots_and_flags_crossed_books() -> None:
    """An older depth frame does not overwrite a newer one; a crossed book is flagged."""
    book = connecttrade.OrderBook("AAPL")
    assert book.apply(_depth(T0, [("10.05", "1")], [("10.04", "1")]))
    assert book.crossed
    assert not book.apply(_depth(T0 - dt.timedelta(seconds=1), [("9", "1")], [("11", "1")]))
    assert book.best_bid is not None
    assert book.best_bid.price == Decimal("10.05")
    with pytest.raises(ValueError, match="MSFT"):
        connecttrade.OrderBook("MSFT").apply(_depth(T0, [], []))


def test_cache_keeps_the_newest_quote() -> None:
    """Quotes replace older ones by time; a late older quote is ignored."""
    cache = connecttrade.MarketCache()
    new = connecttrade.Quote("AAPL", Decimal(1), Decimal(2), Decimal(1), Decimal(1), None, T0)
    old = connecttrade.Quote(
        "AAPL", Decimal(5), Decimal(6), Decimal(1), Decimal(1), None, T0 - dt.timedelta(1)
    )
    assert cache.apply(new)
    assert not cache.apply(old)
    assert cache.quote("AAPL") == new
    assert new.mid == Decimal("1.5")


def test_cache_replaces_forming_bars_and_keeps_finals() -> None:
    """A forming bar sent again replaces the held one; a late forming copy cannot undo a final."""
    cache = connecttrade.MarketCache(max_bars=2)
    cache.apply(_bar(0, "1", final=False))
    cache.apply(_bar(0, "2", final=True))
    assert not cache.apply(_bar(0, "3", final=False))
    cache.apply(_bar(1, "4", final=True))
    cache.apply(_bar(2, "5", final=False))
    assert [b.close for b in cache.bars("AAPL", "1m")] == [Decimal(4), Decimal(5)]


def test_cache_builds_books_and_notifies_listeners() -> None:
    """Depth events feed a book per symbol and listeners hear which symbol changed."""
    cache = connecttrade.MarketCache()
    heard: list[str] = []
    cache.on_update(heard.append)
    cache.apply(_depth(T0, [("1", "1")], [("2", "1")]))
    cache.apply(connecttrade.ChannelSubscribed("quotes", ("AAPL",)))
    book = cache.book("AAPL")
    assert book is not None
    assert book.best_ask is not None
    assert heard == ["AAPL"]
    assert cache.symbols() == ("AAPL",)
