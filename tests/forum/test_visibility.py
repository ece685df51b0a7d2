"""A hidden post is gone for everyone but staff — on the topic page, in the topic lists and
their previews, in search, in the counts the public sees, and in the API — and a topic whose
opening post is hidden is gone with it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.accounts.models import User
from portal.forum import services
from portal.forum.models import Post, Topic
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = "Cheap forklifts, call now"


@dataclass
class World:
    topic: Topic
    kept: Post
    hidden: Post
    hidden_topic: Topic


@pytest.fixture
def world(company_user, cluster_manager, authority, commission_staff) -> World:
    topic = make_topic(by=company_user, title="Meltblown suppliers")
    kept = make_reply(topic=topic, by=cluster_manager, body="Our members can help")
    hidden = services.post_reply(topic=topic, by=authority, body=HIDDEN_TEXT)
    services.post_hide(post=hidden, by=commission_staff, reason="Advertising")
    hidden_topic = make_topic(by=authority, title="Forklift sale", body="Forklifts for sale")
    services.post_hide(post=hidden_topic.opening_post, by=commission_staff, reason="Spam")
    return World(topic, kept, hidden, hidden_topic)


VIEWERS = ["anonymous", "author", "other_member"]


def login(client, request, viewer: str, world: World) -> User | None:
    users = {
        "author": world.hidden.author,  # even the author no longer sees their hidden post
        "other_member": request.getfixturevalue("cluster_manager"),
        "staff": request.getfixturevalue("commission_staff"),
    }
    user = users.get(viewer)
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_hidden_post_is_gone_from_the_topic_page(client, world, viewer, request):
    login(client, request, viewer, world)

    response = client.get(f"/forum/topics/{world.topic.pk}/")

    page = response.content.decode()
    assert "Our members can help" in page
    assert HIDDEN_TEXT not in page
    assert f'id="post-{world.hidden.pk}"' not in page
    assert "1 reply" in page  # the count the public sees leaves it out
    assert client.get(f"/forum/posts/{world.hidden.pk}/").status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_topic_whose_opening_post_is_hidden_is_gone(client, world, viewer, request):
    login(client, request, viewer, world)

    assert client.get(f"/forum/topics/{world.hidden_topic.pk}/").status_code == 404
    assert client.get(f"/forum/posts/{world.hidden_topic.opening_post_id}/").status_code == 404
    listing = client.get("/forum/i_need_help/").content.decode()
    assert "Forklift sale" not in listing
    index = client.get("/forum/")
    assert "Forklift sale" not in index.content.decode()
    assert index.context["categories"][0].topic_count == 1
    assert client.get(f"/api/v1/forum/topics/{world.hidden_topic.pk}/").status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_hidden_post_is_gone_from_the_list_preview_and_search(client, world, viewer, request):
    login(client, request, viewer, world)

    listing = client.get("/forum/i_need_help/")
    row = next(t for t in listing.context["topics"] if t.pk == world.topic.pk)
    found = client.get("/forum/topics/", {"q": "forklifts"})

    assert row.reply_count == 1
    assert row.last_post == world.kept  # "latest activity by" is not the hidden post's author
    assert world.hidden.author.full_name not in listing.content.decode()
    assert list(found.context["topics"]) == []


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_hidden_post_is_gone_from_the_api(api_client, world, viewer, request):
    user = {
        "author": world.hidden.author,
        "other_member": request.getfixturevalue("cluster_manager"),
    }.get(viewer)
    if user is not None:
        api_client.force_authenticate(user)

    detail = api_client.get(f"/api/v1/forum/topics/{world.topic.pk}/").json()
    listing = api_client.get("/api/v1/forum/topics/").json()
    search = api_client.get("/api/v1/forum/topics/", {"q": "forklifts"}).json()

    assert [p["id"] for p in detail["posts"]] == [world.topic.opening_post_id, world.kept.pk]
    assert HIDDEN_TEXT not in str(detail)
    assert detail["reply_count"] == 1
    assert [t["id"] for t in listing["results"]] == [world.topic.pk]
    assert search["results"] == []


def test_staff_see_hidden_posts_marked_with_who_why_and_a_restore_button(
    client, world, commission_staff
):
    client.force_login(commission_staff)

    page = client.get(f"/forum/topics/{world.topic.pk}/").content.decode()
    hidden_topic = client.get(f"/forum/topics/{world.hidden_topic.pk}/").content.decode()
    listing = client.get("/forum/i_need_help/").content.decode()

    assert HIDDEN_TEXT in page
    assert "Advertising" in page and "Only staff see this post." in page
    assert f'action="/forum/posts/{world.hidden.pk}/restore/"' in page
    assert "this whole topic is hidden for everyone but staff" in hidden_topic
    assert "Forklift sale" in listing


def test_staff_see_hidden_posts_in_the_api_marked_hidden(api_client, world, commission_staff):
    api_client.force_authenticate(commission_staff)

    detail = api_client.get(f"/api/v1/forum/topics/{world.topic.pk}/").json()
    hidden_topic = api_client.get(f"/api/v1/forum/topics/{world.hidden_topic.pk}/")

    assert [p["hidden"] for p in detail["posts"]] == [False, False, True]
    assert hidden_topic.status_code == 200


def test_restoring_brings_the_post_back_for_everyone(client, world, commission_staff):
    services.post_restore(post=world.hidden, by=commission_staff)

    page = client.get(f"/forum/topics/{world.topic.pk}/").content.decode()

    assert HIDDEN_TEXT in page
    assert "2 replies" in page


def test_the_home_page_selector_shows_only_what_the_public_sees(world, commission_staff):
    from portal.forum.selectors import latest_topics

    assert [t.pk for t in latest_topics(limit=5)] == [world.topic.pk]
    assert {t.pk for t in latest_topics(limit=5, user=commission_staff)} == {
        world.topic.pk,
        world.hidden_topic.pk,
    }
