"""Cluster profiles: the cluster, its co-managers and the free tags it is described by.

Who may see or change a cluster profile is decided once, in ``ClusterQuerySet.visible_to``
and ``editable_by``; every view and API uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusters.models.choices import ClusterLabel, ProfileStatus
from portal.core.models import Category, Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


class Tag(models.Model):
    """A free tag: a sector, a technology or a value chain, shared by all clusters."""

    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_unique_name_ci")]

    def __str__(self) -> str:
        return self.name


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


class ClusterQuerySet(models.QuerySet["Cluster"]):
    def published(self) -> ClusterQuerySet:
        return self.filter(status=ProfileStatus.PUBLISHED)

    def managed_by(self, user: User | AnonymousUser) -> ClusterQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Exists(ClusterManager.objects.filter(cluster=OuterRef("pk"), user=user)))

    def visible_to(self, user: User | AnonymousUser) -> ClusterQuerySet:
        """Published profiles for everyone; drafts for their managers and Commission staff."""
        if _is_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.published()
        return self.filter(
            Q(status=ProfileStatus.PUBLISHED)
            | Exists(ClusterManager.objects.filter(cluster=OuterRef("pk"), user=user))
        )

    def editable_by(self, user: User | AnonymousUser) -> ClusterQuerySet:
        if _is_staff(user):
            return self.all()
        return self.managed_by(user)


class Cluster(TimeStampedModel):
    """A cluster organisation's public profile."""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"))
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="clusters/logos/", blank=True)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("industrial ecosystems"), related_name="clusters"
    )
    sectors = models.ManyToManyField(
        Tag, verbose_name=_("sectors"), related_name="clusters_by_sector", blank=True
    )
    technologies = models.ManyToManyField(
        Tag, verbose_name=_("technologies"), related_name="clusters_by_technology", blank=True
    )
    value_chains = models.ManyToManyField(
        Tag, verbose_name=_("value chains"), related_name="clusters_by_value_chain", blank=True
    )
    members_total = models.PositiveIntegerField(_("members"), null=True, blank=True)
    members_sme = models.PositiveIntegerField(_("of which SMEs"), null=True, blank=True)
    members_large = models.PositiveIntegerField(
        _("of which large companies"), null=True, blank=True
    )
    members_research = models.PositiveIntegerField(
        _("of which research organisations"), null=True, blank=True
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    management_organisation = models.CharField(
        _("cluster management organisation"), max_length=200, blank=True
    )
    label = models.CharField(
        _("label"), max_length=10, choices=ClusterLabel.choices, default=ClusterLabel.NONE
    )
    label_date = models.DateField(_("label awarded on"), null=True, blank=True)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    response_categories = models.ManyToManyField(
        Category,
        verbose_name=_("solutions its members can supply"),
        related_name="clusters",
        blank=True,
    )
    response_text = models.TextField(_("crisis response capabilities"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ClusterManager",
        through_fields=("cluster", "user"),
        related_name="managed_clusters",
        verbose_name=_("managers"),
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="cluster_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="cluster_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="cluster_location_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(members_total__isnull=True)
                | Q(members_sme__isnull=True)
                | Q(members_sme__lte=models.F("members_total")),
                name="cluster_smes_not_above_members",
            ),
            models.CheckConstraint(
                condition=Q(label="none") | Q(label_date__isnull=False),
                name="cluster_label_has_date",
            ),
        ]
        indexes = [
            # The directory and the map filter published clusters by country.
            models.Index(fields=["status", "country"], name="cluster_status_country_idx"),
            # The map's ETag reads the latest change among published clusters.
            models.Index(fields=["status", "updated_at"], name="cluster_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Invariants across fields, checked before every save by the services."""
        errors: dict[str, Any] = {}
        breakdown = [self.members_sme, self.members_large, self.members_research]
        if self.members_total is not None:
            if self.members_sme is not None and self.members_sme > self.members_total:
                errors["members_sme"] = _("There cannot be more SMEs than members.")
            elif sum(n or 0 for n in breakdown) > self.members_total:
                errors["members_total"] = _(
                    "SMEs, large companies and research organisations add up to more than the members."
                )
        elif any(n is not None for n in breakdown):
            errors["members_total"] = _("Give the number of members too.")
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("Give both latitude and longitude, or neither.")
        if self.label != ClusterLabel.NONE and self.label_date is None:
            errors["label_date"] = _("Give the date the label was awarded.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ClusterManager(models.Model):
    """A cluster-manager account that co-manages a cluster profile."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="managerships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_managerships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cluster manager")
        verbose_name_plural = _("cluster managers")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "user"], name="cluster_manager_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.cluster}"
