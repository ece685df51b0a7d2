"""The alert filters: what each audience may search."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from alerts.models import AlertStatus
from alerts.selectors import alert_filterset, alert_list
from tests.alerts.factories import make_alert

pytestmark = pytest.mark.django_db


def _found(user, query: str) -> list[int]:
    return [a.pk for a in alert_list(filterset=alert_filterset(data=QueryDict(query), user=user))]


def test_anonymous_search_reads_only_the_public_summary(authority, commission_staff):
    alert = make_alert(
        by=authority,
        status=AlertStatus.CONFIRMED,
        staff=commission_staff,
        title="Lithium availability",
        description="A refinery in Portugal stopped deliveries.",
    )
    assert _found(AnonymousUser(), "q=lithium") == [alert.pk]
    # The description is for logged-in users: an anonymous search must not reveal it.
    assert _found(AnonymousUser(), "q=refinery") == []
    assert _found(authority, "q=refinery") == [alert.pk]
    assert _found(commission_staff, "q=refinery") == [alert.pk]


def test_country_filter_matches_whole_codes_only(authority, commission_staff):
    both = make_alert(
        by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff, countries=["AT", "FR"]
    )
    make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff, countries=["RO"])
    assert _found(AnonymousUser(), "country=FR") == [both.pk]
    assert _found(AnonymousUser(), "country=TF") == []  # "AT,FR" holds "T,F", not "TF"


def test_out_of_range_dates_are_a_form_error_not_a_500():
    filterset = alert_filterset(data=QueryDict("started_after=0001-01-01"), user=AnonymousUser())
    assert not filterset.is_valid()
    assert "started_after" in filterset.errors
