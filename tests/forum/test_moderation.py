"""Forum moderation, role by role: companies, cluster managers, public authorities (verified
or not) and anonymous people cannot hide, restore, lock, pin or see the flag queue;
Commission staff (and superusers) can."""

from __future__ import annotations

import pytest

from portal.forum import services
from portal.forum.models import Flag, FlagOutcome, Post, Topic
from tests.forum.factories import make_topic

pytestmark = pytest.mark.django_db

NOT_MODERATORS = ["company_user", "cluster_manager", "authority", "unverified_authority"]
MODERATORS = ["commission_staff", "superuser"]


@pytest.fixture
def topic(other_cluster_manager):
    return make_topic(by=other_cluster_manager, title="Flagged topic")


def actions(topic: Topic) -> list[tuple[str, str, dict]]:
    post = topic.opening_post_id
    return [
        ("get", "/forum/moderation/", {}),
        ("post", f"/forum/posts/{post}/hide/", {"reason": "Spam"}),
        ("post", f"/forum/posts/{post}/restore/", {}),
        ("post", f"/forum/posts/{post}/flags/dismiss/", {}),
        ("post", f"/forum/topics/{topic.pk}/moderate/", {"action": "lock"}),
        ("post", f"/forum/topics/{topic.pk}/moderate/", {"action": "pin"}),
    ]


def state(topic: Topic) -> tuple:
    topic.refresh_from_db()
    post = Post.objects.get(pk=topic.opening_post_id)
    return topic.locked, topic.pinned, post.hidden, Flag.objects.open().count()


@pytest.mark.parametrize("role", NOT_MODERATORS)
def test_members_cannot_moderate(client, topic, role, request, company_user):
    services.post_flag(post=topic.opening_post, by=company_user, reason="spam")
    client.force_login(request.getfixturevalue(role))
    before = state(topic)

    for method, path, data in actions(topic):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, f"{method.upper()} {path}: {response.status_code}"

    assert state(topic) == before
    page = client.get(f"/forum/topics/{topic.pk}/").content.decode()
    assert "Lock the topic" not in page and "Hide the post" not in page
    assert "Flag queue" not in client.get("/forum/").content.decode()


def test_anonymous_people_are_sent_to_log_in(client, topic, company_user):
    services.post_flag(post=topic.opening_post, by=company_user, reason="spam")
    before = state(topic)

    for method, path, data in actions(topic):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url, path

    assert state(topic) == before


@pytest.mark.parametrize("role", MODERATORS)
def test_staff_moderate_from_the_pages(client, topic, role, request, company_user):
    staff = request.getfixturevalue(role)
    services.post_flag(post=topic.opening_post, by=company_user, reason="spam", note="Advert")
    client.force_login(staff)

    queue = client.get("/forum/moderation/")
    assert queue.status_code == 200
    assert "Flagged topic" in queue.content.decode() and "Advert" in queue.content.decode()

    client.post(f"/forum/topics/{topic.pk}/moderate/", {"action": "lock"})
    client.post(f"/forum/topics/{topic.pk}/moderate/", {"action": "pin"})
    response = client.post(
        f"/forum/posts/{topic.opening_post_id}/hide/",
        {"reason": "Advertising", "next": "/forum/moderation/"},
    )

    assert response.status_code == 302 and response.url == "/forum/moderation/"
    assert state(topic) == (True, True, True, 0)
    assert Flag.objects.get().outcome == FlagOutcome.HIDDEN
    hidden_list = client.get("/forum/moderation/").content.decode()
    assert "No flagged post is waiting." in hidden_list and "Advertising" in hidden_list

    client.post(f"/forum/posts/{topic.opening_post_id}/restore/")
    client.post(f"/forum/topics/{topic.pk}/moderate/", {"action": "unlock"})
    client.post(f"/forum/topics/{topic.pk}/moderate/", {"action": "unpin"})
    assert state(topic) == (False, False, False, 0)


def test_staff_keep_a_flagged_post(client, topic, company_user, commission_staff):
    services.post_flag(post=topic.opening_post, by=company_user, reason="off_topic")
    client.force_login(commission_staff)

    response = client.post(f"/forum/posts/{topic.opening_post_id}/flags/dismiss/")

    assert response.status_code == 302
    assert Flag.objects.get().outcome == FlagOutcome.DISMISSED
    assert not Post.objects.get(pk=topic.opening_post_id).hidden


def test_hiding_without_a_reason_is_refused_with_a_message(client, topic, commission_staff):
    client.force_login(commission_staff)

    response = client.post(
        f"/forum/posts/{topic.opening_post_id}/hide/", {"reason": ""}, follow=True
    )

    assert "Say why" in response.content.decode()
    assert not Post.objects.get(pk=topic.opening_post_id).hidden


def test_an_unknown_moderation_action_changes_nothing(client, topic, commission_staff):
    client.force_login(commission_staff)
    before = state(topic)

    response = client.post(f"/forum/topics/{topic.pk}/moderate/", {"action": "delete"}, follow=True)

    assert "Choose lock, unlock, pin or unpin." in response.content.decode()
    assert state(topic) == before


def test_an_open_redirect_through_next_is_refused(client, topic, commission_staff):
    client.force_login(commission_staff)

    response = client.post(
        f"/forum/posts/{topic.opening_post_id}/hide/",
        {"reason": "Spam", "next": "https://evil.example/"},
    )

    assert response.url.startswith(f"/forum/topics/{topic.pk}/")
