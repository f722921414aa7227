"""What every guarded call goes through: the guard's parts, the audit entry, the halt switch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from connecttrade._exceptions import APIError
from connecttrade.agent.audit import AuditDecision, AuditLog, AuditLogError
from connecttrade.agent.guard._outcome import Outcome
from connecttrade.agent.guard._rules import account_check
from connecttrade.agent.guard._store import Store
from connecttrade.agent.guard.errors import Halted, Refused
from connecttrade.agent.guard.levels import Level
from connecttrade.agent.policy import Policy
from connecttrade.agent.quotes.source import QuoteSource

if TYPE_CHECKING:
    from connecttrade.rest.client import Client

__all__ = ["GuardState"]

_T = TypeVar("_T")
# The actor of the entries the guard writes on its own (a halt).
_SYSTEM_ACTOR = "guard"


class GuardState:
    """The guard's parts, and every call's way through the policy and the audit log.

    The mixins of :mod:`connecttrade.agent.guard` build on it in one line (reads, staging,
    reconciliation, execution, then :class:`~connecttrade.agent.guard.Guard` itself); the
    slots live here, so a guard has no ``__dict__``.
    """

    __slots__ = (
        "_actor",
        "_audit",
        "_client",
        "_clock",
        "_policy",
        "_quotes",
        "_sleep",
        "_store",
    )

    _actor: str
    _audit: AuditLog
    _client: Client
    _clock: Callable[[], dt.datetime]
    _policy: Policy
    _quotes: QuoteSource | None
    _sleep: Callable[[float], None]
    _store: Store

    def _now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the guard's clock must return aware datetimes")
        return now

    def _run(
        self,
        level: Level,
        action: str,
        inputs: Mapping[str, Any],
        body: Callable[[], Outcome[_T]],
        *,
        actor: str | None = None,
    ) -> _T:
        """Run one guarded call and append its audit entry, whatever happens."""
        who = actor or self._actor
        try:
            outcome = body()
        except Refused as exc:
            decision: AuditDecision = "refused"
            if isinstance(exc, Halted):
                decision = "halted"
            elif exc.rule == "confirmation_expired":
                decision = "expired"
            self._append(
                actor=who,
                level=level.value,
                action=action,
                inputs=inputs,
                decision=decision,
                rule=exc.rule,
                reason=exc.reason,
                result={"checks": [str(c) for c in exc.checks]} if exc.checks else None,
            )
            raise
        except APIError as exc:
            self._append(
                actor=who,
                level=level.value,
                action=action,
                inputs=inputs,
                decision="error",
                rule="api_error",
                reason=f"{type(exc).__name__}: {exc}",
            )
            self._count_error(f"{action}: {type(exc).__name__}: {exc}")
            raise
        self._append(
            actor=who,
            level=level.value,
            action=action,
            inputs=inputs,
            decision=outcome.decision,
            rule=outcome.rule,
            reason=outcome.reason,
            result=outcome.result,
        )
        return outcome.value

    def _append(self, **entry: Any) -> None:
        """Write an audit entry; a log that cannot be written halts execution."""
        try:
            self._audit.append(**entry)
        except (AuditLogError, OSError) as exc:
            self._store.halt(f"audit log could not be written: {exc}", self._now())
            raise

    def _require_audit(self) -> None:
        """Refuse an action if its audit entry could not be written afterwards."""
        try:
            self._audit.check()
        except AuditLogError as exc:
            raise Refused("audit_log", str(exc)) from None

    def _count_error(self, reason: str) -> None:
        errors = self._store.count_error()
        if errors >= self._policy.halt_after_errors:
            self._halt(
                "api_errors",
                f"{errors} API errors or broker rejections (limit "
                f"{self._policy.halt_after_errors}); last: {reason}",
            )

    def _halt(self, rule: str, reason: str) -> None:
        if self._store.halt(reason, self._now()):
            self._audit.append(
                actor=_SYSTEM_ACTOR,
                level="system",
                action="halt",
                inputs={},
                decision="halted",
                rule=rule,
                reason=reason,
            )

    def _check_not_halted(self) -> None:
        halt = self._store.halt_state()
        if halt.halted:
            raise Halted(
                "halted",
                f"execution is halted until a human resets it: {halt.reason}",
            )

    def _check_account(self, account_id: str) -> None:
        check = account_check(self._policy, account_id)
        if not check.passed:
            raise Refused(check.rule, check.detail)
