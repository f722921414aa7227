"""The broker registry: capability counts, lookup and native status names."""

from __future__ import annotations

import dataclasses

import pytest

from connecttrade_mock.broker.brokers import BROKERS, FIX_STATUS_NAMES, Broker, lookup
from connecttrade_mock.lifecycle import OrderStatus

TRADING = {
    "ALPACA",
    "INTERACTIVEBROKERS",
    "LIGHTSPEED",
    "MOOMOO",
    "PUBLIC",
    "STERLING",
    "TASTYTRADE",
    "TRADESTATION",
    "TRADIER",
    "TRADEZERO",
    "WEBULL",
}
READ_ONLY = {
    "SCHWAB",
    "FIDELITY",
    "BANKOFAMERICA",
    "CAPITALONE",
    "CHASE",
    "CITI",
    "PNC",
    "TD",
    "USBANK",
    "WELLSFARGO",
}


def _codes(predicate: str) -> set[str]:
    return {code for code, broker in BROKERS.items() if getattr(broker, predicate)}


def test_there_are_21_brokers_keyed_by_their_code() -> None:
    """The registry holds the 21 brokers of the capability matrix, each under its own code."""
    assert len(BROKERS) == 21
    assert set(BROKERS) == TRADING | READ_ONLY
    assert all(broker.code == code and code.isupper() for code, broker in BROKERS.items())


@pytest.mark.parametrize(
    ("capability", "expected"),
    [
        ("trading", TRADING),
        ("options", TRADING),
        ("futures", {"INTERACTIVEBROKERS", "TASTYTRADE", "TRADESTATION", "TRADIER", "WEBULL"}),
        ("crypto", {"ALPACA", "PUBLIC", "TASTYTRADE", "WEBULL"}),
        ("paper", {"ALPACA", "TRADESTATION", "TRADIER", "TRADEZERO"}),
        ("read_only", READ_ONLY),
    ],
    ids=["trading-11", "options-11", "futures-5", "crypto-4", "paper-4", "read-only-10"],
)
def test_capability_matrix(capability: str, expected: set[str]) -> None:
    """Each capability is offered by exactly the brokers the vendor's matrix lists."""
    assert _codes(capability) == expected


@pytest.mark.parametrize(
    "spelling",
    ["alpaca", "ALPACA", "Alpaca", "  alpaca\n", "\tAlPaCa "],
    ids=["lower", "upper", "title", "padded", "mixed"],
)
def test_lookup_ignores_case_and_whitespace(spelling: str) -> None:
    """Broker codes are case-insensitive and surrounding whitespace is ignored."""
    assert lookup(spelling) is BROKERS["ALPACA"]


@pytest.mark.parametrize("code", ["", "ROBINHOOD", "ALP ACA", "etrade"], ids=str)
def test_lookup_of_an_unknown_code_is_none(code: str) -> None:
    """A code that is not in the matrix finds nothing."""
    assert lookup(code) is None


@pytest.mark.parametrize("code", sorted(BROKERS), ids=str)
def test_every_broker_names_every_status(code: str) -> None:
    """Every broker maps all ten normalized statuses to a non-empty native name."""
    broker = BROKERS[code]
    assert set(broker.native_status) == set(OrderStatus)
    for status in OrderStatus:
        assert broker.broker_status(status).strip()


@pytest.mark.parametrize("code", sorted(BROKERS), ids=str)
def test_every_broker_has_names(code: str) -> None:
    """Every broker has a display name and an institution name for its accounts."""
    broker = BROKERS[code]
    assert broker.name.strip()
    assert broker.institution_name.strip()


@pytest.mark.parametrize(
    ("code", "status", "native"),
    [
        ("ALPACA", OrderStatus.WORKING, "new"),
        ("ALPACA", OrderStatus.CANCELLED, "canceled"),
        ("INTERACTIVEBROKERS", OrderStatus.PENDING_CANCEL, "PendingCancel"),
        ("INTERACTIVEBROKERS", OrderStatus.REJECTED, "Inactive"),
        ("TRADESTATION", OrderStatus.FILLED, "FLL"),
        ("TRADESTATION", OrderStatus.PENDING_CANCEL, "UCN"),
        ("TRADIER", OrderStatus.WORKING, "open"),
        ("LIGHTSPEED", OrderStatus.PARTIALLY_FILLED, "PartiallyFilled"),
    ],
    ids=["alpaca-new", "alpaca-canceled", "ib-pendingcancel", "ib-inactive", "ts-fll", "ts-ucn",
         "tradier-open", "lightspeed-fix"],
)  # fmt: skip
def test_native_vocabularies(code: str, status: OrderStatus, native: str) -> None:
    """Brokers speak their own published status vocabulary."""
    assert BROKERS[code].broker_status(status) == native


def test_read_only_brokers_allow_only_readonly_connections() -> None:
    """A read-only broker offers only readonly connections; a trading one offers both."""
    assert BROKERS["CHASE"].connection_types == ("readonly",)
    assert BROKERS["WEBULL"].connection_types == ("trade", "readonly")
    assert BROKERS["FIDELITY"].native_status is FIX_STATUS_NAMES


def test_brokers_are_immutable() -> None:
    """Broker values and their status vocabularies cannot be changed."""
    broker: Broker = BROKERS["ALPACA"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        broker.trading = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        broker.native_status[OrderStatus.FILLED] = "done"  # type: ignore[index]
    with pytest.raises(TypeError):
        BROKERS["NEW"] = broker  # type: ignore[index]
