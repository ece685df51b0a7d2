"""The demo alerts: every state, made through the services, spread over past weeks, marked
as demo content, and idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.demo import ALERTS, DEMO_NOTE, seed_alerts
from alerts.models import Alert, AlertStatus, AlertTransition, Subscription, TransitionKind
from portal.accounts.models import User
from tests.clusters.factories import make_cluster

S = AlertStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cluster_manager, authority, commission_staff, django_capture_on_commit_callbacks):
    make_cluster(by=cluster_manager, name="Pomeranian ICT Cluster")
    make_cluster(by=commission_staff, name="Irish MedTech Cluster")
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_alerts(
            manager=cluster_manager, authority=authority, staff=commission_staff, count=len(ALERTS)
        )
    return made


def test_every_state_is_there_with_an_escalated_and_a_merged_alert(seeded):
    assert seeded == len(ALERTS) == Alert.objects.count()
    assert set(Alert.objects.values_list("status", flat=True)) == set(S.values)
    escalated = Alert.objects.get(escalated=True)
    assert escalated.status == S.CONFIRMED
    merged = Alert.objects.get(status=S.MERGED)
    assert merged.merged_into.title == "Disruption in the supply of plastic material"


def test_every_alert_has_its_recorded_history(seeded):
    for alert in Alert.objects.all():
        steps = list(AlertTransition.objects.filter(alert=alert).order_by("created_at", "pk"))
        assert (steps[0].from_status, steps[0].to_status) == ("", S.REPORTED)
        status_steps = [s for s in steps if s.kind == TransitionKind.STATUS]
        assert status_steps[-1].to_status == alert.status
        assert [s.created_at for s in steps] == sorted(s.created_at for s in steps)
        assert steps[0].created_at == alert.created_at


def test_the_alerts_are_spread_over_the_past_eight_weeks(seeded):
    now = timezone.now()
    created = list(Alert.objects.values_list("created_at", flat=True))
    assert all(now - datetime.timedelta(weeks=9) < at < now for at in created)
    weeks = {at.isocalendar()[:2] for at in created}
    assert len(weeks) >= 6
    for alert in Alert.objects.exclude(confirmed_at=None):
        assert alert.created_at < alert.confirmed_at <= now
        assert alert.started_on <= alert.created_at.date()
    resolved = Alert.objects.get(status=S.RESOLVED)
    assert resolved.confirmed_at < resolved.resolved_at <= now


def test_the_alerts_spread_over_ecosystems_and_countries(seeded):
    slugs = set(Alert.objects.values_list("ecosystems__slug", flat=True))
    countries = {str(c) for alert in Alert.objects.all() for c in alert.countries}
    assert len(slugs) >= 8
    assert len(countries) >= 8


def test_the_texts_say_they_are_demo_content_and_give_no_figures(seeded):
    for alert in Alert.objects.all():
        assert DEMO_NOTE in alert.description
        assert "Demo" in alert.evidence
        assert alert.companies_affected is None
        assert alert.expected_duration_days is None
        assert all(link.startswith("https://example.eu/") for link in alert.evidence_links)
    critical = Alert.objects.get(critical_companies_at_risk=True)
    assert critical.confidential_note.startswith("Demo content")


def test_solutions_are_linked_where_the_demo_clusters_exist(seeded):
    electronics = Alert.objects.get(title__startswith="Supply of electronic components")
    assert [link.cluster.name for link in electronics.cluster_links.all()] == [
        "Irish MedTech Cluster"
    ]


def test_the_demo_accounts_are_subscribed(seeded, cluster_manager, authority):
    assert Subscription.objects.get(user=cluster_manager).frequency == "immediate"
    assert [str(c) for c in Subscription.objects.get(user=authority).countries] == ["ES"]


def test_running_it_again_adds_nothing(seeded, cluster_manager, authority, commission_staff):
    counts = (Alert.objects.count(), AlertTransition.objects.count(), Subscription.objects.count())

    again = seed_alerts(
        manager=cluster_manager, authority=authority, staff=commission_staff, count=len(ALERTS)
    )

    assert again == 0
    assert (
        Alert.objects.count(),
        AlertTransition.objects.count(),
        Subscription.objects.count(),
    ) == counts


def test_a_smaller_count_makes_the_first_ones_and_a_larger_one_adds_the_rest(
    cluster_manager, authority, commission_staff
):
    make_cluster(by=cluster_manager)

    first = seed_alerts(
        manager=cluster_manager, authority=authority, staff=commission_staff, count=3
    )
    rest = seed_alerts(
        manager=cluster_manager, authority=authority, staff=commission_staff, count=len(ALERTS)
    )

    assert (first, rest) == (3, len(ALERTS) - 3)
    assert set(Alert.objects.values_list("title", flat=True)) == {a.title for a in ALERTS}


def test_seed_demo_makes_the_alerts_and_says_how_many(capsys):
    call_command("seed_demo", "--clusters", "12", "--projects", "1", "--offers", "10")

    out = capsys.readouterr().out
    assert f"Demo rapid alerts made: {len(ALERTS)}." in out
    assert Alert.objects.count() == len(ALERTS)
    assert User.objects.filter(email="manager@demo.eu").exists()
    # Solutions from the demo catalogue are linked.
    homologation = Alert.objects.get(title__startswith="Homologation of medical devices")
    assert [link.offer.title for link in homologation.offer_links.all()] == [
        "Medical oxygen concentrators"
    ]

    call_command("seed_demo", "--alerts", "20")
    assert "Demo rapid alerts made" not in capsys.readouterr().out
    assert Alert.objects.count() == len(ALERTS)
