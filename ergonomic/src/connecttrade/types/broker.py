"""Broker codes: the 21 brokers behind the Connect Trade API.

Answers carry the code in capitals; requests accept any case. A code the SDK does not know
yet (a broker added after this release) stays readable as plain text wherever a result
field is typed ``Broker | str``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Broker"]


class Broker(StrEnum):
    """A broker code as the API returns it."""

    ALPACA = "ALPACA"
    INTERACTIVEBROKERS = "INTERACTIVEBROKERS"
    LIGHTSPEED = "LIGHTSPEED"
    MOOMOO = "MOOMOO"
    PUBLIC = "PUBLIC"
    STERLING = "STERLING"
    TASTYTRADE = "TASTYTRADE"
    TRADESTATION = "TRADESTATION"
    TRADIER = "TRADIER"
    TRADEZERO = "TRADEZERO"
    WEBULL = "WEBULL"
    # Read-only brokers: accounts and positions, no order entry.
    SCHWAB = "SCHWAB"
    FIDELITY = "FIDELITY"
    BANKOFAMERICA = "BANKOFAMERICA"
    CAPITALONE = "CAPITALONE"
    CHASE = "CHASE"
    CITI = "CITI"
    PNC = "PNC"
    TD = "TD"
    USBANK = "USBANK"
    WELLSFARGO = "WELLSFARGO"
