"""The e-mail outbox (``portal/core/mail.py``, ``portal/core/mail_sending.py``): e-mails are
written with the change they tell of, sent after commit in batches over one connection, tried
again when the mail server refuses for a moment, and sent at most once."""

import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from portal.core import mail_sending
from portal.core.mail import email_enqueue, queue_email
from portal.core.models import OutgoingEmail

Status = OutgoingEmail.Status


class CountingBackend(EmailBackend):
    """The test mail server (locmem), counting the connections made to it."""

    opened = 0

    def __init__(self, *args, **kwargs):
        CountingBackend.opened += 1
        super().__init__(*args, **kwargs)


class RefusingBackend(EmailBackend):
    """A mail server that refuses the addresses in ``refuse`` with ``error``."""

    refuse: dict[str, Exception] = {}

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refuse:
                raise self.refuse[message.to[0]]
        return super().send_messages(messages)


class StoppedBackend(EmailBackend):
    """A mail server during which the task's soft time limit passes, at the second e-mail."""

    calls = 0

    def send_messages(self, messages):
        StoppedBackend.calls += 1
        if StoppedBackend.calls == 2:
            raise SoftTimeLimitExceeded()
        return super().send_messages(messages)


def waiting(n: int) -> list[OutgoingEmail]:
    """``n`` e-mails in the outbox whose tasks have not run (queued with the worker away)."""
    return [
        email_enqueue(to=[f"person{i}@example.eu"], subject=f"Subject {i}", body=f"Body {i}")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_an_email_is_written_with_the_change_and_sent_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue_email(
            to=["anna@example.eu"],
            subject="Your offer\nwas  accepted",
            template="offers/email/offer_transition.txt",
            context={"offer": {"title": "FFP2 masks"}, "from_status": "under review"},
            headers={"List-Unsubscribe": "<https://example.eu/u>"},
        )
        assert OutgoingEmail.objects.get().status == Status.PENDING
        assert mailoutbox == []  # nothing before commit

    assert len(callbacks) == 1
    (message,) = mailoutbox
    assert (message.subject, message.to) == ("Your offer was accepted", ["anna@example.eu"])
    assert "“FFP2 masks” went from “under review”" in message.body  # rendered when queued
    assert message.extra_headers["List-Unsubscribe"] == "<https://example.eu/u>"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert email.sent_at is not None and email.claimed_at is None


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_enqueue(to=["anna@example.eu"], subject="Never", body="Rolled back")
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_task_sends_a_batch_oldest_first_over_one_connection(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    mail.outbox = []
    emails = waiting(5)

    assert mail_sending.send_due(limit=3) == {"sent": 3, "retry": 0, "failed": 0}
    assert [m.to[0] for m in mail.outbox] == [e.to[0] for e in emails[:3]]
    assert CountingBackend.opened == 1
    assert mail_sending.send_due() == {"sent": 2, "retry": 0, "failed": 0}
    assert mail_sending.send_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(mail.outbox) == 5  # each once
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


@pytest.mark.django_db
def test_an_email_the_server_refuses_for_a_moment_is_retried_then_fails(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    settings.EMAIL_MAX_ATTEMPTS = 3
    RefusingBackend.refuse = {"person0@example.eu": smtplib.SMTPServerDisconnected("gone")}
    mail.outbox = []
    refused, other = waiting(2)

    assert mail_sending.send_due() == {"sent": 1, "retry": 1, "failed": 0}
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (Status.PENDING, 1)
    assert "SMTPServerDisconnected: gone" in refused.last_error
    # The next try waits: between half and all of the first backoff.
    wait = (refused.next_attempt_at - timezone.now()).total_seconds()
    assert settings.EMAIL_BACKOFF_SECONDS / 2 - 2 <= wait <= settings.EMAIL_BACKOFF_SECONDS
    assert mail_sending.send_due()["retry"] == 0  # not due yet

    for attempt in (2, 3):
        OutgoingEmail.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now())
        mail_sending.send_due()
        refused.refresh_from_db()
        assert refused.attempts == attempt
    assert refused.status == Status.FAILED  # the third refusal was the last try
    assert [m.to[0] for m in mail.outbox] == [other.to[0]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"person0@example.eu": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
    ],
    ids=["no such recipient", "5xx"],
)
def test_an_email_the_server_refuses_for_good_fails_at_once(settings, error):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refuse = {"person0@example.eu": error}
    (email,) = waiting(1)

    assert mail_sending.send_due() == {"sent": 0, "retry": 0, "failed": 1}
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 1)
    assert type(error).__name__ in email.last_error


@pytest.mark.django_db
def test_a_batch_cut_short_leaves_the_one_being_sent_claimed_and_the_rest_due(settings):
    settings.EMAIL_BACKEND = f"{__name__}.StoppedBackend"
    StoppedBackend.calls = 0
    mail.outbox = []
    first, second, third = waiting(3)

    with pytest.raises(SoftTimeLimitExceeded):
        mail_sending.send_due()

    statuses = dict(OutgoingEmail.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.SENT, second.pk: Status.SENDING, third.pk: Status.PENDING}
    third.refresh_from_db()
    assert third.attempts == 0  # not tried: its claim is not counted


@pytest.mark.django_db
def test_the_sweeper_fails_stale_claims_rather_than_send_twice_and_sends_what_waits(
    django_capture_on_commit_callbacks, mailoutbox
):
    stale, fresh, due = waiting(3)
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=stale.pk).update(
        status=Status.SENDING, claimed_at=now - mail_sending.STALE_CLAIM - timedelta(seconds=1)
    )
    OutgoingEmail.objects.filter(pk=fresh.pk).update(status=Status.SENDING, claimed_at=now)

    assert mail_sending.sweep() == 1  # eager here: its task runs at once

    statuses = dict(OutgoingEmail.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: Status.FAILED, fresh.pk: Status.SENDING, due.pk: Status.SENT}
    assert [m.to for m in mailoutbox] == [due.to]
    stale.refresh_from_db()
    assert stale.last_error == mail_sending.STALE_NOTE


@pytest.mark.django_db
def test_the_sweeper_deletes_sent_and_failed_emails_after_the_keeping_period(settings):
    settings.EMAIL_KEEP_DAYS = 30
    old_sent, recent_sent, old_failed, recent_failed, old_waiting = waiting(5)
    long_ago = timezone.now() - timedelta(days=31)
    recently = timezone.now() - timedelta(days=29)
    OutgoingEmail.objects.filter(pk=old_sent.pk).update(status=Status.SENT, sent_at=long_ago)
    OutgoingEmail.objects.filter(pk=recent_sent.pk).update(status=Status.SENT, sent_at=recently)
    OutgoingEmail.objects.filter(pk=old_failed.pk).update(status=Status.FAILED, created_at=long_ago)
    OutgoingEmail.objects.filter(pk=recent_failed.pk).update(
        status=Status.FAILED, created_at=recently
    )
    # Still to be sent (a retry far off): never deleted, however old.
    OutgoingEmail.objects.filter(pk=old_waiting.pk).update(
        created_at=long_ago, next_attempt_at=timezone.now() + timedelta(hours=1)
    )

    mail_sending.sweep()

    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {
        recent_sent.pk,
        recent_failed.pk,
        old_waiting.pk,
    }


@pytest.mark.django_db
def test_staff_send_a_failed_email_again_from_the_admin(
    client, django_capture_on_commit_callbacks, mailoutbox, django_user_model
):
    (email,) = waiting(1)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.FAILED, attempts=5, last_error="x"
    )
    admin = django_user_model.objects.create_superuser(
        email="root@example.eu", password="a long admin password"
    )
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/core/outgoingemail/",
            {"action": "send_again", "_selected_action": [email.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 e-mail(s) put back in line." in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert [m.to for m in mailoutbox] == [email.to]


@pytest.mark.django_db
def test_staff_find_an_email_by_address_or_subject_in_the_admin(client, django_user_model):
    waiting(3)
    admin = django_user_model.objects.create_superuser(
        email="root@example.eu", password="a long admin password"
    )
    client.force_login(admin)

    by_address = client.get("/admin/core/outgoingemail/", {"q": "PERSON1@example"})
    by_subject = client.get("/admin/core/outgoingemail/", {"q": "Subject 2"})

    assert by_address.status_code == by_subject.status_code == 200
    assert "person1@example.eu" in by_address.content.decode()
    assert "person0@example.eu" not in by_address.content.decode()
    assert "person2@example.eu" in by_subject.content.decode()
    assert "person1@example.eu" not in by_subject.content.decode()


@pytest.mark.django_db
def test_only_commission_staff_send_an_email_again(company_user, commission_staff):
    (email,) = waiting(1)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.FAILED)

    for outsider in (company_user, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            mail_sending.email_send_again(email=email, by=outsider)
    email.refresh_from_db()
    assert email.status == Status.FAILED  # untouched

    assert mail_sending.email_send_again(email=email, by=commission_staff) is True
    assert mail_sending.email_send_again(email=email, by=commission_staff) is False  # not failed
