"""Demand from public authorities, and its matches and interests with offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.accounts.roles import Role
from portal.core.models import Category, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

from offers.models.offer import Offer
from offers.models.statuses import OPEN_DEMAND_STATUSES, DemandStatus, Urgency, _is_staff


class DemandQuerySet(models.QuerySet["Demand"]):
    def open(self) -> DemandQuerySet:
        return self.filter(status__in=OPEN_DEMAND_STATUSES)

    def visible_to(self, user: User | AnonymousUser) -> DemandQuerySet:
        """Open demand is public; closed and met demand stays visible to its authority and staff."""
        if _is_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.open()
        return self.filter(
            Q(status__in=OPEN_DEMAND_STATUSES) | Q(authority=user) | Q(posted_by=user)
        )

    def editable_by(self, user: User | AnonymousUser) -> DemandQuerySet:
        if _is_staff(user):
            return self.all()
        if not user.is_authenticated or user.role != Role.AUTHORITY or not user.is_verified:
            return self.none()
        return self.filter(authority=user)


class Demand(TimeStampedModel):
    """What a public authority urgently needs."""

    authority = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("public authority"),
        on_delete=models.PROTECT,
        related_name="demands",
        help_text=_("The authority's account the demand belongs to."),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="demands"
    )
    quantity = models.DecimalField(
        _("quantity needed"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40)
    needed_by = models.DateField(_("needed by"))
    country = CountryField(_("delivery country"))
    region = models.CharField(_("delivery region"), max_length=120, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.URGENT
    )
    certifications = models.JSONField(_("certifications required"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    # Set in the same update that closes the demand (``demands_expire``): it tells a demand
    # the portal closed because its date passed from one its authority closed.
    expired_at = models.DateTimeField(
        _("closed as its date passed"),
        null=True,
        blank=True,
        help_text=_(
            "When the portal closed the demand because the date it was needed by had passed."
        ),
    )
    # Matches owed to this demand: see ``Offer.matching_due_at``.
    matching_due_at = models.DateTimeField(
        _("matches to recompute since"), null=True, blank=True, editable=False
    )

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["needed_by", "-pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="demand_quantity_positive"),
            models.CheckConstraint(
                condition=Q(expired_at__isnull=True) | Q(status=DemandStatus.CLOSED),
                name="demand_expired_only_when_closed",
            ),
        ]
        indexes = [
            # The public "Demand" list shows open demand by date needed; the expiry task
            # finds open demand past its date with the same index.
            models.Index(fields=["status", "needed_by"], name="demand_status_needed_idx"),
            models.Index(
                fields=["matching_due_at"],
                condition=models.Q(matching_due_at__isnull=False),
                name="demand_matching_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offers:demand_detail", kwargs={"pk": self.pk})

    @property
    def closed_by_date(self) -> bool:
        """Closed by the portal because the date it was needed by passed."""
        return self.expired_at is not None


class Match(models.Model):
    """A candidate offer for a demand, with its score (0-100) and the parts that make it."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches")
    score = models.PositiveSmallIntegerField(_("score"))
    # [{"part": "category", "points": 30, "max": 30, "reason": "..."}, ...]
    parts = models.JSONField(_("score parts"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        ordering = ["-score", "offer_id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["demand", "offer"], name="match_unique_pair"),
            models.CheckConstraint(condition=Q(score__lte=100), name="match_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} for {self.demand}: {self.score}"


class Interest(models.Model):
    """An authority's interest in an offer for one of its demands: it opens the contact details."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="interests")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="interests")
    expressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expressed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-expressed_at"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["demand", "offer"], name="interest_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"Interest in {self.offer_id} for {self.demand_id}"
