"""Project profiles: a project that clusters run together, and its partner clusters.

Who may see or change a project profile is decided once, in ``ProjectQuerySet.visible_to``
and ``editable_by``: the managers of its coordinating cluster, and Commission staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models.choices import PartnerRole, ProfileStatus
from clusters.models.cluster import Cluster, _is_staff
from portal.core.models import Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


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
