"""Demo updates (``make run``) and the admin."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from portal.accounts.roles import Role
from portal.updates.demo import UPDATES, seed_updates
from portal.updates.models import Update, UpdateState
from tests.factories import make_user
from tests.updates.factories import make_update

pytestmark = pytest.mark.django_db


def test_demo_updates_show_every_state_and_are_marked_as_demo(commission_staff):
    made = seed_updates(staff=commission_staff)

    updates = list(Update.objects.all())
    assert made == len(UPDATES) == len(updates) >= 8
    states = [u.state() for u in updates]
    assert states.count(UpdateState.DRAFT) == 1
    assert states.count(UpdateState.SCHEDULED) == 1
    assert any(u.pinned and u.state() == UpdateState.PUBLISHED for u in updates)
    for update in updates:
        assert "Demo content" in update.summary and "Demo content" in update.body
        host = urlparse(update.source_url).hostname or ""
        assert update.source_url.startswith("https://")
        assert host == "eur-lex.europa.eu" or host.endswith("ec.europa.eu"), host
        assert update.author == commission_staff
    # Published demo updates keep their 2020 dates.
    assert {u.published_at.year for u in updates if u.state() == UpdateState.PUBLISHED} == {2020}


def test_demo_updates_are_added_once(commission_staff):
    seed_updates(staff=commission_staff)

    assert seed_updates(staff=commission_staff) == 0
    assert Update.objects.count() == len(UPDATES)


def test_seed_demo_adds_the_updates_once(capsys):
    call_command(
        "seed_demo", "--clusters", "2", "--projects", "1", "--offers", "1", "--demands", "1"
    )
    assert f"Demo EU updates made: {len(UPDATES)}." in capsys.readouterr().out

    call_command(
        "seed_demo", "--clusters", "2", "--projects", "1", "--offers", "1", "--demands", "1"
    )

    assert Update.objects.count() == len(UPDATES)
    assert "Demo EU updates made" not in capsys.readouterr().out


def test_the_admin_lists_and_opens_updates(client, superuser):
    update = make_update(ecosystems=["health"])
    client.force_login(superuser)

    assert client.get("/admin/updates/update/").status_code == 200
    assert (
        client.get(
            "/admin/updates/update/?q=guidance&category__exact=legislation_guidance"
        ).status_code
        == 200
    )
    assert client.get(f"/admin/updates/update/{update.pk}/change/").status_code == 200


def test_the_admin_edits_through_the_service_and_keeps_publication(client, superuser):
    update = make_update(ecosystems=["health"])
    published_at = update.published_at
    client.force_login(superuser)

    response = client.post(
        f"/admin/updates/update/{update.pk}/change/",
        {
            "title": "Edited in the admin",
            "summary": "S.",
            "body": "B.",
            "category": "funding",
            "ecosystems": [],
            "source_url": "https://ec.europa.eu/",
        },
    )

    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.title, update.category, update.published_at) == (
        "Edited in the admin",
        "funding",
        published_at,
    )
    assert not update.ecosystems.exists()


def test_the_admin_actions_publish_and_unpublish(client, superuser):
    draft = make_update(published=None)
    client.force_login(superuser)

    client.post("/admin/updates/update/", {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state() == UpdateState.PUBLISHED

    client.post(
        "/admin/updates/update/", {"action": "back_to_draft", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.published_at is None


def test_staff_who_are_not_superusers_do_not_get_the_admin(client):
    client.force_login(make_user(Role.COMMISSION))

    response = client.get("/admin/updates/update/")

    assert response.status_code == 302 and "/admin/login/" in response.url
