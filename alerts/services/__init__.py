"""What people do with rapid alerts. Views, API views, admin actions and tasks all call these
functions; each checks permission, validates, writes, records and queues side effects."""

from alerts.services.alerts import (
    alert_attachment_add,
    alert_report,
    alert_update,
    can_report_alert,
)
from alerts.services.assessment import (
    TransitionError,
    alert_escalate,
    alert_merge,
    alert_transition,
)
from alerts.services.notices import (
    alert_notify_subscribers,
    alert_send_digests,
    subscription_save,
)
from alerts.services.reports import weekly_report_compile
from alerts.services.solutions import (
    alert_link_cluster,
    alert_link_offer,
    alert_unlink,
    can_link_solutions,
)

__all__ = [
    "TransitionError",
    "alert_attachment_add",
    "alert_escalate",
    "alert_link_cluster",
    "alert_link_offer",
    "alert_merge",
    "alert_notify_subscribers",
    "alert_report",
    "alert_send_digests",
    "alert_transition",
    "alert_unlink",
    "alert_update",
    "can_link_solutions",
    "can_report_alert",
    "subscription_save",
    "weekly_report_compile",
]
