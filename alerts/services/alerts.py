"""Reporting an alert, correcting it, and its evidence files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import (
    MAX_ATTACHMENTS,
    MAX_EVIDENCE_CHARS,
    MAX_EVIDENCE_LINKS,
    Alert,
    AlertAttachment,
    AlertStatus,
    AlertTransition,
)
from clusters.models import Cluster
from portal.accounts.roles import Role
from portal.core.models import Ecosystem
from portal.core.uploads import clean_document_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

ALERT_FIELDS = (
    "title", "description", "type", "value_chain_stage", "materials", "countries", "regions",
    "started_on", "expected_duration_days", "severity", "companies_affected", "evidence",
    "evidence_links", "proposed_solutions", "critical_companies_at_risk",
    "confidential_note", "cluster",
)  # fmt: skip
MAX_LIST_ITEMS = 20
MAX_ITEM_CHARS = 100


def can_report_alert(user: User | AnonymousUser) -> bool:
    """Cluster managers (for a cluster they manage) and verified public authorities."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.CLUSTER_MANAGER:
        return True
    return user.role == Role.AUTHORITY and bool(user.is_verified)


def _clean_list(value: Any, field: str) -> list[str]:
    """A list of short labels (materials, regions), from a list or a comma-separated text."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise ValidationError({field: [_("Give a list of names.")]})
    items: list[str] = []
    for raw in value:
        item = " ".join(str(raw).split())
        if not item:
            continue
        if len(item) > MAX_ITEM_CHARS:
            raise ValidationError(
                {field: [_("Each name is at most %(n)s characters.") % {"n": MAX_ITEM_CHARS}]}
            )
        if item.lower() not in (seen.lower() for seen in items):
            items.append(item)
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError({field: [_("At most %(n)s names.") % {"n": MAX_LIST_ITEMS}]})
    return items


def _clean_links(value: Any) -> list[str]:
    links = _clean_list(value if not isinstance(value, str) else value.split(), "evidence_links")
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            {"evidence_links": [_("At most %(n)s links.") % {"n": MAX_EVIDENCE_LINKS}]}
        )
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            validate(link)
        except ValidationError as exc:
            raise ValidationError(
                {"evidence_links": [_("“%(link)s” is not a web address.") % {"link": link}]}
            ) from exc
    return links


def _apply(alert: Alert, data: dict[str, Any], by: User) -> None:
    for field in ALERT_FIELDS:
        if field in data:
            setattr(alert, field, data[field])
    alert.materials = _clean_list(alert.materials, "materials")
    alert.regions = _clean_list(alert.regions, "regions")
    alert.evidence_links = _clean_links(alert.evidence_links)
    errors: dict[str, list[str]] = {}
    if by.role == Role.CLUSTER_MANAGER:
        if alert.cluster_id is None:
            errors["cluster"] = [_("Name the cluster that reports this alert.")]
        elif not Cluster.objects.managed_by(by).filter(pk=alert.cluster_id).exists():
            errors["cluster"] = [_("You can report alerts only for a cluster you manage.")]
    else:
        alert.cluster = None  # an authority reports for itself
    if alert.started_on and alert.started_on > timezone.localdate():
        errors["started_on"] = [_("The start date cannot be in the future.")]
    if alert.evidence and len(alert.evidence) > MAX_EVIDENCE_CHARS:
        errors["evidence"] = [
            _("The evidence is %(size)s characters; the limit is %(limit)s.")
            % {"size": len(alert.evidence), "limit": MAX_EVIDENCE_CHARS}
        ]
    if not alert.countries:
        errors["countries"] = [_("Name at least one country affected.")]
    try:
        alert.full_clean(exclude=["reported_by", "merged_into", "escalated_by"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)  # one message per field is enough
    if errors:
        raise ValidationError(errors)


def _ecosystems(value: Iterable[Ecosystem | str] | None) -> list[Ecosystem]:
    """Ecosystem objects, or slugs checked against the reference data."""
    items = list(value or [])
    slugs = [item for item in items if isinstance(item, str)]
    found = {e.slug: e for e in Ecosystem.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(
            {"ecosystems": [_("Unknown ecosystem: %(slugs)s.") % {"slugs": ", ".join(unknown)}]}
        )
    ecosystems = [found[i] if isinstance(i, str) else i for i in items]
    if not ecosystems:
        raise ValidationError({"ecosystems": [_("Choose at least one industrial ecosystem.")]})
    return ecosystems


@transaction.atomic
def alert_report(
    *,
    by: User,
    data: dict[str, Any],
    ecosystems: Iterable[Ecosystem | str],
    attachments: Sequence[UploadedFile] = (),
) -> Alert:
    """A cluster manager (for one of their clusters) or a verified public authority reports a
    disruption. It waits for the Commission's assessment; staff see similar open alerts."""
    if not can_report_alert(by):
        raise PermissionDenied(
            _("Only cluster managers and verified public authorities report alerts.")
        )
    alert = Alert(reported_by=by, status=AlertStatus.REPORTED)
    chosen = _ecosystems(ecosystems)
    _apply(alert, data, by)
    alert.save()
    alert.ecosystems.set(chosen)
    AlertTransition.objects.create(
        alert=alert, from_status="", to_status=AlertStatus.REPORTED, by=by, note=_("Reported")
    )
    for upload in attachments:
        alert_attachment_add(alert=alert, upload=upload, by=by)
    return alert


@transaction.atomic
def alert_update(
    *,
    alert: Alert,
    by: User,
    data: dict[str, Any],
    ecosystems: Iterable[Ecosystem | str] | None = None,
) -> Alert:
    """The reporter corrects their alert until staff start assessing it."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not Alert.objects.editable_by(by).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("This alert cannot be changed now."))
    chosen = _ecosystems(ecosystems) if ecosystems is not None else None
    _apply(alert, data, by)
    alert.save()
    if chosen is not None:
        alert.ecosystems.set(chosen)
    return alert


@transaction.atomic
def alert_attachment_add(*, alert: Alert, upload: UploadedFile, by: User) -> AlertAttachment:
    """Attach a file of evidence (PDF or image, checked by content) to an alert its reporter
    may still change."""
    if not Alert.objects.editable_by(by).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("This alert cannot be changed now."))
    if alert.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": [_("At most %(n)s files per alert.") % {"n": MAX_ATTACHMENTS}]}
        )
    try:
        clean, content_type = clean_document_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from exc
    attachment = AlertAttachment(
        alert=alert,
        original_name=(upload.name or "evidence")[-200:],
        content_type=content_type,
        size=clean.size,
        uploaded_by=by,
    )
    attachment.file.save(clean.name or "evidence", clean, save=False)
    attachment.save()
    return attachment
