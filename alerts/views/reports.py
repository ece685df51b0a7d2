"""The weekly reports, for Commission staff: the list (with "compile now"), one report, its
CSV and a printable page.

Anonymous visitors are sent to log in; other users get 403. A malformed, impossible or
unknown week is a 404. The figures come from ``WeeklyReport.data`` as compiled (see
``alerts.services.reports``); the pages only put labels on them.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View
from django_countries import countries as country_names

from alerts.models import AlertStatus, AlertType, Severity, ValueChainStage, WeeklyReport
from alerts.selectors_dashboard import weekly_report_get, weekly_report_list
from alerts.services import weekly_report_compile
from alerts.services.reports import (
    CATEGORIES,
    CONFIRMED,
    ESCALATED,
    NEW,
    REPORT_SCHEMA_VERSION,
    RESOLVED,
    current_week_start,
    previous_week_start,
)
from offers.exports import neutralise
from portal.accounts.permissions import CommissionStaffRequiredMixin

CATEGORY_LABELS = {
    NEW: gettext_lazy("New alerts"),
    CONFIRMED: gettext_lazy("Confirmed"),
    ESCALATED: gettext_lazy("Escalated"),
    RESOLVED: gettext_lazy("Resolved"),
}
CATEGORY_HELP = {
    NEW: gettext_lazy(
        "Every alert reported this week, whatever became of it: also those later dismissed "
        "or merged into another alert."
    ),
    CONFIRMED: gettext_lazy(
        "Alerts the Commission confirmed this week. Alerts merged into one count once, "
        "under that alert (group size)."
    ),
    ESCALATED: gettext_lazy("Confirmed alerts escalated this week."),
    RESOLVED: gettext_lazy("Alerts marked resolved this week."),
}
CSV_HEADERS = (
    "week", "category", "alert_id", "title", "type", "severity", "value_chain_stage",
    "started_on", "expected_duration_days", "ecosystems", "countries", "proposed_solutions",
    "group_size",
)  # fmt: skip


def _label(choices: Any, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _country(code: str) -> str:
    return str(country_names.name(code) or code)


# --- The report as the pages show it ---------------------------------------------------------


@dataclass
class Tally:
    label: str
    counts: list[int]  # one per category, in CATEGORIES order


@dataclass
class Category:
    key: str
    label: str
    help: str
    total: int
    alerts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportView:
    report: WeeklyReport
    readable: bool  # False: compiled in a shape this version cannot read
    week_start: datetime.date
    week_end: datetime.date
    provisional: bool
    time_zone: str
    categories: list[Category]
    by_ecosystem: list[Tally]
    by_country: list[Tally]


def report_view(report: WeeklyReport) -> ReportView:
    data = report.data or {}
    week_end = report.week_start + datetime.timedelta(days=6)
    if data.get("schema") != REPORT_SCHEMA_VERSION:
        return ReportView(report, False, report.week_start, week_end, False, "", [], [], [])
    names = {e["slug"]: e["name"] for e in data.get("ecosystems", [])}  # in the portal's order
    raw = data["categories"]
    categories = []
    for key in CATEGORIES:
        alerts = []
        for alert in raw[key]["alerts"]:
            at = parse_datetime(alert["at"]) if alert.get("at") else None
            alerts.append(
                {
                    **alert,
                    "at": at,
                    "type_label": _label(AlertType, alert["type"]),
                    "severity_label": _label(Severity, alert["severity"]),
                    "status_label": _label(AlertStatus, alert["status"]),
                    "stage_label": _label(ValueChainStage, alert["value_chain_stage"]),
                    "started_on": datetime.date.fromisoformat(alert["started_on"]),
                    "ecosystem_names": [names.get(slug, slug) for slug in alert["ecosystems"]],
                    "country_names": [_country(code) for code in alert["countries"]],
                }
            )
        categories.append(
            Category(
                key=key,
                label=str(CATEGORY_LABELS[key]),
                help=str(CATEGORY_HELP[key]),
                total=raw[key]["total"],
                alerts=alerts,
            )
        )
    # Ecosystems in the portal's order, countries by name; only those with an alert.
    slugs = [slug for slug in names if any(slug in raw[k]["by_ecosystem"] for k in CATEGORIES)]
    by_ecosystem = [
        Tally(names[slug], [raw[k]["by_ecosystem"].get(slug, 0) for k in CATEGORIES])
        for slug in slugs
    ]
    codes = {code for k in CATEGORIES for code in raw[k]["by_country"]}
    by_country = sorted(
        (
            Tally(_country(code), [raw[k]["by_country"].get(code, 0) for k in CATEGORIES])
            for code in codes
        ),
        key=lambda row: row.label,
    )
    return ReportView(
        report=report,
        readable=True,
        week_start=report.week_start,
        week_end=week_end,
        provisional=bool(data.get("provisional")),
        time_zone=data.get("time_zone", ""),
        categories=categories,
        by_ecosystem=by_ecosystem,
        by_country=by_country,
    )


# --- Pages -----------------------------------------------------------------------------------


class ReportListView(CommissionStaffRequiredMixin, ListView):
    """Past weekly reports; staff compile the current or the previous week on demand."""

    template_name = "alerts/report_list.html"
    context_object_name = "reports"
    paginate_by = 26  # half a year

    def get_queryset(self) -> Any:
        return weekly_report_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["current_week"] = current_week_start()
        context["previous_week"] = previous_week_start()
        context["category_labels"] = [CATEGORY_LABELS[key] for key in CATEGORIES]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        weeks = {"current": current_week_start(), "previous": previous_week_start()}
        week_start = weeks.get(request.POST.get("week", ""))
        if week_start is None:
            messages.error(request, _("Choose the current or the previous week."))
            return redirect("alerts:reports")
        try:
            report = weekly_report_compile(week_start=week_start, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("alerts:reports")
        if report.data.get("provisional"):
            messages.warning(
                request,
                _(
                    "The report of the week of %(week)s is compiled. The week is not over: "
                    "its figures are provisional."
                )
                % {"week": date_format(week_start, "j F Y")},
            )
        else:
            messages.success(
                request,
                _("The report of the week of %(week)s is compiled.")
                % {"week": date_format(week_start, "j F Y")},
            )
        return redirect(report.get_absolute_url())


class ReportDetailView(CommissionStaffRequiredMixin, TemplateView):
    template_name = "alerts/report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["weekly"] = report_view(weekly_report_get(week=kwargs["week"]))
        context["category_labels"] = [CATEGORY_LABELS[key] for key in CATEGORIES]
        return context


class ReportPrintView(ReportDetailView):
    """The same report on a page of its own, laid out for paper (no navigation)."""

    template_name = "alerts/report_print.html"


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(report: WeeklyReport) -> Iterator[list[Any]]:
    """One row per alert per category, with the values the API uses (codes and slugs).
    Text a spreadsheet would run as a formula is neutralised (a leading quote)."""
    data = report.data or {}
    if data.get("schema") != REPORT_SCHEMA_VERSION:
        return
    week = report.week_start.isoformat()
    for category in CATEGORIES:
        for alert in data["categories"][category]["alerts"]:
            row = [
                week,
                category,
                alert["id"],
                alert["title"],
                alert["type"],
                alert["severity"],
                alert["value_chain_stage"],
                alert["started_on"],
                alert["expected_duration_days"],
                ", ".join(alert["ecosystems"]),
                ", ".join(alert["countries"]),
                alert["proposed_solutions"],
                alert["group_size"],
            ]
            yield ["" if value is None else neutralise(value) for value in row]


class ReportCsvView(CommissionStaffRequiredMixin, View):
    def get(self, request: HttpRequest, week: str) -> HttpResponse:
        report = weekly_report_get(week=week)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"rapid-alerts-week-{report.week_start.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # a BOM, so spreadsheets read accents as UTF-8
        writer = csv.writer(response)
        writer.writerow(CSV_HEADERS)
        writer.writerows(csv_rows(report))
        return response


report_list = ReportListView.as_view()
report_detail = ReportDetailView.as_view()
report_csv = ReportCsvView.as_view()
report_print = ReportPrintView.as_view()
