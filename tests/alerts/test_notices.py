"""Subscriptions and notices: a subscriber hears of each confirmed alert that matches once,
at once or in a daily digest, even when the tasks run twice or the fast path was missed; no
one else hears of it; and no e-mail ever carries the confidential note."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from alerts.models import AlertNotice, AlertStatus, Frequency, Subscription
from alerts.services import alert_transition, subscription_save
from alerts.services.notices import alert_notify_subscribers
from alerts.tasks import notify_confirmed_alert, send_daily_digests
from portal.accounts.roles import Role
from portal.core.mail_sending import send_due
from portal.core.models import Ecosystem, OutgoingEmail
from tests.alerts.factories import make_alert
from tests.factories import make_user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(task, *args)``: run a task as a worker does, its transaction committed,
    so the e-mails it puts in the outbox go out (``portal/core/mail.py``)."""

    def run(task, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return task(*args)

    return run


S = AlertStatus
SECRET = "CONFIDENTIAL-NOTICE-ZQX"


def subscribe(email, *, ecosystems=(), countries=(), types=(), frequency="immediate", **kw):
    user = make_user(Role.COMPANY, email=email)
    subscription_save(
        user=user,
        ecosystems=list(Ecosystem.objects.filter(slug__in=ecosystems)),
        countries=list(countries),
        types=list(types),
        frequency=frequency,
        **kw,
    )
    return user


def to(mailoutbox, user):
    return [m for m in mailoutbox if user.email in m.to]


def confirm(alert, staff, captured, *, execute=True):
    """Move an alert under assessment to confirmed, running (or not) what waits for commit."""
    with captured(execute=execute):
        return alert_transition(alert=alert, to_status=S.CONFIRMED, by=staff, note="Confirmed.")


@pytest.fixture
def pending(authority, commission_staff, django_capture_on_commit_callbacks):
    """An alert under assessment (health, BE and NL, supply disruption) with a secret note:
    confirm it to notify."""

    def make(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            data = {
                "title": "Disruption in the supply of plastic material",
                "countries": ["BE", "NL"],
                "confidential_note": SECRET,
                "ecosystems": ("health",),
            } | overrides
            return make_alert(
                by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff, **data
            )

    return make


@pytest.mark.django_db
def test_a_subscriber_gets_exactly_one_email_per_confirmed_alert_even_if_the_task_runs_twice(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    subscriber = subscribe("sub@example.eu", ecosystems=["health"])
    alert = pending()

    confirm(alert, commission_staff, django_capture_on_commit_callbacks)
    assert notify_confirmed_alert(alert.pk) == 0
    assert notify_confirmed_alert(alert.pk) == 0

    (message,) = to(mailoutbox, subscriber)
    assert alert.title in message.subject
    assert f"/alerts/{alert.pk}/" in message.body
    notice = AlertNotice.objects.get(alert=alert, user=subscriber)
    assert notice.sent_at is not None and notice.frequency == Frequency.IMMEDIATE


@pytest.mark.django_db
def test_each_confirmed_alert_is_its_own_email(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    subscriber = subscribe("sub@example.eu")
    first, second = pending(title="First"), pending(title="Second")

    confirm(first, commission_staff, django_capture_on_commit_callbacks)
    confirm(second, commission_staff, django_capture_on_commit_callbacks)

    assert sorted(m.subject.split(": ", 1)[1] for m in to(mailoutbox, subscriber)) == [
        "First",
        "Second",
    ]


MATCHING = {
    "anything": {},
    "same ecosystem": {"ecosystems": ["health", "textile"]},
    "same country": {"countries": ["NL"]},
    "same type": {"types": ["supply_disruption", "other"]},
    "all three": {"ecosystems": ["health"], "countries": ["BE"], "types": ["supply_disruption"]},
}
NOT_MATCHING = {
    "other ecosystem": {"ecosystems": ["tourism"]},
    "other country": {"countries": ["FR", "DE"]},
    "other type": {"types": ["takeover_threat"]},
    "one criterion of three off": {
        "ecosystems": ["health"],
        "countries": ["BE"],
        "types": ["labour_restructuring"],
    },
    "inactive subscription": {"ecosystems": ["health"], "active": False},
}


@pytest.mark.django_db
def test_matching_subscribers_hear_of_it_and_no_one_else(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    hear = {
        name: subscribe(f"yes-{i}@example.eu", **c) for i, (name, c) in enumerate(MATCHING.items())
    }
    silent = {
        name: subscribe(f"no-{i}@example.eu", **c)
        for i, (name, c) in enumerate(NOT_MATCHING.items())
    }
    gone = subscribe("gone@example.eu")
    gone.is_active = False
    gone.save()
    unsubscribed = make_user(Role.COMPANY, email="never@example.eu")
    alert = pending()

    confirm(alert, commission_staff, django_capture_on_commit_callbacks)
    notify_confirmed_alert(alert.pk)

    for name, user in hear.items():
        assert len(to(mailoutbox, user)) == 1, name
    for name, user in silent.items():
        assert to(mailoutbox, user) == [], name
    assert to(mailoutbox, gone) == []
    assert to(mailoutbox, unsubscribed) == []
    assert set(AlertNotice.objects.filter(alert=alert).values_list("user", flat=True)) == {
        u.pk for u in hear.values()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.REPORTED, S.UNDER_ASSESSMENT, S.DISMISSED])
def test_an_alert_that_is_not_confirmed_tells_no_one(
    authority, commission_staff, mailoutbox, status
):
    subscriber = subscribe("sub@example.eu")
    alert = make_alert(by=authority, status=status, staff=commission_staff)

    assert notify_confirmed_alert(alert.pk) == 0
    assert alert_notify_subscribers(alert_id=alert.pk) == 0
    assert to(mailoutbox, subscriber) == []
    assert not AlertNotice.objects.exists()


@pytest.mark.django_db
def test_a_task_for_an_alert_that_is_gone_does_nothing(mailoutbox):
    subscribe("sub@example.eu")

    assert notify_confirmed_alert(987654) == 0
    assert mailoutbox == []


# --- daily digests ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_digest_groups_the_days_alerts_in_one_email_sent_once(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox, committed
):
    daily = subscribe("daily@example.eu", ecosystems=["health"], frequency="daily")
    at_once = subscribe("now@example.eu", ecosystems=["health"])
    first = pending(title="Lithium availability")
    second = pending(title="Supply of electronic components")
    elsewhere = pending(title="Tourism standstill", ecosystems=("tourism",))

    confirm(first, commission_staff, django_capture_on_commit_callbacks)
    confirm(second, commission_staff, django_capture_on_commit_callbacks)
    confirm(elsewhere, commission_staff, django_capture_on_commit_callbacks)

    assert to(mailoutbox, daily) == []  # nothing at once
    assert len(to(mailoutbox, at_once)) == 2

    assert committed(send_daily_digests) == 1
    (digest,) = to(mailoutbox, daily)
    assert "2" in digest.subject
    assert "Lithium availability" in digest.body
    assert "Supply of electronic components" in digest.body
    assert "Tourism standstill" not in digest.body
    assert digest.body.index("Lithium") < digest.body.index("electronic")  # in order

    assert committed(send_daily_digests) == 0
    assert len(to(mailoutbox, daily)) == 1
    assert len(to(mailoutbox, at_once)) == 2


@pytest.mark.django_db
def test_each_daily_subscriber_gets_their_own_digest(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox, committed
):
    health = subscribe("health@example.eu", ecosystems=["health"], frequency="daily")
    tourism = subscribe("tourism@example.eu", ecosystems=["tourism"], frequency="daily")
    nothing = subscribe("nothing@example.eu", ecosystems=["retail"], frequency="daily")
    confirm(pending(title="Masks"), commission_staff, django_capture_on_commit_callbacks)
    confirm(
        pending(title="Hotels", ecosystems=("tourism",)),
        commission_staff,
        django_capture_on_commit_callbacks,
    )

    assert committed(send_daily_digests) == 2

    (to_health,) = to(mailoutbox, health)
    (to_tourism,) = to(mailoutbox, tourism)
    assert "Masks" in to_health.body and "Hotels" not in to_health.body
    assert "Hotels" in to_tourism.body and "Masks" not in to_tourism.body
    assert to(mailoutbox, nothing) == []


@pytest.mark.django_db
def test_the_digest_run_picks_up_an_alert_whose_notice_task_never_ran(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox, committed
):
    at_once = subscribe("now@example.eu")
    daily = subscribe("daily@example.eu", frequency="daily")
    alert = pending(title="Take-over threats to aeronautics suppliers")

    confirm(alert, commission_staff, django_capture_on_commit_callbacks, execute=False)
    assert not AlertNotice.objects.exists()  # the broker was down: nothing was queued

    committed(send_daily_digests)

    assert len(to(mailoutbox, at_once)) == 1
    (digest,) = to(mailoutbox, daily)
    assert alert.title in digest.body
    committed(send_daily_digests)
    committed(notify_confirmed_alert, alert.pk)
    assert len(to(mailoutbox, at_once)) == 1
    assert len(to(mailoutbox, daily)) == 1


class FailingBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise OSError("connection refused")


@pytest.mark.django_db
def test_a_notice_the_mail_server_could_not_take_is_sent_by_the_outboxs_retry_once(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox, settings
):
    subscriber = subscribe("sub@example.eu")
    alert = pending()
    confirm(alert, commission_staff, django_capture_on_commit_callbacks, execute=False)
    settings.EMAIL_BACKEND = "tests.alerts.test_notices.FailingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        assert alert_notify_subscribers(alert_id=alert.pk) == 1  # claimed, in the outbox
    assert AlertNotice.objects.get(user=subscriber).sent_at is not None
    waiting = OutgoingEmail.objects.get(to=[subscriber.email])
    assert (waiting.status, waiting.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert "connection refused" in waiting.last_error
    assert alert_notify_subscribers(alert_id=alert.pk) == 0  # the task again: nothing more

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
    send_due()  # the outbox's retry, after its backoff
    send_due()
    assert len(to(mailoutbox, subscriber)) == 1


# --- the confidential note --------------------------------------------------------------


@pytest.mark.django_db
def test_no_email_ever_carries_the_confidential_note(
    pending, commission_staff, django_capture_on_commit_callbacks, mailoutbox, committed
):
    subscribe("now@example.eu")
    subscribe("daily@example.eu", frequency="daily")
    alerts = [pending(title=f"Alert {i}") for i in range(2)]

    for alert in alerts:
        confirm(alert, commission_staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        alert_transition(alert=alerts[0], to_status=S.RESOLVED, by=commission_staff, note="Done")
    committed(send_daily_digests)

    reporter = alerts[0].reported_by.email
    assert {tuple(m.to) for m in mailoutbox} >= {
        ("now@example.eu",),
        ("daily@example.eu",),
        (reporter,),
    }
    for message in mailoutbox:
        assert SECRET not in message.subject
        assert SECRET not in message.body
        for alternative, _mime in getattr(message, "alternatives", []):
            assert SECRET not in alternative


# --- subscriptions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_subscription_is_one_per_user_and_saving_again_changes_it(company_user):
    health = Ecosystem.objects.get(slug="health")
    subscription_save(
        user=company_user, ecosystems=[health], countries=["BE"], types=[], frequency="daily"
    )

    subscription_save(
        user=company_user,
        ecosystems=[],
        countries=["FR", "FR"],
        types=["other"],
        frequency="immediate",
    )

    subscription = Subscription.objects.get(user=company_user)
    assert Subscription.objects.count() == 1
    assert list(subscription.ecosystems.all()) == []
    assert [str(c) for c in subscription.countries] == ["FR"]
    assert subscription.types == ["other"]
    assert subscription.frequency == Frequency.IMMEDIATE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("types", {"types": ["alien_invasion"]}),
        ("frequency", {"frequency": "hourly"}),
        ("countries", {"countries": ["XX"]}),
    ],
)
def test_a_bad_subscription_is_refused(company_user, field, change):
    data = {"ecosystems": [], "countries": [], "types": [], "frequency": "daily"} | change

    with pytest.raises(ValidationError) as refused:
        subscription_save(user=company_user, **data)

    assert field in refused.value.message_dict


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_subscribe():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        subscription_save(
            user=AnonymousUser(), ecosystems=[], countries=[], types=[], frequency="daily"
        )
