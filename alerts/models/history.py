"""An alert's history: every status change and escalation, with who made it, when and why.

The rows are written only by ``alerts.services`` (the report itself, each assessment step and
each escalation), following the table in ``alerts.transitions``; the alert's page and the API
show them, and the weekly report counts them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alerts.models.alert import Alert, AlertStatus


class TransitionKind(models.TextChoices):
    STATUS = "status", _("Status change")
    ESCALATION = "escalation", _("Escalation")


class AlertTransition(models.Model):
    """One step of an alert's assessment: who, when, why. Escalations are recorded here too."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(
        _("kind"), max_length=12, choices=TransitionKind.choices, default=TransitionKind.STATUS
    )
    # Empty on the first row, which records the report itself.
    from_status = models.CharField(
        _("from"), max_length=20, choices=AlertStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=AlertStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alert transition")
        verbose_name_plural = _("alert transitions")
        indexes = [
            # The weekly report: transitions to a status within a week.
            models.Index(fields=["to_status", "created_at"], name="alert_transition_week_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.from_status} → {self.to_status}"
