"""Matching and duplicate checks are not lost when their task never runs (the broker was down
when the change committed): each is marked as owed with the change, cleared by its task, and
queued again by the periodic catch-up (``offers.services.catch_up``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from offers.models import Demand, Match, Offer, OfferStatus
from offers.services import demand_set_status, matches_recompute_for_offer, offer_transition
from offers.services.catch_up import GRACE, offers_catch_up
from offers.tasks import catch_up
from tests.offers.factories import make_demand, make_offer

pytestmark = pytest.mark.django_db


def later() -> object:
    """A moment past the catch-up's grace period."""
    return timezone.now() + GRACE + timedelta(seconds=1)


def test_an_offer_made_matchable_while_the_broker_was_down_is_matched_by_the_catch_up(
    company_user, authority, commission_staff, django_capture_on_commit_callbacks
):
    demand = make_demand(by=authority)
    with django_capture_on_commit_callbacks(execute=False):  # its task never ran
        offer = make_offer(by=company_user, status=OfferStatus.SUBMITTED, staff=commission_staff)
        offer_transition(offer=offer, to_status=OfferStatus.UNDER_REVIEW, by=commission_staff)
    offer.refresh_from_db()
    assert offer.matching_due_at is not None
    assert not Match.objects.filter(offer=offer).exists()

    assert offers_catch_up() == 0  # within the grace minute: the fast path may still run
    with django_capture_on_commit_callbacks(execute=True):
        assert offers_catch_up(now=later()) >= 1

    assert Match.objects.filter(offer=offer, demand=demand).exists()
    offer.refresh_from_db()
    assert offer.matching_due_at is None
    assert offers_catch_up(now=later()) == 0  # nothing owed any more


def test_the_fast_path_clears_what_it_did(
    company_user, authority, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_demand(by=authority)
        offer = make_offer(by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff)

    offer.refresh_from_db()
    demand.refresh_from_db()
    assert (offer.matching_due_at, offer.duplicates_due_at, demand.matching_due_at) == (
        None,
        None,
        None,
    )
    assert Match.objects.filter(offer=offer, demand=demand).exists()


def test_a_change_made_while_the_task_ran_stays_owed(
    company_user, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        offer = make_offer(by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff)
    loaded = Offer.objects.get(pk=offer.pk)  # what the task loaded
    newer = timezone.now() + timedelta(seconds=5)
    Offer.objects.filter(pk=offer.pk).update(matching_due_at=newer)  # asked again meanwhile

    matches_recompute_for_offer(offer=loaded)

    offer.refresh_from_db()
    assert offer.matching_due_at == newer


def test_a_submission_whose_duplicate_check_never_ran_is_checked_by_the_catch_up(
    company_user, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_offer(
            by=company_user, status=OfferStatus.SUBMITTED, registration_number="BE0123.456.789"
        )
    with django_capture_on_commit_callbacks(execute=False):
        second = make_offer(
            by=company_user, status=OfferStatus.SUBMITTED, registration_number="BE 0123456789"
        )
    second.refresh_from_db()
    assert second.duplicates_due_at is not None
    assert not second.possible_duplicates.exists()

    with django_capture_on_commit_callbacks(execute=True):
        offers_catch_up(now=later())

    assert list(second.possible_duplicates.all()) == [first]
    second.refresh_from_db()
    assert second.duplicates_due_at is None


def test_a_demand_changed_while_the_broker_was_down_is_rematched_by_the_periodic_task(
    company_user, authority, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff)
    with django_capture_on_commit_callbacks(execute=False):
        demand = make_demand(by=authority)  # published: its matching never ran
    assert not Match.objects.filter(demand=demand).exists()
    Demand.objects.filter(pk=demand.pk).update(matching_due_at=timezone.now() - 2 * GRACE)

    with django_capture_on_commit_callbacks(execute=True):
        assert catch_up() >= 1  # what beat runs every minute

    assert Match.objects.filter(demand=demand, offer=offer).exists()
    demand.refresh_from_db()
    assert demand.matching_due_at is None
    # Closing it owes a recompute too, which drops its matches.
    with django_capture_on_commit_callbacks(execute=False):
        demand_set_status(demand=demand, to_status="closed", by=authority)
    with django_capture_on_commit_callbacks(execute=True):
        offers_catch_up(now=later())
    assert not Match.objects.filter(demand=demand).exists()


def test_the_catch_up_is_bounded(
    company_user, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            make_offer(by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff)
    owed = Offer.objects.filter(matching_due_at__isnull=False)
    assert owed.count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        offers_catch_up(now=later(), batch=2)

    assert owed.count() == 1  # the oldest two first; the rest at the next run


def test_beat_runs_the_catch_up_every_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULE["offers-catch-up"] == {
        "task": "offers.catch_up",
        "schedule": 60,
    }
