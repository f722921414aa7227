"""What the audit log says happened: activity per hour, and the refusals and alerts listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["AuditEvent", "HourActivity"]


@dataclass(frozen=True, slots=True)
class HourActivity:
    """The audit log's entries within one hour of the day (``start`` in the report's zone)."""

    start: dt.datetime
    calls: int = 0
    prepared: int = 0
    confirmed: int = 0
    refused: int = 0
    alerts: int = 0
    errors: int = 0


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """A refusal or an alert as listed in the report."""

    time: dt.datetime
    actor: str
    action: str
    decision: str
    rule: str | None
    reason: str | None
