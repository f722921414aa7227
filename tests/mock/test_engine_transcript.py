"""A recorded session of the engine keeps giving the same answers, state and stream updates.

A seeded session of placements (every instrument, order type, time in force and scenario
symbol), cancels, replaces, quote pins, deposits, forced sessions and clock moves (bursts
at one moment, fractions of a second, seconds, hours, nights and weekends) runs on a
manual clock. Every answer, every engine event rendered as the brokerage stream renders it,
and the balances and positions after each step are digested; the digests must match those
recorded in ``engine_transcript.json``. So a speed-up of the engine, the market or the
rendering that changes any byte a client sees fails here, at the first step it changes.

The session runs twice: once with a listener rendering every event at once (as the stream
hub does while a brokerage stream is subscribed), once with a listener that only notes
them (no subscriber: nothing reads the state mid-operation).

After an intended change of behaviour, record the digests again (and say why in the
commit): ``python tests/mock/test_engine_transcript.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mock_api import CALL_100, CALL_110, PUT_90, settings

from connecttrade_mock.broker.engine_event import EngineEvent
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.outcome import Outcome
from connecttrade_mock.broker.state import Account, Order, Position
from connecttrade_mock.clock import Session
from connecttrade_mock.simulator import DEMO, Simulator
from connecttrade_mock.wire.records import balance_json, order_json, position_json, transaction_json

GOLDEN = Path(__file__).with_name("engine_transcript.json")
STEPS = 1500
USER = (DEMO.client_id, DEMO.user_id)
ACCOUNTS = {DEMO.margin_account_id: "ALPACA", DEMO.cash_account_id: "TRADIER"}
STOCKS = ("AAPL", "MSFT", "SPY", "BRK/B")
SCENARIOS = ("ZVZZT", "ZWZZT", "ZXZZT", "ZAZZT", "ZBZZT")
TIFS = ("DAY", "DAY", "GTC", "GTC", "DAY+", "GTC+", "IOC", "FOK", "OPEN", "CLOSE")
SIDES = ("BUY", "BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER")
ADVANCES = (0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 2, 2, 5, 30, 59)
JUMPS = (900, 3 * 3600, 9 * 3600, 20 * 3600, 60 * 3600)
SESSIONS = (None, None, Session.CLOSED, Session.PRE_MARKET, Session.AFTER_HOURS)

Entry = dict[str, Any]


def digest(value: Any) -> str:
    """A short fingerprint of a JSON value (keys sorted, so only content counts)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rendered(sim: Simulator, entity: Order | Position | Account) -> Any:
    """An entity as the brokerage stream renders it."""
    engine = sim.engine
    if isinstance(entity, Order):
        return order_json(entity)
    if isinstance(entity, Position):
        return position_json(entity, engine.last_price(entity))
    return balance_json(entity, engine.balance_figures(entity))


def entity_id(entity: Order | Position | Account) -> str:
    if isinstance(entity, Order):
        return f"{entity.order_id}@{entity.version}/{entity.status.value}"
    if isinstance(entity, Position):
        return f"{entity.account_id}/{entity.symbol}@{entity.version}"
    return f"{entity.account_id}@{entity.balance_version}"


def stock_body(rng: random.Random, sim: Simulator, number: int) -> Entry:
    account = rng.choice(list(ACCOUNTS))
    symbol = rng.choice(STOCKS + SCENARIOS[: 1 + number % len(SCENARIOS)])
    last = sim.market.quote(symbol).last
    order_type = rng.choice(("LMT", "LMT", "LMT", "MKT", "MKT", "STP", "STPLMT"))
    mistake = rng.random()
    body: Entry = {
        "account_id": account,
        # Now and then a cl_order_id used before (409) or the wrong broker (404).
        "cl_order_id": f"c{number - 1}" if mistake < 0.03 else f"c{number}",
        "broker": "TRADIER" if mistake > 0.98 else ACCOUNTS[account],
        "symbol": symbol,
        "side": rng.choice(SIDES),
        "order_type": order_type,
        "order_tif": rng.choice(TIFS),
    }
    if rng.random() < 0.12 and order_type in ("MKT", "LMT"):
        body["order_notional"] = rng.choice(["0.01", "150", "2500.50"])
    else:
        body["order_qty"] = rng.choice(["1", "1", "3", "2.5", "40", "300", "5000"])
    if order_type in ("LMT", "STPLMT"):
        # Mostly near the touch, sometimes far away or outside the circuit band.
        offset = Decimal(rng.choice([rng.randint(-12, 12), rng.randint(-150, 150)])) / 1000
        body["order_limit_price"] = str((last * (1 + offset)).quantize(Decimal("0.01")))
    if order_type in ("STP", "STPLMT"):
        offset = Decimal(rng.randint(-20, 20)) / 1000
        body["stop_price"] = str((last * (1 + offset)).quantize(Decimal("0.01")))
    return body


def other_body(rng: random.Random, number: int) -> Entry:
    """An option, a spread, a crypto or a futures order."""
    kind = rng.choice(("OPT", "MLEG_OPT", "CRYPTO", "FUT"))
    account = rng.choice(list(ACCOUNTS))
    body: Entry = {
        "account_id": account,
        "cl_order_id": f"c{number}",
        "broker": ACCOUNTS[account],
        "instrument": kind,
        "order_type": rng.choice(("LMT", "MKT")),
        "order_tif": rng.choice(("DAY", "GTC", "IOC")),
        "order_qty": rng.choice(["1", "2"]),
    }
    if kind == "MLEG_OPT":
        body["legs"] = [
            {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": rng.choice(["1", "2"])},
        ]
        body["order_type"] = "LMT"
        body["order_limit_price"] = rng.choice(["2.50", "-1.00", "9.00", "0"])
        return body
    body["symbol"] = {"OPT": rng.choice((CALL_100, PUT_90)), "CRYPTO": "BTC/USD", "FUT": "ESZ6"}[
        kind
    ]
    body["side"] = rng.choice(("BUY_TO_OPEN", "SELL_TO_CLOSE") if kind == "OPT" else SIDES[:3])
    if kind == "CRYPTO":
        body["order_qty"] = rng.choice(["0.01", "0.5"])
    if body["order_type"] == "LMT":
        body["order_limit_price"] = {
            "OPT": rng.choice(["0.50", "180.00"]),
            "CRYPTO": rng.choice(["90000.00", "99000.00"]),
            "FUT": rng.choice(["6800.00", "7000.00"]),
        }[kind]
    return body


def open_order_ids(sim: Simulator) -> list[str]:
    # A replacement still pending is left alone: over HTTP every request steps the engine
    # first, which confirms the replace, so a client never acts on one in that state.
    return sorted(
        (i for i, o in sim.store.open_orders.items() if o.status.value != "pending"),
        key=lambda i: sim.store.orders[i].seq,
    )


def act(rng: random.Random, sim: Simulator, number: int) -> Entry:
    """One step of the session, as the HTTP layer would run it (the engine synced first)."""
    sim.sync()
    roll = rng.random()
    engine = sim.engine
    open_ids = open_order_ids(sim)
    try:
        if roll < 0.40:
            body = stock_body(rng, sim, number)
            return {"place": body, "answer": order_json(engine.place(USER, body))}
        if roll < 0.48:
            body = other_body(rng, number)
            return {"place": body, "answer": order_json(engine.place(USER, body))}
        if roll < 0.56 and open_ids:
            order = sim.store.orders[rng.choice(open_ids)]
            answer = engine.cancel(USER, order.account_id, order.order_id)
            return {"cancel": order.order_id, "answer": order_json(answer)}
        if roll < 0.63 and open_ids:
            order = sim.store.orders[rng.choice(open_ids)]
            change: Entry = {"broker": order.broker, "new_cl_order_id": f"m{number}"}
            if order.order_limit_price is not None and order.instrument != "MLEG_OPT":
                change["order_limit_price"] = str(order.order_limit_price * Decimal("1.004"))
            if order.order_qty is not None and rng.random() < 0.5:
                # Sometimes no more than is filled already (409).
                change["order_qty"] = rng.choice([str(order.order_qty + 1), "1"])
            answer = engine.modify(USER, order.account_id, order.order_id, change)
            return {"modify": order.order_id, "answer": order_json(answer)}
        if roll < 0.72:
            symbol = rng.choice(("AAPL", "MSFT", "SPY"))
            last = sim.market.quote(symbol).last
            mid = (last * (1 + Decimal(rng.randint(-25, 25)) / 1000)).quantize(Decimal("0.01"))
            sim.market.set_quote(symbol, mid, mid + Decimal("0.05"))
            sim.sync()
            return {"pin": [symbol, str(mid)]}
        if roll < 0.75:
            symbol = rng.choice(("AAPL", "MSFT", "SPY"))
            sim.market.unpin(symbol)
            return {"unpin": symbol}
        if roll < 0.77:
            session = rng.choice(SESSIONS)
            sim.force_session(session)
            return {"session": session}
        if roll < 0.79:
            outcome = rng.choice(list(Outcome))
            engine.forced_outcome = outcome
            return {"outcome": outcome.value}
        if roll < 0.80:
            account = sim.store.accounts[rng.choice(list(ACCOUNTS))]
            engine.deposit(account, Decimal(rng.choice(["5000", "-2500.25"])), "Transcript")
            return {"deposit": account.account_id}
        seconds = rng.choice(JUMPS if rng.random() < 0.05 else ADVANCES)
        sim.advance(seconds)
        return {"advance": seconds, "now": sim.clock.now().isoformat()}
    except ApiError as exc:
        return {"error": [exc.status, exc.message]}


def reads(sim: Simulator) -> Entry:
    """What GET /balances and GET /positions show now."""
    engine = sim.engine
    return {
        "balances": [
            balance_json(a, engine.balance_figures(a)) for a in sim.store.accounts.values()
        ],
        "positions": [position_json(p, engine.last_price(p)) for p in sim.store.positions.values()],
    }


def transcript(*, render_events: bool, seed: int) -> list[str]:
    """The digest of every step of the session, then of the final records."""
    sim = Simulator(settings())
    events: list[Any] = []

    def listen(event: EngineEvent) -> None:
        shown = rendered(sim, event.entity) if render_events else entity_id(event.entity)
        events.append([event.kind, event.account_id, shown])

    sim.engine.listeners.append(listen)
    rng = random.Random(seed)
    digests = []
    for number in range(STEPS):
        events.clear()
        step = act(rng, sim, number)
        step["events"] = events
        if render_events or number % 10 == 0:
            step["reads"] = reads(sim)
        digests.append(digest(step))
    store = sim.store
    final = {
        "orders": [order_json(o) for o in store.orders.values()],
        "transactions": [transaction_json(t) for t in store.transactions.values()],
        "reads": reads(sim),
        "now": sim.clock.now().isoformat(),
    }
    digests.append(digest(final))
    return digests


RUNS = {"rendered-events": (True, 7), "noted-events": (False, 11)}


@pytest.mark.parametrize("run", list(RUNS), ids=list(RUNS))
def test_the_recorded_session_gives_the_recorded_answers(run: str) -> None:
    """Every answer, stream update, balance and position of the session is as recorded."""
    render_events, seed = RUNS[run]
    expected: list[str] = json.loads(GOLDEN.read_text())[run]
    actual = transcript(render_events=render_events, seed=seed)
    assert len(actual) == len(expected)
    changed = [step for step, (a, b) in enumerate(zip(actual, expected, strict=True)) if a != b]
    assert not changed, f"the {run} session changed first at step {changed[0]}"


def test_the_session_reaches_what_it_is_meant_to_check() -> None:
    """The session fills, rests, expires, cancels, replaces and rejects orders."""
    sim = Simulator(settings())
    rng = random.Random(RUNS["noted-events"][1])
    kinds: set[str] = set()
    for number in range(STEPS):
        step = act(rng, sim, number)
        kinds.update(k for k in step if k in ("place", "cancel", "modify", "error"))
    states = {o.status.value for o in sim.store.orders.values()}
    assert {"filled", "working", "expired", "cancelled", "rejected", "replaced"} <= states
    assert {"place", "cancel", "modify", "error"} <= kinds
    assert any(o.fills and o.status.value != "filled" for o in sim.store.orders.values())


if __name__ == "__main__":
    recorded = {run: transcript(render_events=r, seed=s) for run, (r, s) in RUNS.items()}
    GOLDEN.write_text(json.dumps(recorded, indent=1) + "\n")
