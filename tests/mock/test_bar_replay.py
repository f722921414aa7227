"""Bar replay: a symbol's prices driven by the user's own OHLCV bars (CSV or Parquet), with
quotes, trades and bars of every interval derived from them."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from mock_api import START, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.cli import build_parser, settings_from
from connecttrade_mock.clock import ClockMode, VirtualClock
from connecttrade_mock.market import Market
from connecttrade_mock.market.replay import BarFileError, read_bar_file
from connecttrade_mock.scenario import Scenario, ScenarioError, lay_over, parse_scenario

OPEN = START.replace(hour=14, minute=30)  # 09:30 New York on 2026-11-18


def minute_bars(count: int = 30) -> list[dict[str, str]]:
    """A made-up AAPL morning: a steady climb from 150.00 by 0.25 a minute."""
    rows = []
    for i in range(count):
        o = Decimal("150.00") + Decimal("0.25") * i
        c = o + Decimal("0.20")
        rows.append(
            {
                "timestamp": (OPEN + timedelta(minutes=i)).isoformat(),
                "open": f"{o}",
                "high": f"{c + Decimal('0.10')}",
                "low": f"{o - Decimal('0.05')}",
                "close": f"{c}",
                "volume": str(1000 + 10 * i),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def replayed(path: Path, symbol: str = "AAPL", *, now: datetime | None = None) -> Market:
    clock = VirtualClock(ClockMode.MANUAL, start=now or OPEN + timedelta(hours=1))
    market = Market(42, clock)
    lay_over(Scenario("test", bars=tuple(read_bar_file(path, symbol))), market)
    return market


def test_minute_bars_come_back_exactly_as_the_file_has_them(tmp_path: Path) -> None:
    rows = minute_bars()
    market = replayed(write_csv(tmp_path / "aapl.csv", rows))
    bars = market.bars("AAPL", "1m", OPEN, OPEN + timedelta(minutes=30))
    assert len(bars) == 30
    for bar, row in zip(bars, rows, strict=True):
        assert bar.start == datetime.fromisoformat(row["timestamp"]).astimezone(UTC)
        assert (bar.open, bar.high, bar.low, bar.close) == tuple(
            Decimal(row[k]) for k in ("open", "high", "low", "close")
        )
        assert bar.volume == Decimal(row["volume"])


def test_coarser_bars_aggregate_the_file_and_quotes_stay_inside_each_bar(tmp_path: Path) -> None:
    rows = minute_bars()
    market = replayed(write_csv(tmp_path / "aapl.csv", rows))
    (five,) = market.bars("AAPL", "5m", OPEN + timedelta(minutes=10), OPEN + timedelta(minutes=15))
    assert five.open == Decimal(rows[10]["open"])
    assert five.close == Decimal(rows[14]["close"])
    assert five.high == max(Decimal(r["high"]) for r in rows[10:15])
    assert five.volume == sum(Decimal(r["volume"]) for r in rows[10:15])
    for minute in (3, 17, 29):
        quote = market.quote("AAPL", OPEN + timedelta(minutes=minute, seconds=31))
        low, high = Decimal(rows[minute]["low"]), Decimal(rows[minute]["high"])
        assert low - Decimal("0.02") <= (quote.bid + quote.ask) / 2 <= high + Decimal("0.02")


def test_trades_add_up_to_each_bars_volume(tmp_path: Path) -> None:
    rows = minute_bars()
    market = replayed(write_csv(tmp_path / "aapl.csv", rows))
    trades = market.trades("AAPL", OPEN + timedelta(minutes=4), OPEN + timedelta(minutes=5))
    assert sum(t.size for t in trades) == Decimal(rows[4]["volume"])
    low, high = Decimal(rows[4]["low"]), Decimal(rows[4]["high"])
    assert all(low <= t.price <= high for t in trades)


def test_after_the_data_the_price_holds_at_the_last_close_with_no_trades(tmp_path: Path) -> None:
    rows = minute_bars()
    market = replayed(write_csv(tmp_path / "aapl.csv", rows))
    later = OPEN + timedelta(minutes=45)
    assert market.trades("AAPL", OPEN + timedelta(minutes=31), later) == []
    quote = market.quote("AAPL", later)
    assert abs((quote.bid + quote.ask) / 2 - Decimal(rows[-1]["close"])) <= Decimal("0.01")
    still = market.quote("AAPL", later + timedelta(minutes=10))
    assert (still.bid, still.ask) == (quote.bid, quote.ask)  # no data, no moves


def test_daily_bars_replay_with_bare_dates(tmp_path: Path) -> None:
    rows = [
        {
            "timestamp": "2026-11-16",
            "open": "100",
            "high": "104",
            "low": "99",
            "close": "103",
            "volume": "50000",
        },
        {
            "timestamp": "2026-11-17",
            "open": "103.5",
            "high": "108",
            "low": "103",
            "close": "107",
            "volume": "60000",
        },
    ]
    market = replayed(write_csv(tmp_path / "daily.csv", rows), now=START)
    bars = market.bars("AAPL", "1d", START - timedelta(days=3), START)
    expected = [("100", "104", "99", "103", "50000"), ("103.5", "108", "103", "107", "60000")]
    assert [(b.open, b.high, b.low, b.close, b.volume) for b in bars] == [
        tuple(Decimal(v) for v in row) for row in expected
    ]


def test_daily_bars_stamped_with_a_time_are_daily(tmp_path: Path) -> None:
    """Vendors stamp daily bars at 00:00Z or the open: bars a whole number of days apart
    are each the candle of their day, not an hour at midnight."""
    rows = [
        {
            "timestamp": "2026-11-16T00:00:00Z",
            "open": "100",
            "high": "104",
            "low": "99",
            "close": "103",
            "volume": "50000",
        },
        {
            "timestamp": "2026-11-17T00:00:00Z",
            "open": "103.5",
            "high": "108",
            "low": "103",
            "close": "107",
            "volume": "60000",
        },
    ]
    market = replayed(write_csv(tmp_path / "daily.csv", rows), now=START)
    bars = market.bars("AAPL", "1d", START - timedelta(days=3), START)
    assert [(b.start.date(), b.close, b.volume) for b in bars] == [
        (date(2026, 11, 16), Decimal(103), Decimal(50000)),
        (date(2026, 11, 17), Decimal(107), Decimal(60000)),
    ]
    day = datetime(2026, 11, 17, 5, tzinfo=UTC)  # that day on the grid: New York midnight
    hours = market.bars("AAPL", "1h", day, day + timedelta(days=1))
    assert sum(b.volume for b in hours) == Decimal(60000)
    assert max(b.volume for b in hours) < Decimal(60000)  # spread over the day's sessions


def test_parquet_and_csv_replay_the_same_prices(tmp_path: Path) -> None:
    import pyarrow  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from pyarrow import parquet  # type: ignore[import-untyped,import-not-found,unused-ignore]

    rows = minute_bars()
    table = pyarrow.table(
        {
            "symbol": ["AAPL"] * len(rows),
            "timestamp": [datetime.fromisoformat(r["timestamp"]) for r in rows],
            **{k: [float(r[k]) for r in rows] for k in ("open", "high", "low", "close")},
            "volume": [int(r["volume"]) for r in rows],
        }
    )
    parquet.write_table(table, tmp_path / "aapl.parquet")
    from_parquet = replayed(tmp_path / "aapl.parquet", symbol="")
    from_csv = replayed(write_csv(tmp_path / "aapl.csv", rows))
    window = (OPEN, OPEN + timedelta(minutes=30))
    assert from_parquet.bars("AAPL", "1m", *window) == from_csv.bars("AAPL", "1m", *window)


def test_an_order_fills_at_the_replayed_price(tmp_path: Path) -> None:
    rows = minute_bars()
    path = write_csv(tmp_path / "aapl.csv", rows)
    scenario = Scenario("test", bars=tuple(read_bar_file(path, "AAPL")))
    app = create_app(settings(scenario=scenario, clock_start=OPEN + timedelta(minutes=12)))
    with TestClient(app) as client:
        order = Api(client).placed(symbol="AAPL", order_qty="2")
        assert order["status"] == "filled"
        price = Decimal(order["avg_fill_price"])
        assert Decimal(rows[11]["low"]) - 1 <= price <= Decimal(rows[12]["high"]) + 1


def test_cli_bars_option_replays_a_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "aapl.csv", minute_bars())
    args = build_parser().parse_args(["serve", "--bars", f"AAPL={path}"])
    scenario = settings_from(args).scenario
    assert scenario is not None
    assert {bar.symbol for bar in scenario.bars} == {"AAPL"}


def test_scenario_names_bar_files_relative_to_itself(tmp_path: Path) -> None:
    write_csv(tmp_path / "aapl.csv", minute_bars())
    scenario = parse_scenario('[[bars]]\nfile = "aapl.csv"\nsymbol = "AAPL"\n', base=tmp_path)
    assert len(scenario.bars) == 30


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"high": "1"}, "needs low <= open, close <= high"),
        ({"timestamp": "2026-11-18T09:30:00"}, "has no offset"),
        ({"open": "-3"}, "open must be positive"),
        ({"volume": "lots"}, "volume 'lots' is not a number"),
        ({"timestamp": "2026-11-18T09:30:30-05:00"}, "start between minutes"),
    ],
)
def test_a_bad_bar_file_names_the_row_and_field(
    tmp_path: Path, change: dict[str, str], named: str
) -> None:
    rows = minute_bars(3)
    rows[1].update(change)
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises((BarFileError, ScenarioError), match=named):
        replayed(path)
