"""The EU Rapid Alert Function's data: alerts, their history and links, who hears of them, and
the weekly report.

- ``alert``: the alert, its choices and limits, who may see and edit it, and its attachments;
- ``history``: each status change and escalation of an alert;
- ``links``: the offers and clusters that could address an alert;
- ``subscriptions``: subscriptions to confirmed alerts and the notices sent for them;
- ``reports``: the weekly report to the Commission.
"""

from alerts.models.alert import (
    MAX_ATTACHMENTS,
    MAX_COMPANIES_AFFECTED,
    MAX_DURATION_DAYS,
    MAX_EVIDENCE_CHARS,
    MAX_EVIDENCE_LINKS,
    OPEN_ALERT_STATUSES,
    PUBLIC_ALERT_STATUSES,
    SEVERITY_RANK,
    Alert,
    AlertAttachment,
    AlertQuerySet,
    AlertStatus,
    AlertType,
    Severity,
    ValueChainStage,
    alert_attachment_path,
)
from alerts.models.history import AlertTransition, TransitionKind
from alerts.models.links import AlertClusterLink, AlertOfferLink
from alerts.models.reports import WeeklyReport
from alerts.models.subscriptions import AlertNotice, Frequency, Subscription

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_COMPANIES_AFFECTED",
    "MAX_DURATION_DAYS",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_LINKS",
    "OPEN_ALERT_STATUSES",
    "PUBLIC_ALERT_STATUSES",
    "SEVERITY_RANK",
    "Alert",
    "AlertAttachment",
    "AlertClusterLink",
    "AlertNotice",
    "AlertOfferLink",
    "AlertQuerySet",
    "AlertStatus",
    "AlertTransition",
    "AlertType",
    "Frequency",
    "Severity",
    "Subscription",
    "TransitionKind",
    "ValueChainStage",
    "WeeklyReport",
    "alert_attachment_path",
]
