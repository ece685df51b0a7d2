"""Cluster and project profiles, kept by cluster managers in the browser.

Who may see or change a profile is decided once, in the querysets' ``visible_to`` and
``editable_by``; every view and API uses them.

The models live in modules by what they hold (``choices``, ``cluster``, ``project``,
``history``); every name is re-exported here, so ``from clusters.models import …`` works
as it always has.
"""

from clusters.models.choices import ClusterLabel, PartnerRole, ProfileStatus
from clusters.models.cluster import Cluster, ClusterManager, ClusterQuerySet, Tag
from clusters.models.history import ProfileChange
from clusters.models.project import Project, ProjectPartner, ProjectQuerySet

__all__ = [
    "Cluster",
    "ClusterLabel",
    "ClusterManager",
    "ClusterQuerySet",
    "PartnerRole",
    "ProfileChange",
    "ProfileStatus",
    "Project",
    "ProjectPartner",
    "ProjectQuerySet",
    "Tag",
]
