"""Bar charts drawn on the server as inline SVG: no script, no library."""

from collections.abc import Sequence
from dataclasses import dataclass

from reconcile.selectors import ChartDay

WIDTH = 600
HEIGHT = 160
TOP = 12  # room for the scale's label
BOTTOM = 20  # room for the dates
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    sent_y: float
    sent_height: float
    rejected_y: float
    rejected_height: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    peak: int
    bars: list[Bar]
    first_label: str
    last_label: str
    total_sent: int
    total_rejected: int


def upload_chart(days: Sequence[ChartDay]) -> BarChart:
    """One bar per day: records sent, the rejected part drawn over it."""
    peak = max((day.sent for day in days), default=0)
    peak = max(peak, max((day.rejected for day in days), default=0), 1)
    plot = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    step = WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        sent = plot * day.sent / peak
        rejected = plot * min(day.rejected, peak) / peak
        noun = "record" if day.sent == 1 else "records"
        bars.append(
            Bar(
                x=round(index * step + GAP / 2, 1),
                width=round(step - GAP, 1),
                sent_y=round(baseline - sent, 1),
                sent_height=round(sent, 1),
                rejected_y=round(baseline - rejected, 1),
                rejected_height=round(rejected, 1),
                label=f"{day.day:%d %b}: {day.sent} {noun} sent, "
                f"{day.rejected} rejected",
            )
        )
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        baseline=baseline,
        peak=peak,
        bars=bars,
        first_label=f"{days[0].day:%d %b}" if days else "",
        last_label=f"{days[-1].day:%d %b}" if days else "",
        total_sent=sum(day.sent for day in days),
        total_rejected=sum(day.rejected for day in days),
    )
