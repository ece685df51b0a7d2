"""The rapid-alert dashboard: public, like the confirmed alerts it counts.

A heatmap of open confirmed alerts (ecosystems by countries, each cell a link to the filtered
list) and the alerts reported per week by ecosystem, as server-rendered SVG small multiples
with the same figures in a table. Staff also see the escalated count and every report in the
chart; everyone else sees public (confirmed or resolved) alerts only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from alerts.models import SEVERITY_RANK, Severity
from alerts.selectors import Access, alert_access
from alerts.selectors_dashboard import (
    WeeklyChart,
    alert_heatmap,
    alerts_per_week,
    dashboard_totals,
)

# The geometry of one small chart, in SVG user units (the SVG scales to its box).
CHART_WIDTH = 240
CHART_HEIGHT = 112
PLOT_LEFT = 26
PLOT_RIGHT = 236
PLOT_TOP = 10
PLOT_BOTTOM = 92
BAR_GAP = 3
BAR_FILL = "#0e47cb"
TOTAL_FILL = "#002a85"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    n: int
    week: str


@dataclass(frozen=True)
class SmallChart:
    id: str
    name: str
    total: int
    bars: list[Bar]
    fill: str


def _bars(counts: list[int], weeks: list[str], peak: int) -> list[Bar]:
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(counts), 1)
    span = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for i, (n, week) in enumerate(zip(counts, weeks, strict=True)):
        height = round(span * n / peak, 2) if peak else 0
        bars.append(
            Bar(
                x=round(PLOT_LEFT + i * slot + BAR_GAP / 2, 2),
                y=round(PLOT_BOTTOM - height, 2),
                width=round(slot - BAR_GAP, 2),
                height=height,
                n=n,
                week=week,
            )
        )
    return bars


def small_charts(chart: WeeklyChart) -> list[SmallChart]:
    """One small bar chart for all alerts, then one per ecosystem, on a shared scale so the
    charts compare at a glance."""
    weeks = [monday.isoformat() for monday in chart.weeks]
    peak = max([chart.peak, *chart.totals])
    charts = [
        SmallChart(
            id="all",
            name=_("All ecosystems"),
            total=sum(chart.totals),
            bars=_bars(chart.totals, weeks, peak),
            fill=TOTAL_FILL,
        )
    ]
    charts += [
        SmallChart(
            id=series.slug,
            name=series.name,
            total=series.total,
            bars=_bars(series.counts, weeks, peak),
            fill=BAR_FILL,
        )
        for series in chart.series
    ]
    return charts


def dashboard(request: HttpRequest) -> HttpResponse:
    chart = alerts_per_week(user=request.user)
    peak = max([chart.peak, *chart.totals])
    return render(
        request,
        "alerts/dashboard.html",
        {
            "totals": dashboard_totals(user=request.user),
            "heatmap": alert_heatmap(),
            "chart": chart,
            "small_charts": small_charts(chart),
            "peak": peak,
            "geometry": {
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
                "left": PLOT_LEFT,
                "right": PLOT_RIGHT,
                "top": PLOT_TOP,
                "bottom": PLOT_BOTTOM,
            },
            "severities": sorted(Severity, key=lambda s: SEVERITY_RANK[s]),
            "is_staff_view": alert_access(user=request.user) >= Access.STAFF,
        },
    )
