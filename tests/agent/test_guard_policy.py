"""Policies load from TOML or code, and every mistake names its key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from connecttrade import Instrument, OrderType, TimeInForce
from connecttrade.agent import Policy, PolicyError, canonical_symbol

POLICY_TOML = """
accounts = ["acc_demo_margin"]
symbols = ["AAPL", "BRK.B", "spy"]
max_quantity = 100
max_notional = 25000.50
order_types = ["MKT", "LMT"]
tifs = ["DAY", "GTC"]
instruments = ["STK", "OPT"]
timezone = "America/New_York"
approval_threshold = "10000"
halt_after_errors = 5
confirmation_ttl_seconds = 90

[daily_limits]
max_orders = 20
max_notional = "100000"

[[sessions]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "09:30"
end = "16:00"

[[sessions]]
days = ["sunday"]
start = "18:00"
end = "02:00"
timezone = "Asia/Tokyo"
"""


def test_toml_policy_loads_exactly(tmp_path: Path) -> None:
    """Every documented key is read; numbers with a fraction stay exact Decimals."""
    path = tmp_path / "policy.toml"
    path.write_text(POLICY_TOML, encoding="utf-8")
    policy = Policy.from_toml(path)
    assert policy.accounts == {"acc_demo_margin"}
    assert policy.symbols == {"AAPL", "BRK/B", "SPY"}
    assert policy.max_notional == Decimal("25000.50")
    assert policy.order_types == {OrderType.MKT, OrderType.LMT}
    assert policy.tifs == {TimeInForce.DAY, TimeInForce.GTC}
    assert policy.instruments == {Instrument.STK, Instrument.OPT}
    assert policy.daily_max_orders == 20
    assert policy.daily_max_notional == Decimal(100000)
    assert policy.approval_threshold == Decimal(10000)
    assert policy.confirmation_ttl == dt.timedelta(seconds=90)
    assert [w.describe() for w in policy.sessions] == [
        "mon,tue,wed,thu,fri 09:30-16:00 America/New_York",
        "sun 18:00-02:00 Asia/Tokyo",
    ]


def test_defaults_are_cautious() -> None:
    """Left out: DAY only, MKT/LMT on stocks, regular hours, 3 errors, 2-minute confirms."""
    policy = Policy(
        accounts=frozenset({"a"}),
        symbols=frozenset({"AAPL"}),
        max_quantity=Decimal(1),
        max_notional=Decimal(1),
    )
    assert policy.tifs == {TimeInForce.DAY}
    assert policy.instruments == {Instrument.STK}
    assert policy.order_types == {OrderType.MKT, OrderType.LMT}
    assert [w.describe() for w in policy.sessions] == [
        "mon,tue,wed,thu,fri 09:30-16:00 America/New_York"
    ]
    assert policy.halt_after_errors == 3
    assert policy.confirmation_ttl == dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        pytest.param("", "accounts", "is required", id="missing-accounts"),
        pytest.param(
            'accounts = []\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1',
            "accounts",
            "at least one",
            id="empty-allowlist",
        ),
        pytest.param(
            'symbols=["A"]\naccounts=["a"]\nmax_quantity=1\nmax_notionl=1',
            "max_notionl",
            "unknown key",
            id="misspelt-key",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["*"]\nmax_quantity=1\nmax_notional=1',
            "symbols",
            "wildcards",
            id="wildcard-symbol",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["AAPL261218C00300000"]\nmax_quantity=1\nmax_notional=1',
            "symbols",
            "underlying",
            id="option-contract-listed",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=-1\nmax_notional=1',
            "max_quantity",
            "greater than 0",
            id="negative-quantity",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional="lots"',
            "max_notional",
            "not a number",
            id="text-notional",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\norder_types=["MARKET"]',
            "order_types",
            "'MARKET' is not one of",
            id="unknown-order-type",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            'timezone="Mars/Olympus"',
            "timezone",
            "not a known IANA",
            id="bad-zone",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            '[[sessions]]\nstart="9:30am"\nend="16:00"',
            "sessions[0].start",
            "not a time of day",
            id="bad-session-time",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            '[[sessions]]\ndays=["funday"]\nstart="09:30"\nend="16:00"',
            "sessions[0].days",
            "day names",
            id="bad-day",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            "[daily_limits]\nmax_orders=0",
            "daily_limits.max_orders",
            ">= 1",
            id="zero-daily-orders",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            "[daily_limits]\nmax_order=5",
            "daily_limits.max_order",
            "unknown key",
            id="misspelt-daily-key",
        ),
        pytest.param(
            'accounts=["a"]\nsymbols=["A"]\nmax_quantity=1\nmax_notional=1\n'
            "confirmation_ttl_seconds=0",
            "confirmation_ttl_seconds",
            "greater than 0",
            id="zero-ttl",
        ),
        pytest.param("accounts = [", "file", "not valid TOML", id="broken-toml"),
    ],
)
def test_policy_errors_name_the_key_and_the_problem(
    tmp_path: Path, toml: str, key: str, problem: str
) -> None:
    """Each mistake raises PolicyError with its key; nothing defaults silently."""
    path = tmp_path / "policy.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        Policy.from_toml(path)
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_missing_policy_file_is_a_policy_error(tmp_path: Path) -> None:
    """A path that does not exist is reported as such."""
    with pytest.raises(PolicyError, match="does not exist"):
        Policy.from_toml(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param("BRK.B", "BRK/B", id="nasdaq"),
        pytest.param("BRK B", "BRK/B", id="cms"),
        pytest.param("brk/b", "BRK/B", id="lower-cqs"),
        pytest.param(" aapl ", "AAPL", id="spaces-and-case"),
        pytest.param("IBMpA", "IBMpA", id="cqs-preferred-kept"),
        pytest.param("IBM-A", "IBMpA", id="nasdaq-preferred"),
        pytest.param("btc-usd", "BTC-USD", id="not-an-equity"),
    ],
)
def test_canonical_symbol(text: str, canonical: str) -> None:
    """Equity symbols in any dialect or case become the CQS form the SDK sends."""
    assert canonical_symbol(text) == canonical
