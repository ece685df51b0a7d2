"""Reads for the rapid-alert dashboard — the headline totals, the heatmap of open confirmed
alerts (ecosystems by countries), the alerts reported per week by ecosystem — and for the
pages of past weekly reports.

Each selector runs a fixed number of queries, whatever the number of alerts: it aggregates in
SQL, or reads one ``values_list`` and counts in Python (countries are stored as one text
column, ``"BE,FR"``, which SQL cannot group by country without unnesting).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncWeek
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_countries import countries as country_names

from alerts.models import SEVERITY_RANK, Alert, AlertStatus, Severity, WeeklyReport
from alerts.selectors import Access, AnyUser, alert_access
from alerts.services.reports import CATEGORIES, portal_zone, week_monday
from portal.core.models import Ecosystem

CHART_WEEKS = 12
_SEVERITY_BY_RANK = {rank: str(severity) for severity, rank in SEVERITY_RANK.items()}


def filtered_list_url(**params: str) -> str:
    """The alert list filtered as the dashboard's links say (the list's own filters)."""
    query = {"status": AlertStatus.CONFIRMED.value, **params}
    return f"{reverse('alerts:list')}?{urlencode(query)}"


def _severity_label(severity: str) -> str:
    return str(Severity(severity).label) if severity else ""


# --- Totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardTotals:
    open_confirmed: int
    critical: int
    escalated: int | None  # None: not shown to this person
    resolved_this_month: int
    month_start: datetime.date


def dashboard_totals(*, user: AnyUser, now: datetime.datetime | None = None) -> DashboardTotals:
    """Open confirmed alerts, the critical ones among them, the escalated ones (staff only:
    escalation is an internal step of the Commission's), and alerts resolved since the first
    of this month. One query."""
    today = timezone.localtime(now or timezone.now(), portal_zone()).date()
    month_start = today.replace(day=1)
    since = datetime.datetime.combine(month_start, datetime.time.min, tzinfo=portal_zone())
    confirmed = Q(status=AlertStatus.CONFIRMED)
    figures = Alert.objects.public().aggregate(
        open_confirmed=Count("pk", filter=confirmed),
        critical=Count("pk", filter=confirmed & Q(severity=Severity.CRITICAL)),
        escalated=Count("pk", filter=confirmed & Q(escalated=True)),
        resolved=Count("pk", filter=Q(status=AlertStatus.RESOLVED, resolved_at__gte=since)),
    )
    staff = alert_access(user=user) >= Access.STAFF
    return DashboardTotals(
        open_confirmed=figures["open_confirmed"],
        critical=figures["critical"],
        escalated=figures["escalated"] if staff else None,
        resolved_this_month=figures["resolved"],
        month_start=month_start,
    )


# --- Heatmap -----------------------------------------------------------------------------------


@dataclass
class HeatCell:
    count: int = 0
    rank: int = 0  # the worst severity in the cell, as SEVERITY_RANK
    url: str = ""

    @property
    def severity(self) -> str:
        return _SEVERITY_BY_RANK.get(self.rank, "")

    @property
    def severity_label(self) -> str:
        return _severity_label(self.severity)


@dataclass
class HeatColumn:
    code: str
    name: str
    total: HeatCell


@dataclass
class HeatRow:
    slug: str
    name: str
    total: HeatCell
    cells: list[HeatCell] = field(default_factory=list)


@dataclass
class Heatmap:
    rows: list[HeatRow]
    columns: list[HeatColumn]
    total: int  # open confirmed alerts with at least one ecosystem and one country


def _worsen(cell: HeatCell, rank: int) -> None:
    cell.count += 1
    cell.rank = max(cell.rank, rank)


def alert_heatmap() -> Heatmap:
    """Open confirmed alerts counted by ecosystem (rows: all 14, so an empty row says "no
    open alert") and country (columns: only the countries with an alert). An alert in two
    ecosystems or two countries counts in each cell it touches; row and column totals count
    each alert once. Two queries."""
    ecosystems = list(Ecosystem.objects.order_by("position", "name").values_list("slug", "name"))
    alerts: dict[int, tuple[int, list[str], set[str]]] = {}
    for pk, severity, codes, slug in (
        Alert.objects.public()
        .filter(status=AlertStatus.CONFIRMED)
        .order_by()
        .values_list("pk", "severity", "countries", "ecosystems__slug")
    ):
        rank, alert_countries, alert_ecosystems = alerts.setdefault(
            pk,
            (
                SEVERITY_RANK.get(severity, 0),  # type: ignore[call-overload]
                [c for c in (codes or "").split(",") if c],
                set(),
            ),
        )
        if slug:
            alert_ecosystems.add(slug)

    cells: dict[tuple[str, str], HeatCell] = defaultdict(HeatCell)
    row_totals: dict[str, HeatCell] = defaultdict(HeatCell)
    column_totals: dict[str, HeatCell] = defaultdict(HeatCell)
    counted = 0
    for rank, alert_countries, alert_ecosystems in alerts.values():
        if not alert_countries or not alert_ecosystems:
            continue
        counted += 1
        for slug in alert_ecosystems:
            _worsen(row_totals[slug], rank)
            for code in alert_countries:
                _worsen(cells[(slug, code)], rank)
        for code in alert_countries:
            _worsen(column_totals[code], rank)

    columns = [
        HeatColumn(code=code, name=str(country_names.name(code) or code), total=column_totals[code])
        for code in column_totals
    ]
    columns.sort(key=lambda column: column.name)
    for column in columns:
        column.total.url = filtered_list_url(country=column.code)
    rows = []
    for slug, name in ecosystems:
        total = row_totals.get(slug, HeatCell())
        total.url = filtered_list_url(ecosystem=slug) if total.count else ""
        row = HeatRow(slug=slug, name=name, total=total)
        for column in columns:
            cell = cells.get((slug, column.code), HeatCell())
            if cell.count:
                cell.url = filtered_list_url(ecosystem=slug, country=column.code)
            row.cells.append(cell)
        rows.append(row)
    return Heatmap(rows=rows, columns=columns, total=counted)


# --- Alerts per week ---------------------------------------------------------------------------


@dataclass
class WeekSeries:
    slug: str
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class WeeklyChart:
    weeks: list[datetime.date]  # Mondays, oldest first; the last is the current week
    series: list[WeekSeries]  # ecosystems with at least one alert in the period
    totals: list[int]  # alerts per week, each counted once
    public_only: bool

    @property
    def peak(self) -> int:
        return max([n for s in self.series for n in s.counts] + [0])


def alerts_per_week(
    *, user: AnyUser, weeks: int = CHART_WEEKS, now: datetime.datetime | None = None
) -> WeeklyChart:
    """Alerts reported in each of the last ``weeks`` weeks (the current one included), by
    ecosystem. Staff count every report; everyone else only the public (confirmed or
    resolved) alerts, so the chart never reveals that another alert exists. Two queries."""
    zone = portal_zone()
    today = timezone.localtime(now or timezone.now(), zone).date()
    mondays = [
        week_monday(today) - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)
    ]
    since = datetime.datetime.combine(mondays[0], datetime.time.min, tzinfo=zone)
    public_only = alert_access(user=user) < Access.STAFF
    reported = Alert.objects.filter(created_at__gte=since)
    if public_only:
        reported = reported.public()
    weekly = reported.annotate(week=TruncWeek("created_at", tzinfo=zone)).order_by()
    index = {monday: i for i, monday in enumerate(mondays)}

    def slot(week: datetime.datetime | datetime.date) -> int | None:
        day = timezone.localtime(week, zone).date() if isinstance(week, datetime.datetime) else week
        return index.get(day)

    by_ecosystem: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for row in weekly.values("week", "ecosystems__slug").annotate(n=Count("pk", distinct=True)):
        i = slot(row["week"])
        if i is not None and row["ecosystems__slug"]:
            by_ecosystem[row["ecosystems__slug"]][i] += row["n"]
    totals = [0] * weeks
    for week_row in weekly.values("week").annotate(n=Count("pk")):
        i = slot(week_row["week"])
        if i is not None:
            totals[i] += week_row["n"]
    names = dict(Ecosystem.objects.values_list("slug", "name")) if by_ecosystem else {}
    order = {slug: i for i, slug in enumerate(names)}
    series = [
        WeekSeries(slug=slug, name=names.get(slug, slug), counts=counts)
        for slug, counts in sorted(by_ecosystem.items(), key=lambda item: order.get(item[0], 99))
    ]
    return WeeklyChart(weeks=mondays, series=series, totals=totals, public_only=public_only)


# --- Weekly reports ----------------------------------------------------------------------------


def weekly_report_list() -> QuerySet[WeeklyReport]:
    """Past reports, newest week first, with each category's total read from the JSON in SQL
    (the figures themselves are not loaded: one query for a page of reports)."""
    totals = {
        f"total_{category}": Cast(KT(f"data__categories__{category}__total"), IntegerField())
        for category in CATEGORIES
    }
    # A JSON lookup, not a cast of the text: PostgreSQL and SQLite spell JSON true apart.
    provisional = ExpressionWrapper(Q(data__provisional=True), output_field=BooleanField())
    return (
        WeeklyReport.objects.defer("data")
        .annotate(**totals, provisional=provisional)
        .order_by("-week_start")
    )


def weekly_report_get(*, week: str) -> WeeklyReport:
    """The report of the week starting on ``week`` (an ISO date, a Monday); 404 for anything
    else, a malformed or impossible date included."""
    try:
        week_start = datetime.date.fromisoformat(week)
    except ValueError:
        raise Http404 from None
    if week_start.weekday() != 0:
        raise Http404
    report = WeeklyReport.objects.filter(week_start=week_start).first()
    if report is None:
        raise Http404
    return report
