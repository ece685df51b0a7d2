"""Reads of rapid alerts. Each selector owns its prefetching, so its query count is fixed.

How much of an alert a person sees is decided here, once (``alert_access``): the public see a
summary of confirmed alerts; logged-in users their details and evidence; Commission staff
everything, the confidential note included.
"""

from __future__ import annotations

import enum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from alerts.filters import AlertFilter
from alerts.models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertClusterLink,
    AlertOfferLink,
    AlertStatus,
    AlertTransition,
)
from portal.accounts.models import User
from portal.core.models import Ecosystem

AnyUser = User | AnonymousUser

SIMILAR_LIMIT = 5
SIMILAR_CANDIDATES = 200
TEXT_SIMILARITY = 0.3  # pg_trgm word similarity of the titles


class Access(enum.IntEnum):
    SUMMARY = 1  # anyone: a confirmed alert's public summary
    DETAILS = 2  # logged-in users: description, evidence, solutions, reporter
    STAFF = 3  # Commission staff: the confidential note too


def alert_access(*, user: AnyUser) -> Access:
    if not user.is_authenticated:
        return Access.SUMMARY
    if user.is_commission_staff:
        return Access.STAFF
    return Access.DETAILS


LIST_RELATED = ("cluster", "reported_by")


def _list_queryset(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    return (
        queryset.select_related(*LIST_RELATED)
        .prefetch_related(
            Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk", "slug", "name"))
        )
        .annotate(group_size=Count("merged_alerts", distinct=True) + 1)
    )


def alert_filterset(*, data: Any, user: AnyUser) -> AlertFilter:
    return AlertFilter(
        data=data,
        queryset=Alert.objects.visible_to(user),
        summary_only=alert_access(user=user) == Access.SUMMARY,
    )


def alert_list(*, filterset: AlertFilter) -> QuerySet[Alert]:
    """The filtered alerts, newest first (a bound, invalid filterset gives none)."""
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return _list_queryset(queryset.order_by("-created_at", "-pk"))


def alert_get(*, pk: int, user: AnyUser) -> Alert:
    """An alert this person may see, with what its page shows; 404 otherwise."""
    alert = (
        Alert.objects.visible_to(user)
        .select_related("cluster", "reported_by__organisation", "merged_into", "escalated_by")
        .prefetch_related(
            "ecosystems",
            "attachments",
            Prefetch("transitions", queryset=AlertTransition.objects.select_related("by")),
            Prefetch(
                "merged_alerts",
                queryset=Alert.objects.select_related("reported_by__organisation", "cluster"),
            ),
            Prefetch(
                "offer_links",
                queryset=AlertOfferLink.objects.select_related("offer__category", "added_by"),
            ),
            Prefetch(
                "cluster_links",
                queryset=AlertClusterLink.objects.select_related("cluster", "added_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def alert_reporters(*, alert: Alert) -> list[User]:
    """The alert's reporter and the reporters of the alerts merged into it (the group),
    each once. Uses the prefetched ``merged_alerts``."""
    reporters = [alert.reported_by]
    for merged in alert.merged_alerts.all():
        if merged.reported_by not in reporters:
            reporters.append(merged.reported_by)
    return reporters


def similar_alerts(*, alert: Alert, limit: int = SIMILAR_LIMIT) -> list[Alert]:
    """Open alerts that may report the same disruption, for staff to merge: they share an
    ecosystem and have overlapping materials, the same type, or similar titles."""
    ecosystem_ids = [e.pk for e in alert.ecosystems.all()]
    candidates = (
        Alert.objects.filter(status__in=OPEN_ALERT_STATUSES, ecosystems__in=ecosystem_ids)
        .exclude(pk=alert.pk)
        .distinct()
        .select_related("cluster", "reported_by")
        .order_by("-created_at")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        candidates = candidates.annotate(similarity=TrigramWordSimilarity(alert.title, "title"))
    materials = {m.lower() for m in alert.materials}
    scored: list[tuple[float, Alert]] = []
    for candidate in candidates[:SIMILAR_CANDIDATES]:
        shared = materials & {m.lower() for m in candidate.materials}
        text = float(getattr(candidate, "similarity", 0) or 0)
        same_type = candidate.type == alert.type
        if not (shared or same_type or text >= TEXT_SIMILARITY):
            continue
        candidate.shared_materials = sorted(shared)  # type: ignore[attr-defined]
        candidate.same_type = same_type  # type: ignore[attr-defined]
        scored.append((len(shared) * 2 + same_type + text * 2, candidate))
    scored.sort(key=lambda pair: -pair[0])
    return [candidate for _score, candidate in scored[:limit]]


def alerts_for_staff_queue() -> QuerySet[Alert]:
    """Alerts waiting for the Commission: reported or under assessment, oldest first."""
    return _list_queryset(
        Alert.objects.filter(Q(status="reported") | Q(status="under_assessment"))
    ).order_by("created_at", "pk")


def similar_alert_counts(*, alerts: list[Alert]) -> dict[int, int]:
    """For each of these alerts (with their ``ecosystems`` prefetched, as the lists have
    them), how many open alerts ``similar_alerts`` would consider similar: the queue's column.
    Two queries whatever the number of alerts (one more for the ecosystems)."""
    if not alerts:
        return {}
    ecosystems = {a.pk: {e.pk for e in a.ecosystems.all()} for a in alerts}
    candidates_qs = (
        Alert.objects.filter(
            status__in=OPEN_ALERT_STATUSES,
            ecosystems__in=set().union(*ecosystems.values()),
        )
        .distinct()
        .only("pk", "type", "materials", "title", "created_at")
        .prefetch_related(Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk")))
        .order_by("-created_at")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        candidates_qs = candidates_qs.annotate(
            **{f"similarity_{a.pk}": TrigramWordSimilarity(a.title, "title") for a in alerts}
        )
    candidates = list(candidates_qs[: SIMILAR_CANDIDATES * 5])
    counts: dict[int, int] = {}
    for alert in alerts:
        materials = {m.lower() for m in alert.materials}
        count = 0
        for candidate in candidates:
            if candidate.pk == alert.pk:
                continue
            if not ecosystems[alert.pk] & {e.pk for e in candidate.ecosystems.all()}:
                continue
            text = float(getattr(candidate, f"similarity_{alert.pk}", 0) or 0)
            if (
                materials & {m.lower() for m in candidate.materials}
                or candidate.type == alert.type
                or text >= TEXT_SIMILARITY
            ):
                count += 1
        counts[alert.pk] = count
    return counts


# --- for the home and ecosystem pages ----------------------------------------------------


def confirmed_alert_count(*, ecosystem: Ecosystem | None = None) -> int:
    """Confirmed alerts still open (not yet resolved)."""
    queryset = Alert.objects.filter(status=AlertStatus.CONFIRMED)
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    return queryset.count()


def active_alerts(*, limit: int, ecosystem: Ecosystem | None = None) -> list[Alert]:
    """Confirmed, unresolved alerts, the most severe and newest first (public summary)."""
    queryset = Alert.objects.filter(status=AlertStatus.CONFIRMED)
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    alerts = list(
        queryset.prefetch_related(
            Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk", "slug", "name"))
        ).order_by("-confirmed_at", "-pk")[: limit * 4]
    )
    alerts.sort(key=lambda a: (-a.severity_rank, -(a.confirmed_at or a.created_at).timestamp()))
    return alerts[:limit]


# --- for the Atom feed -------------------------------------------------------------------

FEED_LIMIT = 50
FEED_COLUMNS = (
    "pk", "title", "type", "severity", "value_chain_stage", "countries", "started_on",
    "status", "created_at", "confirmed_at", "resolved_at",
)  # fmt: skip


def feed_alerts(*, limit: int = FEED_LIMIT) -> list[Alert]:
    """The alerts the Commission confirmed, newest confirmation first, resolved ones too (so a
    reader learns of the resolution): the public summary only, whoever asks."""
    return list(
        Alert.objects.public()
        .filter(confirmed_at__isnull=False)
        # The summary's columns only: a detail cannot reach the feed by mistake.
        .only(*FEED_COLUMNS)
        .prefetch_related(
            Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk", "slug", "name"))
        )
        .order_by("-confirmed_at", "-pk")[:limit]
    )
