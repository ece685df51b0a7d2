"""What could address an alert: the offers and the clusters staff or a cluster manager link
to it, each link once, with who added it and an optional note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alerts.models.alert import Alert
from clusters.models import Cluster
from offers.models import Offer


class AlertOfferLink(models.Model):
    """An offer that could address an alert, linked by staff or a cluster manager."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="offer_links")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="alert_links")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("offer linked to an alert")
        verbose_name_plural = _("offers linked to alerts")
        constraints = [
            models.UniqueConstraint(fields=["alert", "offer"], name="alert_offer_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} ← offer {self.offer_id}"


class AlertClusterLink(models.Model):
    """A cluster that could address an alert, linked by staff or a cluster manager."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="cluster_links")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="alert_links")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("cluster linked to an alert")
        verbose_name_plural = _("clusters linked to alerts")
        constraints = [
            models.UniqueConstraint(fields=["alert", "cluster"], name="alert_cluster_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} ← cluster {self.cluster_id}"
