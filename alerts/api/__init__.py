"""The rapid alerts API under ``/api/v1/``: alerts, their assessment and its history.

Serializers check only the shape of a request; ``alerts.services`` decide what is allowed
and valid, ``Alert.objects.visible_to`` (through the selectors) which alerts a caller sees,
and ``selectors.alert_access`` how much of each:

- anyone: the public summary of confirmed and resolved alerts (``SUMMARY_FIELDS``);
- logged-in users: also the details and evidence (``DETAIL_FIELDS``) of the alerts they may
  see (the public ones, those they reported, those of a cluster they manage);
- Commission staff: every alert, with the confidential note and the escalation (an internal
  step: its flag, date, note and history entry are shown to staff only).

A field the caller may not read is left out of the response, not sent as null. An alert the
caller may not see is 404, for reading and for writing; changing one the caller can see but
not change is 403, and so is reporting without the role (cluster managers for a cluster they
manage, verified public authorities). Without credentials a write is 401 (token) or 403
(session). A service's ``ValidationError`` (an illegal transition too) is 400 with per-field
messages. Alerts are never deleted: ``DELETE`` is 405.
"""

from django.urls import URLPattern, path

from alerts.api.serializers import DETAIL_FIELDS, STAFF_FIELDS, SUMMARY_FIELDS
from alerts.api.views import AlertDetailView, AlertListView, AlertTransitionsView

__all__ = ["DETAIL_FIELDS", "STAFF_FIELDS", "SUMMARY_FIELDS", "api_urlpatterns"]

api_urlpatterns: list[URLPattern] = [
    path("alerts/", AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/transitions/", AlertTransitionsView.as_view(), name="alert-transitions"),
]
