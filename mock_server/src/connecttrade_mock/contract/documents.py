"""The contract documents (``openapi.json``, ``asyncapi.json``) the package ships.

The wheel carries them inside this package (``force-include`` in mock_server's
pyproject), so an installed mock validates against the exact documents it was built with;
from a source checkout they are read from the repository's ``openapi/`` folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_document"]


def shipped_document(name: str) -> bytes:
    """The bytes of the contract document ``name`` (``openapi.json`` or ``asyncapi.json``)."""
    shipped = resources.files(__package__ or "connecttrade_mock.contract") / name
    if shipped.is_file():
        return shipped.read_bytes()
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "openapi" / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError(f"{name} is neither in the package nor in a parent folder")
