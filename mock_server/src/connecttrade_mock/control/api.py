"""The control API under ``/_mock``: test-only levers on the mock, described in
``control.openapi.json`` (shipped beside the code) and validated like the public API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.outcome import Outcome
from connecttrade_mock.clock import Session
from connecttrade_mock.contract.errors import ContractError
from connecttrade_mock.contract.spec import Contract
from connecttrade_mock.market.instrument import UnknownSymbol
from connecttrade_mock.scenario import ScenarioError, parse_scenario
from connecttrade_mock.wire.records import decimal_text, quote_json, time_text

if TYPE_CHECKING:
    from connecttrade_mock.http.mock_broker import MockBroker

__all__ = ["CONTROL_PREFIX", "control_contract", "control_routes"]

CONTROL_PREFIX = "/_mock"
Handler = Callable[["MockBroker", dict[str, Any]], Any]


def control_contract() -> Contract:
    """The control API's own OpenAPI document."""
    data = (
        resources.files(__package__ or "connecttrade_mock.control") / "control.openapi.json"
    ).read_bytes()
    return Contract.from_bytes(data)


def _state(mock: MockBroker, _body: dict[str, Any]) -> Any:
    sim = mock.sim
    return {
        "seed": sim.seed,
        "now": time_text(sim.clock.now()),
        "session": sim.engine.session(sim.clock.now()).value,
        "forced_session": sim.clock.forced_session.value if sim.clock.forced_session else None,
        "clock_mode": sim.clock.mode.value,
        "mock_version": mock.headers["x-connecttrade-mock-version"],
        "contract_sha256": mock.contract.sha256,
    }


def _reset(mock: MockBroker, body: dict[str, Any]) -> Any:
    seed = body.get("seed")
    # JSON Schema counts 7.0 as the integer 7; the seed must be the int, or ids and prices
    # (derived from the seed's text) would differ from a reset with 7.
    mock.reset(None if seed is None else int(seed))
    return _state(mock, body)


def _load_scenario(mock: MockBroker, body: dict[str, Any]) -> Any:
    try:
        base = Path(body["base"]) if "base" in body else None
        scenario = parse_scenario(
            body["text"], body.get("format", "toml"), base=base, source="scenario"
        )
        seed = body.get("seed")
        mock.reset(None if seed is None else int(seed), scenario)
    except ScenarioError as exc:
        raise ApiError(400, str(exc)) from None
    return _state(mock, body)


def _advance(mock: MockBroker, body: dict[str, Any]) -> Any:
    mock.sim.advance(float(body["seconds"]))
    return _state(mock, body)


def _session(mock: MockBroker, body: dict[str, Any]) -> Any:
    choice = body["session"]
    mock.sim.force_session(None if choice == "auto" else Session(choice))
    return _state(mock, body)


def _quote_json(mock: MockBroker, symbol: str) -> Any:
    return quote_json(symbol, mock.sim.market.quote(symbol))


def _known(mock: MockBroker, symbol: str) -> str:
    if not mock.sim.market.is_known(symbol):
        raise ApiError(400, f"symbol: {symbol!r} is not a symbol of the simulated market")
    return symbol


def _set_quote(mock: MockBroker, body: dict[str, Any]) -> Any:
    symbol = _known(mock, body["symbol"])
    last = Decimal(body["last"]) if "last" in body else None
    try:
        mock.sim.market.set_quote(symbol, Decimal(body["bid"]), Decimal(body["ask"]), last)
    except ValueError as exc:
        raise ApiError(400, f"quote: {exc}") from None
    mock.sim.sync()
    return _quote_json(mock, symbol)


def _unpin(mock: MockBroker, body: dict[str, Any]) -> Any:
    symbol = _known(mock, body["symbol"])
    mock.sim.market.unpin(symbol)
    return _quote_json(mock, symbol)


def _outcome(mock: MockBroker, body: dict[str, Any]) -> Any:
    engine = mock.sim.engine
    engine.forced_outcome = Outcome(body["outcome"])
    engine.forced_reason = body.get("reason")
    return _state(mock, body)


def _faults_json(mock: MockBroker) -> Any:
    faults = mock.faults
    return {
        "latency_ms": faults.latency_ms,
        "error_rate": faults.error_rate,
        "fail_next": faults.fail_next,
        "error_status": faults.error_status,
    }


def _set_faults(mock: MockBroker, body: dict[str, Any]) -> Any:
    faults = mock.faults
    faults.latency_ms = int(body.get("latency_ms", faults.latency_ms))
    faults.error_rate = float(body.get("error_rate", faults.error_rate))
    faults.fail_next = int(body.get("fail_next", faults.fail_next))
    faults.error_status = int(body.get("error_status", faults.error_status))
    return _faults_json(mock)


def _clear_faults(mock: MockBroker, _body: dict[str, Any]) -> Any:
    mock.faults.clear()
    return _faults_json(mock)


def _cash(mock: MockBroker, body: dict[str, Any]) -> Any:
    sim = mock.sim
    account = sim.store.accounts.get(body["account_id"])
    if account is None:
        raise ApiError(404, f"account {body['account_id']} not found")
    sim.sync()
    amount = Decimal(body["amount"])
    sim.engine.deposit(account, amount, "Deposit (control API)" if amount >= 0 else "Withdrawal")
    sim.flush()
    return {"account_id": account.account_id, "cash": decimal_text(account.cash)}


def _streams(mock: MockBroker, _body: dict[str, Any]) -> Any:
    return mock.streams.describe()


def _drop_streams(mock: MockBroker, body: dict[str, Any]) -> Any:
    code = int(body.get("code", 1011))
    dropped = mock.streams.drop(body.get("stream", "all"), code, abrupt=bool(body.get("abrupt")))
    return {"dropped": dropped}


def _stall_streams(mock: MockBroker, body: dict[str, Any]) -> Any:
    return {"stalled": mock.streams.stall(body["stream"], float(body["seconds"]))}


def _delay_streams(mock: MockBroker, body: dict[str, Any]) -> Any:
    return mock.streams.set_delay(body["stream"], int(body["milliseconds"]))


def _stream_settings(mock: MockBroker, body: dict[str, Any]) -> Any:
    return mock.streams.update_settings(body)


HANDLERS: dict[str, Handler] = {
    "get_state": _state,
    "reset": _reset,
    "load_scenario": _load_scenario,
    "advance_clock": _advance,
    "set_session": _session,
    "set_quote": _set_quote,
    "unpin_quote": _unpin,
    "force_next_outcome": _outcome,
    "set_faults": _set_faults,
    "clear_faults": _clear_faults,
    "move_cash": _cash,
    "get_streams": _streams,
    "drop_streams": _drop_streams,
    "stall_streams": _stall_streams,
    "delay_streams": _delay_streams,
    "set_stream_settings": _stream_settings,
}


def control_routes(mock: MockBroker) -> list[Route]:
    """One route per path of the control document."""
    contract = control_contract()

    def endpoint(path: str) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            request_id = "ctl"
            try:
                match = contract.match(request.method, path)
                body = await request.body() if match.operation.has_body else None
                valid = contract.validate_request(
                    match.operation, {}, {}, body, request.headers.get("content-type")
                )
                result = HANDLERS[match.operation.operation_id](mock, valid.body or {})
            except ContractError as exc:
                return mock.error(exc.status, exc.message, request_id)
            except (ApiError, UnknownSymbol) as exc:
                status = exc.status if isinstance(exc, ApiError) else 400
                return mock.error(status, str(exc), request_id)
            mock.sim.flush()
            return mock.json_response(200, result, request_id)

        return handle

    return [
        Route(path, endpoint(path), methods=[m.upper() for m in item])
        for path, item in contract.document["paths"].items()
    ]
