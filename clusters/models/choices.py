"""The choices profiles share: a profile's status, a cluster's ESCA label, a partner's role.

Kept apart from the models so the cluster and project modules (and forms, filters and
demo data through ``clusters.models``) read them from one place without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
