"""An agent waits for a human's decision with one call and one audit entry, however long it
takes: polling ``confirm`` wrote an entry per poll. The guard's clock and sleep are fakes
here, so a ten-minute wait takes no real time."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from decimal import Decimal
from typing import Any

import pytest

import connecttrade
from connecttrade.agent import (
    Approval,
    ApprovalDenied,
    ApprovalWaitTimeoutError,
    GuardError,
    PreparedOrder,
    Refused,
)

from .guard_env import MARGIN, FakeSleep, GuardEnv, MakeEnv, policy_for_tests


def entries(env: GuardEnv) -> list[dict[str, Any]]:
    return [json.loads(line) for line in env.audit_text().splitlines()]


def waits(env: GuardEnv) -> list[dict[str, Any]]:
    return [e for e in entries(env) if e["action"] == "wait_for_approval"]


@pytest.fixture
def approval_env(make_env: MakeEnv) -> GuardEnv:
    """A guard that wants a human above $500 (sleeping on its fake clock, as all do here)."""
    return make_env(policy_for_tests(approval_threshold=Decimal(500)))


@pytest.fixture
def sleeper(approval_env: GuardEnv) -> FakeSleep:
    """The guard's sleep."""
    return approval_env.sleep


def pending(env: GuardEnv) -> PreparedOrder:
    """A $600 limit buy, confirmed once: it now waits for a human."""
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 60, "10", side="BUY"), MARGIN)
    assert env.tools.confirm(staged.confirmation_id).status == "pending_approval"
    return staged


def test_wait_returns_when_a_human_approves_from_another_thread(
    approval_env: GuardEnv, sleeper: FakeSleep
) -> None:
    """The agent blocks in wait_for_approval; a human approves from another thread; the wait
    returns the approval after several polls and one audit entry, and confirm sends it."""
    env = approval_env
    staged = pending(env)
    polling, decided = threading.Event(), threading.Event()

    def hold_until_decided() -> None:
        polling.set()
        assert decided.wait(10), "the human's thread never decided"

    sleeper.at, sleeper.between = 5, hold_until_decided
    outcome: list[Approval | BaseException] = []

    def agent() -> None:
        try:
            outcome.append(env.tools.wait_for_approval(staged.confirmation_id, timeout=600))
        except BaseException as exc:  # handed to the test thread, which asserts on it
            outcome.append(exc)

    waiter = threading.Thread(target=agent)
    waiter.start()
    assert polling.wait(10), "the agent's wait never polled"
    assert not outcome  # still waiting: nobody has decided
    env.guard.supervisor("alice").approve(staged.confirmation_id, note="size checked")
    decided.set()
    waiter.join(10)

    [approval] = outcome
    assert isinstance(approval, Approval), approval
    assert (approval.approved_by, approval.note) == ("alice", "size checked")
    assert approval.waited.total_seconds() == 5
    assert len(sleeper.slept) == 5
    assert env.tools.confirm(staged.confirmation_id).status == "submitted"
    assert [(e["action"], e["decision"]) for e in entries(env)] == [
        ("prepare_order", "allowed"),
        ("confirm_order", "pending_approval"),
        ("approve", "allowed"),
        ("wait_for_approval", "allowed"),
        ("confirm_order", "allowed"),
    ]
    [entry] = waits(env)
    assert entry["result"]["decided_by"] == "alice"
    assert entry["result"]["polls"] == 6


def test_a_rejection_during_the_wait_raises_approval_denied(
    approval_env: GuardEnv, sleeper: FakeSleep
) -> None:
    """A human rejects while the agent waits: ApprovalDenied (a Refused) names the human and
    the note, one entry records the refusal, and nothing reaches the broker."""
    env = approval_env
    staged = pending(env)
    sleeper.at = 3
    sleeper.between = lambda: env.guard.supervisor("bob").reject(
        staged.confirmation_id, note="too big"
    )
    with pytest.raises(ApprovalDenied) as caught:
        env.tools.wait_for_approval(staged.confirmation_id, timeout=600)
    denied = caught.value
    assert isinstance(denied, Refused)
    assert (denied.rule, denied.decided_by, denied.note) == ("approval_rejected", "bob", "too big")
    assert denied.confirmation_id == staged.confirmation_id
    [entry] = waits(env)
    assert (entry["decision"], entry["rule"]) == ("refused", "approval_rejected")
    assert list(env.client.orders.list(status="all")) == []
    with pytest.raises(Refused, match="approval_rejected"):
        env.tools.confirm(staged.confirmation_id)


def test_timeout_raises_and_the_order_keeps_waiting(
    approval_env: GuardEnv, sleeper: FakeSleep
) -> None:
    """No decision within the timeout: ApprovalWaitTimeoutError after exactly the timeout on
    the guard's clock, one entry for thirty polls; the order still waits and can be approved."""
    env = approval_env
    staged = pending(env)
    with pytest.raises(ApprovalWaitTimeoutError) as caught:
        env.tools.wait_for_approval(staged.confirmation_id, timeout=30, poll_interval=1)
    timeout = caught.value
    assert isinstance(timeout, GuardError)
    assert isinstance(timeout, TimeoutError)
    assert timeout.confirmation_id == staged.confirmation_id
    assert sum(sleeper.slept) == 30
    assert len(sleeper.slept) == 30
    [entry] = waits(env)
    assert (entry["decision"], entry["rule"]) == ("pending_approval", "approval_wait_timeout")
    assert entry["result"]["polls"] == 31

    desk = env.guard.supervisor("carol")
    assert [p.confirmation_id for p in desk.pending()] == [staged.confirmation_id]
    desk.approve(staged.confirmation_id)
    approval = env.tools.wait_for_approval(staged.confirmation_id, timeout=30)
    assert approval.approved_by == "carol"
    assert approval.waited.total_seconds() == 0
    assert len(sleeper.slept) == 30  # the second wait found the approval without sleeping
    assert env.tools.confirm(staged.confirmation_id).status == "submitted"


def test_the_approval_window_closing_during_the_wait_is_a_denial(make_env: MakeEnv) -> None:
    """The wait ends when the approval window closes, not at a longer timeout: ApprovalDenied
    with rule confirmation_expired, logged as expired."""
    env = make_env(
        policy_for_tests(approval_threshold=Decimal(500), approval_ttl=dt.timedelta(seconds=90))
    )
    sleeper = env.sleep
    staged = pending(env)
    with pytest.raises(ApprovalDenied) as caught:
        env.tools.wait_for_approval(staged.confirmation_id, timeout=600, poll_interval=20)
    assert caught.value.rule == "confirmation_expired"
    assert sum(sleeper.slept) == 90
    assert sleeper.slept[-1] == 10  # the last pause stops at the window's close
    [entry] = waits(env)
    assert (entry["decision"], entry["rule"]) == ("expired", "confirmation_expired")
    with pytest.raises(Refused, match="confirmation_expired"):
        env.tools.confirm(staged.confirmation_id)


def test_an_approval_left_unconfirmed_past_its_window_is_a_denial(approval_env: GuardEnv) -> None:
    """Approved, but the window closed before the agent came back: the wait says expired
    (confirm would refuse it) instead of handing back a dead approval."""
    env = approval_env
    staged = pending(env)
    env.guard.supervisor("alice").approve(staged.confirmation_id)
    env.clock.advance(3600)
    with pytest.raises(ApprovalDenied) as caught:
        env.tools.wait_for_approval(staged.confirmation_id, timeout=60)
    assert (caught.value.rule, caught.value.decided_by) == ("confirmation_expired", "alice")
    assert env.sleep.slept == []
    with pytest.raises(Refused, match="confirmation_expired"):
        env.tools.confirm(staged.confirmation_id)


@pytest.mark.parametrize(
    ("setup", "rule"),
    [
        pytest.param("unknown", "confirmation_unknown", id="unknown-id"),
        pytest.param("unconfirmed", "approval_not_requested", id="not-confirmed-yet"),
        pytest.param("sent", "confirmation_used", id="already-sent"),
    ],
)
def test_waiting_on_an_order_that_is_not_pending_is_refused(
    approval_env: GuardEnv, sleeper: FakeSleep, setup: str, rule: str
) -> None:
    """An unknown id, a staged order not yet confirmed, or one already sent: refused at once
    by name, audited once, without sleeping."""
    env = approval_env
    if setup == "unknown":
        confirmation_id = "cf_nonexistent"
    else:
        staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
        confirmation_id = staged.confirmation_id
        if setup == "sent":
            assert env.tools.confirm(confirmation_id).status == "submitted"
    with pytest.raises(Refused) as caught:
        env.tools.wait_for_approval(confirmation_id, timeout=60)
    assert caught.value.rule == rule
    assert not isinstance(caught.value, ApprovalDenied)
    assert sleeper.slept == []
    [entry] = waits(env)
    assert entry["rule"] == rule


@pytest.mark.parametrize(
    ("timeout", "poll_interval"),
    [
        pytest.param(-1, 1, id="negative-timeout"),
        pytest.param(math.nan, 1, id="nan-timeout"),
        pytest.param(math.inf, 1, id="endless-timeout"),
        pytest.param(10, 0, id="zero-poll-interval"),
    ],
)
def test_bad_wait_arguments_raise_value_error(
    approval_env: GuardEnv, timeout: float, poll_interval: float
) -> None:
    """A wait that could never end or never look is a ValueError before anything runs."""
    staged = pending(approval_env)
    with pytest.raises(ValueError, match=r"^(timeout|poll_interval) must be"):
        approval_env.tools.wait_for_approval(staged.confirmation_id, timeout, poll_interval)
    assert waits(approval_env) == []
