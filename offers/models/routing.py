"""Routing accepted offers to the Commission: destinations, the rules that choose them, and
the outbox of deliveries (``offers.routing`` sends them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.core.models import Category

if TYPE_CHECKING:
    pass

from offers.models.offer import Offer


class Destination(models.Model):
    """A Commission service that takes in offers: its intake URL, signing secret, e-mail."""

    name = models.CharField(_("Commission service"), max_length=200, unique=True)
    intake_url = models.URLField(_("intake URL"), blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("Shared with the intake; signs each delivery."),
    )
    email = models.EmailField(_("fallback e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Offers matching every condition given go to the destination; lowest priority first."""

    priority = models.PositiveIntegerField(
        _("priority"), help_text=_("Rules are tried from the lowest number up.")
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("Matches this category and its sub-categories."),
    )  # fmt: skip
    ecosystem = models.ForeignKey(
        "core.Ecosystem", verbose_name=_("ecosystem"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("Matches offers channelled by a cluster in this ecosystem."),
    )  # fmt: skip
    country = CountryField(_("company country"), blank=True)
    destination = models.ForeignKey(Destination, on_delete=models.PROTECT, related_name="rules")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"#{self.priority} → {self.destination}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    DEAD = "dead", _("Dead")


class Delivery(models.Model):
    """The outbox row for one accepted offer: written in the accepting transaction, sent after.

    ``destination`` empty means the default destination from the settings."""

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="delivery")
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    destination_name = models.CharField(_("destination"), max_length=200)
    payload_version = models.PositiveSmallIntegerField(_("payload version"))
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_response_status = models.PositiveSmallIntegerField(
        _("last response status"), null=True, blank=True
    )
    last_response_body = models.TextField(_("last response"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The sweeper's query: due pending deliveries, and sending ones whose claim went stale.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.destination_name} ({self.status})"
