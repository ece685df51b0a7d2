"""The subscription page: any logged-in user chooses which confirmed alerts reach them by
e-mail, immediately or as a daily digest; anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertNotice, AlertStatus, Frequency, Subscription
from alerts.services import alert_transition
from portal.accounts.roles import Role
from tests.alerts.factories import make_alert
from tests.factories import make_user

URL = "/alerts/subscription/"
ROLES = [Role.COMPANY, Role.CLUSTER_MANAGER, Role.AUTHORITY, Role.COMMISSION]


def test_the_url_is_the_one_the_pages_link_to():
    assert reverse("alerts:subscription") == URL


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    get = client.get(URL)
    post = client.post(URL, {"frequency": "daily", "active": "on"})

    for response in (get, post):
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_any_logged_in_user_subscribes(client, db, role):
    user = make_user(role, verified=False)  # not even a verified account is needed
    client.force_login(user)

    page = client.get(URL)
    response = client.post(
        URL,
        {
            "ecosystems": ["health", "electronics"],
            "countries": ["BE", "IT"],
            "types": ["supply_disruption", "raw_material_shortage"],
            "frequency": "daily",
            "active": "on",
        },
        follow=True,
    )

    assert page.status_code == 200
    assert response.redirect_chain[-1][0] == URL
    subscription = Subscription.objects.get(user=user)
    assert sorted(e.slug for e in subscription.ecosystems.all()) == ["electronics", "health"]
    assert sorted(str(c) for c in subscription.countries) == ["BE", "IT"]
    assert subscription.types == ["supply_disruption", "raw_material_shortage"]
    assert subscription.frequency == Frequency.DAILY
    assert subscription.active is True
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "one e-mail a day" in messages


def test_the_form_shows_the_saved_choices_and_saves_changes(client, company_user):
    client.force_login(company_user)
    client.post(
        URL,
        {"ecosystems": ["health"], "countries": ["FR"], "frequency": "immediate", "active": "on"},
    )

    page = client.get(URL)
    client.post(URL, {"types": ["takeover_threat"], "frequency": "daily"})

    initial = page.context["form"].initial
    assert initial["ecosystems"] == ["health"]
    assert initial["countries"] == ["FR"]
    assert initial["frequency"] == "immediate"
    assert initial["active"] is True
    assert "You are subscribed" in page.content.decode()
    subscription = Subscription.objects.get(user=company_user)
    # Emptied groups mean "any"; an unticked box pauses the e-mails.
    assert list(subscription.ecosystems.all()) == []
    assert list(subscription.countries) == []
    assert subscription.types == ["takeover_threat"]
    assert subscription.active is False
    assert Subscription.objects.count() == 1


def test_a_new_subscriber_starts_from_immediate_and_active(client, company_user):
    client.force_login(company_user)

    page = client.get(URL)

    assert page.context["form"].initial == {"frequency": "immediate", "active": True}
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"types": ["earthquake"], "frequency": "daily"}, "types"),
        ({"countries": ["XX"], "frequency": "daily"}, "countries"),
        ({"ecosystems": ["no-such-ecosystem"], "frequency": "daily"}, "ecosystems"),
        ({"frequency": "hourly"}, "frequency"),
        ({}, "frequency"),
    ],
)
def test_bad_choices_are_field_errors(client, company_user, data, field):
    client.force_login(company_user)

    response = client.post(URL, data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Subscription.objects.exists()


def test_a_subscription_made_on_the_page_brings_the_matching_confirmed_alert(
    client, company_user, cluster_manager, authority, commission_staff,
    django_capture_on_commit_callbacks, mailoutbox,
):  # fmt: skip
    client.force_login(company_user)
    client.post(URL, {"ecosystems": ["health"], "frequency": "immediate", "active": "on"})
    matching = make_alert(by=authority, status=AlertStatus.UNDER_ASSESSMENT, staff=commission_staff)
    other = make_alert(
        by=authority,
        status=AlertStatus.UNDER_ASSESSMENT,
        staff=commission_staff,
        ecosystems=("electronics",),
    )

    with django_capture_on_commit_callbacks(execute=True):
        for alert in (matching, other):
            alert_transition(alert=alert, to_status=AlertStatus.CONFIRMED, by=commission_staff)

    notices = AlertNotice.objects.filter(user=company_user)
    assert [n.alert for n in notices] == [Alert.objects.get(pk=matching.pk)]
    (mail,) = [m for m in mailoutbox if company_user.email in m.to]
    assert matching.title in mail.subject
