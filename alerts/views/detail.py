"""An alert's page and its evidence downloads. An alert the user may not see is a 404, and how
much of one they see (summary, details, the confidential note) is
``alerts.selectors.alert_access``'s answer; evidence files are for logged-in users only.
Commission staff also get the assessment's panel: the steps the assessment table allows now,
the similar alerts to merge with and escalation, whose forms post to ``alerts.views.staff``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from alerts import services
from alerts.forms import EscalateForm, MergeForm, TransitionForm
from alerts.models import (
    OPEN_ALERT_STATUSES,
    PUBLIC_ALERT_STATUSES,
    Alert,
    AlertAttachment,
    AlertStatus,
    TransitionKind,
)
from alerts.selectors import Access, alert_access, alert_get, alert_reporters, similar_alerts
from alerts.transitions import NEEDS_TARGET, STAFF, allowed_targets
from portal.core.downloads import stored_file_download

# The label of each assessment step's button, from the status it leads to.
TRANSITION_BUTTONS: dict[str, Any] = {
    AlertStatus.UNDER_ASSESSMENT: gettext_lazy("Take under assessment"),
    AlertStatus.CONFIRMED: gettext_lazy("Confirm"),
    AlertStatus.DISMISSED: gettext_lazy("Dismiss"),
    AlertStatus.RESOLVED: gettext_lazy("Mark as resolved"),
}


def staff_actions(alert: Alert) -> dict[str, Any]:
    """What staff may do to the alert now, from the assessment table."""
    targets = [to for to in allowed_targets(alert.status, {STAFF}) if to not in NEEDS_TARGET]
    similar = similar_alerts(alert=alert) if alert.status in OPEN_ALERT_STATUSES else []
    can_merge = AlertStatus.MERGED in allowed_targets(alert.status, {STAFF})
    transition_form = TransitionForm()
    if AlertStatus.DISMISSED not in targets:
        transition_form.fields["note"].help_text = _(
            "Kept in the alert’s history and e-mailed to the reporter."
        )
    return {
        "transition_buttons": [
            (to, TRANSITION_BUTTONS.get(to, AlertStatus(to).label)) for to in targets
        ],
        "transition_form": transition_form,
        "similar": similar,
        "can_merge": can_merge,
        "merge_form": MergeForm(candidates=similar) if can_merge else None,
        "can_escalate": alert.status == AlertStatus.CONFIRMED and not alert.escalated,
        "escalate_form": EscalateForm(),
        "merged_alerts": list(alert.merged_alerts.all()),
    }


class AlertDetailView(TemplateView):
    template_name = "alerts/alert_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        alert = alert_get(pk=self.kwargs["pk"], user=user)
        access = alert_access(user=user)
        is_staff = access >= Access.STAFF
        # As the lists' ``group_size``: the alert and the reports merged into it.
        alert.group_size = len(alert.merged_alerts.all()) + 1  # type: ignore[attr-defined]
        context.update(
            alert=alert,
            access=access,
            show_details=access >= Access.DETAILS,
            is_staff=is_staff,
            is_reporter=bool(user.is_authenticated and alert.reported_by_id == user.pk),
            is_public=alert.status in PUBLIC_ALERT_STATUSES,
            is_open=alert.status in OPEN_ALERT_STATUSES,
            ecosystems=list(alert.ecosystems.all()),
        )
        if access >= Access.DETAILS:
            transitions = list(alert.transitions.all())
            if not is_staff:
                # Escalation is for the Commission's senior management: staff only.
                transitions = [t for t in transitions if t.kind != TransitionKind.ESCALATION]
            context.update(
                reporters=alert_reporters(alert=alert),
                attachments=list(alert.attachments.all()),
                transitions=transitions,
                offer_links=[
                    link for link in alert.offer_links.all() if is_staff or link.offer.is_public
                ],
                cluster_links=[
                    link
                    for link in alert.cluster_links.all()
                    if is_staff or link.cluster.status == "published"
                ],
                can_edit=Alert.objects.editable_by(user).filter(pk=alert.pk).exists(),
                can_link=services.can_link_solutions(user) and alert.status in OPEN_ALERT_STATUSES,
                merged_into_visible=alert.merged_into is not None
                and (is_staff or alert.merged_into.status in PUBLIC_ALERT_STATUSES),
            )
        if is_staff:
            context.update(staff_actions(alert))
        return context


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An evidence file, for logged-in users who may see the alert.

    Always a download, never shown inline: a PDF is served as the reporter sent it."""
    alert = alert_get(pk=pk, user=request.user)
    attachment: AlertAttachment | None = next(
        (a for a in alert.attachments.all() if a.pk == attachment_pk), None
    )
    if attachment is None:
        raise Http404
    return stored_file_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


alert_detail = AlertDetailView.as_view()
