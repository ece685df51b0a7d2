"""Who hears of confirmed alerts: a user's subscription (which alerts, how often) and the
notices that record each alert a subscriber was told of, so an e-mail goes once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from alerts.models.alert import Alert
from portal.core.models import Ecosystem, TimeStampedModel


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per alert")
    DAILY = "daily", _("A daily digest")


class Subscription(TimeStampedModel):
    """What confirmed alerts a user wants to hear about. An empty criterion means "any";
    every criterion that is set must match."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription"
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("industrial ecosystems"), blank=True, related_name="+"
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    types = models.JSONField(_("alert types"), default=list, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")

    def __str__(self) -> str:
        return f"{self.user} ({self.frequency})"


class AlertNotice(models.Model):
    """That a subscriber was told of a confirmed alert: at most one row per user and alert,
    claimed before the e-mail goes, so a task that runs twice sends once."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_notices"
    )
    frequency = models.CharField(_("sent as"), max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert notice")
        verbose_name_plural = _("alert notices")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_notice_once"),
        ]
        indexes = [
            # The digest: a subscriber's notices not sent yet.
            models.Index(fields=["user", "sent_at"], name="alert_notice_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← alert {self.alert_id}"
