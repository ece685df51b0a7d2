"""A call's status follows its dates, the same in memory and in the database."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.models import Call, CallStatus, call_status
from tests.funding.factories import make_call

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def call(commission_staff):
    return make_call(by=commission_staff)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("before_opening", CallStatus.UPCOMING),
        ("at_opening", CallStatus.OPEN),
        ("between", CallStatus.OPEN),
        ("just_before_deadline", CallStatus.OPEN),
        ("at_deadline", CallStatus.CLOSED),
        ("after_deadline", CallStatus.CLOSED),
    ],
)
def test_status_follows_the_dates(call, moment, expected):
    now = {
        "before_opening": call.opens_at - HOUR,
        "at_opening": call.opens_at,
        "between": call.opens_at + (call.deadline_at - call.opens_at) / 2,
        "just_before_deadline": call.deadline_at - datetime.timedelta(microseconds=1),
        "at_deadline": call.deadline_at,
        "after_deadline": call.deadline_at + HOUR,
    }[moment]

    in_memory = call_status(opens_at=call.opens_at, deadline_at=call.deadline_at, now=now)
    annotated = Call.objects.with_status(now).get(pk=call.pk).status
    filtered = {s for s in CallStatus.values if Call.objects.in_status([s], now).filter(pk=call.pk)}

    assert in_memory == annotated == expected
    assert filtered == {expected}


def test_the_status_changes_as_time_passes_without_any_write(call):
    updated = Call.objects.get(pk=call.pk).updated_at
    statuses = [
        Call.objects.with_status(now).get(pk=call.pk).status
        for now in (call.opens_at - HOUR, call.opens_at + HOUR, call.deadline_at + HOUR)
    ]

    assert statuses == ["upcoming", "open", "closed"]
    assert Call.objects.get(pk=call.pk).updated_at == updated


def test_the_database_refuses_a_deadline_before_the_opening(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(deadline_at=call.opens_at - HOUR)


def test_the_database_refuses_a_deadline_equal_to_the_opening(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(deadline_at=call.opens_at)


def test_the_database_refuses_a_negative_budget(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(budget=-1)


def test_open_is_exactly_the_calls_open_now(commission_staff):
    now = timezone.now()
    open_ = make_call(by=commission_staff, now=now)
    make_call(by=commission_staff, now=now, opens_in=HOUR, closes_in=2 * HOUR)
    make_call(by=commission_staff, now=now, opens_in=-2 * HOUR, closes_in=-HOUR)

    assert list(Call.objects.open(now)) == [open_]
