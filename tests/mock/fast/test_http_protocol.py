"""The mock's HTTP protocol sends what each turn of the event loop wrote at the turn's end,
one write per connection, and HTTP still works: pipelined requests, HEAD,
``Expect: 100-continue``, connection close, malformed requests, WebSocket upgrades."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from mock_api import DEMO_HEADERS, settings

from connecttrade_mock.fast.http_protocol import WRITE_AT_ONCE, TurnWriter, outbox_of
from connecttrade_mock.testing import MockServer


class RecordingTransport:
    """What a transport was asked to write, call by call."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def _writer(transport: RecordingTransport, loop: asyncio.AbstractEventLoop) -> TurnWriter:
    return TurnWriter(transport, loop, outbox_of(loop))  # type: ignore[arg-type]


async def _next_turn() -> None:
    await asyncio.sleep(0)


def in_a_loop(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """``test``, run to its end in a fresh event loop."""

    def run() -> None:
        asyncio.run(test())

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


@in_a_loop
async def test_a_turns_writes_leave_together_at_its_end() -> None:
    """A head and its body, written in one turn, reach the transport as one write, and
    only once the turn is over."""
    transport = RecordingTransport()
    writer = _writer(transport, asyncio.get_running_loop())
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    writer.write(b"")
    writer.write(b"{}")
    assert transport.writes == []
    assert writer.get_write_buffer_size() == 7 + 40
    await _next_turn()
    assert transport.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    writer.write(b"next")
    await _next_turn()
    assert transport.writes[1:] == [b"next"]


@in_a_loop
async def test_connections_are_sent_in_the_order_they_wrote() -> None:
    """Each connection gets its own bytes, one write each, in the order they first wrote."""
    loop = asyncio.get_running_loop()
    sent: list[tuple[str, bytes]] = []

    class Named(RecordingTransport):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def write(self, data: bytes) -> None:
            sent.append((self.name, data))

    first, second = _writer(Named("a"), loop), _writer(Named("b"), loop)
    second.write(b"b1")
    first.write(b"a1")
    second.write(b"b2")
    await _next_turn()
    assert sent == [("b", b"b1b2"), ("a", b"a1")]


@in_a_loop
async def test_close_sends_what_waits_first() -> None:
    """A connection closed in the turn it wrote (``Connection: close``, a 400 for a
    malformed request) sends its answer before it closes, and nothing after."""
    transport = RecordingTransport()
    writer = _writer(transport, asyncio.get_running_loop())
    writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    writer.close()
    assert transport.writes == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]
    assert transport.closed
    assert writer.is_closing()
    await _next_turn()  # the turn's end finds nothing left (and writes nothing after close)
    assert len(transport.writes) == 1


@in_a_loop
async def test_a_long_answer_is_written_as_it_grows() -> None:
    """Past ``WRITE_AT_ONCE`` bytes a connection writes at once, so a long streamed answer
    still meets the transport's own flow control."""
    transport = RecordingTransport()
    writer = _writer(transport, asyncio.get_running_loop())
    chunk = b"x" * (WRITE_AT_ONCE // 2)
    writer.write(chunk)
    assert transport.writes == []
    writer.write(chunk)
    assert transport.writes == [chunk + chunk]
    writer.write(b"tail")
    await _next_turn()
    assert transport.writes == [chunk + chunk, b"tail"]


@in_a_loop
async def test_a_client_gone_before_the_turn_ends_is_not_written_to() -> None:
    """If the connection was lost meanwhile, what waited is dropped, not written to a
    closed transport (which would raise)."""
    transport = RecordingTransport()
    writer = _writer(transport, asyncio.get_running_loop())
    writer.write(b"answer")
    transport.closed = True  # as the transport is when its peer resets the connection
    await _next_turn()
    assert transport.writes == []
    assert writer.get_extra_info("peername") == "info:peername"


@pytest.fixture(scope="module", params=[False, True], ids=["stock", "speedups"])
def server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The mock served by stock uvicorn, then with the turn-batching protocol: the HTTP
    behaviour below is the same on both."""
    with MockServer(settings(speedups=request.param)) as mock:
        yield mock


def _connect(server: MockServer) -> socket.socket:
    url = urlsplit(server.base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    return sock


def _request(
    method: str, path: str, body: bytes = b"", extra: dict[str, str] | None = None
) -> bytes:
    headers = {**DEMO_HEADERS, "host": "mock", **(extra or {})}
    if body:
        headers |= {"content-type": "application/json", "content-length": str(len(body))}
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _market_buy(cl_order_id: str) -> bytes:
    """The JSON body of a one-share AAPL market buy on the demo margin account."""
    order = {
        "account_id": "acc_demo_margin",
        "cl_order_id": cl_order_id,
        "broker": "ALPACA",
        "symbol": "AAPL",
        "side": "BUY",
        "order_type": "MKT",
        "order_tif": "DAY",
        "order_qty": "1",
    }
    return json.dumps(order).encode()


class Reader:
    """Reads HTTP/1.1 responses (content-length framed) off a socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def response(self, *, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines)
        }
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body


def test_pipelined_requests_are_answered_in_order(server: MockServer) -> None:
    """Three requests sent in one write get three whole answers, in the order asked."""
    with _connect(server) as sock:
        sock.sendall(
            _request("GET", "/positions")
            + _request("GET", "/orders?limit=1")
            + _request("GET", "/no-such-path")
        )
        reader = Reader(sock)
        answers = [reader.response() for _ in range(3)]
    assert [status for status, _, _ in answers] == [200, 200, 404]
    assert isinstance(json.loads(answers[0][2]), list)
    assert "orders" in json.loads(answers[1][2])
    assert "message" in json.loads(answers[2][2])
    assert all(headers["x-request-id"].startswith("req_") for _, headers, _ in answers)


def test_a_head_request_gets_its_head_and_the_connection_goes_on(server: MockServer) -> None:
    """HEAD (refused here: 405) answers headers only, no body bytes, and the same
    connection then serves a GET."""
    with _connect(server) as sock:
        reader = Reader(sock)
        sock.sendall(_request("HEAD", "/positions"))
        status, headers, _ = reader.response(head_only=True)
        assert status == 405
        assert "GET" in headers["allow"]
        assert int(headers["content-length"]) > 0  # the body a GET would get; not sent
        sock.sendall(_request("GET", "/_mock/state"))
        status, headers, body = reader.response()
    assert status == 200
    assert len(body) == int(headers["content-length"])
    assert "now" in json.loads(body)


def test_expect_continue_gets_100_before_the_body_is_sent(server: MockServer) -> None:
    """A client waiting for ``100 Continue`` gets it, sends its order, and gets a 201."""
    body = _market_buy("continue-1")
    request = _request("POST", "/orders", body, {"expect": "100-continue"})
    head, _, _ = request.partition(b"\r\n\r\n")
    with _connect(server) as sock:
        reader = Reader(sock)
        sock.sendall(head + b"\r\n\r\n")
        interim, _, _ = reader.response(head_only=True)
        assert interim == 100
        sock.sendall(body)
        status, _, answer = reader.response()
    assert status == 201
    assert json.loads(answer)["cl_order_id"] == "continue-1"


def test_connection_close_is_honoured_after_the_answer(server: MockServer) -> None:
    """``Connection: close`` gets the whole answer, then the server closes the socket."""
    with _connect(server) as sock:
        sock.sendall(_request("GET", "/accounts", extra={"connection": "close"}))
        reader = Reader(sock)
        status, headers, body = reader.response()
        assert status == 200
        assert headers["connection"] == "close"
        assert len(json.loads(body)) >= 2
        assert sock.recv(1) == b""


def test_a_body_in_chunks_is_read_whole(server: MockServer) -> None:
    """An order sent with chunked transfer encoding, in pieces, is placed as one body."""
    body = _market_buy("chunked-1")
    head = _request("POST", "/orders", extra={"transfer-encoding": "chunked"})
    head = head.replace(b"\r\n\r\n", b"\r\ncontent-type: application/json\r\n\r\n", 1)
    pieces = [body[:17], body[17:40], body[40:]]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    with _connect(server) as sock:
        sock.sendall(head)
        for index in range(0, len(chunked), 25):
            sock.sendall(chunked[index : index + 25])
        status, _, answer = Reader(sock).response()
    assert status == 201, answer
    assert json.loads(answer)["cl_order_id"] == "chunked-1"


def test_a_client_leaving_mid_body_is_no_error(
    server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A request cut off inside its body logs no error, and the mock serves on."""
    head = _request("POST", "/orders", extra={"content-length": "400"})
    with caplog.at_level("INFO", logger="connecttrade_mock"), _connect(server) as sock:
        sock.sendall(head + b'{"account_id": "acc_')
        sock.close()
        with _connect(server) as again:
            again.sendall(_request("GET", "/accounts"))
            status, _, _ = Reader(again).response()
        deadline = time.monotonic() + 10
        while not any("client left" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "the mock never saw the client leave"
            time.sleep(0.01)
    assert status == 200
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_malformed_request_gets_its_400_and_the_close(server: MockServer) -> None:
    """After two pipelined answers, a malformed request on the same connection gets
    uvicorn's 400 (written through the turn's writer) before the connection closes."""
    with _connect(server) as sock:
        sock.sendall(_request("GET", "/positions") + _request("GET", "/accounts"))
        reader = Reader(sock)
        answers = [reader.response() for _ in range(2)]
        sock.sendall(b"GARBAGE \x00 not http\r\n\r\n")
        status, headers, body = reader.response()
        assert sock.recv(1) == b""
    assert [status for status, _, _ in answers] == [200, 200]
    assert isinstance(json.loads(answers[1][2]), list)
    assert status == 400
    assert headers["connection"] == "close"
    assert body == b"Invalid HTTP request received."
