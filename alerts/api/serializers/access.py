"""Who reads which fields of an alert in the rapid alerts API: the summary for everyone, the
details for logged-in users, the confidential and escalation fields for Commission staff.
``selectors.alert_access`` decides the level, once per response (``access_of``, which the
API views also ask what to load); the serializers leave out the fields it does not read.
"""

from __future__ import annotations

from typing import Any, cast

from alerts import selectors
from alerts.selectors import Access

# Who reads what; ``selectors.alert_access`` decides the level.
SUMMARY_FIELDS = (
    "id", "url", "page_url", "title", "type", "ecosystems", "value_chain_stage", "countries",
    "started_on", "expected_duration_days", "severity", "status", "group_size",
    "merged_into", "created_at", "confirmed_at", "resolved_at", "updated_at",
)  # fmt: skip
DETAIL_FIELDS = (
    "description", "materials", "regions", "companies_affected", "evidence",
    "evidence_links", "attachments", "proposed_solutions", "critical_companies_at_risk",
    "cluster", "solutions", "reporters",
)  # fmt: skip
# Escalation is an internal step of the Commission's: its flag, date and note are for staff.
STAFF_FIELDS = ("confidential_note", "escalated", "escalated_at", "escalation_note")
FIELDS_AT = {
    Access.SUMMARY: SUMMARY_FIELDS,
    Access.DETAILS: SUMMARY_FIELDS + DETAIL_FIELDS,
    Access.STAFF: SUMMARY_FIELDS + DETAIL_FIELDS + STAFF_FIELDS,
}
_ACCESS = "alert_access"  # serializer context key


def access_of(context: Any) -> Access:
    """How much of an alert this response may hold, decided once per response."""
    if _ACCESS not in context:
        request = context.get("request")
        user = getattr(request, "user", None)
        context[_ACCESS] = selectors.alert_access(user=user) if user is not None else Access.SUMMARY
    return cast("Access", context[_ACCESS])
