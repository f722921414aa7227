"""The README's examples run, its test command is CI's, and its diagram is the table's."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from connecttrade_mock.lifecycle import mermaid_diagram
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import MockServer

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
README_URL = "http://127.0.0.1:8000"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(Settings(seed=42)) as running:
        yield running


@pytest.mark.timeout(120)
def test_every_python_example_in_the_readme_runs_against_the_mock(server: MockServer) -> None:
    """Each ```python block runs, in order, in one namespace, against a live mock broker."""
    namespace: dict[str, object] = {"__name__": "readme"}
    blocks = _blocks("python")
    assert len(blocks) >= 10
    for index, block in enumerate(blocks):
        code = block.replace(README_URL, server.base_url)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, f"README.md python block {index}", "exec"), namespace)  # noqa: S102
        assert output.getvalue(), f"block {index} printed nothing"


def test_readme_test_command_is_what_ci_runs() -> None:
    """.ci/run runs exactly the test command the README gives a newcomer."""
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in README
    assert command.endswith(".venv/bin/nox")


def test_readme_state_diagram_is_drawn_from_the_transition_table() -> None:
    """The lifecycle diagram in the README is exactly what the transition table draws."""
    assert mermaid_diagram().strip() in README
