"""schemathesis runs every phase and every check against the mock broker, in-process."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from demo_identity import protect_demo_identity
from schemathesis.engine import Status, events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from connecttrade_mock.app import create_app
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.contract.spec import Contract
from connecttrade_mock.simulator import DEMO, Settings

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
)
CONTRACT = Contract.from_bytes(json.dumps(SPEC).encode())

# Realistic values steered into schema-valid order bodies, so that the run reaches fills,
# partial fills, rejections, cancels and replaces instead of stopping at "unknown symbol".
# Mostly the margin account (a cash account rejects every short sale); futures go to the
# account whose broker trades them.
ACCOUNTS = [
    (DEMO.margin_account_id, "ALPACA"),
    (DEMO.margin_account_id, "alpaca"),
    (DEMO.margin_account_id, "Alpaca"),
    (DEMO.cash_account_id, "tradier"),
]
FUTURES_ACCOUNT = (DEMO.cash_account_id, "TRADIER")
SYMBOLS = {
    # Resting scenario symbols (ZAZZT, ZBZZT) give cancels and replaces something to act on.
    "STK": ["AAPL", "MSFT", "SPY", "ZVZZT", "ZWZZT", "ZAZZT", "ZBZZT", "ZAZZT"],
    "OPT": ["SPY261218C00600000", "AAPL261218P00190000"],
    "FUT": ["ESZ6"],
    "CRYPTO": ["BTC/USD", "ETH/USD"],
}


def _pick(options: list[Any], body: dict[str, Any]) -> Any:
    """A deterministic choice per body, so a seeded run is repeatable."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).digest()
    return options[digest[0] % len(options)]


STEERING: dict[str, Any] = {}
BROKER_OF = dict(ACCOUNTS)
VALID_BODY = {
    "place_order": CONTRACT.schema_validator("PlaceOrderRequest"),
    "modify_order": CONTRACT.schema_validator("ModifyOrderRequest"),
}


def _near_market(body: dict[str, Any], symbol: Any) -> None:
    """Put limit and stop prices at the current ask, inside the circuit band."""
    market = STEERING["market"]
    if isinstance(symbol, str) and market.is_known(symbol):
        ask = format(market.quote(symbol).ask, "f")
        for price_field in ("order_limit_price", "stop_price"):
            if price_field in body:
                body[price_field] = ask


def _steer_order(body: dict[str, Any]) -> dict[str, Any]:
    steered = dict(body)
    instrument = steered.get("instrument", "STK")
    account_id, broker = FUTURES_ACCOUNT if instrument == "FUT" else _pick(ACCOUNTS, body)
    steered["account_id"], steered["broker"] = account_id, broker
    if instrument in SYMBOLS:
        steered["symbol"] = _pick(SYMBOLS[instrument], body)
    if "order_qty" in steered:
        steered["order_qty"] = str(1 + _pick(list(range(5)), {"q": body}))
    if "order_notional" in steered:
        steered["order_notional"] = "250.00"
    _near_market(steered, steered.get("symbol"))
    return steered


def _steer_modify(body: dict[str, Any], account_id: str, order_id: str) -> dict[str, Any]:
    steered = dict(body)
    steered["broker"] = BROKER_OF.get(account_id, steered["broker"])
    order = STEERING["orders"].get(order_id)
    if order is None:
        return steered
    # Change only what this order has, so the replace is one the broker can accept.
    if order.order_type not in ("LMT", "STPLMT"):
        steered.pop("order_limit_price", None)
    if order.order_type not in ("STP", "STPLMT"):
        steered.pop("stop_price", None)
    if order.order_notional is None:
        steered.pop("order_notional", None)
    if order.order_qty is None:
        steered.pop("order_qty", None)
    elif "order_qty" in steered:
        steered["order_qty"] = str(order.order_qty + 1)
    if len(steered) < 3:
        steered["order_tif"] = "GTC"
    _near_market(steered, order.symbol)
    return steered


def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Keep the run on realistic ground, in every phase (map_* hooks skip the coverage phase).

    - Destructive calls aimed at the demo identity go to ids that do not exist (404).
    - Schema-valid order bodies get demo accounts, known symbols, small quantities and
      prices near the market, so the run reaches fills, cancels and replaces; a body that
      is invalid (a negative case) is left exactly as generated.
    ``_run`` registers this global hook only for the duration of the run."""
    protect_demo_identity(case)
    operation_id = case.operation.definition.raw.get("operationId")
    path = case.path_parameters or {}
    validator = VALID_BODY.get(operation_id)
    body = case.body
    if validator is None or not isinstance(body, dict) or not validator.is_valid(body):
        return
    if operation_id == "place_order":
        steered = _steer_order(body)
    else:
        steered = _steer_modify(body, str(path.get("account_id")), str(path.get("order_id")))
    if validator.is_valid(steered):
        case.body = steered
        if "json" in kwargs:
            kwargs["json"] = steered


@dataclass
class Failure:
    phase: str
    operation: str
    check: str
    request: str
    status: int | None
    body: str


def _build_schema(max_examples: int) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": 20261120,
            "auth": {
                "openapi": {
                    "ClientId": {"api_key": DEMO.client_id},
                    "ClientSecret": {"api_key": DEMO.client_secret},
                    "UserId": {"api_key": DEMO.user_id},
                    "UserSecret": {"api_key": DEMO.user_secret},
                }
            },
            "checks": {"enabled": True},
            # Same cases every run: no example database carried between runs.
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 20},
            },
            # A cursor is valid only if the server issued it, which no schema can say: an
            # invented (schema-valid) cursor is rightly a 400 on the two paginated reads.
            "operations": [
                # DELETE on an order is a cancel request: the order stays readable (as
                # cancelled), and a broker may refuse the cancel, leaving it modifiable. So
                # touching it afterwards is no use-after-free. (Users and connections keep
                # the check: their DELETE removes them.)
                {
                    "include-operation-id": ["get_order", "modify_order"],
                    "checks": {"use_after_free": {"enabled": False}},
                },
                {
                    "include-operation-id": ["list_orders", "list_transactions"],
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 400, 401, 403, 404]
                        }
                    },
                },
            ],
        }
    )
    schema = schemathesis.openapi.from_dict(SPEC, config=config)
    app = create_app(Settings(clock_mode=ClockMode.MANUAL, order_rate_per_second=1e9))
    schema.app = app
    STEERING.clear()
    STEERING["market"] = app.state.broker.sim.market
    STEERING["orders"] = app.state.broker.sim.store.orders

    return schema, app


def _run(max_examples: int) -> tuple[list[Failure], list[str], Counter[str], Any]:
    schema, app = _build_schema(max_examples)
    failures: list[Failure] = []
    errors: list[str] = []
    reached: Counter[str] = Counter()
    schemathesis.hook(before_call)
    try:
        run = list(from_schema(schema).execute())
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
    for event in run:
        if isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", getattr(event, "exception", event)))[:800])
        if not isinstance(event, events.ScenarioFinished):
            continue
        for key, checks in event.recorder.checks.items():
            for check in checks:
                reached[f"check:{check.name}"] += 1
                if check.status != Status.FAILURE:
                    continue
                case = event.recorder.cases[key].value
                interaction = event.recorder.interactions.get(key)
                response = interaction.response if interaction else None
                failures.append(
                    Failure(
                        phase=event.phase.name,
                        operation=str(event.label),
                        check=check.name,
                        request=f"{case.method} {case.formatted_path} {case.query} {case.body!r}",
                        status=response.status_code if response else None,
                        body=response.content[:300].decode("utf-8", "replace") if response else "",
                    )
                )
        for interaction in event.recorder.interactions.values():
            if interaction.response is not None:
                reached[f"{event.phase.name}:{interaction.response.status_code}"] += 1
    return failures, errors, reached, app


@pytest.mark.timeout(900)
def test_schemathesis_finds_no_contract_violation_in_any_phase() -> None:
    """Examples, coverage, fuzzing and stateful phases with every check report no failure."""
    failures, errors, reached, app = _run(max_examples=60)
    details = "\n".join(
        f"[{f.phase}] {f.operation} {f.check}: {f.request} -> {f.status} {f.body}"
        for f in failures[:20]
    )
    assert errors == [], "\n".join(errors)
    assert failures == [], f"{len(failures)} failure(s):\n{details}"
    # The run must have exercised the checks the issue names, in every phase...
    for check in (
        "ignored_auth",
        "negative_data_rejection",
        "positive_data_acceptance",
        "response_schema_conformance",
        "status_code_conformance",
    ):
        assert reached[f"check:{check}"] > 0, check
    for phase in ("EXAMPLES", "COVERAGE", "FUZZING", "STATEFUL_TESTING"):
        assert any(k.startswith(phase) for k in reached), phase
    # ...and got deep enough into the broker to trade: fills, cancels and replaces happened.
    orders = list(app.state.broker.sim.store.orders.values())
    statuses = Counter(order.status.value for order in orders)
    assert sum(len(order.fills) for order in orders) > 0, statuses
    assert statuses["cancelled"] + statuses["pending_cancel"] > 0, statuses
    assert statuses["replaced"] + statuses["pending_replace"] > 0, statuses
