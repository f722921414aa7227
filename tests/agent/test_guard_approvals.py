"""Orders over the approval threshold wait for a human, who decides with the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

import connecttrade
from connecttrade.agent import PreparedOrder, Refused, Supervisor, SupervisorError
from connecttrade.agent.cli import main

from .guard_env import MARGIN, GuardEnv, MakeEnv, policy_for_tests


def cli(*argv: str) -> tuple[int, str]:
    """Run ``connecttrade-agent`` in-process; return its exit status and output."""
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture
def approval_env(make_env: MakeEnv) -> GuardEnv:
    """A guard that wants a human above $500, on the wall clock like the CLI it talks to.

    Its orders are limit buys (priced by their limit, no quote needed) and it trades at
    any hour, so the wall clock's time of day does not matter.
    """
    env = make_env(policy_for_tests(approval_threshold=Decimal(500), sessions=()))
    env.clock.now = dt.datetime.now(dt.UTC)
    return env


def stage_big(env: GuardEnv) -> PreparedOrder:
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 60, "10", side="BUY"), MARGIN)
    assert staged.requires_approval
    assert "a human must approve" in staged.summary
    return staged


def test_order_over_the_threshold_waits_then_goes_after_cli_approval(
    approval_env: GuardEnv,
) -> None:
    """confirm answers pending; `approvals list` shows it; after `approve` confirm sends it."""
    env = approval_env
    staged = stage_big(env)
    pending = env.tools.confirm(staged.confirmation_id)
    assert pending.status == "pending_approval"
    assert list(env.client.orders.list(status="all")) == []
    # Asking again while nobody decided is still pending, not a replay.
    assert env.tools.confirm(staged.confirmation_id).status == "pending_approval"

    status, listing = cli("approvals", "list", "--state-dir", str(env.state_dir))
    assert status == 0
    assert staged.confirmation_id in listing
    assert "ZVZZT" in listing

    status, said = cli(
        "approvals", "approve", staged.confirmation_id, "--state-dir", str(env.state_dir),
        "--human", "alice", "--note", "size checked",
    )  # fmt: skip
    assert status == 0, said
    result = env.tools.confirm(staged.confirmation_id)
    assert result.status == "submitted"
    assert result.order is not None
    assert result.order.status == "filled"
    approvals = [json.loads(line) for line in env.audit_text().splitlines()]
    human = next(e for e in approvals if e["action"] == "approve")
    assert (human["level"], human["actor"], human["decision"]) == ("human", "alice", "allowed")
    with pytest.raises(Refused, match="confirmation_used"):
        env.tools.confirm(staged.confirmation_id)


def test_rejected_order_is_never_sent(approval_env: GuardEnv) -> None:
    """A human rejection is final: confirm is refused and nothing reaches the broker."""
    env = approval_env
    staged = stage_big(env)
    env.tools.confirm(staged.confirmation_id)
    status, _ = cli(
        "approvals", "reject", staged.confirmation_id, "--state-dir", str(env.state_dir)
    )
    assert status == 0
    with pytest.raises(Refused) as caught:
        env.tools.confirm(staged.confirmation_id)
    assert caught.value.rule == "approval_rejected"
    assert list(env.client.orders.list(status="all")) == []
    assert (
        cli("approvals", "approve", staged.confirmation_id, "--state-dir", str(env.state_dir))[0]
        == 1
    )


def test_approval_window_expires(approval_env: GuardEnv) -> None:
    """An order nobody approved within the approval time expires and cannot be approved."""
    env = approval_env
    staged = stage_big(env)
    env.tools.confirm(staged.confirmation_id)
    env.clock.advance(3600)
    desk = Supervisor(env.state_dir, human="bob", clock=env.clock)
    assert desk.pending() == []
    with pytest.raises(SupervisorError, match="expired"):
        desk.approve(staged.confirmation_id)
    with pytest.raises(Refused, match="confirmation_expired"):
        env.tools.confirm(staged.confirmation_id)


def test_approved_order_still_meets_the_rules_that_can_change(approval_env: GuardEnv) -> None:
    """Approval is not a bypass: an approved order is refused once execution is halted."""
    env = approval_env
    staged = stage_big(env)
    env.tools.confirm(staged.confirmation_id)
    env.guard.supervisor("alice").approve(staged.confirmation_id)
    env.guard.supervisor("alice").halt("stop everything")
    with pytest.raises(Refused) as caught:
        env.tools.confirm(staged.confirmation_id)
    assert caught.value.rule == "halted"
    assert list(env.client.orders.list(status="all")) == []


def test_approval_cli_works_from_another_process(approval_env: GuardEnv) -> None:
    """The installed `connecttrade-agent` approves in a separate process via the state dir."""
    env = approval_env
    staged = stage_big(env)
    env.tools.confirm(staged.confirmation_id)
    command = [sys.executable, "-m", "connecttrade.agent.cli"]
    environment = {**os.environ, "CONNECTTRADE_AGENT_STATE_DIR": str(env.state_dir)}
    listing = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "approvals", "list"],
        env=environment, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert staged.confirmation_id in listing.stdout
    approve = subprocess.run(  # noqa: S603
        [*command, "approvals", "approve", staged.confirmation_id, "--human", "carol"],
        env=environment, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert approve.returncode == 0, approve.stderr
    assert env.tools.confirm(staged.confirmation_id).status == "submitted"


def test_halt_cli_status_now_and_reset(env: GuardEnv) -> None:
    """A human can stop the agent at once and resume it; status says which."""
    state = ["--state-dir", str(env.state_dir)]
    assert cli("halt", "status", *state) == (0, "running (0 API errors since the last reset)\n")
    assert cli("halt", "now", "market looks wrong", *state, "--human", "dan")[0] == 0
    with pytest.raises(Refused, match="halted"):
        env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    _, text = cli("halt", "status", *state)
    assert "HALTED" in text
    assert "market looks wrong" in text
    assert cli("halt", "reset", *state)[0] == 0
    assert env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)


def test_cli_usage_errors_exit_2(tmp_path: object) -> None:
    """Missing state directory and unknown commands are usage errors, not crashes."""
    environment_state = os.environ.pop("CONNECTTRADE_AGENT_STATE_DIR", None)
    try:
        assert cli("halt", "status")[0] == 2
        assert cli("approvals", "frobnicate")[0] == 2
    finally:
        if environment_state is not None:
            os.environ["CONNECTTRADE_AGENT_STATE_DIR"] = environment_state
