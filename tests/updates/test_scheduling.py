"""A scheduled update is invisible before its time and visible after it: on the list, its
page, the API, the feeds and the home page's selectors. Nothing has to run at that time.

The clock is moved by setting the update's time to a moment just past, as the clock would
when it reaches it (``time_passes``); the selectors also take ``now`` directly.
"""

import datetime

import feedparser
import pytest

from portal.core.models import Ecosystem
from portal.updates import selectors
from portal.updates.services import update_publish
from tests.updates.factories import ahead, make_update, time_passes

pytestmark = pytest.mark.django_db


def visible_everywhere(client, update) -> dict[str, bool]:
    listed = update.title in client.get("/updates/").content.decode()
    page = client.get(f"/updates/{update.slug}/").status_code
    api_list = [row["id"] for row in client.get("/api/v1/updates/").json()["results"]]
    api_detail = client.get(f"/api/v1/updates/{update.pk}/").status_code
    feed = feedparser.parse(client.get("/updates/feed/").content)
    ecosystem_feed = feedparser.parse(client.get("/updates/feed/health/").content)
    return {
        "list": listed,
        "page": page == 200,
        "api list": update.pk in api_list,
        "api detail": api_detail == 200,
        "feed": any(e.title == update.title for e in feed.entries),
        "ecosystem feed": any(e.title == update.title for e in ecosystem_feed.entries),
        "home": update in selectors.latest_updates(limit=10),
        "ecosystem page": update
        in selectors.updates_for_ecosystem(ecosystem=Ecosystem.objects.get(slug="health")),
    }


@pytest.mark.parametrize("user", [None, "company_user", "authority", "cluster_manager"])
def test_a_scheduled_update_is_invisible_before_its_time_and_visible_after(
    client, request, commission_staff, user
):
    if user:
        client.force_login(request.getfixturevalue(user))
    update = make_update(
        by=commission_staff,
        title="Scheduled for later",
        published=None,
        ecosystems=["health"],
    )
    update = update_publish(update=update, at=ahead(hours=2), by=commission_staff)

    before = visible_everywhere(client, update)
    assert not any(before.values()), before
    assert client.get(f"/updates/{update.slug}/").status_code == 404
    assert client.get(f"/api/v1/updates/{update.pk}/").status_code == 404

    update = time_passes(update)

    after = visible_everywhere(client, update)
    assert all(after.values()), after


def test_staff_see_a_scheduled_update_before_its_time_with_its_badge(client, commission_staff):
    update = make_update(by=commission_staff, title="Scheduled", published=ahead(days=1))
    client.force_login(commission_staff)

    assert "Scheduled for" in client.get("/updates/").content.decode()
    assert client.get(f"/updates/{update.slug}/").status_code == 200
    assert client.get(f"/api/v1/updates/{update.pk}/").json()["state"] == "scheduled"
    # The feeds are public documents: staff get them as everyone does.
    assert "Scheduled" not in client.get("/updates/feed/").content.decode()


def test_the_selectors_take_the_moment_to_look_from():
    when = ahead(hours=5)
    update = make_update(title="At five", published=when, ecosystems=["health"])
    health = Ecosystem.objects.get(slug="health")
    just_before = when - datetime.timedelta(seconds=1)

    assert update not in selectors.latest_updates(now=just_before)
    assert update in selectors.latest_updates(now=when)
    assert update not in selectors.updates_for_ecosystem(ecosystem=health, now=just_before)
    assert update in selectors.updates_for_ecosystem(ecosystem=health, now=when)
    assert selectors.updates_for_ecosystem_count(ecosystem=health, now=just_before) == 0
    assert selectors.updates_for_ecosystem_count(ecosystem=health, now=when) == 1
    assert selectors.update_counts_by_ecosystem(now=just_before) == {}
    assert selectors.update_counts_by_ecosystem(now=when) == {health.pk: 1}
