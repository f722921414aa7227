"""The Starlette application: the contract's REST API, the two WebSocket streams
(``/streams/brokerage``, ``/streams/market-data``), the connect pages and the control API.

Every API request goes through one pipeline, in this order: injected faults, routing by
the contract, credentials (401), contract validation (400), the engine catching up with the
clock, the order rate limit (429), the operation, response validation, persistence. No input
reaches a traceback: anything unexpected is logged here and answered 500 with a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from connecttrade_mock import __version__
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.connect_page import connect_routes
from connecttrade_mock.contract import Contract, ContractError, MethodNotAllowed, SecurityKind
from connecttrade_mock.control import control_routes
from connecttrade_mock.errors import ApiError
from connecttrade_mock.faults import Faults
from connecttrade_mock.operations import OPERATIONS, ORDER_OPERATIONS, Call
from connecttrade_mock.ratelimit import RateLimiter
from connecttrade_mock.simulator import Settings, Simulator
from connecttrade_mock.stream_endpoints import stream_routes
from connecttrade_mock.stream_hub import StreamHub

__all__ = ["MockBroker", "create_app"]

log = logging.getLogger("connecttrade_mock")

TICK_SECONDS = 0.1


class MockBroker:
    """A running mock: the simulator plus everything the HTTP layer keeps per process."""

    def __init__(self, settings: Settings | None = None, contract: Contract | None = None) -> None:
        self.settings = settings or Settings()
        self.contract = contract or Contract.load()
        self.sim = Simulator(self.settings)
        self.faults = Faults()
        self.faults.reseed(self.settings.seed)
        self.limiter = RateLimiter(self.settings.order_rate_per_second)
        self.streams = StreamHub(self.sim, validate_frames=self.settings.validate_responses)
        self.streams.attach(self.sim.engine)
        self.request_count = 0
        self.headers = {
            "x-connecttrade-mock-version": __version__,
            "x-contract-sha256": self.contract.sha256,
        }

    def reset(self, seed: int | None = None) -> None:
        self.sim.reset(seed)
        self.faults.clear()
        self.faults.reseed(self.sim.seed)
        self.limiter = RateLimiter(self.settings.order_rate_per_second)
        self.streams.reset()  # ends every session (1012) and listens to the new engine

    def json_response(
        self, status: int, body: Any, request_id: str, extra: dict[str, str] | None = None
    ) -> Response:
        headers = {**self.headers, "x-request-id": request_id, **(extra or {})}
        return Response(
            json.dumps(body, separators=(",", ":")),
            status_code=status,
            media_type="application/json",
            headers=headers,
        )

    def error(
        self, status: int, message: str, request_id: str, extra: dict[str, str] | None = None
    ) -> Response:
        return self.json_response(status, {"message": message}, request_id, extra)

    async def handle(self, request: Request) -> Response:
        """The API pipeline (see the module docstring)."""
        self.request_count += 1
        request_id = f"req_{self.request_count:08d}"
        try:
            return await self._handle(request, request_id)
        except Exception:
            log.exception(
                "unexpected error in %s %s (%s)", request.method, request.url.path, request_id
            )
            return self.error(500, f"internal error; quote request id {request_id}", request_id)

    async def _handle(self, request: Request, request_id: str) -> Response:
        faults = self.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.should_fail():
            return self.error(faults.error_status, "injected fault (control API)", request_id)
        contract = self.contract
        # match() decodes path parameters itself, so it needs the path still percent-encoded.
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else request.url.path
        try:
            match = contract.match(request.method, path)
        except MethodNotAllowed as exc:
            return self.error(405, exc.message, request_id, {"allow": ", ".join(exc.allowed)})
        except ContractError as exc:
            return self.error(exc.status, exc.message, request_id)
        operation = match.operation
        sim = self.sim
        headers = request.headers
        client = sim.client(headers.get("client-id"), headers.get("client-secret"))
        if client is None:
            return self.error(401, _missing_or_wrong(headers, "client"), request_id)
        user = None
        if operation.security is SecurityKind.USER:
            user = sim.user(client, headers.get("user-id"), headers.get("user-secret"))
            if user is None:
                return self.error(401, _missing_or_wrong(headers, "user"), request_id)
        body = await request.body() if operation.has_body else None
        query: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            query.setdefault(key, []).append(value)
        try:
            valid = contract.validate_request(
                operation, match.path_params, query, body, headers.get("content-type")
            )
        except ContractError as exc:
            return self.error(exc.status, exc.message, request_id)
        sim.sync()
        if operation.operation_id in ORDER_OPERATIONS:
            assert user is not None
            wait = self.limiter.take(user.key)
            if wait is not None:
                return self.error(
                    429,
                    f"order rate limit of {self.settings.order_rate_per_second:g}/s reached; "
                    f"retry after {wait} s",
                    request_id,
                    {"retry-after": str(wait)},
                )
        call = Call(
            sim=sim,
            client=client,
            user=user,
            path=valid.path,
            query=valid.query,
            body=valid.body,
            base_url=str(request.base_url).rstrip("/"),
        )
        try:
            status, payload = OPERATIONS[operation.operation_id](call)
        except ApiError as exc:
            sim.flush()
            return self.error(exc.status, exc.message, request_id)
        if self.settings.validate_responses:
            try:
                contract.validate_response(operation, status, payload)
            except ContractError as exc:
                log.error("response breaks the contract (%s): %s", request_id, exc.message)
                return self.error(500, f"mock bug: {exc.message}", request_id)
        sim.flush()
        return self.json_response(status, payload, request_id)


def _missing_or_wrong(headers: Any, who: str) -> str:
    """Say which credential header is missing, or that the pair is wrong (never echo it)."""
    for name in (f"{who}-id", f"{who}-secret"):
        if not headers.get(name):
            return f"missing {name} header"
    if who == "client":
        return "invalid client credentials"
    return "invalid user credentials (unknown user, or a rotated or wrong user-secret)"


def create_app(settings: Settings | None = None, *, broker: MockBroker | None = None) -> Starlette:
    """The mock broker as an ASGI app (``app.state.broker`` is the ``MockBroker``)."""
    mock = broker or MockBroker(settings)

    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = await mock.handle(Request(scope, receive))
            await response(scope, receive, send)

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

    app = Starlette(
        routes=[*stream_routes(mock.streams), *connect_routes(mock), *control_routes(mock)],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    # Everything else is the contract's API. As the router's default it sees every path as
    # sent, including ones a route pattern would not match (e.g. a decoded newline).
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
