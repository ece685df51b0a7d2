"""The calls' filters, shared by the calls page and the API. An unknown programme,
ecosystem, country or status is a form error (400 in the API), never ignored."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from funding.models import Call, CallStatus, Programme
from portal.core.models import Ecosystem


class CallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CallStatus.choices, method="filter_status"
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.order_by("position", "name"),
        to_field_name="slug",
        method="filter_programme",
    )
    ecosystem = django_filters.ModelChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.order_by("position", "name"),
        to_field_name="slug",
        method="filter_ecosystem",
    )
    country = django_filters.ChoiceFilter(
        label=_("Open to applicants from"), choices=countries, method="filter_country"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("deadline_at", "deadline"), ("opens_at", "opens"), ("title", "title")),
    )

    class Meta:
        model = Call
        fields: list[str] = []

    def __init__(self, *args: Any, now: datetime.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_text(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(programme__name__icontains=text)
        )

    def filter_status(
        self, queryset: QuerySet[Call], name: str, value: list[str]
    ) -> QuerySet[Call]:
        if not value:
            return queryset
        return queryset.in_status(value, self.now)  # type: ignore[attr-defined]

    def filter_programme(self, queryset: QuerySet[Call], name: str, value: Any) -> QuerySet[Call]:
        return queryset.filter(programme=value) if value is not None else queryset

    def filter_ecosystem(self, queryset: QuerySet[Call], name: str, value: Any) -> QuerySet[Call]:
        """Calls for this ecosystem, and those open to every ecosystem."""
        if value is None:
            return queryset
        return queryset.for_ecosystems([value.pk])  # type: ignore[attr-defined]

    def filter_country(self, queryset: QuerySet[Call], name: str, value: str) -> QuerySet[Call]:
        """Calls open to this country, and those open to every country."""
        if not value:
            return queryset
        return queryset.for_countries([value])  # type: ignore[attr-defined]
