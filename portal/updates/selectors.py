"""Reads of EU updates. Each selector owns its prefetching, so its query count does not grow
with the number of updates or of their ecosystems.

For other apps (the home page, the ecosystem pages) the public entry points are
``latest_updates``, ``updates_for_ecosystem``, ``updates_for_ecosystem_count`` and
``update_counts_by_ecosystem``: they return published updates only, whoever is looking, and
take nothing but keyword arguments with defaults where it makes sense.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.core.models import Ecosystem
from portal.updates.filters import UpdateFilter
from portal.updates.models import Update

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

STAFF_ONLY_FILTERS = ("state",)
FEED_SIZE = 50


def _with_ecosystems(queryset: QuerySet[Update]) -> QuerySet[Update]:
    """One more query for every ecosystem of every update on the page, in their order."""
    return queryset.prefetch_related(
        Prefetch("ecosystems", queryset=Ecosystem.objects.order_by("position", "name"))
    )


# --- lists and pages ------------------------------------------------------------------


def update_filterset(*, data: Any, user: AnyUser) -> UpdateFilter:
    """The updates this user may see, filtered by ``q``, ``category`` and ``ecosystem``
    (staff also by ``state``: draft, scheduled or published)."""
    filterset = UpdateFilter(data=data, queryset=Update.objects.visible_to(user))
    if not (user.is_authenticated and user.is_commission_staff):
        for name in STAFF_ONLY_FILTERS:
            filterset.filters.pop(name, None)
    return filterset


def update_list(
    *, filters: Mapping[str, Any] | UpdateFilter | None = None, user: AnyUser
) -> QuerySet[Update]:
    """The list page's and the API's rows: what ``user`` may see, filtered, pinned first and
    then the newest (staff: drafts first in each group). Two queries for any page size (the
    rows, their ecosystems), plus the paginator's count.

    ``filters`` is the query string (a mapping), or the filterset ``update_filterset`` made
    from it when the caller keeps the filter form too. Invalid values are left out here; the
    API checks them first (``portal.core.api_errors.valid_filterset``).
    """
    if isinstance(filters, UpdateFilter):
        filterset = filters
    else:
        filterset = update_filterset(data=filters or {}, user=user)
    return _with_ecosystems(filterset.qs.in_list_order())


def unpublished_updates() -> QuerySet[Update]:
    """Staff's work in progress: scheduled updates by their time (the next one first), then
    drafts, the latest changed first. For staff pages only."""
    return _with_ecosystems(
        Update.objects.unpublished()
        .select_related("author")
        .order_by(F("published_at").asc(nulls_last=True), "-updated_at", "-pk")
    )


def update_get(*, slug: str, user: AnyUser) -> Update:
    """One update by its web address, if ``user`` may see it; otherwise 404 (a draft or a
    scheduled update does not exist for anyone but staff)."""
    try:
        return _with_ecosystems(Update.objects.visible_to(user).select_related("author")).get(
            slug=slug
        )
    except Update.DoesNotExist:
        raise Http404 from None


def update_get_editable(*, slug: str, user: AnyUser) -> Update:
    """An update ``user`` may change (staff: any), or 404."""
    try:
        return _with_ecosystems(Update.objects.editable_by(user)).get(slug=slug)
    except Update.DoesNotExist:
        raise Http404 from None


def feed_updates(*, ecosystem: Ecosystem | None = None, limit: int = FEED_SIZE) -> list[Update]:
    """The newest published updates for an Atom feed (all, or one ecosystem's), newest
    first whether pinned or not: feed readers sort by date. Two queries."""
    queryset = Update.objects.published()
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    return list(_with_ecosystems(queryset.order_by("-published_at", "-pk"))[:limit])


# --- for the home page and the ecosystem pages ---------------------------------------


def latest_updates(*, limit: int = 5, now: datetime.datetime | None = None) -> list[Update]:
    """The home page's EU updates: the ``limit`` first published updates, pinned ones first,
    then the newest. Each has ``ecosystems.all()`` loaded. Two queries, whatever ``limit``.

    ``now`` (default: the clock) is the moment to look from; tests set it.
    """
    queryset = Update.objects.published(now or timezone.now()).in_list_order()
    return list(_with_ecosystems(queryset)[:limit])


def updates_for_ecosystem(
    *, ecosystem: Ecosystem, limit: int = 5, now: datetime.datetime | None = None
) -> list[Update]:
    """An ecosystem page's EU updates: the ``limit`` first published updates concerning
    ``ecosystem``, pinned first, then the newest, with ``ecosystems.all()`` loaded. Two
    queries. Link to more with ``reverse("updates:list") + "?ecosystem=" + ecosystem.slug``
    and to the feed with ``reverse("updates:ecosystem_feed", args=[ecosystem.slug])``."""
    queryset = (
        Update.objects.published(now or timezone.now()).filter(ecosystems=ecosystem).in_list_order()
    )
    return list(_with_ecosystems(queryset)[:limit])


def updates_for_ecosystem_count(
    *, ecosystem: Ecosystem, now: datetime.datetime | None = None
) -> int:
    """How many published updates concern ``ecosystem``. One query."""
    return Update.objects.published(now or timezone.now()).filter(ecosystems=ecosystem).count()


def update_counts_by_ecosystem(*, now: datetime.datetime | None = None) -> dict[int, int]:
    """Published updates per ecosystem, as ``{ecosystem id: count}`` (ecosystems with none
    are left out). One query, for a page listing every ecosystem."""
    through = Update.ecosystems.through
    rows = (
        through.objects.filter(
            update__published_at__isnull=False, update__published_at__lte=now or timezone.now()
        )
        .order_by()
        .values("ecosystem_id")
        .annotate(n=Count("update_id"))
    )
    return {row["ecosystem_id"]: row["n"] for row in rows}
