"""Filters for rapid alerts: the list page, the dashboard's links and the API."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from alerts.models import Alert, AlertStatus, AlertType, Severity, ValueChainStage
from portal.core.models import Ecosystem

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def _bounded_date(value: datetime.date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(_("Give a date between 2000 and 2100."))


class AlertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    ecosystem = django_filters.ModelMultipleChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
    )
    country = django_filters.ChoiceFilter(
        label=_("Country affected"), choices=countries, method="filter_country"
    )
    type = django_filters.MultipleChoiceFilter(label=_("Type"), choices=AlertType.choices)
    severity = django_filters.MultipleChoiceFilter(label=_("Severity"), choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=AlertStatus.choices)
    value_chain_stage = django_filters.MultipleChoiceFilter(
        label=_("Value-chain stage"), choices=ValueChainStage.choices
    )
    started_after = django_filters.DateFilter(
        label=_("Started on or after"),
        field_name="started_on",
        lookup_expr="gte",
        validators=[_bounded_date],
    )
    started_before = django_filters.DateFilter(
        label=_("Started on or before"),
        field_name="started_on",
        lookup_expr="lte",
        validators=[_bounded_date],
    )
    reported_after = django_filters.DateFilter(
        label=_("Reported on or after"),
        field_name="created_at",
        lookup_expr="date__gte",
        validators=[_bounded_date],
    )
    reported_before = django_filters.DateFilter(
        label=_("Reported on or before"),
        field_name="created_at",
        lookup_expr="date__lte",
        validators=[_bounded_date],
    )
    escalated = django_filters.BooleanFilter(label=_("Escalated"))
    critical_companies_at_risk = django_filters.BooleanFilter(label=_("Critical companies at risk"))

    class Meta:
        fields: list[str] = []

    def __init__(self, *args: Any, summary_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anonymous visitors see only an alert's summary: searching its description would
        # tell them whether the hidden text holds a word.
        self.summary_only = summary_only

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        if self.summary_only:
            return queryset.filter(title__icontains=text)
        return queryset.filter(
            Q(title__icontains=text) | Q(description__icontains=text)
            | Q(materials__icontains=text) | Q(proposed_solutions__icontains=text)
        )  # fmt: skip

    def filter_ecosystem(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # Any of the chosen ecosystems; EXISTS rather than a join, so no row is repeated.
        if not value:
            return queryset
        through = Alert.ecosystems.through
        return queryset.filter(
            Exists(through.objects.filter(alert_id=OuterRef("pk"), ecosystem__in=value))
        )

    def filter_country(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # Countries are stored as "FR,DE,…": two-letter codes joined by commas, so a code is
        # never found across two codes.
        return queryset.filter(countries__contains=str(value)) if value else queryset
