"""What cluster managers and Commission staff do with profiles. Every view, API view and
command calls these; each checks permission, validates, writes and records the history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import (
    Cluster,
    ClusterManager,
    PartnerRole,
    ProfileChange,
    Project,
    ProjectPartner,
    Tag,
)
from portal.accounts.roles import Role
from portal.core.mail import queue_email

if TYPE_CHECKING:
    from portal.accounts.models import User

CLUSTER_TAG_FIELDS = ("sectors", "technologies", "value_chains")
CLUSTER_RELATION_FIELDS = ("ecosystems", "response_categories", *CLUSTER_TAG_FIELDS)
CLUSTER_FIELDS = (
    "name", "acronym", "description", "website", "country", "region", "city", "latitude",
    "longitude", "members_total", "members_sme", "members_large", "members_research",
    "year_founded", "management_organisation", "label", "label_date", "contact_email",
    "response_text", "status",
)  # fmt: skip
PROJECT_FIELDS = (
    "title", "acronym", "description", "programme", "programme_other", "start_date",
    "end_date", "budget", "website", "status",
)  # fmt: skip


# --- permissions ------------------------------------------------------------------------


def can_create_cluster(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.role == Role.CLUSTER_MANAGER or user.is_commission_staff)
    )


def can_edit_cluster(user: User, cluster: Cluster) -> bool:
    return Cluster.objects.editable_by(user).filter(pk=cluster.pk).exists()


def can_edit_project(user: User, project: Project) -> bool:
    return Project.objects.editable_by(user).filter(pk=project.pk).exists()


# --- history ----------------------------------------------------------------------------


def _display(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _snapshot(
    instance: Cluster | Project, fields: Sequence[str], relations: Sequence[str]
) -> dict[str, Any]:
    values: dict[str, Any] = {field: _display(getattr(instance, field)) for field in fields}
    for relation in relations:
        values[relation] = sorted(str(item) for item in getattr(instance, relation).all())
    if isinstance(instance, Cluster):
        values["logo"] = instance.logo.name or None
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _partners_snapshot(project: Project) -> list[str]:
    return sorted(
        f"{p.cluster.name} ({p.role})"
        for p in ProjectPartner.objects.filter(project=project).select_related("cluster")
    )


# --- clusters ---------------------------------------------------------------------------


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(raw.split())[:60]
        if not name:
            continue
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        if tag not in tags:
            tags.append(tag)
    return tags


def _coordinate(field: str, value: Any) -> Decimal | None:
    """Coordinates are kept to 5 decimals (about a metre): finer input is rounded, not refused."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Give a number.")]}) from None


def _apply_cluster(cluster: Cluster, data: dict[str, Any]) -> None:
    for field in CLUSTER_FIELDS:
        if field in data:
            value = data[field]
            if field in ("latitude", "longitude"):
                value = _coordinate(field, value)
            setattr(cluster, field, value)
    cluster.full_clean(exclude=["logo"])
    # The logo is written to storage only once the rest is valid, so a refused form leaves
    # no file behind; a replaced or removed logo's file goes once the change is committed.
    old_logo = cluster.logo.name
    if data.get("logo") is not None:
        logo: ContentFile = data["logo"]
        cluster.logo.save(logo.name or "logo.png", logo, save=False)
    elif data.get("logo_clear"):
        cluster.logo = None
    if old_logo and cluster.logo.name != old_logo:
        storage = cluster.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))


def _set_cluster_relations(cluster: Cluster, data: dict[str, Any]) -> None:
    if "ecosystems" in data:
        cluster.ecosystems.set(data["ecosystems"])
    if "response_categories" in data:
        cluster.response_categories.set(data["response_categories"])
    for field in CLUSTER_TAG_FIELDS:
        if field in data:
            getattr(cluster, field).set(_tags(data[field]))


@transaction.atomic
def cluster_create(*, by: User, data: dict[str, Any]) -> Cluster:
    """A cluster manager creates a cluster profile and becomes its first manager.

    ``data`` holds model fields, ``ecosystems`` and ``response_categories`` (objects), the
    tag lists (names) and an optional ``logo`` already cleaned by ``clean_image_upload``.
    Raises ``ValidationError`` (field messages) or ``PermissionDenied``.
    """
    if not can_create_cluster(by):
        raise PermissionDenied(_("Only cluster managers can create cluster profiles."))
    if not data.get("ecosystems"):
        raise ValidationError({"ecosystems": [_("Choose at least one industrial ecosystem.")]})
    cluster = Cluster()
    _apply_cluster(cluster, data)
    cluster.save()
    _set_cluster_relations(cluster, data)
    if by.role == Role.CLUSTER_MANAGER:
        ClusterManager.objects.create(cluster=cluster, user=by, added_by=by)
    ProfileChange.objects.create(
        cluster=cluster,
        author=by,
        action=ProfileChange.Action.CREATED,
        changes=_diff({}, _snapshot(cluster, CLUSTER_FIELDS, CLUSTER_RELATION_FIELDS)),
    )
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, by: User, data: dict[str, Any]) -> Cluster:
    """A manager (or Commission staff) changes a cluster profile; the change is recorded."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if not can_edit_cluster(by, cluster):
        raise PermissionDenied(_("You do not manage this cluster."))
    if "ecosystems" in data and not data["ecosystems"]:
        raise ValidationError({"ecosystems": [_("Choose at least one industrial ecosystem.")]})
    before = _snapshot(cluster, CLUSTER_FIELDS, CLUSTER_RELATION_FIELDS)
    _apply_cluster(cluster, data)
    cluster.save()
    _set_cluster_relations(cluster, data)
    changes = _diff(before, _snapshot(cluster, CLUSTER_FIELDS, CLUSTER_RELATION_FIELDS))
    if changes:
        ProfileChange.objects.create(
            cluster=cluster, author=by, action=ProfileChange.Action.UPDATED, changes=changes
        )
    return cluster


@transaction.atomic
def cluster_delete(*, cluster: Cluster, by: User) -> None:
    """Delete a cluster profile. Refused while it coordinates a project."""
    if not can_edit_cluster(by, cluster):
        raise PermissionDenied(_("You do not manage this cluster."))
    coordinated = Project.objects.filter(
        partnerships__cluster=cluster, partnerships__role=PartnerRole.COORDINATOR
    )
    if coordinated.exists():
        raise ValidationError(
            _(
                "This cluster coordinates %(titles)s: hand the coordination over or delete the project first."
            )
            % {"titles": ", ".join(p.title for p in coordinated[:5])}
        )
    if cluster.logo:
        cluster.logo.delete(save=False)
    cluster.delete()


@transaction.atomic
def cluster_add_manager(*, cluster: Cluster, email: str, by: User) -> ClusterManager:
    """A manager invites a colleague (an existing cluster-manager account) to co-manage.

    The colleague can edit the profile at once and is told by e-mail.
    """
    from portal.accounts.models import User as UserModel

    if not can_edit_cluster(by, cluster):
        raise PermissionDenied(_("You do not manage this cluster."))
    colleague = UserModel.objects.filter(
        email__iexact=email.strip(), role=Role.CLUSTER_MANAGER, is_active=True
    ).first()
    if colleague is None:
        raise ValidationError(
            {
                "email": [
                    _(
                        "No cluster-manager account uses this e-mail address. Ask your colleague to register as a cluster manager first."
                    )
                ]
            }
        )
    if ClusterManager.objects.filter(cluster=cluster, user=colleague).exists():
        raise ValidationError(
            {"email": [_("%(email)s already manages this cluster.") % {"email": colleague.email}]}
        )
    managership = ClusterManager.objects.create(cluster=cluster, user=colleague, added_by=by)
    ProfileChange.objects.create(
        cluster=cluster,
        author=by,
        action=ProfileChange.Action.MANAGER_ADDED,
        changes={"managers": [None, colleague.email]},
    )
    queue_email(
        to=[colleague.email],
        subject=_("You now co-manage %(cluster)s on the Clusters Response Portal")
        % {"cluster": cluster.name},
        template="clusters/email/manager_added.txt",
        context={"cluster": cluster, "colleague": colleague, "by": by},
    )
    return managership


@transaction.atomic
def cluster_remove_manager(*, cluster: Cluster, user: User, by: User) -> None:
    """A manager removes a co-manager (or themselves); a cluster keeps at least one."""
    if not can_edit_cluster(by, cluster):
        raise PermissionDenied(_("You do not manage this cluster."))
    managerships = ClusterManager.objects.select_for_update().filter(cluster=cluster)
    if not managerships.filter(user=user).exists():
        raise ValidationError(_("This person does not manage the cluster."))
    if managerships.count() == 1:
        raise ValidationError(_("A cluster keeps at least one manager."))
    managerships.filter(user=user).delete()
    ProfileChange.objects.create(
        cluster=cluster,
        author=by,
        action=ProfileChange.Action.MANAGER_REMOVED,
        changes={"managers": [user.email, None]},
    )


# --- projects ---------------------------------------------------------------------------


def _check_partners(partners: Sequence[tuple[Cluster, str]], by: User) -> None:
    if not partners:
        raise ValidationError({"partners": [_("Name the coordinating cluster.")]})
    coordinators = [cluster for cluster, role in partners if role == PartnerRole.COORDINATOR]
    if len(coordinators) != 1:
        raise ValidationError({"partners": [_("A project has exactly one coordinating cluster.")]})
    ids = [cluster.pk for cluster, _role in partners]
    if len(ids) != len(set(ids)):
        raise ValidationError({"partners": [_("A cluster is listed twice.")]})
    if any(role not in PartnerRole.values for _cluster, role in partners):
        raise ValidationError({"partners": [_("A partner's role is coordinator or partner.")]})
    if (
        not by.is_commission_staff
        and not Cluster.objects.managed_by(by).filter(pk=coordinators[0].pk).exists()
    ):
        raise ValidationError({"partners": [_("The coordinating cluster must be one you manage.")]})
    visible = set(Cluster.objects.visible_to(by).filter(pk__in=ids).values_list("pk", flat=True))
    if visible != set(ids):
        raise ValidationError({"partners": [_("A partner cluster does not exist.")]})


def _apply_project(project: Project, data: dict[str, Any]) -> None:
    previous_programme_id = project.programme_id
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    # Naming one kind of programme replaces the other (a PATCH may send just one).
    if data.get("programme") is not None and "programme_other" not in data:
        project.programme_other = ""
    if (data.get("programme_other") or "").strip() and "programme" not in data:
        project.programme = None
    if project.programme_other is None:
        project.programme_other = ""
    project.programme_other = " ".join(project.programme_other.split())
    # A project keeps a programme deactivated since, but none is newly chosen.
    if (
        project.programme_id is not None
        and project.programme_id != previous_programme_id
        and not project.programme.active  # type: ignore[union-attr]
    ):
        raise ValidationError({"programme": [_("This programme is no longer active.")]})
    project.full_clean()


def _set_partners(project: Project, partners: Sequence[tuple[Cluster, str]]) -> None:
    ProjectPartner.objects.filter(project=project).delete()
    ProjectPartner.objects.bulk_create(
        ProjectPartner(project=project, cluster=cluster, role=role) for cluster, role in partners
    )


@transaction.atomic
def project_create(
    *, by: User, data: dict[str, Any], partners: Sequence[tuple[Cluster, str]]
) -> Project:
    """A cluster manager records a project that their cluster coordinates."""
    if not can_create_cluster(by):
        raise PermissionDenied(_("Only cluster managers can create project profiles."))
    _check_partners(partners, by)
    project = Project()
    _apply_project(project, data)
    project.save()
    if "ecosystems" in data:
        project.ecosystems.set(data["ecosystems"])
    _set_partners(project, partners)
    after = _snapshot(project, PROJECT_FIELDS, ("ecosystems",)) | {
        "partners": _partners_snapshot(project)
    }
    ProfileChange.objects.create(
        project=project, author=by, action=ProfileChange.Action.CREATED, changes=_diff({}, after)
    )
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    by: User,
    data: dict[str, Any],
    partners: Sequence[tuple[Cluster, str]] | None = None,
) -> Project:
    """The coordinating cluster's managers (or staff) change a project; recorded in history."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not can_edit_project(by, project):
        raise PermissionDenied(_("Only the coordinating cluster's managers can edit this project."))
    before = _snapshot(project, PROJECT_FIELDS, ("ecosystems",)) | {
        "partners": _partners_snapshot(project)
    }
    if partners is not None:
        _check_partners(partners, by)
    _apply_project(project, data)
    project.save()
    if "ecosystems" in data:
        project.ecosystems.set(data["ecosystems"])
    if partners is not None:
        _set_partners(project, partners)
    after = _snapshot(project, PROJECT_FIELDS, ("ecosystems",)) | {
        "partners": _partners_snapshot(project)
    }
    changes = _diff(before, after)
    if changes:
        ProfileChange.objects.create(
            project=project, author=by, action=ProfileChange.Action.UPDATED, changes=changes
        )
    return project


@transaction.atomic
def project_delete(*, project: Project, by: User) -> None:
    if not can_edit_project(by, project):
        raise PermissionDenied(
            _("Only the coordinating cluster's managers can delete this project.")
        )
    project.delete()
