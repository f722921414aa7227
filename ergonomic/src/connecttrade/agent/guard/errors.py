"""Errors of the guard, drawn as a tree under the SDK's root error::

    ConnectTradeError               the SDK's root error (connecttrade._exceptions)
    └── GuardError
        ├── Refused                 a rule said no; ``rule`` names it, ``reason`` says why
        │   ├── Halted              execution is halted until a human resets it
        │   └── ApprovalDenied      a human rejected the order, or nobody approved it in time
        ├── ApprovalWaitTimeoutError  (a TimeoutError too) the wait ended; the order still waits
        ├── SupervisorError         a human's action could not be done (supervision)
        └── (PolicyError is a ValueError: see connecttrade.agent.policy)

Messages name rules, symbols, accounts and amounts, never credentials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from connecttrade._exceptions import ConnectTradeError

if TYPE_CHECKING:
    from connecttrade.agent.guard.checks import RuleCheck

__all__ = ["ApprovalDenied", "ApprovalWaitTimeoutError", "GuardError", "Halted", "Refused"]


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


class ApprovalDenied(Refused):
    """The order waiting for a human will never be sent.

    ``rule`` is ``approval_rejected`` (``decided_by`` rejected it, ``note`` says why) or
    ``confirmation_expired`` (nobody decided within the policy's approval time).
    """

    def __init__(
        self,
        rule: str,
        reason: str,
        *,
        confirmation_id: str,
        decided_by: str | None = None,
        note: str | None = None,
    ) -> None:
        self.confirmation_id = confirmation_id
        self.decided_by = decided_by
        self.note = note
        super().__init__(rule, reason)

    def __reduce__(self) -> tuple[object, ...]:
        return _denied, (
            self.rule,
            self.reason,
            self.confirmation_id,
            self.decided_by,
            self.note,
        )


def _denied(
    rule: str, reason: str, confirmation_id: str, decided_by: str | None, note: str | None
) -> ApprovalDenied:
    return ApprovalDenied(
        rule, reason, confirmation_id=confirmation_id, decided_by=decided_by, note=note
    )


class ApprovalWaitTimeoutError(GuardError, TimeoutError):
    """``wait_for_approval`` ran out of time; the order still waits for a human.

    Nothing was refused: wait again, or leave it. ``expires_at`` is when the approval
    window closes (after it, confirm and wait are refused with ``confirmation_expired``).
    """

    def __init__(self, confirmation_id: str, timeout: float, expires_at: dt.datetime) -> None:
        self.confirmation_id = confirmation_id
        self.timeout = timeout
        self.expires_at = expires_at
        super().__init__(
            f"{confirmation_id} is still waiting for a human after {timeout:g} seconds "
            f"(approval possible until {expires_at.isoformat()})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), (self.confirmation_id, self.timeout, self.expires_at)
