"""The control API (``/_mock``): drive the mock from tests; its own OpenAPI document ships here."""

from connecttrade_mock.control.api import (
    CONTROL_PREFIX,
    control_contract,
    control_routes,
)

__all__ = [
    "CONTROL_PREFIX",
    "control_contract",
    "control_routes",
]
