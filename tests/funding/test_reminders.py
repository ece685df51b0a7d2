"""The hourly task e-mails each due reminder once: a week before the deadline, open calls."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from funding import services
from funding.models import CallReminder
from funding.tasks import send_deadline_reminders
from portal.accounts.models import User
from tests.funding.factories import closed_call, open_call, upcoming_call

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def run_task(capture):
    with capture(execute=True):
        return send_deadline_reminders.delay().get()


def test_a_reminder_is_sent_once_however_often_the_task_runs(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks
):
    call = open_call(by=commission_staff, closes_in=3 * DAY, title="Masks for Europe call")
    services.call_reminder_request(call=call, by=cluster_manager)

    first = run_task(django_capture_on_commit_callbacks)
    second = run_task(django_capture_on_commit_callbacks)

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cluster_manager.email]
    assert "Masks for Europe call" in message.subject
    assert f"/funding/calls/{call.pk}/" in message.body
    assert "UTC" in message.body and "Europe/Brussels" in message.body
    assert CallReminder.objects.get().sent_at is not None


def test_a_reminder_more_than_a_week_away_is_not_sent_yet(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks
):
    call = open_call(by=commission_staff, closes_in=8 * DAY)
    services.call_reminder_request(call=call, by=cluster_manager)

    assert run_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert CallReminder.objects.get().sent_at is None

    # A day later the deadline is within the week: the same reminder goes out.
    later = timezone.now() + 1.5 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        assert services.call_reminders_send_due(now=later) == 1
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_call_that_closed_or_has_not_opened(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks
):
    # Upcoming but closing within a week of opening: nothing until it opens.
    soon = upcoming_call(by=commission_staff, opens_in=DAY, closes_in=3 * DAY)
    services.call_reminder_request(call=soon, by=cluster_manager)
    ended = closed_call(by=commission_staff)
    CallReminder.objects.create(call=ended, user=cluster_manager)

    assert run_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_reminder_for_a_deactivated_account(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks
):
    call = open_call(by=commission_staff, closes_in=2 * DAY)
    services.call_reminder_request(call=call, by=cluster_manager)
    User.objects.filter(pk=cluster_manager.pk).update(is_active=False)

    assert run_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_of_two_runs_claiming_the_same_reminder_only_one_sends(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks
):
    call = open_call(by=commission_staff, closes_in=2 * DAY)
    reminder = services.call_reminder_request(call=call, by=cluster_manager)
    now = timezone.now()

    # Both runs read the reminder as due; each then tries to claim it.
    with django_capture_on_commit_callbacks(execute=True):
        first = services.call_reminder_send(reminder_id=reminder.pk, now=now)
        second = services.call_reminder_send(reminder_id=reminder.pk, now=now)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_each_person_gets_their_own_reminder(
    commission_staff, cluster_manager, other_cluster_manager, django_capture_on_commit_callbacks
):
    call = open_call(by=commission_staff, closes_in=2 * DAY)
    for user in (cluster_manager, other_cluster_manager):
        services.call_reminder_request(call=call, by=user)

    assert run_task(django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cluster_manager.email, other_cluster_manager.email]
    )
