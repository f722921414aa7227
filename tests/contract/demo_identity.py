"""Keep schemathesis runs from destroying the identity they authenticate as.

Deleting the demo user, rotating its secret or deleting its connections is legal API use,
but would end a run's access to accounts and orders. Such calls are sent to ids that do
not exist instead (answered 404). Used by the in-process run and by the CLI hooks.
"""

from __future__ import annotations

from typing import Any

from connecttrade_mock.simulator import DEMO

PROTECTED = {
    "user_id": {DEMO.user_id},
    "connection_id": {DEMO.margin_connection_id, DEMO.cash_connection_id},
}
DESTRUCTIVE = {"delete_user", "rotate_user_secret", "delete_connection"}


def protect_demo_identity(case: Any) -> None:
    """Point a destructive call aimed at the demo identity at an id that does not exist."""
    if case.operation.definition.raw.get("operationId") in DESTRUCTIVE:
        path = case.path_parameters or {}
        for name, values in PROTECTED.items():
            if path.get(name) in values:
                path[name] = f"{path[name]}-protected"
