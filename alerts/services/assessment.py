"""The Commission's assessment: status changes, merging similar alerts, escalation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertStatus,
    AlertTransition,
    TransitionKind,
)
from alerts.transitions import NEEDS_TARGET, STAFF, TRANSITIONS
from portal.core.mail import queue_email

if TYPE_CHECKING:
    from portal.accounts.models import User

# A decision the reporter must be able to understand needs a reason.
NOTE_REQUIRED = frozenset({AlertStatus.DISMISSED, AlertStatus.MERGED})


class TransitionError(ValidationError):
    """A status change the assessment table does not allow."""


def _label(status: str) -> str:
    return str(AlertStatus(status).label) if status in AlertStatus.values else status


def _actors(by: User) -> set[str]:
    return {STAFF} if by.is_commission_staff else set()


def _tell_reporter(alert: Alert, from_status: str, note: str) -> None:
    queue_email(
        to=[alert.reported_by.email],
        subject=_("Your alert “%(title)s” is now %(status)s")
        % {"title": alert.title, "status": alert.get_status_display().lower()},
        template="alerts/email/alert_transition.txt",
        context={"alert": alert, "from_status": _label(from_status), "note": note},
    )


def _move(alert: Alert, to_status: str, by: User, note: str) -> Alert:
    """Check the table, change the status, record the step. The caller holds the row lock."""
    from_status = alert.status
    allowed = TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        raise TransitionError(
            {
                "to": [
                    _("An alert that is “%(from)s” cannot become “%(to)s”.")
                    % {"from": _label(from_status), "to": _label(to_status)}
                ]
            }
        )
    if not allowed & _actors(by):
        raise PermissionDenied(_("Only Commission staff assess alerts."))
    note = note.strip()
    if to_status in NOTE_REQUIRED and not note:
        raise ValidationError({"note": [_("Say why, for the reporter.")]})
    now = timezone.now()
    alert.status = to_status
    fields = ["status", "updated_at"]
    if to_status == AlertStatus.CONFIRMED:
        alert.confirmed_at = now
        fields.append("confirmed_at")
    if to_status == AlertStatus.RESOLVED:
        alert.resolved_at = now
        fields.append("resolved_at")
    if to_status == AlertStatus.MERGED:
        fields.append("merged_into")
    alert.save(update_fields=fields)
    AlertTransition.objects.create(
        alert=alert, from_status=from_status, to_status=to_status, by=by, note=note
    )
    _tell_reporter(alert, from_status, note)
    if to_status == AlertStatus.CONFIRMED:
        from alerts.tasks import notify_confirmed_alert

        alert_id = alert.pk
        # robust: a broker that is down must not fail a decision already committed; the
        # daily digest run picks up any confirmed alert whose notices were never made.
        transaction.on_commit(lambda: notify_confirmed_alert.delay(alert_id), robust=True)
    return alert


@transaction.atomic
def alert_transition(*, alert: Alert, to_status: str, by: User, note: str = "") -> Alert:
    """Staff move an alert along the assessment, if the table allows it. The reporter is
    e-mailed; a confirmed alert reaches its subscribers."""
    if to_status in NEEDS_TARGET:
        raise ValidationError({"merged_into": [_("Name the alert to merge this one into.")]})
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    return _move(alert, to_status, by, note)


@transaction.atomic
def alert_merge(*, alert: Alert, into: Alert, by: User, note: str = "") -> Alert:
    """Staff merge an alert under assessment into an open alert reporting the same
    disruption. The merged alert keeps its reporter, who now counts toward the group, and
    alerts merged into it earlier follow it."""
    if not by.is_commission_staff:
        raise PermissionDenied(_("Only Commission staff assess alerts."))
    # Lock both rows in a fixed order, so two merges in opposite directions cannot deadlock.
    locked = {
        a.pk: a
        for a in Alert.objects.select_for_update().filter(pk__in=[alert.pk, into.pk]).order_by("pk")
    }
    alert, into = locked[alert.pk], locked.get(into.pk, into)
    if alert.pk == into.pk:
        raise ValidationError({"merged_into": [_("An alert cannot be merged into itself.")]})
    if into.status not in OPEN_ALERT_STATUSES:
        raise ValidationError(
            {
                "merged_into": [
                    _("Alert #%(pk)s is “%(status)s”: merge only into an open alert.")
                    % {"pk": into.pk, "status": into.get_status_display()}
                ]
            }
        )
    alert.merged_into = into
    note = note.strip() or _("Merged into alert #%(pk)s") % {"pk": into.pk}
    _move(alert, AlertStatus.MERGED, by, note)
    Alert.objects.filter(merged_into=alert).update(merged_into=into, updated_at=timezone.now())
    Alert.objects.filter(pk=into.pk).update(updated_at=timezone.now())
    return alert


@transaction.atomic
def alert_escalate(*, alert: Alert, by: User, note: str) -> Alert:
    """Staff flag a confirmed alert for the attention of the Commission's senior management,
    with a note saying why. Recorded in the alert's history and in the weekly report."""
    if not by.is_commission_staff:
        raise PermissionDenied(_("Only Commission staff escalate alerts."))
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.CONFIRMED:
        raise TransitionError({"escalated": [_("Only a confirmed alert can be escalated.")]})
    if alert.escalated:
        raise TransitionError({"escalated": [_("This alert is already escalated.")]})
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Say why the alert is escalated.")]})
    alert.escalated = True
    alert.escalation_note = note
    alert.escalated_at = timezone.now()
    alert.escalated_by = by
    alert.save(
        update_fields=["escalated", "escalation_note", "escalated_at", "escalated_by", "updated_at"]
    )
    AlertTransition.objects.create(
        alert=alert,
        kind=TransitionKind.ESCALATION,
        from_status=alert.status,
        to_status=alert.status,
        by=by,
        note=note,
    )
    return alert
