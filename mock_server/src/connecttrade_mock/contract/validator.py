"""A JSON Schema validator of the contract's named schemas, explaining what it refuses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import jsonschema_rs

from connecttrade_mock.contract._constants import _MAX_ERRORS
from connecttrade_mock.contract._messages import _bound, _echo, _explain, _most_specific
from connecttrade_mock.contract.errors import ContractViolation

__all__ = [
    "SchemaValidator",
]


class SchemaValidator:
    """A compiled validator for one schema of the contract, with readable messages."""

    __slots__ = ("_dispatch", "_root", "_validator", "name")

    def __init__(
        self,
        name: str,
        root: Mapping[str, Any],
        validator: jsonschema_rs.Validator,
        dispatch: _TagDispatch | None = None,
    ) -> None:
        self.name = name
        self._root = root
        self._validator = validator
        self._dispatch = dispatch

    def __repr__(self) -> str:
        return f"SchemaValidator({self.name!r})"

    def __call__(self, instance: object) -> None:
        """Raise :class:`ContractViolation` when ``instance`` does not match."""
        self.validate(instance)

    def is_valid(self, instance: object) -> bool:
        """Whether ``instance`` matches the schema."""
        try:
            return self._validator.is_valid(instance)
        except UnicodeEncodeError:
            return False

    def validate(self, instance: object, root: str = "body") -> None:
        """Raise :class:`ContractViolation` naming the problem when ``instance`` does not match."""
        message = self.describe(instance, root)
        if message is not None:
            raise ContractViolation(message)

    def describe(
        self, instance: object, root: str = "body", hints: Mapping[str, str] | None = None
    ) -> str | None:
        """None when ``instance`` matches, else one message naming the offending field."""
        try:
            if self._validator.is_valid(instance):
                return None
            return _bound(self._explain(instance, root, hints or {}))
        except UnicodeEncodeError:
            return f"{root}: contains text that is not valid Unicode (a lone surrogate)"

    def _explain(self, instance: object, root: str, hints: Mapping[str, str]) -> str:
        errors: list[jsonschema_rs.ValidationError] = []
        doc = self._root
        if self._dispatch is not None and isinstance(instance, dict):
            picked = self._dispatch.pick(instance, root)
            if isinstance(picked, str):
                return picked
            doc = picked.root
            errors = list(islice(picked.validator.iter_errors(instance), _MAX_ERRORS))
        if not errors:
            doc = self._root
            errors = list(islice(self._validator.iter_errors(instance), _MAX_ERRORS))
        if not errors:  # pragma: no cover - is_valid said no, so there is an error
            return f"{root}: does not match the contract"
        return _explain(_most_specific(errors), doc, root, hints)


@dataclass(frozen=True, slots=True)
class _Variant:
    validator: jsonschema_rs.Validator
    root: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _TagDispatch:
    """The variants of a tagged ``oneOf``, keyed by the JSON text of their tag's ``const``."""

    prop: str
    variants: dict[str, _Variant]
    labels: tuple[str, ...]
    default: _Variant | None

    def pick(self, instance: Mapping[str, Any], root: str) -> _Variant | str:
        if self.prop not in instance:
            if self.default is not None:
                return self.default
            return f"{root}: missing required field '{self.prop}'"
        value = instance[self.prop]
        variant = self.variants.get(json.dumps(value, sort_keys=True, default=repr))
        if variant is None:
            return f"{self.prop}: {_echo(value)} is not one of {', '.join(self.labels)}"
        return variant
