"""An agent holds one level object: only its level's methods, no way to the client, the
credentials or the guard through public attributes, and no way to raise its level."""

from __future__ import annotations

import copy
import pickle

import pytest

import connecttrade
from connecttrade.agent import ExecuteTools, Level, PrepareTools, ReadTools

from .guard_env import MARGIN, SECRETS, GuardEnv

READ = {
    "describe_policy",
    "get_balances",
    "get_order",
    "get_positions",
    "get_quote",
    "list_accounts",
    "list_orders",
}
PREPARE = READ | {"prepare_order", "prepare_modify"}
EXECUTE = PREPARE | {"confirm", "wait_for_approval", "cancel_order", "reconcile"}


def public_names(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")} - {"level"}


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        pytest.param(Level.READ, READ, id="read"),
        pytest.param(Level.PREPARE, PREPARE, id="prepare"),
        pytest.param(Level.EXECUTE, EXECUTE, id="execute"),
    ],
)
def test_each_level_has_exactly_its_methods(
    env: GuardEnv, level: Level, expected: set[str]
) -> None:
    """Read objects cannot prepare, prepare objects cannot confirm or cancel."""
    tools = env.guard.tools(level)
    assert tools.level is level
    assert public_names(tools) == expected


def test_read_object_cannot_call_prepare_or_execute(env: GuardEnv) -> None:
    """Calling a higher level's method on a read object fails before anything happens."""
    read = env.guard.read_tools()
    for name in ("prepare_order", "confirm", "cancel_order"):
        with pytest.raises(AttributeError):
            getattr(read, name)


def test_level_objects_hide_client_secrets_and_guard(env: GuardEnv) -> None:
    """No __dict__, no public attribute leading to the client; reprs carry no secrets."""
    for tools in (env.guard.read_tools(), env.guard.prepare_tools(), env.tools):
        assert not hasattr(tools, "__dict__")
        for name in public_names(tools):
            value = getattr(tools, name)
            assert callable(value)
            assert not isinstance(value, connecttrade.Client)
        text = repr(tools) + str(tools)
        assert "Client" not in text
        assert "Guard" not in text
        for secret in SECRETS:
            assert secret not in text
    assert all(secret not in repr(env.guard) for secret in SECRETS)


@pytest.mark.parametrize(
    "cls",
    [pytest.param(c, id=c.__name__) for c in (ReadTools, PrepareTools, ExecuteTools)],
)
def test_a_level_object_cannot_be_built_by_the_agent(cls: type[ReadTools]) -> None:
    """Constructing a level object directly is refused: only the guard hands them out."""
    with pytest.raises(TypeError, match="come from Guard"):
        cls()


def test_an_agent_cannot_raise_its_own_level(env: GuardEnv) -> None:
    """Swapping the class, setting attributes, copying or pickling all fail."""
    read = env.guard.read_tools()
    with pytest.raises((TypeError, AttributeError)):
        read.__class__ = ExecuteTools
    with pytest.raises(AttributeError):
        read.level = Level.EXECUTE
    with pytest.raises(AttributeError):
        read.confirm = print
    with pytest.raises(TypeError):
        copy.copy(read)
    with pytest.raises(TypeError):
        copy.deepcopy(read)
    with pytest.raises(TypeError):
        pickle.dumps(read)
    with pytest.raises(TypeError):
        pickle.dumps(env.guard)
    # No method of a lower level returns a level object.
    for name in public_names(read):
        assert "tools" not in name


def test_nothing_in_the_audit_log_is_secret(env: GuardEnv) -> None:
    """Every entry of a busy session is free of credentials."""
    env.tools.list_accounts()
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    env.tools.confirm(staged.confirmation_id)
    env.tools.reconcile()
    text = env.audit_text()
    for secret in SECRETS:
        assert secret not in text


def test_read_calls_are_audited_too(env: GuardEnv) -> None:
    """Allowed read calls leave an entry naming the tool and the level."""
    env.guard.read_tools().get_positions(MARGIN)
    assert '"action":"get_positions"' in env.audit_text()
    assert '"level":"read"' in env.audit_text()
