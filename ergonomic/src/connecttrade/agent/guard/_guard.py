"""The guard: a client, a policy, an audit log and persisted state, owned by human code.

The human's code builds a :class:`Guard` and hands the agent one level object from
:meth:`Guard.read_tools`, :meth:`Guard.prepare_tools` or :meth:`Guard.execute_tools`.
The agent never sees the client, the credentials or the guard; every call it makes is
checked against the policy and written to the audit log, allowed or refused::

    guard = Guard(client, Policy.from_toml("policy.toml"), audit_log="audit.jsonl",
                  state_dir="state/", actor="rebalancer", quotes=my_quote_source)
    agent = guard.execute_tools()
    staged = agent.prepare_order(connecttrade.limit("AAPL", 5, "170", side="BUY"),
                                 account_id="acc_...")
    print(staged.summary)
    result = agent.confirm(staged.confirmation_id)

In-process Python cannot stop code from reading private attributes (``obj._x``,
``gc.get_referents``): the level objects keep honest code honest and make the safe path
the only documented one. Where the agent's code is not trusted, run it in another
process and give it tools over the MCP server (``connecttrade.agent.mcp_server``),
which is the hard boundary.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connecttrade.agent.audit import AuditLog
from connecttrade.agent.guard import _store
from connecttrade.agent.guard._waiting import GuardWaiting
from connecttrade.agent.guard.levels import Level
from connecttrade.agent.guard.reconcile import ReconciliationReport
from connecttrade.agent.guard.supervision import HaltStatus, Supervisor
from connecttrade.agent.guard.tools import ExecuteTools, PrepareTools, ReadTools
from connecttrade.agent.policy import Policy
from connecttrade.agent.quotes.source import QuoteSource

if TYPE_CHECKING:
    from connecttrade.rest.client import Client

__all__ = ["Guard"]

_AUDIT_META_KEY = "audit_log"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Guard(GuardWaiting):
    """Checks, records and performs an agent's calls; hands out one object per level.

    ``client`` is a :class:`connecttrade.Client` for the end user whose accounts the
    agent works on; it stays inside the guard. ``audit_log`` is the JSONL file every
    call is appended to; ``state_dir`` holds confirmations, approvals, the halt switch
    and reconciliation baselines (shared with the ``connecttrade-agent`` CLI).
    ``clock`` returns the current aware time and ``sleep`` pauses ``wait_for_approval``
    between its reads of the state (tests inject both; the wait's timeout is on
    ``clock``); ``quotes`` prices orders (see :mod:`connecttrade.agent.quotes.source`).
    """

    __slots__ = ()

    def __init__(
        self,
        client: Client,
        policy: Policy,
        *,
        audit_log: str | os.PathLike[str],
        state_dir: str | os.PathLike[str],
        actor: str = "agent",
        clock: Callable[[], dt.datetime] | None = None,
        quotes: QuoteSource | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a Policy, got {type(policy).__name__}")
        if not isinstance(actor, str) or not actor.strip():
            raise ValueError("actor must be a non-empty name")
        self._client = client
        self._policy = policy
        self._actor = actor.strip()
        self._clock = clock or _utc_now
        self._audit = AuditLog(audit_log, clock=self._now)
        self._quotes = quotes
        self._sleep = sleep
        self._store = _store.Store(state_dir)
        self._store.set_meta(_AUDIT_META_KEY, str(Path(audit_log).resolve()))

    def __repr__(self) -> str:
        return (
            f"Guard(actor={self._actor!r}, accounts={sorted(self._policy.accounts)!r}, "
            f"state={str(self._store.path)!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a Guard holds a client and cannot be pickled")

    # -- the human's side ----------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The policy every call is checked against."""
        return self._policy

    @property
    def audit_log_path(self) -> Path:
        """The JSONL audit log."""
        return self._audit.path

    def read_tools(self) -> ReadTools:
        """An object with the read tools only."""

        return ReadTools._bind(self)

    def prepare_tools(self) -> PrepareTools:
        """An object with the read and prepare tools."""

        return PrepareTools._bind(self)

    def execute_tools(self) -> ExecuteTools:
        """An object with the read, prepare and execute tools."""

        return ExecuteTools._bind(self)

    def tools(self, level: Level | str) -> ReadTools:
        """The object for ``level`` (``"read"``, ``"prepare"`` or ``"execute"``)."""
        chosen = Level(level)
        if chosen is Level.EXECUTE:
            return self.execute_tools()
        if chosen is Level.PREPARE:
            return self.prepare_tools()
        return self.read_tools()

    def supervisor(self, human: str | None = None) -> Supervisor:
        """Approvals and the halt switch for a named human, on this guard's state."""
        return Supervisor(
            self._store.path.parent, audit_log=self._audit.path, human=human, clock=self._now
        )

    def halt_status(self) -> HaltStatus:
        """Whether execution is halted, and why."""
        row = self._store.halt_state()
        return HaltStatus(row.halted, row.reason, row.since, row.errors)

    def reconcile(self) -> ReconciliationReport:
        """Compare the guard's orders and expected positions with the broker's state.

        Any mismatch, or broker state that cannot be read, halts execution.
        """
        return self._run(Level.EXECUTE, "reconcile", {}, self._reconcile, actor="supervisor")
