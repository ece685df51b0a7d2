"""The Atom feed of confirmed alerts: valid Atom, exactly the confirmed (and resolved)
alerts, their public summary only, and a fixed number of queries."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from alerts.services import alert_escalate
from tests.alerts.factories import make_alert

S = AlertStatus
SECRET = "CONFIDENTIAL-FEED-ZQX"
DETAILS = ("Converters cannot source", "Three suppliers cancelled", "granulate from other EU")


@pytest.fixture
def alerts(cluster_manager, authority, commission_staff, django_capture_on_commit_callbacks):
    from tests.clusters.factories import make_cluster

    with django_capture_on_commit_callbacks(execute=True):
        cluster = make_cluster(by=cluster_manager)
        made = {
            status: make_alert(
                by=authority,
                status=status,
                staff=commission_staff,
                title=f"Alert that is {status}",
                confidential_note=f"{SECRET} {status}",
                countries=["BE", "NL"],
                ecosystems=("health", "electronics"),
            )
            for status in (S.REPORTED, S.UNDER_ASSESSMENT, S.CONFIRMED, S.DISMISSED, S.RESOLVED)
        }
        made[S.MERGED] = make_alert(
            by=cluster_manager,
            cluster=cluster,
            status=S.MERGED,
            staff=commission_staff,
            merged_into=made[S.CONFIRMED],
            title="Alert that is merged",
            confidential_note=f"{SECRET} merged",
        )
        alert_escalate(alert=made[S.CONFIRMED], by=commission_staff, note=f"{SECRET} escalated")
    return made


def read(client, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get("/alerts/feed/")
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.django_db
def test_the_feed_is_valid_atom(client, alerts):
    response, feed = read(client)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title.startswith("Rapid alerts")
    assert feed.feed.link.endswith("/alerts/")
    assert any(
        link.rel == "self" and link.href.endswith("/alerts/feed/") for link in feed.feed.links
    )


@pytest.mark.django_db
def test_the_feed_holds_exactly_the_confirmed_and_resolved_alerts(client, alerts):
    _response, feed = read(client)

    links = {entry.link.split("://", 1)[-1].split("/", 1)[1] for entry in feed.entries}
    assert links == {
        f"alerts/{alerts[S.CONFIRMED].pk}/",
        f"alerts/{alerts[S.RESOLVED].pk}/",
    }
    titles = [entry.title for entry in feed.entries]
    assert "Alert that is confirmed" in titles
    assert "Resolved: Alert that is resolved" in titles


@pytest.mark.django_db
def test_an_entry_is_the_public_summary(client, alerts):
    _response, feed = read(client)

    entry = next(e for e in feed.entries if e.title == "Alert that is confirmed")
    alert = alerts[S.CONFIRMED]
    assert "Supply disruption" in entry.summary
    assert "High" in entry.summary
    assert "Raw materials" in entry.summary
    assert "Health" in entry.summary and "Electronics" in entry.summary
    assert "Belgium" in entry.summary and "Netherlands" in entry.summary
    assert {tag.term for tag in entry.tags} >= {
        "Supply disruption",
        "High",
        "Health",
        "Electronics",
    }
    assert entry.published_parsed is not None
    assert entry.id.endswith(f"/alerts/{alert.pk}/")


@pytest.mark.django_db
def test_a_resolved_entry_is_updated_at_its_resolution(client, alerts):
    _response, feed = read(client)

    entry = next(e for e in feed.entries if e.title.startswith("Resolved:"))
    resolved_at = Alert.objects.get(pk=alerts[S.RESOLVED].pk).resolved_at
    assert entry.updated_parsed[:6] == resolved_at.astimezone(datetime.UTC).timetuple()[:6]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "company_user", "commission_staff"])
def test_the_feed_never_holds_details_evidence_or_the_confidential_note(
    client, alerts, request, who
):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response, _feed = read(client, user)

    body = response.content.decode()
    assert SECRET not in body
    for text in DETAILS:
        assert text not in body
    for hidden in ("reported", "under_assessment", "dismissed", "merged"):
        assert f"Alert that is {hidden}" not in body


@pytest.mark.django_db
def test_the_newest_confirmation_comes_first_and_the_feed_is_capped(
    client, authority, commission_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = [
            make_alert(by=authority, status=S.CONFIRMED, staff=commission_staff, title=f"A{i}")
            for i in range(3)
        ]
    # The first one confirmed last: it leads.
    Alert.objects.filter(pk=made[0].pk).update(confirmed_at=timezone.now())
    Alert.objects.filter(pk=made[2].pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=2)
    )

    _response, feed = read(client)

    assert [e.title for e in feed.entries] == ["A0", "A1", "A2"]


@pytest.mark.django_db
def test_the_feed_stops_at_fifty_entries(client, authority, commission_staff):
    from alerts import selectors

    staff = commission_staff
    for i in range(selectors.FEED_LIMIT + 2):
        make_alert(by=authority, status=S.CONFIRMED, staff=staff, title=f"Cap {i}")

    _response, feed = read(client)

    assert len(feed.entries) == selectors.FEED_LIMIT


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 12])
def test_the_feed_runs_a_fixed_number_of_queries(
    client,
    authority,
    commission_staff,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    n,
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(n):
            make_alert(
                by=authority,
                status=S.CONFIRMED if i % 2 else S.RESOLVED,
                staff=commission_staff,
                ecosystems=("health", "textile"),
                title=f"Q{i}",
            )

    # the alerts, their ecosystems
    with django_assert_max_num_queries(2):
        response = client.get("/alerts/feed/")

    assert len(feedparser.parse(response.content).entries) == n
