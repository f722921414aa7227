"""The outcome of one rule applied to one call."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RuleCheck"]


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """A rule (by id), whether the call passed it, and what was compared."""

    rule: str
    passed: bool
    detail: str

    def __str__(self) -> str:
        return f"[{'ok' if self.passed else 'FAIL'}] {self.rule}: {self.detail}"
