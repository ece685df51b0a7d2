"""Cluster and project profiles, kept by cluster managers in the browser.

Who may see or change a profile is decided once, in the querysets' ``visible_to`` and
``editable_by``; every view and API uses them.
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

from portal.core.models import Category, Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ClusterLabel(models.TextChoices):
    NONE = "none", _("No label")
    BRONZE = "bronze", _("ESCA Bronze")
    SILVER = "silver", _("ESCA Silver")
    GOLD = "gold", _("ESCA Gold")


class PartnerRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


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


class ProjectQuerySet(models.QuerySet["Project"]):
    def published(self) -> ProjectQuerySet:
        return self.filter(status=ProfileStatus.PUBLISHED)

    def _coordinated_by_manager(self, user: User) -> Exists:
        return Exists(
            ProjectPartner.objects.filter(
                project=OuterRef("pk"),
                role=PartnerRole.COORDINATOR,
                cluster__managerships__user=user,
            )
        )

    def visible_to(self, user: User | AnonymousUser) -> ProjectQuerySet:
        if _is_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.published()
        return self.filter(Q(status=ProfileStatus.PUBLISHED) | self._coordinated_by_manager(user))

    def editable_by(self, user: User | AnonymousUser) -> ProjectQuerySet:
        """A project is edited by the managers of its coordinating cluster (and staff)."""
        if _is_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._coordinated_by_manager(user))


class Project(TimeStampedModel):
    """A project that clusters run together."""

    title = models.CharField(_("title"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"))
    programme = models.ForeignKey(
        "funding.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    # A programme the portal does not list (Horizon Europe, Interreg…), as its name.
    programme_other = models.CharField(_("other programme"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("industrial ecosystems"), related_name="projects", blank=True
    )
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    clusters = models.ManyToManyField(
        Cluster, through="ProjectPartner", related_name="projects", verbose_name=_("partners")
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.acronym})" if self.acronym else self.title

    def get_absolute_url(self) -> str:
        return reverse("clusters:project_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.programme_id and self.programme_other.strip():
            raise ValidationError(
                {
                    "programme_other": _(
                        "Choose a programme from the list or name another one, not both."
                    )
                }
            )

    @property
    def programme_name(self) -> str:
        """The programme as pages show it: a listed programme's name, or the other one's."""
        return self.programme.name if self.programme_id else self.programme_other  # type: ignore[union-attr]


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partnerships")
    # Deleting a cluster that coordinates a project is refused by the service (cluster_delete).
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="partnerships")
    role = models.CharField(_("role"), max_length=12, choices=PartnerRole.choices)

    class Meta:
        ordering = ["role", "cluster__name"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(fields=["project", "cluster"], name="project_partner_unique"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role="coordinator"),
                name="project_one_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} ({self.get_role_display()}) in {self.project}"


class ProfileChange(models.Model):
    """One change to a cluster or project profile: who, when, what changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        MANAGER_ADDED = "manager_added", _("manager added")
        MANAGER_REMOVED = "manager_removed", _("manager removed")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # {field: [before, after]}, values as shown to people (slugs and names for relations).
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster__isnull=False, project__isnull=True)
                | Q(cluster__isnull=True, project__isnull=False),
                name="profile_change_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.author} at {self.at:%Y-%m-%d %H:%M}"
