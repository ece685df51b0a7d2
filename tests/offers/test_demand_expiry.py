"""Open demand closes by itself once its "needed by" date has passed: the service
(``demands_expire``), the hourly task, the e-mail to the authority, matching, and the pages.

Tasks run eagerly; the e-mail goes out after commit, so the writes that should send it run
inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from offers import selectors
from offers.models import Demand, DemandStatus, Match, OfferStatus
from offers.services import demand_set_status, demands_expire
from offers.tasks import expire_demands
from portal.accounts.roles import Role
from tests.factories import make_user
from tests.offers.factories import make_demand, make_offer

pytestmark = pytest.mark.django_db

SUBJECT = "has closed: the date it was needed by has passed"


def _today() -> datetime.date:
    return timezone.localdate()


def _date_passed(*demands: Demand, days: int = 1) -> None:
    """As if the date had come and gone (the services refuse a past date)."""
    Demand.objects.filter(pk__in=[d.pk for d in demands]).update(
        needed_by=_today() - datetime.timedelta(days=days)
    )


def _expiry_mails(mailoutbox: list[Any]) -> list[Any]:
    return [m for m in mailoutbox if SUBJECT in m.subject]


def test_closes_only_open_and_partially_met_demand_whose_date_has_passed(authority):
    late_open = make_demand(by=authority)
    late_partial = make_demand(by=authority)
    demand_set_status(demand=late_partial, to_status=DemandStatus.PARTIALLY_MET, by=authority)
    late_met = make_demand(by=authority)
    demand_set_status(demand=late_met, to_status=DemandStatus.MET, by=authority)
    late_closed = make_demand(by=authority)
    demand_set_status(demand=late_closed, to_status=DemandStatus.CLOSED, by=authority)
    future = make_demand(by=authority)
    due_today = make_demand(by=authority)
    _date_passed(late_open, late_partial, late_met, late_closed)
    Demand.objects.filter(pk=due_today.pk).update(needed_by=_today())

    assert demands_expire() == 2

    rows = {d.pk: (d.status, d.expired_at is not None) for d in Demand.objects.all()}
    assert rows[late_open.pk] == (DemandStatus.CLOSED, True)
    assert rows[late_partial.pk] == (DemandStatus.CLOSED, True)
    assert rows[late_met.pk] == (DemandStatus.MET, False)
    # Closed by its authority before: stays so, and is not marked as closed by date.
    assert rows[late_closed.pk] == (DemandStatus.CLOSED, False)
    assert rows[future.pk] == (DemandStatus.OPEN, False)
    # The day it is needed by is not yet past.
    assert rows[due_today.pk] == (DemandStatus.OPEN, False)


def test_the_date_is_the_local_brussels_date(authority):
    demand = make_demand(by=authority)
    Demand.objects.filter(pk=demand.pk).update(needed_by=datetime.date(2030, 5, 10))

    # Not on the day itself, but on the day after, in Brussels.
    assert demands_expire(today=datetime.date(2030, 5, 10)) == 0
    assert demands_expire(today=datetime.date(2030, 5, 11)) == 1
    assert django_settings.TIME_ZONE == "Europe/Brussels"


def test_every_demand_has_a_date_so_none_is_left_open_for_want_of_one(authority):
    # "Without a date it never closes by itself": the database keeps a demand from being
    # undated, and the expiry filter (needed_by < today) would leave one alone.
    demand = make_demand(by=authority)
    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(needed_by=None)


def test_a_batch_is_bounded_and_takes_the_oldest_date_first(authority):
    demands = [make_demand(by=authority) for _ in range(5)]
    for days, demand in zip([5, 1, 4, 2, 3], demands, strict=True):
        _date_passed(demand, days=days)

    assert demands_expire(batch=2) == 2

    closed = set(Demand.objects.filter(expired_at__isnull=False).values_list("pk", flat=True))
    assert closed == {demands[0].pk, demands[2].pk}  # 5 and 4 days late
    assert demands_expire(batch=2) == 2
    assert demands_expire(batch=2) == 1
    assert demands_expire(batch=2) == 0
    assert not Demand.objects.open().exists()


def test_the_task_closes_every_batch_and_two_runs_close_and_email_once(
    authority, django_capture_on_commit_callbacks, mailoutbox
):
    demands = [make_demand(by=authority) for _ in range(3)]
    _date_passed(*demands)

    with django_capture_on_commit_callbacks(execute=True):
        first = expire_demands.delay().get()
    stamps = dict(Demand.objects.values_list("pk", "expired_at"))
    with django_capture_on_commit_callbacks(execute=True):
        second = expire_demands.delay().get()

    assert (first, second) == (3, 0)
    assert dict(Demand.objects.values_list("pk", "expired_at")) == stamps
    mails = _expiry_mails(mailoutbox)
    assert len(mails) == 3
    assert sorted(m.subject for m in mails) == sorted(
        f"Your demand “{d.title}” {SUBJECT}" for d in demands
    )


def test_the_task_loops_until_no_batch_is_left(authority, monkeypatch):
    from offers.services import demand as demand_services

    demands = [make_demand(by=authority) for _ in range(5)]
    _date_passed(*demands)
    monkeypatch.setattr(demand_services, "DEMAND_EXPIRY_BATCH", 2)

    assert expire_demands.delay().get() == 5
    assert not Demand.objects.open().exists()


def _in_thread(target: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Run ``target`` on its own database connection, as another worker would."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = target(*args)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def result() -> Any:
        thread.join(timeout=60)
        assert not thread.is_alive()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_close_and_email_each_demand_once(authority, mailoutbox):
    demands = [make_demand(by=authority) for _ in range(3)]
    _date_passed(*demands)
    claimed, release = threading.Event(), threading.Event()

    def first_worker() -> int:
        # Has claimed its batch and not committed yet.
        with transaction.atomic():
            closed = demands_expire()
            claimed.set()
            assert release.wait(timeout=30)
        return closed

    first = _in_thread(first_worker)
    assert claimed.wait(timeout=30)
    # The second worker skips the rows the first holds, at once (a lock timeout turns a
    # wait into a failure rather than a hung test).
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
    try:
        second = demands_expire()
    finally:
        release.set()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert (first(), second) == (3, 0)
    assert demands_expire() == 0
    assert Demand.objects.filter(status=DemandStatus.CLOSED, expired_at__isnull=False).count() == 3
    assert len(_expiry_mails(mailoutbox)) == 3


def test_closed_demand_is_no_longer_matched(
    authority, company_user, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
        late = make_demand(by=authority)
        current = make_demand(by=authority)
    assert set(Match.objects.filter(offer=offer).values_list("demand_id", flat=True)) == {
        late.pk,
        current.pk,
    }
    _date_passed(late)

    with django_capture_on_commit_callbacks(execute=True):
        demands_expire()
    assert not Match.objects.filter(demand=late).exists()

    # A new offer in the same category is matched with the open demand only.
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
    assert set(Match.objects.filter(offer=newer).values_list("demand_id", flat=True)) == {
        current.pk
    }
    # And a match a recompute wrote back as the demand closed is not offered either.
    Match.objects.create(demand=late, offer=offer, score=90, parts=[])
    listed = selectors.offer_matches(offer=offer, user=commission_staff)
    assert [m.demand_id for m in listed] == [current.pk]


def test_the_authority_is_told_it_closed_and_how_to_publish_it_again(
    authority, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    # Posted by staff for the authority: the authority is told, not the staff member.
    demand = make_demand(by=commission_staff, authority=authority, title="Gowns for Bergamo")
    Demand.objects.filter(pk=demand.pk).update(needed_by=datetime.date(2020, 3, 31))

    with django_capture_on_commit_callbacks(execute=True):
        demands_expire()

    [mail] = _expiry_mails(mailoutbox)
    assert mail.to == [authority.email]
    assert mail.subject == f"Your demand “Gowns for Bergamo” {SUBJECT}"
    assert "was needed by 31 March 2020" in mail.body
    assert "no longer listed on the portal or matched against offers" in mail.body
    assert "If the need remains, publish it again with a new date" in mail.body
    base = django_settings.PORTAL_BASE_URL
    assert f"{base}{reverse('offers:demand_create')}?again={demand.pk}" in mail.body
    assert f"{base}{demand.get_absolute_url()}" in mail.body


def test_a_closed_by_date_demand_cannot_be_reopened(authority):
    # The lifecycle has no way out of "closed": the authority publishes the demand again.
    demand = make_demand(by=authority)
    _date_passed(demand)
    demands_expire()

    from django.core.exceptions import ValidationError

    for status in (DemandStatus.OPEN, DemandStatus.PARTIALLY_MET, DemandStatus.MET):
        with pytest.raises(ValidationError):
            demand_set_status(demand=demand, to_status=status, by=authority)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED


def test_only_closed_demand_may_carry_the_date_passed_mark(authority):
    demand = make_demand(by=authority)
    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(expired_at=timezone.now())


def test_the_beat_schedule_runs_the_task(settings):
    from portal.celery import app

    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "offers.expire_demands"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 24 * 60 * 60
    assert "offers.expire_demands" in app.tasks
    assert app.tasks["offers.expire_demands"].acks_late


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def closed_by_date(authority) -> Demand:
    demand = make_demand(by=authority, title="Visors for Liège")
    _date_passed(demand)
    demands_expire()
    demand.refresh_from_db()
    return demand


def test_the_owner_sees_why_it_closed_and_can_publish_it_again(client, authority, closed_by_date):
    client.force_login(authority)

    page = client.get(closed_by_date.get_absolute_url()).content.decode()

    today = timezone.localtime(closed_by_date.expired_at).date()
    assert "Closed by the portal on" in page
    assert f"{today.day} {today:%B %Y}" in page
    assert "the date it was needed by" in page
    assert f"{reverse('offers:demand_create')}?again={closed_by_date.pk}" in page
    assert "This demand is no longer open, so it is not matched." in page


def test_staff_see_why_it_closed(client, commission_staff, closed_by_date):
    client.force_login(commission_staff)

    page = client.get(closed_by_date.get_absolute_url()).content.decode()

    assert "Closed by the portal on" in page


def test_a_demand_its_authority_closed_shows_no_date_passed_note(client, authority):
    demand = make_demand(by=authority)
    demand_set_status(demand=demand, to_status=DemandStatus.CLOSED, by=authority)
    client.force_login(authority)

    page = client.get(demand.get_absolute_url()).content.decode()

    assert "Closed by the portal on" not in page
    assert "?again=" not in page


def test_my_demand_marks_the_demand_closed_by_date(client, authority, closed_by_date):
    other = make_demand(by=authority, title="Gloves for Namur")
    client.force_login(authority)

    page = client.get(reverse("offers:demand_mine")).content.decode()

    row = page.split("Visors for Liège", 1)[1].split("</tr>", 1)[0]
    assert "date passed" in row
    assert f"?again={closed_by_date.pk}" in row
    other_row = page.split("Gloves for Namur", 1)[1].split("</tr>", 1)[0]
    assert "date passed" not in other_row
    assert other.status == DemandStatus.OPEN


def test_closed_demand_leaves_the_public_list(client, closed_by_date):
    page = client.get(reverse("offers:demand_list")).content.decode()

    assert "Visors for Liège" not in page
    assert client.get(closed_by_date.get_absolute_url()).status_code == 404


def test_publishing_again_starts_from_the_closed_demand_but_a_new_date(
    client, authority, closed_by_date
):
    client.force_login(authority)

    response = client.get(reverse("offers:demand_create"), {"again": closed_by_date.pk})

    form = response.context["form"]
    assert form.initial["title"] == "Visors for Liège"
    assert form.initial["category"] == closed_by_date.category
    assert "needed_by" not in form.initial
    page = response.content.decode()
    assert 'value="Visors for Liège"' in page
    assert f'value="{closed_by_date.category.slug}" selected' in page
    # A past date is refused, as for any new demand.
    data = {
        "title": "Visors for Liège",
        "description": "Again.",
        "category": closed_by_date.category.slug,
        "quantity": "100",
        "unit": "pieces",
        "needed_by": closed_by_date.needed_by.isoformat(),
        "country": "BE",
        "urgency": "urgent",
        "certifications": "",
    }
    refused = client.post(reverse("offers:demand_create"), data)
    assert refused.status_code == 200
    assert "needed_by" in refused.context["form"].errors
    data["needed_by"] = (_today() + datetime.timedelta(days=7)).isoformat()
    published = client.post(reverse("offers:demand_create"), data)
    assert published.status_code == 302, published.context["form"].errors
    assert Demand.objects.open().filter(title="Visors for Liège").count() == 1


@pytest.mark.parametrize("again", ["not-a-number", "99999999", "999999999999999999999"])
def test_a_bad_or_unknown_again_gives_the_empty_form(client, authority, again):
    client.force_login(authority)

    response = client.get(reverse("offers:demand_create"), {"again": again})

    assert response.status_code == 200
    assert "title" not in response.context["form"].initial


def test_another_authoritys_demand_is_not_copied(client, closed_by_date):
    stranger = make_user(Role.AUTHORITY, email="frank@authority.example.eu", verified=True)
    client.force_login(stranger)

    response = client.get(reverse("offers:demand_create"), {"again": closed_by_date.pk})

    assert response.status_code == 200
    assert "title" not in response.context["form"].initial
    assert "Visors for Liège" not in response.content.decode()


def test_the_api_says_when_the_portal_closed_a_demand(authority, closed_by_date):
    still_open = make_demand(by=authority, title="Gowns for Namur")
    api = APIClient()
    api.force_authenticate(authority)

    closed = api.get(f"/api/v1/demands/{closed_by_date.pk}/").json()
    open_ = api.get(f"/api/v1/demands/{still_open.pk}/").json()

    assert closed["status"] == "closed"
    expired_at = datetime.datetime.fromisoformat(closed["expired_at"].replace("Z", "+00:00"))
    assert expired_at == closed_by_date.expired_at
    assert open_["expired_at"] is None
