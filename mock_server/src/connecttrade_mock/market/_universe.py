"""The instrument universe: every listed symbol, its starting price, volatility and size,
and for an optionable one how its options are listed (``_listing.SeriesRules``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, NamedTuple

from connecttrade_mock.market._listing import DAILY_INDEX_ETF, INDEX_ETF, STOCK, SeriesRules
from connecttrade_mock.market._units import _CENT
from connecttrade_mock.market.instrument import AssetClass, Instrument

# --------------------------------------------------------------------------------------
# The universe


class _Spec(NamedTuple):
    instrument: Instrument
    price: Decimal
    spread_ticks: int
    daily_volume: int  # in size increments, on a typical weekday
    lot: int  # typical displayed size, in size increments
    options: SeriesRules | None = None  # how its options are listed; None: not optionable


def _equity(
    symbol: str,
    description: str,
    price: str,
    vol: str,
    daily_volume: int,
    *,
    spread: int = 1,
    lot: int = 100,
    options: SeriesRules | None = STOCK,
    scenario: bool = False,
) -> _Spec:
    instrument = Instrument(
        symbol=symbol,
        asset_class=AssetClass.EQUITY,
        description=description,
        tick_size=_CENT,
        size_increment=Decimal(1),
        multiplier=Decimal(1),
        volatility=Decimal(vol),
        optionable=options is not None,
        scenario=scenario,
    )
    return _Spec(instrument, Decimal(price), spread, daily_volume, lot, options)


def _future(
    symbol: str, description: str, *, price: str, tick: str, multiplier: int, vol: str, daily: int
) -> _Spec:
    instrument = Instrument(
        symbol=symbol,
        asset_class=AssetClass.FUTURE,
        description=description,
        tick_size=Decimal(tick),
        size_increment=Decimal(1),
        multiplier=Decimal(multiplier),
        volatility=Decimal(vol),
    )
    return _Spec(instrument, Decimal(price), 1, daily, 1)


def _crypto(
    symbol: str,
    description: str,
    *,
    price: str,
    tick: str,
    size: str,
    vol: str,
    spread: int,
    daily: int,
    lot: int,
) -> _Spec:
    instrument = Instrument(
        symbol=symbol,
        asset_class=AssetClass.CRYPTO,
        description=description,
        tick_size=Decimal(tick),
        size_increment=Decimal(size),
        multiplier=Decimal(1),
        volatility=Decimal(vol),
    )
    return _Spec(instrument, Decimal(price), spread, daily, lot)


def _scenario(symbol: str) -> _Spec:
    return _equity(
        symbol, "Scenario test symbol", "10.00", "0", 200_000, spread=2, options=None,
        scenario=True,
    )  # fmt: skip


# fmt: off
_UNIVERSE: Final = (
    _equity("AAPL", "Apple Inc.", "270.00", "0.28", 50_000_000),
    _equity("MSFT", "Microsoft Corporation", "510.00", "0.25", 22_000_000),
    _equity("TSLA", "Tesla, Inc.", "430.00", "0.60", 90_000_000),
    _equity("NVDA", "NVIDIA Corporation", "185.00", "0.50", 180_000_000),
    _equity("AMZN", "Amazon.com, Inc.", "230.00", "0.33", 45_000_000),
    _equity("GOOGL", "Alphabet Inc. Class A", "280.00", "0.32", 35_000_000),
    _equity("META", "Meta Platforms, Inc.", "600.00", "0.38", 12_000_000),
    _equity("SPY", "SPDR S&P 500 ETF Trust", "670.00", "0.16", 70_000_000,
            options=DAILY_INDEX_ETF),
    _equity("QQQ", "Invesco QQQ Trust", "600.00", "0.20", 45_000_000,
            options=DAILY_INDEX_ETF),
    _equity("IWM", "iShares Russell 2000 ETF", "240.00", "0.22", 30_000_000,
            options=INDEX_ETF),
    _equity("IBM", "International Business Machines", "300.00", "0.25", 4_000_000, spread=2),
    _equity("JPM", "JPMorgan Chase & Co.", "300.00", "0.24", 9_000_000),
    _equity("BAC", "Bank of America Corporation", "52.00", "0.27", 35_000_000),
    _equity("XOM", "Exxon Mobil Corporation", "115.00", "0.24", 15_000_000),
    _equity("KO", "The Coca-Cola Company", "70.00", "0.16", 14_000_000),
    _equity("DIS", "The Walt Disney Company", "110.00", "0.28", 9_000_000),
    _equity("NFLX", "Netflix, Inc.", "110.00", "0.40", 30_000_000),
    _equity("AMD", "Advanced Micro Devices, Inc.", "240.00", "0.55", 50_000_000),
    _equity("BRK/B", "Berkshire Hathaway Inc. Class B", "500.00", "0.18", 4_000_000,
            spread=3, options=None),
    _equity("BACpL", "Bank of America 7.25% Series L Preferred", "1250.00", "0.12", 3_000,
            spread=40, lot=10, options=None),
    _scenario("ZVZZT"),
    _scenario("ZWZZT"),
    _scenario("ZXZZT"),
    _scenario("ZAZZT"),
    _scenario("ZBZZT"),
    _future("ESZ6", "E-mini S&P 500 Dec 2026", price="6900.00", tick="0.25", multiplier=50,
            vol="0.16", daily=1_500_000),
    _future("NQZ6", "E-mini Nasdaq-100 Dec 2026", price="25500.00", tick="0.25", multiplier=20,
            vol="0.22", daily=500_000),
    _future("CLF7", "Crude Oil Jan 2027", price="62.00", tick="0.01", multiplier=1000,
            vol="0.35", daily=300_000),
    _crypto("BTC/USD", "Bitcoin", price="95000.00", tick="0.01", size="0.00001", vol="0.55",
            spread=500, daily=2_000_000_000, lot=10_000),
    _crypto("ETH/USD", "Ether", price="3200.00", tick="0.01", size="0.0001", vol="0.70",
            spread=50, daily=3_000_000_000, lot=1_000),
    _crypto("SOL/USD", "Solana", price="140.000", tick="0.001", size="0.001", vol="0.80",
            spread=20, daily=3_000_000_000, lot=1_000),
    _crypto("DOGE/USD", "Dogecoin", price="0.16000000", tick="0.00000001", size="1", vol="0.90",
            spread=2_000, daily=1_000_000_000, lot=5_000),
)
# fmt: on

_SPECS: Final = {spec.instrument.symbol: spec for spec in _UNIVERSE}
