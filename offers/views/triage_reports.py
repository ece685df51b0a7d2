"""The triage desk's dashboard and its exports (CSV and Excel) of the filtered queue.

Staff only, like the rest of the desk (see ``offers.views.triage``).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from django_countries import countries

from offers import exports
from offers.models import DeliveryStatus, Offer, OfferStatus
from offers.selectors import (
    delivery_counts,
    offer_list,
    triage_dashboard,
)
from offers.views.triage import triage_filterset
from portal.accounts.permissions import CommissionStaffRequiredMixin

S = OfferStatus


def _rows(counts: list[dict[str, Any]], total: int, label: Any) -> list[dict[str, Any]]:
    return [
        {"label": label(row), "n": row["n"], "share": round(100 * row["n"] / total) if total else 0}
        for row in counts
    ]


def duration_text(hours: float | None) -> tuple[str, str] | None:
    """A median in hours as people say it, and a finer figure for the note beside it."""
    if hours is None:
        return None
    if hours < 1:
        minutes = round(hours * 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}, ""
    hours_text = _("%(n)s hours") % {"n": number_format(hours, 1)}
    if hours < 48:
        return hours_text, ""
    return _("%(n)s days") % {"n": number_format(hours / 24, 1)}, hours_text


def _category_label(row: dict[str, Any]) -> str:
    parent = row["category__parent__name"]
    return f"{parent} › {row['category__name']}" if parent else row["category__name"]


class TriageDashboardView(CommissionStaffRequiredMixin, TemplateView):
    """Counts by status, category, country and cluster, the median time to a decision, and
    deliveries to the Commission by status."""

    template_name = "offers/triage_dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = triage_dashboard()
        total = data["total"]
        hours = data["median_hours_to_decision"]
        context.update(
            total=total,
            public_count=data["public_count"],
            median_hours=hours,
            median=duration_text(hours),
            delivery_counts=[
                {"status": status, "label": DeliveryStatus(status).label, "n": n}
                for status, n in delivery_counts().items()
            ],
            tables=[
                {
                    "id": "by-status",
                    "title": _("By status"),
                    "column": _("Status"),
                    "rows": _rows(data["by_status"], total, lambda r: S(r["status"]).label),
                },
                {
                    "id": "by-category",
                    "title": _("By category"),
                    "column": _("Category"),
                    "rows": _rows(data["by_category"], total, _category_label),
                },
                {
                    "id": "by-country",
                    "title": _("By company country"),
                    "column": _("Country"),
                    "rows": _rows(
                        data["by_country"],
                        total,
                        lambda r: countries.name(r["company_country"]) or r["company_country"],
                    ),
                },
                {
                    "id": "by-cluster",
                    "title": _("By channelling cluster"),
                    "column": _("Cluster"),
                    "rows": _rows(
                        data["by_cluster"],
                        total,
                        lambda r: r["cluster__name"] or _("Direct offers (no cluster)"),
                    ),
                },
            ],
        )
        return context


# --- Exports ---------------------------------------------------------------------------------


class _ExportView(CommissionStaffRequiredMixin, View):
    """The current filtered queue, every page of it, as a file."""

    http_method_names = ["get"]
    extension = ""

    def filename(self) -> str:
        return f"offers-{timezone.localdate():%Y%m%d}.{self.extension}"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        filterset, _defaulted = triage_filterset(request)
        response = self.respond(offer_list(filterset=filterset))
        # Confidential fields (contacts, registration numbers): no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        raise NotImplementedError


class TriageExportCsvView(_ExportView):
    extension = "csv"

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        response = StreamingHttpResponse(
            exports.chunks(exports.csv_lines(offers)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename()}"'
        return response


class TriageExportXlsxView(_ExportView):
    extension = "xlsx"

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        return FileResponse(
            exports.xlsx_file(offers),
            as_attachment=True,
            filename=self.filename(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


triage_export_csv = TriageExportCsvView.as_view()
triage_export_xlsx = TriageExportXlsxView.as_view()
