"""``manage.py run_schedule``: the beat schedule run in-process on the embedded default."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from offers.models import OfferStatus
from portal.core.mail import email_enqueue
from portal.core.models import OutgoingEmail
from tests.offers.factories import make_offer


def due_again(email: OutgoingEmail) -> None:
    """An e-mail the mail server refused once, whose retry is now due: only a sweeper sends
    it (its own task ran and failed)."""
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=1, last_error="SMTPServerDisconnected", next_attempt_at=timezone.now()
    )


@pytest.mark.django_db(transaction=True)
def test_once_runs_every_scheduled_task_here(
    company_user, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        offer = make_offer(by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff)
        email = email_enqueue(to=["late@example.eu"], subject="Retry me", body="Body")
    offer.__class__.objects.filter(pk=offer.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    due_again(email)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_schedule", "--once")

    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED  # expire-offers ran
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT  # sweep-emails ran
    assert "late@example.eu" in [address for m in mailoutbox for address in m.to]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_schedule_and_a_failing_task_does_not_stop_it(settings, mailoutbox):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "no.such.task", "schedule": 0.2},
        "sweep-emails": {"task": "core.sweep_emails", "schedule": timedelta(seconds=0.3)},
    }
    email = email_enqueue(to=["late@example.eu"], subject="Retry me", body="Body")
    due_again(email)
    out, err = io.StringIO(), io.StringIO()

    call_command("run_schedule", "--stop-after", "1.2", verbosity=2, stdout=out, stderr=err)

    sweeps = [line for line in out.getvalue().splitlines() if line.startswith("sweep-emails")]
    # The first run one period after the start, then every period: 3 or 4 in 1.2 s.
    assert 3 <= len(sweeps) <= 4, out.getvalue()
    assert "broken (no.such.task) failed: NotRegistered" in err.getvalue()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mailoutbox] == [["late@example.eu"]]


def test_it_refuses_where_tasks_go_to_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    with pytest.raises(CommandError, match="make beat"):
        call_command("run_schedule", "--once")
