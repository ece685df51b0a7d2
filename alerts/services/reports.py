"""The weekly report to the Commission, compiled by hand in 2020 and now by a periodic task.

A report covers one ISO week, Monday 00:00 to the next Monday 00:00 in the portal's time zone,
and counts four things that happened in it:

- **new**: alerts reported that week (``Alert.created_at``) — every report, including those
  later dismissed or merged into another alert;
- **confirmed**, **escalated**, **resolved**: the assessment steps recorded that week
  (``AlertTransition`` rows), so a later change of status does not rewrite an earlier week.
  A group of merged alerts counts once, under the alert the others were merged into.

Each category has its total, its counts by ecosystem (an alert in two ecosystems counts in
both) and by country (likewise), and the list of its alerts as they stood when the report was
compiled. The figures are stored in ``WeeklyReport.data`` (JSON, versioned by ``schema``). The
confidential note is never copied into a report.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import (
    SEVERITY_RANK,
    Alert,
    AlertStatus,
    AlertTransition,
    TransitionKind,
    WeeklyReport,
)
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User

# Bump when the shape of ``WeeklyReport.data`` changes; pages read older shapes or say so.
REPORT_SCHEMA_VERSION = 1

NEW, CONFIRMED, ESCALATED, RESOLVED = "new", "confirmed", "escalated", "resolved"
CATEGORIES = (NEW, CONFIRMED, ESCALATED, RESOLVED)

# The alert fields a report copies, as the API names them. Never the confidential note, the
# evidence or the reporter: a report is forwarded, printed and opened in spreadsheets.
ALERT_FIELDS = (
    "id", "title", "type", "severity", "status", "value_chain_stage", "started_on",
    "expected_duration_days", "companies_affected", "critical_companies_at_risk", "countries",
    "ecosystems", "proposed_solutions", "group_size", "merged_into", "at",
)  # fmt: skip


def portal_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_monday(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week ``day`` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def week_bounds(week_start: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[Monday 00:00, next Monday 00:00) in the portal's time zone (a week with a daylight
    saving change is an hour shorter or longer, as the calendar says)."""
    zone = portal_zone()
    start = datetime.datetime.combine(week_start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        week_start + datetime.timedelta(days=7), datetime.time.min, tzinfo=zone
    )
    return start, end


def previous_week_start(now: datetime.datetime | None = None) -> datetime.date:
    """The Monday of the last week that has ended: the week the Monday task compiles."""
    today = timezone.localtime(now or timezone.now(), portal_zone()).date()
    return week_monday(today) - datetime.timedelta(days=7)


def current_week_start(now: datetime.datetime | None = None) -> datetime.date:
    today = timezone.localtime(now or timezone.now(), portal_zone()).date()
    return week_monday(today)


def _events(start: datetime.datetime, end: datetime.datetime) -> dict[str, dict[int, str]]:
    """For each category, the alerts it holds and when the event happened (ISO text)."""
    events: dict[str, dict[int, str]] = {category: {} for category in CATEGORIES}
    for pk, created_at in Alert.objects.filter(
        created_at__gte=start, created_at__lt=end
    ).values_list("pk", "created_at"):
        events[NEW][pk] = created_at.isoformat()
    steps = (
        AlertTransition.objects.filter(created_at__gte=start, created_at__lt=end)
        .filter(
            Q(kind=TransitionKind.STATUS, to_status=AlertStatus.CONFIRMED)
            | Q(kind=TransitionKind.STATUS, to_status=AlertStatus.RESOLVED)
            | Q(kind=TransitionKind.ESCALATION)
        )
        # The table never lets a confirmed alert be merged, so this drops nothing today; it
        # keeps a group counted once, under its target, should the table ever change.
        .exclude(alert__status=AlertStatus.MERGED)
        .order_by("created_at", "pk")
        .values_list("alert_id", "kind", "to_status", "created_at")
    )
    for alert_id, kind, to_status, at in steps:
        if kind == TransitionKind.ESCALATION:
            category = ESCALATED
        else:
            category = CONFIRMED if to_status == AlertStatus.CONFIRMED else RESOLVED
        events[category].setdefault(alert_id, at.isoformat())  # the first step of the week
    return events


def _alert_rows(alert_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The report's copy of each alert: two queries, however many alerts."""
    alerts = (
        Alert.objects.filter(pk__in=alert_ids)
        .annotate(group_size=Count("merged_alerts", distinct=True) + 1)
        .prefetch_related(
            Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk", "slug", "position"))
        )
        .order_by("pk")
    )
    rows: dict[int, dict[str, Any]] = {}
    for alert in alerts:
        rows[alert.pk] = {
            "id": alert.pk,
            "title": alert.title,
            "type": alert.type,
            "severity": alert.severity,
            "status": alert.status,
            "value_chain_stage": alert.value_chain_stage,
            "started_on": alert.started_on.isoformat(),
            "expected_duration_days": alert.expected_duration_days,
            "companies_affected": alert.companies_affected,
            "critical_companies_at_risk": alert.critical_companies_at_risk,
            "countries": [str(country) for country in alert.countries],  # the codes
            "ecosystems": [
                e.slug for e in sorted(alert.ecosystems.all(), key=lambda e: (e.position, e.slug))
            ],
            "proposed_solutions": alert.proposed_solutions,
            "group_size": alert.group_size,
            "merged_into": alert.merged_into_id,
        }
    return rows


def _category(
    alert_times: dict[int, str], rows: dict[int, dict[str, Any]], ecosystem_order: list[str]
) -> dict[str, Any]:
    alerts = [dict(rows[pk], at=at) for pk, at in alert_times.items() if pk in rows]
    alerts.sort(key=lambda a: (-SEVERITY_RANK.get(a["severity"], 0), a["at"], a["id"]))
    by_ecosystem = Counter(slug for alert in alerts for slug in alert["ecosystems"])
    by_country = Counter(code for alert in alerts for code in alert["countries"])
    return {
        "total": len(alerts),
        # Objects: jsonb keeps no key order, so the pages order them (ecosystems as the
        # portal does, countries by name).
        "by_ecosystem": {
            slug: by_ecosystem[slug] for slug in ecosystem_order if slug in by_ecosystem
        },
        "by_country": dict(by_country),
        "alerts": alerts,
    }


def weekly_report_data(
    *, week_start: datetime.date, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The figures of a week, as ``WeeklyReport.data`` holds them (see the module docstring)."""
    now = now or timezone.now()
    start, end = week_bounds(week_start)
    events = _events(start, end)
    rows = _alert_rows({pk for times in events.values() for pk in times})
    ecosystems = list(Ecosystem.objects.order_by("position", "name").values_list("slug", "name"))
    order = [slug for slug, _name in ecosystems]
    return {
        "schema": REPORT_SCHEMA_VERSION,
        "week_start": week_start.isoformat(),
        "week_end": (week_start + datetime.timedelta(days=6)).isoformat(),
        "time_zone": settings.TIME_ZONE,
        "compiled_at": now.isoformat(),
        # A week not yet over: compiled on demand, its figures can still grow.
        "provisional": end > now,
        # The ecosystems in the portal's order, named as they were when compiled (a list:
        # PostgreSQL's jsonb does not keep the order of an object's keys).
        "ecosystems": [{"slug": slug, "name": name} for slug, name in ecosystems],
        "categories": {
            category: _category(events[category], rows, order) for category in CATEGORIES
        },
    }


@transaction.atomic
def weekly_report_compile(
    *,
    week_start: datetime.date,
    now: datetime.datetime | None = None,
    by: User | None = None,
) -> WeeklyReport:
    """Compile (or compile again) the report of the week starting on ``week_start``, a
    Monday. A week that has not ended yet can be compiled on demand: its report is marked
    provisional, and compiling it again once the week is over makes it final. ``by`` is the
    staff member who asked; ``None`` is the scheduler."""
    if by is not None and not by.is_commission_staff:
        raise PermissionDenied(_("Only Commission staff compile weekly reports."))
    now = now or timezone.now()
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": [_("A weekly report starts on a Monday.")]})
    if week_start > current_week_start(now):
        raise ValidationError({"week_start": [_("This week has not started yet.")]})
    report, _created = WeeklyReport.objects.update_or_create(
        week_start=week_start,
        defaults={
            "compiled_at": now,
            "data": weekly_report_data(week_start=week_start, now=now),
        },
    )
    return report
