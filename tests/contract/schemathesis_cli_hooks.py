"""Hooks the schemathesis CLI loads for `nox -s contract_cli` (see schemathesis_cli.toml)."""

from __future__ import annotations

from typing import Any

import schemathesis

# The run authenticates as the demo user; deleting it, rotating its secret or deleting its
# connections is legal, but would end the run's access to accounts and orders. Such calls go
# to ids that do not exist instead (answered 404).
PROTECTED = {
    "user_id": {"demo-user"},
    "connection_id": {"conn_demo_alpaca", "conn_demo_tradier"},
}
DESTRUCTIVE = {"delete_user", "rotate_user_secret", "delete_connection"}


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Keep destructive calls away from the identity the run uses (every phase)."""
    if case.operation.definition.raw.get("operationId") in DESTRUCTIVE:
        path = case.path_parameters or {}
        for name, values in PROTECTED.items():
            if path.get(name) in values:
                path[name] = f"{path[name]}-protected"
