"""Errors of the guard, drawn as a tree under the SDK's root error::

    ConnectTradeError               the SDK's root error (connecttrade._exceptions)
    └── GuardError
        ├── Refused                 a rule said no; ``rule`` names it, ``reason`` says why
        │   └── Halted              execution is halted until a human resets it
        └── (PolicyError is a ValueError: see connecttrade.agent.policy)

Messages name rules, symbols, accounts and amounts, never credentials.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from connecttrade._exceptions import ConnectTradeError

if TYPE_CHECKING:
    from connecttrade.agent.guard.checks import RuleCheck

__all__ = ["GuardError", "Halted", "Refused"]


class GuardError(ConnectTradeError):
    """The root of the errors the guard raises; ``except ConnectTradeError`` catches it too."""


class Refused(GuardError):  # noqa: N818 -- reads as the outcome: `except Refused`
    """The guard refused a call; nothing was sent to the broker.

    ``rule`` is the id of the first rule that refused (``symbol_allowlist``,
    ``max_notional``, ``confirmation_expired``, ...) and ``checks`` every rule evaluated.
    """

    def __init__(self, rule: str, reason: str, checks: Sequence[RuleCheck] = ()) -> None:
        self.rule = rule
        self.reason = reason
        self.checks = tuple(checks)
        super().__init__(f"refused by {rule}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), (self.rule, self.reason, self.checks)


class Halted(Refused):
    """Execution is halted (API errors or a state mismatch) until a human resets it."""
