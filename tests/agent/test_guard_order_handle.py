"""``confirm`` hands back a handle on the order it placed: the agent waits for the fill or
cancels without looking the order up again, and every step still goes through the guard
(one audit entry per wait, cancels known to reconciliation, no way to modify past it)."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from decimal import Decimal
from typing import Any

import pytest

import connecttrade
from connecttrade import OrderStatus, OrderWaitTimeoutError
from connecttrade.agent import ExecutionResult, GuardedOrderHandle, Halted

from .guard_env import MARGIN, SECRETS, GuardEnv, MakeEnv, policy_for_tests


def entries(env: GuardEnv) -> list[dict[str, Any]]:
    return [json.loads(line) for line in env.audit_text().splitlines()]


def submit(env: GuardEnv, order: connecttrade.OrderRequest) -> ExecutionResult:
    staged = env.tools.prepare_order(order, MARGIN)
    result = env.tools.confirm(staged.confirmation_id)
    assert result.status == "submitted"
    return result


def test_the_handle_waits_until_the_order_fills(env: GuardEnv) -> None:
    """A ZWZZT order fills a third per simulated second: the handle's wait blocks while the
    mock's clock is held, returns the filled order once it moves, and logs one entry."""
    result = submit(env, connecttrade.limit("ZWZZT", 3, "10", side="BUY"))
    handle = result.handle
    assert handle is not None
    assert result.order is not None
    assert handle.order.order_id == result.order.order_id
    assert handle.order.status is OrderStatus.PARTIALLY_FILLED  # a third at once, not done
    done: list[connecttrade.Order] = []
    waiter = threading.Thread(target=lambda: done.append(handle.wait(5, poll_interval=0.01)))
    waiter.start()
    for _ in range(2):  # one engine step, one third, per simulated second
        env.mock.control.advance(1)
    waiter.join(10)

    [order] = done
    assert order.status is OrderStatus.FILLED
    assert order.filled_qty == Decimal(3)
    assert handle.is_done
    assert sum(fill.quantity for fill in handle.fills) == Decimal(3)
    [wait] = [e for e in entries(env) if e["action"] == "wait_for_order"]
    assert (wait["level"], wait["decision"]) == ("execute", "allowed")
    assert wait["result"]["status"] == "filled"
    assert env.tools.reconcile().ok


def test_a_wait_that_times_out_raises_and_is_logged_once(env: GuardEnv) -> None:
    """A ZAZZT order never fills: the SDK's OrderWaitTimeoutError, one entry naming it."""
    handle = submit(env, connecttrade.limit("ZAZZT", 1, "9.5", side="BUY")).handle
    assert handle is not None
    with pytest.raises(OrderWaitTimeoutError) as caught:
        handle.wait(timeout=0.05, poll_interval=0.01)
    assert caught.value.order.status is OrderStatus.WORKING
    [wait] = [e for e in entries(env) if e["action"] == "wait_for_order"]
    assert wait["rule"] == "order_wait_timeout"
    assert wait["result"]["status"] == "working"


def test_cancelling_through_the_handle_is_the_guards_cancel(env: GuardEnv) -> None:
    """handle.cancel() is audited as cancel_order and recorded by the guard, so the
    reconciliation afterwards does not take it for a cancel behind the agent's back."""
    handle = submit(env, connecttrade.limit("ZAZZT", 1, "9.5", side="BUY")).handle
    assert handle is not None
    assert env.tools.reconcile().ok
    handle.cancel()
    assert handle.wait(timeout=5, poll_interval=0.01).status is OrderStatus.CANCELLED
    assert [(e["action"], e["decision"]) for e in entries(env)][-2:] == [
        ("cancel_order", "allowed"),
        ("wait_for_order", "allowed"),
    ]
    report = env.tools.reconcile()
    assert report.ok, report.summary


def test_the_handle_cannot_cancel_while_execution_is_halted(env: GuardEnv) -> None:
    """The handle's cancel meets the same halt switch as cancel_order."""
    handle = submit(env, connecttrade.limit("ZAZZT", 1, "9.5", side="BUY")).handle
    assert handle is not None
    env.guard.supervisor("alice").halt("stop")
    with pytest.raises(Halted):
        handle.cancel()
    assert env.client.orders.get(MARGIN, handle.order.order_id).status is OrderStatus.WORKING


def test_the_handle_offers_no_way_past_the_guard(env: GuardEnv) -> None:
    """No modify, no client, no SDK handle among its public names; it cannot be built,
    changed, copied or pickled, and its repr holds no secret."""
    handle = submit(env, connecttrade.limit("ZAZZT", 1, "9.5", side="BUY")).handle
    assert isinstance(handle, GuardedOrderHandle)
    public = {name for name in dir(handle) if not name.startswith("_")}
    assert public == {"cancel", "fills", "is_done", "order", "refresh", "status_log", "wait"}
    assert not hasattr(handle, "__dict__")
    with pytest.raises(TypeError, match="come from"):
        GuardedOrderHandle()
    with pytest.raises(AttributeError):
        handle.order = None  # type: ignore[misc, assignment]
    for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            attempt(handle)
    assert all(secret not in repr(handle) for secret in SECRETS)
    assert handle.refresh().status is OrderStatus.WORKING
    assert entries(env)[-1]["action"] == "get_order"


def test_an_order_waiting_for_approval_has_no_handle(make_env: MakeEnv) -> None:
    """Nothing was placed yet, so there is nothing to follow."""
    env = make_env(policy_for_tests(approval_threshold=Decimal(500)))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 60, "10", side="BUY"), MARGIN)
    result = env.tools.confirm(staged.confirmation_id)
    assert (result.status, result.handle) == ("pending_approval", None)
