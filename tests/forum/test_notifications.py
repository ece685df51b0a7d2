"""Reply e-mails: after commit, one per reply per follower, never to the reply's author, none
for people who do not (or no longer) follow, none for a hidden reply; safe to run twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from portal.core.mail_sending import send_due
from portal.core.models import OutgoingEmail
from portal.forum import services
from portal.forum.models import ReplyNotice
from portal.forum.tasks import notify_reply
from tests.factories import make_user
from tests.forum.factories import make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(company_user):
    """Opened by the company (who follows it by opening it)."""
    return make_topic(by=company_user, title="Meltblown suppliers")


def reply(topic, by, body, capture):
    with capture(execute=True) as callbacks:
        post = services.post_reply(topic=topic, by=by, body=body)
    return post, callbacks


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_followers_get_one_email_per_reply_and_the_author_none(
    settings,
    topic,
    company_user,
    cluster_manager,
    authority,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.topic_follow(topic=topic, by=authority)

    post, callbacks = reply(
        topic,
        cluster_manager,
        "Two members make **meltblown**.",
        django_capture_on_commit_callbacks,
    )

    # The task is queued after commit, not before; it puts an e-mail per follower in the
    # outbox, each sent after the task's own commit.
    assert len(callbacks) == 3
    assert recipients(mailoutbox) == sorted([company_user.email, authority.email])
    message = mailoutbox[0]
    assert "Meltblown suppliers" in message.subject
    assert f"{settings.PORTAL_BASE_URL}/forum/posts/{post.pk}/" in message.body
    assert "Two members make meltblown." in message.body  # Markdown as plain text
    assert "/forum/unfollow/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ReplyNotice.objects.filter(post=post, sent_at__isnull=False).count() == 2


def test_running_the_task_again_sends_nothing_more(
    topic, cluster_manager, authority, mailoutbox, django_capture_on_commit_callbacks
):
    services.topic_follow(topic=topic, by=authority)
    post, _ = reply(topic, cluster_manager, "We can help.", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2

    assert notify_reply.run(post.pk) == 0
    assert notify_reply.delay(post.pk).get() == 0

    assert len(mailoutbox) == 2
    assert ReplyNotice.objects.filter(post=post).count() == 2


def test_the_author_of_the_reply_is_never_told_even_when_following(
    topic, company_user, mailoutbox, django_capture_on_commit_callbacks, cluster_manager
):
    services.topic_follow(topic=topic, by=cluster_manager)

    reply(topic, company_user, "An update from us.", django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == [cluster_manager.email]


def test_people_who_do_not_or_no_longer_follow_get_nothing(
    topic,
    company_user,
    cluster_manager,
    authority,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    bystander = make_user(email="reader@example.eu")  # never followed
    services.topic_follow(topic=topic, by=authority)
    services.topic_unfollow(topic=topic, by=authority)

    reply(topic, cluster_manager, "Hello", django_capture_on_commit_callbacks)

    assert recipients(mailoutbox) == [company_user.email]
    assert bystander.email not in recipients(mailoutbox)


def test_each_reply_is_its_own_email(
    topic, company_user, cluster_manager, authority, mailoutbox, django_capture_on_commit_callbacks
):
    reply(topic, cluster_manager, "First", django_capture_on_commit_callbacks)
    reply(topic, authority, "Second", django_capture_on_commit_callbacks)

    # The company hears of both; the manager (following since replying) of the second only.
    assert recipients(mailoutbox) == sorted([company_user.email] * 2 + [cluster_manager.email])


def test_nothing_is_sent_for_a_reply_hidden_before_the_task_runs(
    topic, cluster_manager, commission_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = services.post_reply(topic=topic, by=cluster_manager, body="Buy my forklift")
    services.post_hide(post=post, by=commission_staff, reason="Advertising")

    for callback in callbacks:
        callback()

    assert mailoutbox == []
    assert not ReplyNotice.objects.exists()


def test_nothing_is_sent_when_the_reply_is_rolled_back(
    topic, cluster_manager, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.post_reply(topic=topic, by=cluster_manager, body="Never committed")
                raise RuntimeError("the request failed after the reply")
        except RuntimeError:
            pass

    assert mailoutbox == []


def test_inactive_followers_get_nothing(
    topic, company_user, cluster_manager, mailoutbox, django_capture_on_commit_callbacks
):
    company_user.is_active = False
    company_user.save()

    reply(topic, cluster_manager, "Hello", django_capture_on_commit_callbacks)

    assert mailoutbox == []


class FailingOnce(EmailBackend):
    """The local-memory backend, except the first message of the run fails (an SMTP
    server refusing one address)."""

    failed = False

    def send_messages(self, messages):
        if not FailingOnce.failed:
            FailingOnce.failed = True
            raise OSError("421 try again later")
        return super().send_messages(messages)


def test_a_reply_email_refused_for_a_moment_goes_on_the_retry_and_the_others_once(
    topic, cluster_manager, authority, settings, django_capture_on_commit_callbacks
):
    services.topic_follow(topic=topic, by=authority)
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnce"
    FailingOnce.failed = False
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = services.post_reply(topic=topic, by=cluster_manager, body="Hello")
    assert len(callbacks) == 1  # the notice task

    # The task: both notices claimed and both e-mails in the outbox, sent on commit; the
    # mail server refuses the first for a moment, and takes the second.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reply_notices_send(post_id=post.pk) == 2
    assert len(mail.outbox) == 1
    assert ReplyNotice.objects.filter(post=post, sent_at__isnull=False).count() == 2
    refused = OutgoingEmail.objects.get(status=OutgoingEmail.Status.PENDING)
    assert refused.attempts == 1 and "421" in refused.last_error
    assert refused.next_attempt_at > timezone.now()  # after a backoff

    # The task running again queues nothing; the outbox's retry sends the refused one.
    assert services.reply_notices_send(post_id=post.pk) == 0
    OutgoingEmail.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now())
    send_due()
    assert len(mail.outbox) == 2
    assert len({m.to[0] for m in mail.outbox}) == 2
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2


def test_the_unfollow_link_of_an_email_stops_the_emails(
    client, topic, company_user, cluster_manager, mailoutbox, django_capture_on_commit_callbacks
):
    reply(topic, cluster_manager, "Hello", django_capture_on_commit_callbacks)
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/forum/unfollow/" in line
    ).split()[-1]
    path = link.split("://", 1)[-1].split("/", 1)[1]

    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert "Meltblown suppliers" in page.content.decode()
    assert topic.follows.filter(user=company_user).exists()  # a GET changes nothing

    done = client.post(f"/{path}")  # as a mail client's one-click unsubscribe: no CSRF token
    assert done.status_code == 200
    assert not topic.follows.filter(user=company_user).exists()

    mailoutbox.clear()
    reply(topic, cluster_manager, "Again", django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_a_forged_unfollow_token_is_a_404(client, topic, company_user):
    token = services.unfollow_token(topic=topic, user=company_user)

    assert client.post(f"/forum/unfollow/{token[:-2]}xx/").status_code == 404
    assert client.get("/forum/unfollow/not-a-token/").status_code == 404
    assert topic.follows.filter(user=company_user).exists()
