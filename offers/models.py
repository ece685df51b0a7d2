"""Offers from companies, demand from public authorities, and the matches between them.

Who may see what is decided once, in the querysets' ``visible_to``; status changes happen
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
from portal.accounts.roles import Role
from portal.core.models import Category, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    ROUTED = "routed", _("Routed to the Commission")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


# Shown in the public catalogue "Solutions".
PUBLIC_OFFER_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.ROUTED)
# Candidates for matching against demand. Routed offers stay candidates: routing follows
# acceptance within seconds, and the offer is still on the table for the authorities.
MATCHABLE_OFFER_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.UNDER_REVIEW, OfferStatus.ROUTED)


class CompanySize(models.TextChoices):
    SME = "sme", _("SME")
    LARGE = "large", _("Large company")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTIALLY_MET = "partially_met", _("Partially met")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


OPEN_DEMAND_STATUSES = (DemandStatus.OPEN, DemandStatus.PARTIALLY_MET)


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


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


# --- Routing accepted offers to the Commission -----------------------------------------


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
