"""The README's and the docs' table of broker behaviour is the broker table rendered.

``brokers.render_markdown_table`` renders the one table the order rules read; the README
and docs/mock/brokers.md show it between their ``broker-table`` markers. After a change to
the table, rewrite both sections: ``python tests/mock/test_broker_rules_table.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connecttrade_mock.broker.brokers import BROKERS, render_markdown_table

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
PAGES = (README, ROOT / "docs" / "mock" / "brokers.md")
START, END = "<!-- broker-table:start -->\n", "<!-- broker-table:end -->"


def _section(text: str) -> str:
    return text[text.index(START) + len(START) : text.index(END)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_page_shows_the_broker_table_as_rendered(page: Path) -> None:
    """The page's section equals what the table renders now (rewrite it with
    ``python tests/mock/test_broker_rules_table.py``)."""
    assert _section(page.read_text()) == render_markdown_table()


def test_the_rendered_table_has_one_row_per_broker() -> None:
    """21 brokers, one row each, in the order of the capability matrix."""
    rows = render_markdown_table().splitlines()[2:]
    assert [row.split(" | ")[0].strip("| `") for row in rows] == list(BROKERS)


def test_the_rendered_row_shows_the_rules_of_the_broker() -> None:
    """Alpaca's row: paper, fractional to 9 places from $1, dollar orders from $1, off-hours
    market orders queued, option levels up to 3; tastytrade refuses off-hours market orders."""
    rows = {row.split(" | ")[0].strip("| `"): row for row in render_markdown_table().splitlines()}
    assert rows["ALPACA"] == (
        "| `ALPACA` | Alpaca | yes | 0.000000001 share, from $1 | from $1 | yes "
        "| queued for the open | 0-3 | margin, easy to borrow | yes | — | — |"
    )
    assert "| rejected |" in rows["TASTYTRADE"]
    assert rows["SCHWAB"].endswith("| — | — | yes |")


def rewrite(text: str) -> str:
    """``text`` with its broker-table section replaced by the table rendered now."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}{render_markdown_table()}{END}{tail}"


def test_rewriting_replaces_only_the_section() -> None:
    """The rewrite keeps everything around the markers and is idempotent."""
    text = f"before\n{START}stale\n{END}\nafter\n"
    once = rewrite(text)
    assert once == f"before\n{START}{render_markdown_table()}{END}\nafter\n"
    assert rewrite(once) == once


if __name__ == "__main__":
    for page in PAGES:
        page.write_text(rewrite(page.read_text()))
        print(f"rewrote the broker table in {page}")
