"""Run the mock on a loopback port from a test, and drive it through the control API.

The server speaks the REST API and both WebSocket streams (``brokerage_stream_url``,
``market_data_stream_url``) on the same port.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import uvicorn

from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.server import WS_MAX_SIZE, server_config
from connecttrade_mock.simulator import DEMO, Settings
from connecttrade_mock.streams.endpoints import BROKERAGE_PATH, MARKET_DATA_PATH

__all__ = ["WS_MAX_SIZE", "Credentials", "MockControl", "MockServer", "server_config"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """The demo tenant's credentials, as SDK clients take them."""

    client_id: str = DEMO.client_id
    client_secret: str = DEMO.client_secret
    user_id: str = DEMO.user_id
    user_secret: str = DEMO.user_secret

    def headers(self) -> dict[str, str]:
        return {
            "client-id": self.client_id,
            "client-secret": self.client_secret,
            "user-id": self.user_id,
            "user-secret": self.user_secret,
        }

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, user_id={self.user_id!r})"


class MockControl:
    """A typed client of the control API (``/_mock``)."""

    def __init__(self, base_url: str, http: httpx.Client | None = None) -> None:
        self._http = http or httpx.Client(base_url=base_url, timeout=10)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, f"/_mock{path}", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"control {path}: {response.status_code} {response.text}")
        return response.json()

    def state(self) -> dict[str, Any]:
        return dict(self._call("GET", "/state"))

    def reset(self, seed: int | None = None) -> dict[str, Any]:
        return dict(self._call("POST", "/reset", {} if seed is None else {"seed": seed}))

    def load_scenario(
        self, scenario: str | Path, *, format: str | None = None, seed: int | None = None
    ) -> dict[str, Any]:
        """Reset with a scenario laid over the market: a file's path (its bar files are
        read relative to it) or a scenario's text (``format`` toml, the default, or yaml)."""
        body: dict[str, Any] = {}
        if isinstance(scenario, Path):
            body["text"] = scenario.read_text(encoding="utf-8")
            body["base"] = str(scenario.resolve().parent)
            yaml_file = scenario.suffix.lower() in (".yaml", ".yml")
            body["format"] = format or ("yaml" if yaml_file else "toml")
        else:
            body["text"], body["format"] = scenario, format or "toml"
        if seed is not None:
            body["seed"] = seed
        return dict(self._call("POST", "/scenario", body))

    def advance(self, seconds: float) -> dict[str, Any]:
        return dict(self._call("POST", "/clock/advance", {"seconds": seconds}))

    def set_session(self, session: str) -> dict[str, Any]:
        """``regular``, ``pre_market``, ``after_hours``, ``closed`` or ``auto``."""
        return dict(self._call("POST", "/session", {"session": session}))

    def set_quote(
        self, symbol: str, bid: Decimal | str, ask: Decimal | str, last: Decimal | str | None = None
    ) -> dict[str, Any]:
        body = {"symbol": symbol, "bid": str(bid), "ask": str(ask)}
        if last is not None:
            body["last"] = str(last)
        return dict(self._call("POST", "/quotes", body))

    def unpin(self, symbol: str) -> dict[str, Any]:
        return dict(self._call("POST", "/quotes/unpin", {"symbol": symbol}))

    def next_outcome(self, outcome: str, reason: str | None = None) -> dict[str, Any]:
        body = {"outcome": outcome} | ({"reason": reason} if reason else {})
        return dict(self._call("POST", "/next-outcome", body))

    def faults(
        self,
        *,
        latency_ms: int | None = None,
        error_rate: float | None = None,
        fail_next: int | None = None,
        error_status: int | None = None,
    ) -> dict[str, Any]:
        body = {
            k: v
            for k, v in {
                "latency_ms": latency_ms,
                "error_rate": error_rate,
                "fail_next": fail_next,
                "error_status": error_status,
            }.items()
            if v is not None
        }
        return dict(self._call("PUT", "/faults", body))

    def clear_faults(self) -> dict[str, Any]:
        return dict(self._call("DELETE", "/faults"))

    def move_cash(self, account_id: str, amount: Decimal | str) -> dict[str, Any]:
        return dict(self._call("POST", "/cash", {"account_id": account_id, "amount": str(amount)}))

    # -- streams ----------------------------------------------------------------------
    def streams(self) -> dict[str, Any]:
        """Live stream sessions and the stream settings."""
        return dict(self._call("GET", "/streams"))

    def drop_streams(self, stream: str = "all", code: int = 1011, abrupt: bool = False) -> int:
        """Close the sessions of ``stream`` (brokerage, market_data or all) with ``code``, or
        drop their TCP connections without a close frame; returns how many."""
        body = {"stream": stream, "code": code, "abrupt": abrupt}
        return int(self._call("POST", "/streams/drop", body)["dropped"])

    def stall_streams(self, stream: str, seconds: float) -> int:
        """Silence the sessions of ``stream`` for ``seconds`` (frames queue meanwhile)."""
        body = {"stream": stream, "seconds": seconds}
        return int(self._call("POST", "/streams/stall", body)["stalled"])

    def delay_streams(self, stream: str, milliseconds: int) -> dict[str, Any]:
        """Delay every outbound frame of ``stream`` by ``milliseconds`` (0 clears)."""
        body = {"stream": stream, "milliseconds": milliseconds}
        return dict(self._call("PUT", "/streams/delay", body))

    def stream_settings(self, **changes: Any) -> dict[str, Any]:
        """Change ``heartbeat_seconds``, ``queue_limit``, ``market_data_interval_ms`` or
        ``auth_timeout_seconds``; returns every current setting."""
        return dict(self._call("PUT", "/streams/settings", changes))

    def close(self) -> None:
        self._http.close()


class MockServer:
    """The mock served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1") -> None:
        self.app = create_app(settings)
        self.broker: MockBroker = self.app.state.broker
        self.host = host
        self.port = _free_port(host)
        self._server = uvicorn.Server(
            server_config(self.app, host=host, port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, name="mock-broker", daemon=True)
        self.credentials = Credentials()
        self.control: MockControl | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def brokerage_stream_url(self) -> str:
        """``ws://`` URL of the Streaming Brokerage Data API."""
        return f"ws://{self.host}:{self.port}{BROKERAGE_PATH}"

    @property
    def market_data_stream_url(self) -> str:
        """``ws://`` URL of the Streaming Market Data API."""
        return f"ws://{self.host}:{self.port}{MARKET_DATA_PATH}"

    def start(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock broker did not start")
            time.sleep(0.01)
        self.control = MockControl(self.base_url)
        return self

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
        self._server.should_exit = True
        self._thread.join(timeout=15)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
