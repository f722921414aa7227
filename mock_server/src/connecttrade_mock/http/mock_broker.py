"""The API pipeline of a running mock: :class:`MockBroker` answers every REST request.

Every API request goes through one pipeline, in this order: injected faults, routing by
the contract, credentials (401), contract validation (400), the engine catching up with the
clock, the order rate limit (429), the operation (or, for a read, its answer kept while
nothing it shows changed: ``http/answers.py``), response validation, persistence. No input
reaches a traceback: anything unexpected is logged here and answered 500 with a message.

The pipeline reads the ASGI scope itself (headers, query) and writes its answer's bytes
(``wire.encoding.dumps``); ``connecttrade_mock.app`` hands it every request Starlette does not
route.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from connecttrade_mock import __version__
from connecttrade_mock.bounded import forget_oldest
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.state import Client, User
from connecttrade_mock.contract.errors import ContractError, MethodNotAllowed
from connecttrade_mock.contract.operation import Operation, RouteMatch, SecurityKind, ValidRequest
from connecttrade_mock.contract.spec import Contract
from connecttrade_mock.http.answers import CACHED_READS, AnswerCache, Stamp
from connecttrade_mock.http.faults import Faults
from connecttrade_mock.http.operations import OPERATIONS, ORDER_OPERATIONS, Call
from connecttrade_mock.http.ratelimit import RateLimiter
from connecttrade_mock.scenario import Scenario, ScenarioError
from connecttrade_mock.simulator import Settings, Simulator
from connecttrade_mock.streams.hub import StreamHub
from connecttrade_mock.wire.encoding import dumps

__all__ = ["MockBroker"]

log = logging.getLogger("connecttrade_mock")

_VALID_REQUESTS_KEPT = 4096
# The request headers the pipeline reads, by their raw (lower-case) ASGI names.
_READ_HEADERS: Final = {
    name.encode(): name
    for name in ("client-id", "client-secret", "user-id", "user-secret", "content-type")
}
_JSON: Final = b"application/json"


class MockBroker:
    """A running mock: the simulator plus everything the HTTP layer keeps per process."""

    def __init__(self, settings: Settings | None = None, contract: Contract | None = None) -> None:
        self.settings = settings or Settings()
        self._started_with = self.settings  # what a reset returns to
        self.contract = contract or Contract.load()
        self.sim = Simulator(self.settings)
        self.faults = Faults()
        self.faults.reseed(self.settings.seed)
        self.limiter = RateLimiter(self.settings.order_rate_per_second)
        self.streams = StreamHub(self.sim, validate_frames=self.settings.validate_responses)
        self.streams.attach(self.sim.engine)
        self.request_count = 0
        self.answers = AnswerCache() if self.settings.cache_answers else None
        # Run after every reset (the speedups switch hands frozen objects back here).
        self.reset_hooks: list[Callable[[], None]] = []
        # The verdict on a request without a body is a function of its method, path and
        # query as sent: a request seen valid before is known valid (never mutated).
        self._valid_without_body: dict[tuple[str, str, bytes], tuple[Operation, ValidRequest]]
        self._valid_without_body = {}
        # The route of a method and path as sent: the contract never changes, so neither
        # does where a path leads (kept for requests with a body, checked afresh each time).
        self._routes: dict[tuple[str, str], RouteMatch] = {}
        self.headers = {
            "x-connecttrade-mock-version": __version__,
            "x-contract-sha256": self.contract.sha256,
            # How the mock's time moves (real, fast or manual): a client waiting on an
            # order under a manual clock can say why nothing happens.
            "x-connecttrade-mock-clock": self.sim.clock.mode.value,
        }
        self._raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
        ]

    def reset(self, seed: int | None = None, scenario: Scenario | None = None) -> None:
        """Start again from the demo tenant, with ``scenario`` laid over the market (else
        the scenario the mock was started with, if any); the seed defaults to the
        scenario's, else the mock's."""
        chosen = scenario if scenario is not None else self._started_with.scenario
        if seed is None and scenario is not None:
            seed = scenario.seed
        previous, self.settings = self.settings, replace(self.settings, scenario=chosen)
        self.sim.settings = self.settings
        try:
            self.sim.reset(seed)
        except ScenarioError:  # bars or events the market refuses: keep the mock usable
            self.settings = self.sim.settings = previous
            self.sim.reset()
            raise
        self.faults.clear()
        self.faults.reseed(self.sim.seed)
        self.limiter = RateLimiter(self.settings.order_rate_per_second)
        self.streams.reset()  # ends every session (1012) and listens to the new engine
        if self.answers is not None:
            self.answers.clear()  # the new store's versions start again
        for hook in self.reset_hooks:
            hook()

    def json_response(
        self, status: int, body: Any, request_id: str, extra: dict[str, str] | None = None
    ) -> Response:
        headers = {**self.headers, "x-request-id": request_id, **(extra or {})}
        return Response(
            dumps(body), status_code=status, media_type="application/json", headers=headers
        )

    def error(
        self, status: int, message: str, request_id: str, extra: dict[str, str] | None = None
    ) -> Response:
        return self.json_response(status, {"message": message}, request_id, extra)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one API request (an ASGI ``http`` scope) through the pipeline."""
        self.request_count += 1
        request_id = f"req_{self.request_count:08d}"
        try:
            answer = await self._handle(scope, receive, request_id)
        except ClientDisconnect:
            log.info("client left before sending its whole request (%s)", request_id)
            return  # nobody to answer
        except Exception:
            log.exception(
                "unexpected error in %s %s (%s)", scope["method"], scope["path"], request_id
            )
            answer = self._error(500, f"internal error; quote request id {request_id}", request_id)
        status, body, headers = answer
        # What starlette's Response sends, without building one per request.
        if status >= 200 and status not in (204, 304):
            headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-type", _JSON))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _encoded(
        self, status: int, body: bytes, request_id: str, extra: Mapping[str, str] | None = None
    ) -> _Answer:
        headers = [*self._raw_headers, (b"x-request-id", request_id.encode())]
        if extra:
            headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items())
        return status, body, headers

    def _remember_valid(
        self, key: tuple[str, str, bytes], verdict: tuple[Operation, ValidRequest]
    ) -> None:
        self._valid_without_body[key] = verdict
        forget_oldest(self._valid_without_body, _VALID_REQUESTS_KEPT)

    def stamp(self) -> Stamp:
        """The versions a read's answer depends on, now (see ``http/answers.py``)."""
        sim = self.sim
        return Stamp(
            sim.store.version,
            sim.market.revision,
            int(sim.clock.now().timestamp()),
        )

    def _error(
        self, status: int, message: str, request_id: str, extra: Mapping[str, str] | None = None
    ) -> _Answer:
        return self._encoded(status, dumps({"message": message}), request_id, extra)

    async def _handle(self, scope: Scope, receive: Receive, request_id: str) -> _Answer:
        faults = self.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.should_fail():
            return self._error(faults.error_status, "injected fault (control API)", request_id)
        checked = await self._check(scope, receive, request_id)
        if not isinstance(checked, _Checked):
            return checked
        operation, user = checked.operation, checked.user
        self.sim.sync()
        if operation.operation_id in ORDER_OPERATIONS:
            assert user is not None
            wait = self.limiter.take(user.key)
            if wait is not None:
                return self._error(
                    429,
                    f"order rate limit of {self.settings.order_rate_per_second:g}/s reached; "
                    f"retry after {wait} s",
                    request_id,
                    {"retry-after": str(wait)},
                )
        answers = self.answers if operation.operation_id in CACHED_READS else None
        if answers is None:
            return self._operate(checked, scope, request_id)
        stamp = self.stamp()
        # The path and query as sent: the same text asks the same thing.
        who = user.key if user is not None else checked.client.client_id
        cache_key = (who, checked.path, checked.query_string)
        kept = answers.get(cache_key, stamp)
        if kept is not None:
            return self._encoded(kept[0], kept[1], request_id)
        answer = self._operate(checked, scope, request_id)
        if answer[0] == 200:
            answers.put(cache_key, stamp, answer[0], answer[1])
        return answer

    async def _check(self, scope: Scope, receive: Receive, request_id: str) -> _Checked | _Answer:
        """Route, authenticate and validate the request, or say why not (404/405, 401, 400)."""
        contract = self.contract
        # match() decodes path parameters itself, so it needs the path still percent-encoded.
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else Request(scope).url.path
        query_string: bytes = scope.get("query_string", b"")
        request_key = (scope["method"], path, query_string)
        known = self._valid_without_body.get(request_key)
        if known is None:
            route_key = (scope["method"], path)
            match = self._routes.get(route_key)
            if match is None:
                try:
                    match = contract.match(scope["method"], path)
                except MethodNotAllowed as exc:
                    allow = {"allow": ", ".join(exc.allowed)}
                    return self._error(405, exc.message, request_id, allow)
                except ContractError as exc:
                    return self._error(exc.status, exc.message, request_id)
                self._routes[route_key] = match
                forget_oldest(self._routes, _VALID_REQUESTS_KEPT)
            operation, path_params = match.operation, match.path_params
        else:
            operation, valid = known
        sim = self.sim
        headers = _read_headers(scope)
        client = sim.client(headers.get("client-id"), headers.get("client-secret"))
        if client is None:
            return self._error(401, _missing_or_wrong(headers, "client"), request_id)
        user = None
        if operation.security is SecurityKind.USER:
            user = sim.user(client, headers.get("user-id"), headers.get("user-secret"))
            if user is None:
                return self._error(401, _missing_or_wrong(headers, "user"), request_id)
        if known is None:
            body = await _read_body(receive) if operation.has_body else None
            query: dict[str, list[str]] = {}
            if query_string:
                # What starlette's QueryParams reads.
                pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
                for key, value in pairs:
                    query.setdefault(key, []).append(value)
            try:
                valid = contract.validate_request(
                    operation, path_params, query, body, headers.get("content-type")
                )
            except ContractError as exc:
                return self._error(exc.status, exc.message, request_id)
            if not operation.has_body:
                self._remember_valid(request_key, (operation, valid))
        return _Checked(operation, valid, client, user, path, query_string)

    def _operate(self, checked: _Checked, scope: Scope, request_id: str) -> _Answer:
        """Carry out the operation, check its answer against the contract, persist."""
        sim = self.sim
        valid = checked.valid
        call = Call(
            sim=sim,
            client=checked.client,
            user=checked.user,
            path=valid.path,
            query=valid.query,
            body=valid.body,
            base_url_of=lambda: str(Request(scope).base_url).rstrip("/"),
        )
        operation = checked.operation
        handler = OPERATIONS.get(operation.operation_id)
        if handler is None:
            # A contract newer than the mock (a vendor spec swapped in): say so, never a 500.
            message = (
                f"the mock does not implement {operation.operation_id} "
                f"({operation.method.upper()} {operation.path_template}) yet"
            )
            return self._error(501, message, request_id)
        try:
            status, payload = handler(call)
        except ApiError as exc:
            sim.flush()
            return self._error(exc.status, exc.message, request_id)
        if self.settings.validate_responses:
            try:
                self.contract.validate_response(operation, status, payload)
            except ContractError as exc:
                log.error("response breaks the contract (%s): %s", request_id, exc.message)
                return self._error(500, f"mock bug: {exc.message}", request_id)
        sim.flush()
        return self._encoded(status, dumps(payload), request_id)


@dataclass(slots=True)  # not frozen: a frozen dataclass is four times slower to make
class _Checked:
    """A request that reached an operation, with valid credentials and input (never
    changed once made)."""

    operation: Operation
    valid: ValidRequest
    client: Client
    user: User | None
    path: str  # as sent (percent-encoded)
    query_string: bytes  # as sent


# An API answer: status, body and raw headers (content length and type still to add).
_Answer = tuple[int, bytes, list[tuple[bytes, bytes]]]


async def _read_body(receive: Receive) -> bytes:
    """The request's body, as starlette's ``Request.body`` reads it (without building one)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _read_headers(scope: Scope) -> dict[str, str]:
    """The headers the pipeline reads; the first of a repeated one, as starlette's Headers."""
    found: dict[str, str] = {}
    for key, value in scope["headers"]:
        name = _READ_HEADERS.get(key)
        if name is not None and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _missing_or_wrong(headers: Mapping[str, str], who: str) -> str:
    """Say which credential header is missing, or that the pair is wrong (never echo it)."""
    for name in (f"{who}-id", f"{who}-secret"):
        if not headers.get(name):
            return f"missing {name} header"
    if who == "client":
        return "invalid client credentials"
    return "invalid user credentials (unknown user, or a rotated or wrong user-secret)"
