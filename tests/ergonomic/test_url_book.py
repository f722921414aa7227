"""Tests that the SDK's remembered URLs are exactly the URLs httpx would have parsed."""

from __future__ import annotations

import httpx
import pytest

import connecttrade
from connecttrade._http.url_book import _KEPT, UrlBook

BASE = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/orders", id="plain"),
        pytest.param("/accounts/acc_1/orders/ord_2", id="ids"),
        pytest.param("/accounts/acc%201/orders", id="percent-encoded"),
        pytest.param("/symbols/BRK/B", id="slash-in-symbol"),
        pytest.param("/symbols/é", id="non-ascii"),
    ],
)
def test_a_remembered_url_equals_what_httpx_parses_from_the_text(path: str) -> None:
    """The URL given for a path is the one httpx makes of base URL + path, each time."""
    book = UrlBook(BASE)
    first, second = book.url(path), book.url(path)
    assert first == httpx.URL(BASE + path)
    assert second is first
    request = httpx.Request("GET", first)
    assert request.url.raw_path == httpx.Request("GET", BASE + path).url.raw_path


def test_a_book_for_a_foreign_pool_gives_the_text() -> None:
    """With parse=False (a pool that is not httpx's own) the joined text is given."""
    assert UrlBook(BASE, parse=False).url("/orders") == BASE + "/orders"


def test_the_book_stays_bounded() -> None:
    """However many distinct paths are asked for, the book never holds more than its bound."""
    book = UrlBook(BASE)
    for number in range(_KEPT * 3):
        assert book.url(f"/orders/ord_{number}") == httpx.URL(f"{BASE}/orders/ord_{number}")
        assert len(book._parsed) <= _KEPT


def test_a_client_sends_its_calls_to_the_parsed_urls() -> None:
    """Calls through a client's own pool reach base URL + path, query string included."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=[])

    with connecttrade.Client(
        base_url=BASE + "/v1/",
        client_id="c",
        client_secret="s",
        user_id="u",
        user_secret="us",
    ) as client:
        client._driver.http._transport = httpx.MockTransport(answer)
        client.positions.list()
        client.positions.list(account_id="acc 1")
    assert seen == [f"{BASE}/v1/positions", f"{BASE}/v1/positions?account_id=acc+1"]
