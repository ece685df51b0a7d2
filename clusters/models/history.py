"""The history of a profile: one ``ProfileChange`` row per change to a cluster or project.

The services record who changed what and when; the history pages read it back. A row
belongs to exactly one subject, a cluster or a project (a check constraint holds it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models.cluster import Cluster
from clusters.models.project import Project


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
