"""Scenario files: a described market day (gaps, halts, fast markets, refused symbols, a
stream outage) laid over the seeded market, the same for the same seed and file."""

from __future__ import annotations

import itertools
import math
import statistics
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mock_api import START, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.cli import build_parser, settings_from
from connecttrade_mock.clock import ClockMode, VirtualClock
from connecttrade_mock.market import Market
from connecttrade_mock.scenario import ScenarioError, lay_over, load_scenario, parse_scenario

DAY = """
day = "2026-11-18"
"""


def market_with(text: str, seed: int = 42) -> Market:
    market = Market(seed, VirtualClock(ClockMode.MANUAL, start=START))
    lay_over(parse_scenario(DAY + text), market)
    return market


def at(hh_mm_ss: str) -> Any:
    """A moment on the scenario's day (New York, EST: UTC-5)."""
    hours, minutes, seconds = (int(p) for p in (hh_mm_ss + ":00").split(":")[:3])
    return START.replace(hour=hours + 5, minute=minutes, second=seconds)


def mid(market: Market, symbol: str, moment: Any) -> Decimal:
    quote = market.quote(symbol, moment)
    return (quote.bid + quote.ask) / 2


# ---- gaps ----------------------------------------------------------------------------


def test_gap_moves_the_price_by_its_percent_at_its_moment() -> None:
    plain = Market(42, VirtualClock(ClockMode.MANUAL, start=START))
    gapped = market_with('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = -8\n')
    before, after = at("10:29:59"), at("10:30:00")
    assert mid(gapped, "MSFT", before) == mid(plain, "MSFT", before)  # nothing changes earlier
    ratio = mid(gapped, "MSFT", after) / mid(plain, "MSFT", after)
    assert abs(ratio - Decimal("0.92")) < Decimal("0.0005")
    later = at("11:45")
    assert abs(mid(gapped, "MSFT", later) / mid(plain, "MSFT", later) - Decimal("0.92")) < Decimal(
        "0.0005"
    )


def test_gap_shows_in_the_bars_as_a_jump_and_the_walk_goes_on_from_there() -> None:
    gapped = market_with('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = 10\n')
    gapped.clock.advance_to(at("11:00"))
    bars = gapped.bars("MSFT", "1m", at("10:28"), at("10:33"))
    closes = {bar.start.minute: bar.close for bar in bars}
    opens = {bar.start.minute: bar.open for bar in bars}
    assert opens[30] / closes[29] > Decimal("1.08")
    assert abs(opens[31] / closes[30] - 1) < Decimal("0.01")  # no second jump


# ---- halts ---------------------------------------------------------------------------

HALT = '[[halt]]\nsymbol = "TSLA"\nat = "10:15"\nuntil = "10:30"\nreopen_percent = 5\n'


def test_halt_freezes_the_quote_and_prints_no_trades() -> None:
    market = market_with(HALT)
    first, last = market.quote("TSLA", at("10:15")), market.quote("TSLA", at("10:29:59"))
    assert (first.bid, first.ask, first.last) == (last.bid, last.ask, last.last)
    assert market.halted("TSLA", at("10:20"))
    assert not market.halted("TSLA", at("10:30"))
    market.clock.advance_to(at("10:40"))
    trades = market.trades("TSLA", at("10:10"), at("10:40"))
    assert trades, "the walk prints trades outside the halt"
    assert not [t for t in trades if at("10:15") <= t.time < at("10:30")]
    bars = market.bars("TSLA", "1m", at("10:10"), at("10:40"))
    assert not [b for b in bars if at("10:15") <= b.start < at("10:30")]  # no volume, no bar


def test_halt_reopens_by_its_percent_from_where_it_stopped() -> None:
    market = market_with(HALT)
    halted = mid(market, "TSLA", at("10:29:59"))
    reopened = mid(market, "TSLA", at("10:30"))
    assert abs(reopened / halted - Decimal("1.05")) < Decimal("0.002")


def test_option_of_a_halted_underlying_is_halted() -> None:
    market = market_with(HALT)
    option = "TSLA261218C00400000"
    assert market.halted(option, at("10:20"))
    assert not market.halted(option, at("10:30"))
    assert not market.halted("AAPL261218C00200000", at("10:20"))


def test_market_order_during_a_halt_waits_and_fills_at_the_reopening() -> None:
    scenario = parse_scenario(DAY + HALT)
    app = create_app(settings(scenario=scenario, clock_start=at("10:20")))
    with TestClient(app) as client:
        api = Api(client)
        order = api.placed(symbol="TSLA", order_qty="3")
        assert order["status"] in ("pending", "working")
        api.broker.sim.advance(300)  # 10:25, still halted
        assert api.order(order)["status"] in ("pending", "working")
        api.broker.sim.advance(301)  # 10:30:01, reopened
        filled = api.order(order)
        assert filled["status"] == "filled"
        assert Decimal(filled["avg_fill_price"]) > mid(api.broker.sim.market, "TSLA", at("10:29"))


# ---- fast markets --------------------------------------------------------------------


def _second_moves(market: Market, symbol: str, start: Any, seconds: int) -> list[float]:
    mids = [float(mid(market, symbol, start + timedelta(seconds=s))) for s in range(seconds)]
    return [math.log(b / a) for a, b in itertools.pairwise(mids) if a != b]


def test_fast_market_amplifies_moves_and_widens_the_spread() -> None:
    plain = Market(42, VirtualClock(ClockMode.MANUAL, start=START))
    fast = market_with(
        '[[fast_market]]\nsymbol = "NVDA"\nat = "11:00"\nuntil = "11:30"\nfactor = 4\nspread = 3\n'
    )
    calm = statistics.pstdev(_second_moves(plain, "NVDA", at("11:05"), 600))
    wild = statistics.pstdev(_second_moves(fast, "NVDA", at("11:05"), 600))
    assert 3 < wild / calm < 5

    def width(market: Market) -> Decimal:
        quote = market.quote("NVDA", at("11:10"))
        return quote.ask - quote.bid

    assert width(fast) >= 3 * width(plain) - Decimal("0.01")
    after = at("11:45")
    assert fast.quote("NVDA", after).ask - fast.quote("NVDA", after).bid == (
        plain.quote("NVDA", after).ask - plain.quote("NVDA", after).bid
    )


# ---- refused symbols -----------------------------------------------------------------

REJECT = (
    '[[reject]]\nsymbol = "AMD"\nreason = "AMD is not available to trade at this time"\n'
    'at = "09:30"\nuntil = "10:30"\n'
)


def test_refused_symbol_is_rejected_in_the_brokers_words_during_its_window() -> None:
    app = create_app(settings(scenario=parse_scenario(DAY + REJECT)))
    with TestClient(app) as client:
        api = Api(client)
        refused = api.placed(symbol="AMD")
        assert refused["status"] == "rejected"
        assert refused["reject_reason"] == "AMD is not available to trade at this time"
        assert api.placed(symbol="AAPL")["status"] == "filled"
        api.broker.sim.advance(1800)  # 10:30: the window is over
        assert api.placed(symbol="AMD")["status"] == "filled"


# ---- stream outages ------------------------------------------------------------------


def test_outage_of_a_stream_is_on_only_inside_its_window() -> None:
    scenario = parse_scenario(
        DAY + '[[stream_outage]]\nstream = "market_data"\nat = "10:05"\nseconds = 30\n'
    )
    assert scenario.outage("market_data", at("10:04:59")) is None
    assert scenario.outage("market_data", at("10:05")) is not None
    assert scenario.outage("brokerage", at("10:05:10")) is None
    assert scenario.outage("market_data", at("10:05:30")) is None


# ---- one day per seed and file -------------------------------------------------------

DAY_FILE = HALT + REJECT + '[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = -3\n'


def test_same_seed_and_file_give_the_same_day() -> None:
    one, two = market_with(DAY_FILE, seed=7), market_with(DAY_FILE, seed=7)
    for symbol in ("TSLA", "MSFT", "AAPL"):
        for minute in range(0, 90, 7):
            moment = at("10:00") + timedelta(minutes=minute, seconds=13)
            assert one.quote(symbol, moment) == two.quote(symbol, moment)
    other = market_with(DAY_FILE, seed=8)
    assert other.quote("MSFT", at("11:00")) != one.quote("MSFT", at("11:00"))


# ---- files and errors ----------------------------------------------------------------


def test_yaml_and_toml_scenarios_are_the_same_day(tmp_path: Path) -> None:
    toml_file = tmp_path / "day.toml"
    toml_file.write_text(DAY + HALT, encoding="utf-8")
    yaml_file = tmp_path / "day.yaml"
    yaml_file.write_text(
        "day: '2026-11-18'\nhalt:\n  - symbol: TSLA\n    at: '10:15'\n    until: '10:30'\n"
        "    reopen_percent: 5\n",
        encoding="utf-8",
    )
    assert load_scenario(toml_file).events == load_scenario(yaml_file).events


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercnt = 3\n', "unknown key(s) percnt"),
        ('[[halts]]\nsymbol = "MSFT"\n', "unknown key(s) halts"),
        ('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\n', "gap #1: percent is required"),
        ('[[gap]]\nsymbol = "MSFT"\nat = "2026-11-18T10:30:00"\npercent = 1\n', "no offset"),
        ('[[halt]]\nsymbol = "TSLA"\nat = "10:30"\nuntil = "10:15"\n', "before it starts"),
        ('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = -100\n', "zero or below"),
        ('[[stream_outage]]\nstream = "rest"\nat = "10:05"\nseconds = 5\n', "stream must be"),
        ("seed = \n", "not valid TOML"),
        (
            '[[fast_market]]\nsymbol = "NVDA"\nat = "10:30"\nuntil = "11:00"\nfactor = 1e9\n',
            "at most 100",
        ),
        ('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = 1e300\n', "beyond the 1000%"),
        ('[[stream_outage]]\nstream = "all"\nat = "10:05"\nseconds = 1e30\n', "a week"),
        (
            '[[halt]]\nsymbol = "TSLA"\nat = "10:00"\nuntil = "10:30"\n'
            '[[halt]]\nsymbol = "TSLA"\nat = "10:15"\nuntil = "10:45"\n',
            "two windows overlap",
        ),
    ],
)
def test_a_bad_scenario_names_what_is_wrong(text: str, named: str) -> None:
    with pytest.raises(ScenarioError, match=named.replace("(", r"\(").replace(")", r"\)")):
        parse_scenario(DAY + text)


def test_time_of_day_needs_a_day_or_a_start() -> None:
    with pytest.raises(ScenarioError, match="give the scenario a day"):
        parse_scenario('[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = 1\n')
    start = parse_scenario(
        'start = "2026-11-18T09:00:00-05:00"\n[[gap]]\nsymbol = "MSFT"\nat = "10:30"\npercent = 1\n'
    )
    assert start.events[0].at == at("10:30")  # type: ignore[union-attr]


def test_unlisted_symbol_is_refused_when_laid_over_the_market() -> None:
    with pytest.raises(ScenarioError, match="ZZZQ, which is not a listed symbol"):
        market_with('[[gap]]\nsymbol = "ZZZQ"\nat = "10:30"\npercent = 1\n')


def test_control_api_loads_a_scenario_and_refuses_a_bad_one_with_json() -> None:
    with TestClient(create_app(settings())) as client:
        good = client.post("/_mock/scenario", json={"text": DAY + REJECT})
        assert good.status_code == 200, good.text
        api = Api(client)
        assert api.placed(symbol="AMD")["status"] == "rejected"
        bad = client.post("/_mock/scenario", json={"text": DAY + "[[gap]]\nsymbol = 1\n"})
        assert bad.status_code == 400
        assert "symbol must be a non-empty string" in bad.json()["message"]
        broken_bars = client.post(
            "/_mock/scenario", json={"text": '[[bars]]\nfile = "missing.csv"\nsymbol = "AAPL"\n'}
        )
        assert broken_bars.status_code == 400
        assert "missing.csv" in broken_bars.json()["message"]
        assert api.placed(symbol="AAPL")["status"] == "filled"  # still usable
        client.post("/_mock/reset", json={})
        assert api.placed(symbol="AMD")["status"] == "filled"  # reset: the startup scenario


def test_cli_takes_the_scenarios_seed_unless_given(tmp_path: Path) -> None:
    path = tmp_path / "day.toml"
    path.write_text("seed = 9\n" + DAY + HALT, encoding="utf-8")
    parser = build_parser()
    assert settings_from(parser.parse_args(["serve", "--scenario", str(path)])).seed == 9
    given = parser.parse_args(["serve", "--scenario", str(path), "--seed", "3"])
    assert settings_from(given).seed == 3
    assert settings_from(parser.parse_args(["serve"])).seed == 42


def test_cli_says_what_is_wrong_with_a_scenario_file(tmp_path: Path) -> None:
    from connecttrade_mock.cli import main

    path = tmp_path / "day.toml"
    path.write_text(DAY + '[[gap]]\nsymbol = "MSFT"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="gap #1: at is required"):
        main(["serve", "--scenario", str(path)])
