"""The EU Rapid Alert Function: disruptions reported by clusters and authorities, assessed by
the Commission.

Who may see what is decided once, in ``AlertQuerySet.visible_to`` (which alerts) and
``alerts.selectors.alert_access`` (how much of one: summary, details, confidential note).
Status changes happen only through ``alerts.services`` following ``alerts.transitions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusters.models import Cluster, ClusterManager
from portal.core.models import Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

# Evidence is a statement with its links and files, not a dossier: the cap keeps pages,
# e-mails and the weekly report readable.
MAX_EVIDENCE_CHARS = 10_000
MAX_EVIDENCE_LINKS = 10
MAX_ATTACHMENTS = 5
MAX_COMPANIES_AFFECTED = 10_000_000  # more than the EU's enterprises: a typing error
MAX_DURATION_DAYS = 3_650


class AlertType(models.TextChoices):
    SUPPLY_DISRUPTION = "supply_disruption", _("Supply disruption")
    RAW_MATERIAL_SHORTAGE = "raw_material_shortage", _("Raw material shortage")
    LABOUR_RESTRUCTURING = "labour_restructuring", _("Labour and restructuring")
    INFRASTRUCTURE_GAP = "infrastructure_gap", _("Infrastructure gap")
    TECHNOLOGY_NEED = "technology_need", _("Technology need")
    REGULATORY_BARRIER = "regulatory_barrier", _("Regulatory or homologation barrier")
    STANDARDISATION_GAP = "standardisation_gap", _("Standardisation gap")
    TAKEOVER_THREAT = "takeover_threat", _("Take-over threat")
    FUNDING_EXCLUSION = "funding_exclusion", _("Funding exclusion")
    OTHER = "other", _("Other")


class ValueChainStage(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw materials")
    COMPONENTS = "components", _("Components")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    DISTRIBUTION_LOGISTICS = "distribution_logistics", _("Distribution and logistics")
    SERVICES = "services", _("Services")
    END_MARKET = "end_market", _("End market")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


# Severity as a number, for sorting and the heatmap's "worst in the cell".
SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class AlertStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    MERGED = "merged", _("Merged into another alert")
    RESOLVED = "resolved", _("Resolved")


# Confirmed (and later resolved) alerts are public, as a summary.
PUBLIC_ALERT_STATUSES = (AlertStatus.CONFIRMED, AlertStatus.RESOLVED)
# Alerts still open: candidates for grouping, counted on the dashboard.
OPEN_ALERT_STATUSES = (AlertStatus.REPORTED, AlertStatus.UNDER_ASSESSMENT, AlertStatus.CONFIRMED)


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


class AlertQuerySet(models.QuerySet["Alert"]):
    def public(self) -> AlertQuerySet:
        return self.filter(status__in=PUBLIC_ALERT_STATUSES)

    def visible_to(self, user: User | AnonymousUser) -> AlertQuerySet:
        """Everything for staff; for others the confirmed and resolved alerts, plus the alerts
        they reported and those reported for a cluster they manage."""
        if _is_staff(user):
            return self.all()
        public = Q(status__in=PUBLIC_ALERT_STATUSES)
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(
            public
            | Q(reported_by=user)
            | Exists(ClusterManager.objects.filter(cluster=OuterRef("cluster"), user=user))
        )

    def editable_by(self, user: User | AnonymousUser) -> AlertQuerySet:
        """The reporter corrects their alert until staff start assessing it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(reported_by=user, status=AlertStatus.REPORTED)


class Alert(TimeStampedModel):
    """A disruption in a value chain or an industrial ecosystem, as a cluster or an
    authority reports it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    type = models.CharField(_("type"), max_length=30, choices=AlertType.choices)
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("industrial ecosystems"), related_name="alerts"
    )
    value_chain_stage = models.CharField(
        _("value-chain stage"), max_length=30, choices=ValueChainStage.choices
    )
    materials = models.JSONField(_("products or materials affected"), default=list, blank=True)
    countries = CountryField(_("countries affected"), multiple=True)
    regions = models.JSONField(_("regions affected"), default=list, blank=True)
    started_on = models.DateField(_("started on"))
    expected_duration_days = models.PositiveIntegerField(
        _("expected duration (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_DAYS)],
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    companies_affected = models.PositiveIntegerField(
        _("number of companies affected"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COMPANIES_AFFECTED)],
    )
    evidence = models.TextField(_("evidence"), blank=True, max_length=MAX_EVIDENCE_CHARS)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    proposed_solutions = models.TextField(_("proposed solutions"), blank=True)
    critical_companies_at_risk = models.BooleanField(
        _("critical companies at risk"),
        default=False,
        help_text=_("Companies with high-tech or critical know-how, production or technology."),
    )
    # Seen only by Commission staff (and never in a public page, feed or API response).
    confidential_note = models.TextField(_("confidential note on critical companies"), blank=True)

    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("reporting cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="alerts_reported",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.REPORTED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_alerts",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    escalation_note = models.TextField(_("escalation note"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rapid alert")
        verbose_name_plural = _("rapid alerts")
        indexes = [
            # The public list and the dashboard: alerts of a status, newest first.
            models.Index(fields=["status", "-created_at"], name="alert_status_created_idx"),
            # The weekly report: alerts confirmed / resolved / escalated in a week.
            models.Index(fields=["confirmed_at"], name="alert_confirmed_idx"),
            models.Index(fields=["resolved_at"], name="alert_resolved_idx"),
            models.Index(fields=["escalated_at"], name="alert_escalated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="alert_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(status=AlertStatus.MERGED) | Q(merged_into__isnull=True),
                name="alert_merged_into_only_when_merged",
            ),
            models.CheckConstraint(
                condition=Q(escalated=False) | Q(escalated_at__isnull=False),
                name="alert_escalated_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)  # type: ignore[call-overload]


def alert_attachment_path(instance: AlertAttachment, filename: str) -> str:
    return f"alerts/{instance.alert_id}/{filename}"


class AlertAttachment(TimeStampedModel):
    """A file of evidence, checked like every upload (content sniffed, size capped)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=alert_attachment_path)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alert attachment")
        verbose_name_plural = _("alert attachments")

    def __str__(self) -> str:
        return self.original_name
