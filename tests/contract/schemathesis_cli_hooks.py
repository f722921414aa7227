"""Hooks the schemathesis CLI loads for `nox -s contract_cli` (see schemathesis_cli.toml)."""

from __future__ import annotations

from typing import Any

import schemathesis
from demo_identity import protect_demo_identity


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Keep destructive calls away from the identity the run uses (every phase)."""
    protect_demo_identity(case)
