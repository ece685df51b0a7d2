"""Programmes and calls for tests, made through the same services staff use."""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from funding.models import Call, Programme
from funding.services import call_create, programme_create
from portal.core.models import Ecosystem

_numbers = itertools.count(1)


def programme(slug: str = "euroclusters") -> Programme:
    """A reference programme (loaded by funding's data migration)."""
    return Programme.objects.get(slug=slug)


def make_programme(*, by, **overrides: Any) -> Programme:
    n = next(_numbers)
    data: dict[str, Any] = {
        "slug": f"test-programme-{n}",
        "name": f"Test Programme {n}",
        "summary": "A programme for tests.",
        "description": "It supports clusters.",
        "objectives": "Help clusters\nHelp SMEs",
        "link": "https://ec.europa.eu/info/index_en",
        "active": True,
        "position": 100 + n,
    }
    data.update(overrides)
    return programme_create(by=by, data=data)


def make_call(
    *,
    by,
    opens_in: datetime.timedelta = datetime.timedelta(days=-1),
    closes_in: datetime.timedelta = datetime.timedelta(days=30),
    now: datetime.datetime | None = None,
    ecosystems: tuple[str, ...] = (),
    **overrides: Any,
) -> Call:
    """A call under Euroclusters, open from ``opens_in`` to ``closes_in`` around now."""
    n = next(_numbers)
    now = now or timezone.now()
    data: dict[str, Any] = {
        "title": f"Test Call {n}",
        "programme": overrides.pop("programme", None) or programme(),
        "summary": "Clusters may apply.",
        "opens_at": now + opens_in,
        "deadline_at": now + closes_in,
        "timezone": "Europe/Brussels",
        "budget": None,
        "eligible_countries": [],
        "ecosystems": list(Ecosystem.objects.filter(slug__in=ecosystems)),
        "link": "https://clustercollaboration.eu/euroclusters",
    }
    data.update(overrides)
    return call_create(by=by, data=data)


def open_call(*, by, **overrides: Any) -> Call:
    return make_call(by=by, **overrides)


def upcoming_call(*, by, **overrides: Any) -> Call:
    dates = {"opens_in": datetime.timedelta(days=5), "closes_in": datetime.timedelta(days=40)}
    return make_call(by=by, **(dates | overrides))


def closed_call(*, by, **overrides: Any) -> Call:
    dates = {"opens_in": datetime.timedelta(days=-60), "closes_in": datetime.timedelta(days=-2)}
    return make_call(by=by, **(dates | overrides))
