"""The Starlette application: the contract's REST API, the two WebSocket streams
(``/streams/brokerage``, ``/streams/market-data``), the connect pages and the control API.

API requests do not walk Starlette's route list: :class:`MockApp` hands Starlette only the
paths it routes (``/_mock``, ``/connect``, the WebSocket streams) and everything else, as sent,
straight to the pipeline (:class:`~connecttrade_mock.http.mock_broker.MockBroker`).
This module only assembles the parts; it is the one place that knows all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from connecttrade_mock import speedups
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.control.api import CONTROL_PREFIX, control_routes
from connecttrade_mock.http.connect_page import connect_routes
from connecttrade_mock.http.mock_broker import MockBroker
from connecttrade_mock.simulator import Settings
from connecttrade_mock.streams.endpoints import stream_routes

__all__ = ["MockApp", "MockBroker", "create_app"]

log = logging.getLogger("connecttrade_mock")

TICK_SECONDS = 0.1
CONNECT_PREFIX = "/connect"
# The HTTP paths Starlette routes (with what is below them; the streams are WebSockets).
STARLETTE_PREFIXES: Final = (CONTROL_PREFIX, CONNECT_PREFIX)
_BELOW_STARLETTE_PREFIXES: Final = tuple(prefix + "/" for prefix in STARLETTE_PREFIXES)


class MockApp(Starlette):
    """Starlette for the control API, the connect pages, the streams and the lifespan; every
    other HTTP request goes to the API pipeline without walking the route list (the router
    would end there too: the API is its default)."""

    def __init__(self, broker: MockBroker, **options: Any) -> None:
        super().__init__(**options)
        self.broker = broker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _starlette_routes(scope):
            await self.broker.serve(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _starlette_routes(scope: Scope) -> bool:
    """Whether the request's path (below the root path, as starlette routes it) is under
    one of the prefixes starlette routes."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return path in STARLETTE_PREFIXES or path.startswith(_BELOW_STARLETTE_PREFIXES)


def create_app(settings: Settings | None = None, *, broker: MockBroker | None = None) -> MockApp:
    """The mock broker as an ASGI app (``app.state.broker`` is the ``MockBroker``)."""
    mock = broker or MockBroker(settings)
    if mock.settings.speedups:
        speedups.install(mock)

    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await mock.serve(scope, receive, send)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return mock.error(exc.status_code, str(exc.detail), "ctl", dict(exc.headers or {}))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(mock.streams.run_pump())]
        if mock.sim.clock.mode is not ClockMode.MANUAL:
            tasks.append(asyncio.create_task(_tick(mock)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            mock.sim.flush()

    app = MockApp(
        mock,
        routes=[*stream_routes(mock.streams), *connect_routes(mock), *control_routes(mock)],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    # Below starlette's prefixes, a path no route matches (e.g. a decoded newline) is the
    # API's too: as the router's default it sees every path as sent.
    app.router.default = api
    app.state.broker = mock
    return app


async def _tick(mock: MockBroker) -> None:
    """Let time act on orders (expiries, resting fills) while nobody calls."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            mock.sim.sync()
            mock.sim.flush()
        except Exception:
            log.exception("engine tick failed")
