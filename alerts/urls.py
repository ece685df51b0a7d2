from django.urls import path, register_converter

from alerts import feeds
from alerts.views import alert_form, dashboard, detail, lists, reports, staff, subscriptions


class IsoDateConverter:
    """A week's Monday, as 2020-04-06 (validated by the view)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "alerts"

urlpatterns = [
    # Public and logged-in pages.
    path("alerts/", lists.alert_list, name="list"),
    path("alerts/feed/", feeds.ConfirmedAlertsFeed(), name="feed"),
    path("alerts/dashboard/", dashboard.dashboard, name="dashboard"),
    path("alerts/new/", alert_form.alert_report, name="report"),
    path("alerts/mine/", lists.my_alerts, name="mine"),
    path("alerts/subscription/", subscriptions.subscription, name="subscription"),
    path("alerts/<int:pk>/", detail.alert_detail, name="detail"),
    path("alerts/<int:pk>/edit/", alert_form.alert_edit, name="edit"),
    path(
        "alerts/<int:pk>/attachments/<int:attachment_pk>/",
        detail.attachment_download,
        name="attachment",
    ),
    # Solutions: staff and cluster managers link offers and clusters.
    path("alerts/<int:pk>/solutions/", staff.solutions, name="solutions"),
    path(
        "alerts/<int:pk>/solutions/<str:kind>/<int:link_pk>/remove/",
        staff.solution_remove,
        name="solution_remove",
    ),
    # Commission staff: the assessment.
    path("alerts/assessment/", staff.queue, name="queue"),
    path("alerts/<int:pk>/transition/", staff.transition, name="transition"),
    path("alerts/<int:pk>/merge/", staff.merge, name="merge"),
    path("alerts/<int:pk>/escalate/", staff.escalate, name="escalate"),
    # Commission staff: the weekly reports.
    path("alerts/reports/", reports.report_list, name="reports"),
    path("alerts/reports/<isodate:week>/", reports.report_detail, name="report_detail"),
    path("alerts/reports/<isodate:week>.csv", reports.report_csv, name="report_csv"),
    path("alerts/reports/<isodate:week>/print/", reports.report_print, name="report_print"),
]
