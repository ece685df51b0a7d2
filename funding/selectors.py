"""Reads of programmes and calls. Each selector owns its prefetching, so its query count is
fixed whatever the number of rows (the counts are given where other apps call them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from funding.filters import CallFilter
from funding.models import Call, CallQuerySet, CallReminder, CallStatus, Programme
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

# What the calls page lists when no status is chosen: the calls one can still apply to.
DEFAULT_LIST_STATUSES = (CallStatus.OPEN, CallStatus.UPCOMING)
_PUBLIC = AnonymousUser()


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _call_rows(queryset: QuerySet[Call], now: datetime.datetime) -> QuerySet[Call]:
    """Calls as lists show them: status, programme and ecosystems (two queries)."""
    return (
        cast("CallQuerySet", queryset)
        .with_status(now)
        .select_related("programme")
        .prefetch_related(Prefetch("ecosystems", queryset=Ecosystem.objects.order_by("position")))
    )


# --- programmes -------------------------------------------------------------------------


def programme_list(*, user: AnyUser) -> QuerySet[Programme]:
    """The programmes this user may see (inactive ones for staff only), in their order."""
    return (
        Programme.objects.visible_to(user)
        .prefetch_related(Prefetch("ecosystems", queryset=Ecosystem.objects.order_by("position")))
        .order_by("position", "name")
    )


def programme_get(*, slug: str, user: AnyUser) -> Programme:
    try:
        return programme_list(user=user).get(slug=slug)
    except Programme.DoesNotExist:
        raise Http404 from None


def programme_choices(*, include: Programme | None = None) -> QuerySet[Programme]:
    """Programmes one may choose for a call or a project: the active ones, plus ``include``
    (the one already chosen, even if deactivated since, so saving a form keeps it)."""
    queryset = Programme.objects.all()
    if include is not None:
        return queryset.filter(active=True) | queryset.filter(pk=include.pk)
    return queryset.filter(active=True)


def programme_calls(
    *, programme: Programme, user: AnyUser, now: datetime.datetime | None = None
) -> list[Call]:
    """The programme's calls: open and upcoming first (by deadline), then the closed ones,
    latest first."""
    now = _now(now)
    calls = list(_call_rows(Call.objects.visible_to(user).filter(programme=programme), now))
    live = [c for c in calls if c.status != CallStatus.CLOSED]  # type: ignore[attr-defined]
    closed = [c for c in calls if c.status == CallStatus.CLOSED]  # type: ignore[attr-defined]
    return live + sorted(closed, key=lambda c: c.deadline_at, reverse=True)


def programme_projects(*, programme: Programme, user: AnyUser, limit: int = 20) -> list[Any]:
    """The projects that name this programme and that the user may see (one query).

    Read through the reverse relation the clusters app declares on ``Project.programme``,
    with that model's own ``visible_to``, so funding needs no import of clusters."""
    related = getattr(programme, "projects", None)
    if related is None:  # the clusters app is not installed
        return []
    return list(related.visible_to(user).order_by("title", "pk")[:limit])


def programme_project_count(*, programme: Programme, user: AnyUser) -> int:
    related = getattr(programme, "projects", None)
    return related.visible_to(user).count() if related is not None else 0


# --- calls ------------------------------------------------------------------------------


def call_filterset(
    *,
    data: Any,
    user: AnyUser,
    now: datetime.datetime | None = None,
    default_statuses: Sequence[str] = (),
) -> CallFilter:
    """The calls this user may see, filtered by status, programme, ecosystem and country.

    Without a ``status`` in ``data``, ``default_statuses`` apply (and show as chosen)."""
    if default_statuses and not data.getlist("status"):
        data = data.copy()
        data.setlist("status", [str(s) for s in default_statuses])
    return CallFilter(data=data, queryset=Call.objects.visible_to(user), now=_now(now))


def call_list(*, filterset: CallFilter) -> QuerySet[Call]:
    queryset = filterset.qs
    ordering = queryset.query.order_by or ("deadline_at",)
    return _call_rows(queryset.order_by(*ordering, "pk"), filterset.now)


def call_get(*, pk: int, user: AnyUser, now: datetime.datetime | None = None) -> Call:
    try:
        return _call_rows(Call.objects.visible_to(user), _now(now)).get(pk=pk)
    except Call.DoesNotExist:
        raise Http404 from None


def open_calls(*, user: AnyUser, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """Every open call the user may see, by deadline (the calendar feed)."""
    now = _now(now)
    return _call_rows(Call.objects.visible_to(user).open(now), now).order_by("deadline_at", "pk")


def calls_closing_soon(*, limit: int, now: datetime.datetime | None = None) -> list[Call]:
    """The public's open calls with the nearest deadlines, for the home and funding pages.

    Two queries whatever ``limit`` (calls with their programme; their ecosystems). Each
    call has ``status``, ``programme`` and ``ecosystems`` loaded."""
    return list(open_calls(user=_PUBLIC, now=now)[:limit])


def open_calls_for_ecosystem(
    *, ecosystem: Ecosystem, limit: int, now: datetime.datetime | None = None
) -> list[Call]:
    """The public's open calls for ``ecosystem`` (or for every ecosystem), nearest deadline
    first, for an ecosystem's page. Two queries, as ``calls_closing_soon``."""
    now = _now(now)
    calls = Call.objects.visible_to(_PUBLIC).open(now).for_ecosystems([ecosystem.pk])
    return list(_call_rows(calls, now).order_by("deadline_at", "pk")[:limit])


# How many candidate calls "My profiles" weighs at most: open calls at one time are dozens.
_CANDIDATES = 200


def calls_for_clusters(
    *, clusters: Iterable[Any], now: datetime.datetime | None = None, limit: int = 10
) -> list[Call]:
    """Open calls that fit at least one of these clusters: for one of its ecosystems (or for
    every ecosystem) and open to its country (or to every country). Nearest deadline first;
    each call gets ``fitting_clusters``, the clusters it fits.

    Three queries whatever the number of clusters or calls (the clusters' ecosystems; the
    calls with their programme; their ecosystems); none without clusters. ``clusters`` are
    cluster profiles (anything with ``pk``, ``country`` and ``ecosystems``)."""
    clusters = list(clusters)
    if not clusters:
        return []
    now = _now(now)
    prefetch_related_objects(clusters, "ecosystems")
    profile = {
        cluster.pk: ({e.pk for e in cluster.ecosystems.all()}, str(cluster.country))
        for cluster in clusters
    }
    ecosystem_ids = sorted(set().union(*(ids for ids, _country in profile.values())))
    countries = sorted({country for _ids, country in profile.values() if country})
    # The database narrows to calls that fit the clusters taken together; whether one
    # cluster fits both ways is checked below.
    candidates = (
        Call.objects.visible_to(_PUBLIC)
        .open(now)
        .for_ecosystems(ecosystem_ids)
        .for_countries(countries)
    )
    fitting = []
    for call in _call_rows(candidates, now).order_by("deadline_at", "pk")[:_CANDIDATES]:
        call_ecosystems = {e.pk for e in call.ecosystems.all()}
        call_countries = {str(country) for country in call.eligible_countries}
        call.fitting_clusters = [  # type: ignore[attr-defined]
            cluster
            for cluster in clusters
            if (not call_ecosystems or call_ecosystems & profile[cluster.pk][0])
            and (not call_countries or profile[cluster.pk][1] in call_countries)
        ]
        if call.fitting_clusters:  # type: ignore[attr-defined]
            fitting.append(call)
            if len(fitting) == limit:
                break
    return fitting


def call_reminders_for(*, user: AnyUser, calls: Iterable[Call]) -> dict[int, CallReminder]:
    """The user's reminders for these calls, by call id (one query)."""
    ids = [call.pk for call in calls]
    if not user.is_authenticated or not ids:
        return {}
    return {
        reminder.call_id: reminder
        for reminder in CallReminder.objects.filter(user=user, call_id__in=ids).select_related(
            "call"
        )
    }


def with_user_reminders(*, calls: list[Call], user: AnyUser) -> list[Call]:
    """Set ``user_reminder`` on each call: the user's reminder for it, or None (one query)."""
    reminders = call_reminders_for(user=user, calls=calls)
    for call in calls:
        call.user_reminder = reminders.get(call.pk)  # type: ignore[attr-defined]
    return calls
