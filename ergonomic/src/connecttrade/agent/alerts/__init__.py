"""Alerts for the desk: rejections, partial fills, margin thresholds and stream drops.

``monitor`` holds the :class:`AlertMonitor` (poll or feed it), ``stream`` the glue that
feeds it from live streams (:class:`~connecttrade.agent.alerts.stream.StreamAlerts`).
Alerts go to the ``connecttrade.agent.alerts`` logger (its name kept from the old module).
"""

from __future__ import annotations

from connecttrade.agent.alerts.monitor import (
    DOWN_STREAM_STATES,
    Alert,
    AlertCallback,
    AlertKind,
    AlertMonitor,
    AuditSink,
    MarginThresholds,
)

__all__ = [
    "DOWN_STREAM_STATES",
    "Alert",
    "AlertCallback",
    "AlertKind",
    "AlertMonitor",
    "AuditSink",
    "MarginThresholds",
]
