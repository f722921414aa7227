"""Helpers of the stream tests: a mock served on loopback, a WebSocket client that checks
every frame in both directions against ``openapi/asyncapi.json`` (with the ``jsonschema``
package, independently of the mock's own validators), and a small REST driver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from mock_api import DEMO_HEADERS, MARGIN, settings
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from connecttrade_mock.testing import MockServer

ASYNCAPI: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "asyncapi.json").read_text()
)
_URI = "urn:connecttrade:asyncapi"
_REGISTRY: Registry[Any] = Registry().with_resource(_URI, DRAFT202012.create_resource(ASYNCAPI))
WAIT = 10.0
"""Seconds a test waits for a frame before it fails (generous: the machine is shared)."""


def _validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{_URI}#/components/schemas/{schema_name}"},
        registry=_REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _messages(channel: str, action: str) -> dict[str, Draft202012Validator]:
    """The validators of one channel's messages in one direction, keyed by their tag."""
    tag = "action" if action == "receive" else "type"
    found: dict[str, Draft202012Validator] = {}
    for operation in ASYNCAPI["operations"].values():
        if operation["channel"]["$ref"] != f"#/channels/{channel}" or operation["action"] != action:
            continue
        for ref in operation["messages"]:
            name = ref["$ref"].rsplit("/", 1)[-1]
            payload = ASYNCAPI["components"]["messages"][name]["payload"]["$ref"]
            schema_name = payload.rsplit("/", 1)[-1]
            schema = ASYNCAPI["components"]["schemas"][schema_name]
            variants = schema.get("oneOf", [schema])
            first = variants[0]
            if "$ref" in first:
                first = ASYNCAPI["components"]["schemas"][first["$ref"].rsplit("/", 1)[-1]]
            found[first["properties"][tag]["const"]] = _validator(schema_name)
    return found


class FrameChecker:
    """Asserts that frames are messages of one channel of the AsyncAPI document."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.server = _messages(channel, "send")
        self.client = _messages(channel, "receive")

    def server_frame(self, frame: dict[str, Any]) -> None:
        validator = self.server.get(frame.get("type"))  # type: ignore[arg-type]
        assert validator is not None, f"{self.channel}: unknown server frame {frame}"
        errors = [e.message for e in validator.iter_errors(frame)]
        assert not errors, f"{self.channel} server frame breaks asyncapi.json: {errors} {frame}"

    def client_frame(self, frame: dict[str, Any]) -> None:
        validator = self.client.get(frame.get("action"))  # type: ignore[arg-type]
        assert validator is not None, f"{self.channel}: unknown client frame {frame}"
        errors = [e.message for e in validator.iter_errors(frame)]
        assert not errors, f"{self.channel} client frame breaks asyncapi.json: {errors} {frame}"


BROKERAGE = FrameChecker("brokerage")
MARKET_DATA = FrameChecker("marketData")


class Closed(Exception):  # noqa: N818 - reads as what happened to the socket
    """The server closed the socket; ``code`` is None when no close frame came."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed with {code} {reason!r}")
        self.code = code
        self.reason = reason


class StreamClient:
    """A test's end of one stream socket; every frame is checked against the contract."""

    def __init__(self, url: str, checker: FrameChecker, **options: Any) -> None:
        self.checker = checker
        self.ws: ClientConnection = connect(
            url, open_timeout=WAIT, close_timeout=2, legacy=True, **options
        )
        self.received: list[dict[str, Any]] = []

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.ws.close()

    def send(self, frame: dict[str, Any]) -> None:
        """Send a frame that must be valid by the contract."""
        self.checker.client_frame(frame)
        self.ws.send(json.dumps(frame))

    def send_raw(self, data: str | bytes) -> None:
        """Send anything at all (hostile input)."""
        self.ws.send(data)

    def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next frame (checked); ``Closed`` if the server closed the socket."""
        try:
            text = self.ws.recv(timeout=timeout)
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            raise Closed(rcvd.code if rcvd else None, rcvd.reason if rcvd else "") from None
        assert isinstance(text, str), "the server sent a binary frame"
        frame: dict[str, Any] = json.loads(text)
        self.checker.server_frame(frame)
        self.received.append(frame)
        return frame

    def next_of(self, *types: str, timeout: float = WAIT) -> dict[str, Any]:
        """The next frame of one of ``types``, skipping others (heartbeats, pushes)."""
        while True:
            frame = self.recv(timeout)
            if frame["type"] in types:
                return frame

    def until_closed(self, timeout: float = WAIT) -> Closed:
        """Read (and check) frames until the server closes the socket."""
        while True:
            try:
                self.recv(timeout)
            except Closed as closed:
                return closed

    def request(self, frame: dict[str, Any], *types: str) -> dict[str, Any]:
        """Send ``frame`` and return the next frame of ``types`` (default: any but pushes)."""
        self.send(frame)
        return self.next_of(*(types or ("error",)))


def brokerage_client(server: MockServer, **options: Any) -> StreamClient:
    return StreamClient(server.brokerage_stream_url, BROKERAGE, **options)


def market_data_client(server: MockServer, **options: Any) -> StreamClient:
    return StreamClient(server.market_data_stream_url, MARKET_DATA, **options)


def authenticated_brokerage(server: MockServer, topics: tuple[str, ...] = ()) -> StreamClient:
    """A brokerage session of the demo platform, subscribed to ``topics``."""
    client = brokerage_client(server)
    assert client.recv()["type"] == "welcome"
    auth = {"action": "authenticate", "client_id": "demo-client", "client_secret": "demo-secret"}
    assert client.request(auth, "authenticated", "error")["type"] == "authenticated"
    if topics:
        answer = client.request({"action": "subscribe", "topics": list(topics)}, "subscribed")
        assert answer["topics"] == list(topics)
    return client


def authenticated_market_data(server: MockServer, token: str) -> StreamClient:
    client = market_data_client(server)
    assert client.recv()["type"] == "welcome"
    answer = client.request({"action": "authenticate", "token": token}, "authenticated", "error")
    assert answer["type"] == "authenticated", answer
    return client


@contextmanager
def stream_server(**overrides: Any) -> Iterator[MockServer]:
    """A mock on loopback: manual clock at ``mock_api.START``, no order rate limit."""
    with MockServer(settings(**overrides)) as server:
        yield server


class Rest:
    """The demo user's REST calls the stream tests need."""

    def __init__(self, server: MockServer, headers: dict[str, str] | None = None) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=WAIT)
        self.headers = dict(DEMO_HEADERS if headers is None else headers)
        self._numbers = iter(range(1, 1_000_000))

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers=self.headers, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def place(self, **fields: Any) -> dict[str, Any]:
        body = {
            "account_id": MARGIN,
            "broker": "ALPACA",
            "cl_order_id": f"stream-{next(self._numbers)}",
            "instrument": "STK",
            "symbol": "ZVZZT",
            "side": "BUY",
            "order_type": "MKT",
            "order_tif": "DAY",
            "order_qty": "5",
            **fields,
        }
        result: dict[str, Any] = self.call("POST", "/orders", json=body)
        return result

    def order(self, order_id: str, account_id: str = MARGIN) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "GET", f"/orders/{order_id}", params={"account_id": account_id}
        )
        return result

    def modify(self, order: dict[str, Any], **changes: Any) -> dict[str, Any]:
        body = {"new_cl_order_id": f"stream-{next(self._numbers)}", "broker": order["broker"]}
        path = f"/accounts/{order['account_id']}/orders/{order['order_id']}"
        result: dict[str, Any] = self.call("PATCH", path, json={**body, **changes})
        return result

    def cancel(self, order: dict[str, Any]) -> dict[str, Any]:
        path = f"/accounts/{order['account_id']}/orders/{order['order_id']}"
        result: dict[str, Any] = self.call("DELETE", path)
        return result

    def token(self, connection_id: str = "conn_demo_alpaca") -> str:
        return str(self.call("GET", f"/connections/{connection_id}/token")["token"])
