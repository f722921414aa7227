"""The README's and the documentation site's examples run, their links and nav hold together,
the README's test command is CI's, and the lifecycle diagram is the transition table's."""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connecttrade_mock.testing import MockServer

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
# The distributions' long descriptions (generated_client/README.md is generated, not ours).
PACKAGE_READMES = [ROOT / "ergonomic" / "README.md", ROOT / "mock_server" / "README.md"]
MKDOCS = ROOT / "mkdocs.yml"
# Every example is written against a mock on the default port; the tests swap in their own.
EXAMPLE_URL = "http://127.0.0.1:8000"
# The README's old single page held 31 examples; the docs keep every one of them.
MOVED_EXAMPLES = 31

PAGES = sorted(DOCS.rglob("*.md"))
MARKDOWN = [README, *PAGES, *PACKAGE_READMES]
FENCE = re.compile(r"^```(\S*)\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _python_blocks(path: Path) -> list[str]:
    return [code for language, code in FENCE.findall(path.read_text()) if language == "python"]


def _prose(path: Path) -> str:
    """The page without its fenced blocks and inline code, where a link is a link."""
    text = FENCE.sub("", path.read_text())
    return re.sub(r"`[^`\n]*`", "", text)


def _slug(heading: str) -> str:
    """A heading's anchor as Python-Markdown's toc extension (mkdocs' default) makes it."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {_slug(h) for h in re.findall(r"^#{1,6}\s+(.*?)\s*$", text, flags=re.MULTILINE)}


def _nav_pages() -> list[str]:
    """Every page mkdocs.yml's nav names (read as text: mkdocs.yml has python tags)."""
    config = MKDOCS.read_text()
    nav = config[config.index("\nnav:\n") :]
    return re.findall(r"(?:^\s*-\s+|:\s+)([\w./-]+\.md)\s*$", nav, flags=re.MULTILINE)


def _find(package: str, name: str) -> Any:
    """`name` wherever it lives in `package`: its modules may move into subpackages."""
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, f"{package}."):
        found = getattr(importlib.import_module(module.name), name, None)
        if found is not None:
            return found
    raise LookupError(f"{name} not found in {package}")


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every table row that starts with a code cell, backticks removed."""
    return [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| `")
    ]


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as running:  # the default settings: seed 42, the fixed start
        yield running


EXAMPLE_PAGES = [page for page in MARKDOWN if _python_blocks(page)]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=[_name(p) for p in EXAMPLE_PAGES])
def test_every_python_example_runs_against_the_mock(page: Path, server: MockServer) -> None:
    """Each ```python block of a page runs, in order, in the page's own namespace, and prints."""
    namespace: dict[str, object] = {"__name__": page.stem.replace("-", "_")}
    for index, block in enumerate(_python_blocks(page)):
        code = block.replace(EXAMPLE_URL, server.base_url)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, f"{_name(page)} python block {index}", "exec"), namespace)  # noqa: S102
        assert output.getvalue(), f"{_name(page)} block {index} printed nothing"


def test_no_example_was_lost_in_the_move() -> None:
    """The docs keep every example the old README held; the READMEs keep one of their own."""
    assert sum(len(_python_blocks(page)) for page in PAGES) >= MOVED_EXAMPLES
    assert len(_python_blocks(README)) >= 4
    assert all(_python_blocks(readme) for readme in PACKAGE_READMES)


def test_readme_test_command_is_what_ci_runs() -> None:
    """.ci/run runs exactly the test command the README gives a newcomer."""
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in README.read_text()
    assert command in (DOCS / "getting-started.md").read_text()
    assert command.endswith(".venv/bin/nox")


def test_lifecycle_diagram_is_drawn_from_the_transition_table() -> None:
    """The order engine page's lifecycle diagram is exactly what the transition table draws."""
    mermaid_diagram = _find("connecttrade_mock", "mermaid_diagram")
    assert mermaid_diagram().strip() in (DOCS / "mock" / "engine.md").read_text()


def test_broker_behaviour_tables_are_the_mocks_brokers() -> None:
    """The broker behaviour page's two tables are exactly the mock's capabilities and words."""
    brokers = _find("connecttrade_mock", "BROKERS")
    text = (DOCS / "mock" / "brokers.md").read_text()
    capabilities, vocabulary = text.split("## What each broker calls a status")
    header = re.search(r"^\| code \| (`.*)\|$", vocabulary, flags=re.MULTILINE)
    assert header is not None
    statuses = [cell.strip().strip("`") for cell in header.group(1).split("|") if cell.strip()]

    def mark(flag: bool) -> str:
        return "yes" if flag else "—"

    # The capability table sits between the broker-table markers (rendered from the table:
    # tests/mock/test_broker_rules_table.py); its columns name what the broker allows.
    table = capabilities.split("<!-- broker-table:start -->")[1].split("<!-- broker-table:end -->")[
        0
    ]
    assert [[row[0], row[1], row[2], row[9], row[10], row[11]] for row in _table_rows(table)] == [
        [b.code, b.name, *map(mark, (b.paper, b.crypto, b.futures, b.read_only))]
        for b in brokers.values()
    ]
    assert _table_rows(vocabulary) == [
        [b.code, *({s.value: word for s, word in b.native_status.items()}[s] for s in statuses)]
        for b in brokers.values()
    ]
    assert len(statuses) == len(next(iter(brokers.values())).native_status)


def test_every_docs_page_is_in_the_nav() -> None:
    """mkdocs.yml's nav names every page under docs/ once, and nothing that does not exist."""
    nav = _nav_pages()
    assert len(nav) == len(set(nav)), "a page appears twice in the nav"
    assert sorted(nav) == sorted(str(p.relative_to(DOCS)) for p in PAGES)


LINKED = [*MARKDOWN, CONTRIBUTING]


@pytest.mark.parametrize("page", LINKED, ids=[_name(p) for p in LINKED])
def test_every_relative_link_points_at_an_existing_file(page: Path) -> None:
    """Each relative link resolves to a file (under docs/ for site pages) and a heading in it."""
    problems = []
    for target in LINK.findall(_prose(page)):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: and the like
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists():
            problems.append(f"{target}: no such file")
            continue
        if page.is_relative_to(DOCS) and not resolved.is_relative_to(DOCS):
            problems.append(f"{target}: outside docs/, so not on the site")
        if anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            problems.append(f"{target}: no heading with that anchor")
    assert not problems, f"{_name(page)}: {problems}"
