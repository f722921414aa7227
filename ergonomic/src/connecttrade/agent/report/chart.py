"""The report's chart as plain SVG text: P&L through the day above, activity per hour below.

No plotting library and no external assets: the SVG is written element by element, all
text escaped, so it can be inlined in an HTML page or embedded as a data URI. Geometry uses
floats (pixels); every label is formatted from the exact Decimal values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape
from typing import Final, TypeAlias

from connecttrade.agent.report.pnl import PnlPoint

__all__ = ["SERIES", "ChartInput", "activity_pnl_chart", "nice_ticks"]

WIDTH: Final = 820
HEIGHT: Final = 470
LEFT: Final = 86
RIGHT: Final = 24
PNL_TOP: Final = 58
PNL_BOTTOM: Final = 238
BARS_TOP: Final = 292
BARS_BOTTOM: Final = 412
PNL_COLOUR: Final = "#1f2937"
GRID_COLOUR: Final = "#e5e7eb"
AXIS_COLOUR: Final = "#6b7280"

_XScale: TypeAlias = Callable[[dt.datetime], float]

#: The activity series: (attribute of an hour, legend label, colour; colour-blind safe).
SERIES: Final = (
    ("prepared", "Prepared", "#4e79a7"),
    ("confirmed", "Confirmed", "#59a14f"),
    ("refused", "Refused", "#e15759"),
    ("alerts", "Alerts", "#f28e2b"),
)


@dataclass(frozen=True, slots=True)
class ChartInput:
    """What the chart shows: per-hour counts (one mapping per hour) and the P&L curve."""

    title: str
    hour_starts: Sequence[dt.datetime]
    counts: Sequence[dict[str, int]]
    pnl: Sequence[PnlPoint]
    currency: str = "USD"


def nice_ticks(low: Decimal, high: Decimal, target: int = 4) -> list[Decimal]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering ``[low, high]``."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) / 10 if high else Decimal(1)
        low, high = low - pad, high + pad
    raw = (high - low) / target
    exponent = raw.adjusted()
    unit = Decimal(1).scaleb(exponent)
    step = next(
        m * unit for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if m * unit >= raw
    )
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks = []
    value = first
    while value <= last:
        ticks.append(value)
        value += step
    return ticks


def _money_label(value: Decimal, step: Decimal) -> str:
    places = max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{value:,.{places}f}"


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{escape(val)}"' for key, val in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def activity_pnl_chart(data: ChartInput) -> str:
    """The SVG document (``<svg>`` element with its own title and description)."""
    hours = list(data.hour_starts)
    start = hours[0]
    end = hours[-1] + dt.timedelta(hours=1)
    plot_width = WIDTH - LEFT - RIGHT
    span = (end - start).total_seconds()

    def x_at(moment: dt.datetime) -> float:
        return LEFT + (moment - start).total_seconds() / span * plot_width

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(data.title)}</title>',
        '<desc id="chart-desc">Top: trading P&amp;L through the day. Bottom: orders prepared, '
        "confirmed and refused, and alerts, per hour.</desc>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(LEFT, 24, data.title, font_size="15", font_weight="600", fill="#111827"),
    ]
    parts += _pnl_panel(data, x_at)
    parts += _bars_panel(data, hours, x_at, plot_width / len(hours))
    parts += _time_axis(hours, x_at)
    parts.append("</svg>")
    return "\n".join(parts)


def _pnl_panel(data: ChartInput, x_at: _XScale) -> list[str]:
    values = [p.pnl for p in data.pnl] or [Decimal(0)]
    ticks = nice_ticks(min(*values, Decimal(0)), max(*values, Decimal(0)))
    low, high = ticks[0], ticks[-1]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)

    def y_at(value: Decimal) -> float:
        return PNL_BOTTOM - float((value - low) / (high - low)) * (PNL_BOTTOM - PNL_TOP)

    parts = [
        _text(
            LEFT, PNL_TOP - 12, f"Trading P&L ({data.currency})", font_weight="600", fill="#374151"
        ),
    ]
    for tick in ticks:
        y = y_at(tick)
        colour = AXIS_COLOUR if tick == 0 else GRID_COLOUR
        dash = ' stroke-dasharray="4 3"' if tick == 0 else ""
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{colour}"{dash}/>'
        )
        parts.append(
            _text(LEFT - 8, y + 4, _money_label(tick, step), text_anchor="end", fill="#374151")
        )
    if not data.pnl:
        parts.append(
            _text(
                (LEFT + WIDTH - RIGHT) / 2,
                (PNL_TOP + PNL_BOTTOM) / 2 - 8,
                "No broker data: P&L not available",
                text_anchor="middle",
                fill=AXIS_COLOUR,
            )
        )
    else:
        path = [f"M{x_at(data.pnl[0].time):.1f},{y_at(data.pnl[0].pnl):.1f}"]
        for point in data.pnl[1:]:
            path.append(f"H{x_at(point.time):.1f}V{y_at(point.pnl):.1f}")
        parts.append(
            f'<path d="{"".join(path)}" fill="none" stroke="{PNL_COLOUR}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        last = data.pnl[-1]
        parts.append(
            f'<circle cx="{x_at(last.time):.1f}" cy="{y_at(last.pnl):.1f}" r="4" '
            f'fill="{PNL_COLOUR}"/>'
        )
        label_x = min(x_at(last.time) + 8, WIDTH - RIGHT - 4)
        anchor = "start" if label_x == x_at(last.time) + 8 else "end"
        parts.append(
            _text(
                label_x,
                y_at(last.pnl) - 8,
                _money_label(last.pnl, Decimal("0.01")),
                text_anchor=anchor,
                font_weight="600",
                fill=PNL_COLOUR,
            )
        )
    return parts


def _bars_panel(
    data: ChartInput, hours: list[dt.datetime], x_at: _XScale, hour_width: float
) -> list[str]:
    most = max((count.get(name, 0) for count in data.counts for name, _, _ in SERIES), default=0)
    ticks = [int(t) for t in nice_ticks(Decimal(0), Decimal(max(most, 1)), target=3)]
    top = ticks[-1] or 1

    def y_at(value: int) -> float:
        return BARS_BOTTOM - value / top * (BARS_BOTTOM - BARS_TOP)

    parts = [_text(LEFT, BARS_TOP - 14, "Activity per hour", font_weight="600", fill="#374151")]
    legend_x = WIDTH - RIGHT - 4 * 92
    for index, (_, label, colour) in enumerate(SERIES):
        x = legend_x + index * 92
        parts.append(
            f'<rect x="{x}" y="{BARS_TOP - 24}" width="12" height="12" rx="2" fill="{colour}"/>'
        )
        parts.append(_text(x + 17, BARS_TOP - 14, label, fill="#374151"))
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{AXIS_COLOUR if tick == 0 else GRID_COLOUR}"/>'
        )
        parts.append(_text(LEFT - 8, y + 4, str(tick), text_anchor="end", fill="#374151"))
    bar_width = hour_width * 0.8 / len(SERIES)
    for hour, count in zip(hours, data.counts, strict=True):
        x0 = x_at(hour) + hour_width * 0.1
        for index, (name, label, colour) in enumerate(SERIES):
            value = count.get(name, 0)
            if not value:
                continue
            y = y_at(value)
            parts.append(
                f'<rect x="{x0 + index * bar_width:.1f}" y="{y:.1f}" width="{bar_width - 0.6:.1f}" '
                f'height="{BARS_BOTTOM - y:.1f}" fill="{colour}">'
                f"<title>{escape(f'{hour:%H:%M} {label}: {value}')}</title></rect>"
            )
    return parts


def _time_axis(hours: list[dt.datetime], x_at: _XScale) -> list[str]:
    parts = []
    for index, hour in enumerate(hours):
        x = x_at(hour)
        parts.append(
            f'<line x1="{x:.1f}" y1="{BARS_BOTTOM}" x2="{x:.1f}" y2="{BARS_BOTTOM + 4}" '
            f'stroke="{AXIS_COLOUR}"/>'
        )
        if index % 3 == 0:
            parts.append(
                _text(x, BARS_BOTTOM + 18, f"{hour:%H:%M}", text_anchor="middle", fill="#374151")
            )
    zone = hours[0].tzname() or ""
    parts.append(
        _text(
            WIDTH - RIGHT,
            BARS_BOTTOM + 42,
            f"Time of day ({zone})",
            text_anchor="end",
            fill=AXIS_COLOUR,
        )
    )
    return parts
