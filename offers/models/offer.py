"""Offers from companies: the offer, its attachments and its history.

Who may see what is decided once, in the queryset's ``visible_to``; status changes happen
only through ``offers.services`` following the table in ``offers.transitions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusters.models import Cluster, ClusterManager
from portal.core.models import Category, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

from offers.models.statuses import (
    PUBLIC_OFFER_STATUSES,
    CompanySize,
    OfferStatus,
    _is_staff,
)


class OfferQuerySet(models.QuerySet["Offer"]):
    def public(self) -> OfferQuerySet:
        return self.filter(status__in=PUBLIC_OFFER_STATUSES)

    def visible_to(self, user: User | AnonymousUser) -> OfferQuerySet:
        """Everything for staff; for others their own offers, the offers channelled through a
        cluster they manage, the offers matched to their demands, and the public catalogue."""
        if _is_staff(user):
            return self.all()
        public = Q(status__in=PUBLIC_OFFER_STATUSES)
        if not user.is_authenticated:
            return self.filter(public)
        from offers.models.demand import Interest, Match

        return self.filter(
            public
            | Q(submitted_by=user)
            | Exists(ClusterManager.objects.filter(cluster=OuterRef("cluster"), user=user))
            | Exists(Match.objects.filter(offer=OuterRef("pk"), demand__authority=user))
            # An authority keeps the offers it showed interest in, after matching moves on.
            | Exists(Interest.objects.filter(offer=OuterRef("pk"), demand__authority=user))
        )

    def editable_by(self, user: User | AnonymousUser) -> OfferQuerySet:
        """The poster edits their offer while it is a draft or needs information."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            submitted_by=user,
            status__in=[OfferStatus.DRAFT, OfferStatus.NEEDS_INFORMATION],
        )


class Offer(TimeStampedModel):
    """A company's solution, posted by its representative or channelled by its cluster."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    company_name = models.CharField(_("company name"), max_length=200)
    company_country = CountryField(_("company country"))
    registration_number = models.CharField(
        _("registration or VAT number"), max_length=40, blank=True
    )
    company_size = models.CharField(_("company size"), max_length=5, choices=CompanySize.choices)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("channelling cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("solution category"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    product_details = models.TextField(_("product details"), blank=True)
    quantity = models.DecimalField(
        _("quantity available"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40)
    capacity_per_week = models.DecimalField(
        _("production capacity per week"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    delivery_countries = CountryField(_("delivery countries"), multiple=True, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    price_indication = models.CharField(_("price indication"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    first_decision_at = models.DateTimeField(_("first decision"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_offers",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )

    # Set when the offer is submitted (offers.duplicates): same company, likely the same offer.
    possible_duplicates = models.ManyToManyField(
        "self", verbose_name=_("possible duplicates"), symmetrical=True, blank=True
    )
    # Background work owed to this offer, written with the change that calls for it and
    # cleared by the task that does it; the catch-up sweep (``offers.services.catch_up``)
    # queues what a broker outage lost.
    matching_due_at = models.DateTimeField(
        _("matches to recompute since"), null=True, blank=True, editable=False
    )
    duplicates_due_at = models.DateTimeField(
        _("duplicates to look for since"), null=True, blank=True, editable=False
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="offer_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk")), name="offer_not_duplicate_of_itself"
            ),
        ]
        indexes = [
            # The triage queue filters by status and sorts by submission time.
            models.Index(fields=["status", "submitted_at"], name="offer_status_submitted_idx"),
            # The expiry task finds open offers past their date.
            models.Index(fields=["valid_until", "status"], name="offer_valid_until_idx"),
            # Duplicate detection looks up the registration number.
            models.Index(fields=["registration_number"], name="offer_registration_idx"),
            # The public catalogue's default order, and the home page's newest solutions: the
            # first page is read down this index instead of sorting every public offer.
            models.Index(
                fields=["-submitted_at", "-created_at", "-id"],
                condition=Q(status__in=PUBLIC_OFFER_STATUSES),
                name="offer_public_newest_idx",
            ),
            # The catch-up sweep finds the few offers still owed background work.
            models.Index(
                fields=["matching_due_at"],
                condition=Q(matching_due_at__isnull=False),
                name="offer_matching_due_idx",
            ),
            models.Index(
                fields=["duplicates_due_at"],
                condition=Q(duplicates_due_at__isnull=False),
                name="offer_duplicates_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.company_name}"

    def get_absolute_url(self) -> str:
        return reverse("offers:detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_OFFER_STATUSES


class OfferAttachment(models.Model):
    """A datasheet (PDF or image), checked by content when uploaded."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="offers/attachments/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class OfferTransition(models.Model):
    """One step of an offer's life: who moved it, from what, to what, when and why."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=OfferStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=OfferStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the portal itself made the change (e.g. expiry)."),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("offer transition")
        verbose_name_plural = _("offer transitions")

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.from_status} → {self.to_status}"
