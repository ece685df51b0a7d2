"""Every forum list has a query budget that does not grow with the data: the same number of
queries for a few topics or posts as for many."""

from __future__ import annotations

import pytest

from portal.forum import services
from portal.forum.models import Topic, TopicCategory
from tests.factories import make_user
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


@pytest.fixture
def forum(cluster_manager, company_user, authority, commission_staff):
    """``forum(n)``: n topics spread over the categories, each with a reply by a different
    author, some pinned, locked, hidden or flagged; and one topic with n replies."""

    def make(n: int) -> Topic:
        categories = TopicCategory.values
        for i in range(n):
            author = make_user(organisation=f"Company {i}")
            topic = make_topic(by=author, category=categories[i % len(categories)])
            reply = make_reply(topic=topic, by=make_user(organisation=f"Replier {i}"))
            if i % 3 == 0:
                services.topic_pin(topic=topic, by=commission_staff)
            if i % 4 == 0:
                services.topic_lock(topic=topic, by=commission_staff)
            if i % 5 == 0:
                services.post_hide(post=reply, by=commission_staff, reason="Spam")
            services.post_flag(post=topic.opening_post, by=company_user, reason="spam")
        long = make_topic(by=cluster_manager, category=TopicCategory.I_NEED_HELP)
        for i in range(n):
            make_reply(topic=long, by=make_user(organisation=f"Voice {i}"), body=f"Reply {i}")
        return long

    return make


@pytest.fixture
def viewer(request, client):
    """Who looks: anonymous, a member, or staff (the richest pages)."""

    def login(kind: str):
        if kind != "anonymous":
            client.force_login(request.getfixturevalue(kind))
        return client

    return login


# Queries besides the page's own: the session and the user for someone logged in.
LOGGED_IN = 2


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(
    ("kind", "budget"),
    [("anonymous", 3), ("company_user", 3 + LOGGED_IN), ("commission_staff", 4 + LOGGED_IN)],
)
def test_the_index(forum, viewer, django_assert_max_num_queries, n, kind, budget):
    forum(n)
    client = viewer(kind)

    # counts by category, the latest topic of each, the latest topics (staff: open flags)
    with django_assert_max_num_queries(budget):
        response = client.get("/forum/")

    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("path", ["/forum/i_need_help/", "/forum/topics/", "/forum/topics/?q=e"])
@pytest.mark.parametrize("kind", ["anonymous", "commission_staff"])
def test_the_topic_lists(forum, viewer, django_assert_max_num_queries, n, path, kind):
    forum(n)
    client = viewer(kind)

    # count, page
    with django_assert_max_num_queries(2 + (LOGGED_IN if kind != "anonymous" else 0)):
        response = client.get(path)

    assert response.status_code == 200
    assert len(response.context["topics"]) >= 1


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["anonymous", "authority", "commission_staff"])
def test_the_topic_page(forum, viewer, django_assert_max_num_queries, n, kind):
    topic = forum(n)
    client = viewer(kind)

    # topic, count, page of posts; for someone logged in: following, their flags
    budget = 3 + (LOGGED_IN + 2 if kind != "anonymous" else 0)
    with django_assert_max_num_queries(budget):
        response = client.get(f"/forum/topics/{topic.pk}/")

    assert response.status_code == 200
    assert len(response.context["items"]) == n + 1


@pytest.mark.parametrize("n", SIZES)
def test_the_flag_queue(forum, viewer, django_assert_max_num_queries, n):
    forum(n)
    client = viewer("commission_staff")

    # count, page, its open flags, recently hidden
    with django_assert_max_num_queries(4 + LOGGED_IN):
        response = client.get("/forum/moderation/")

    assert response.status_code == 200
    assert len(response.context["flagged_posts"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_the_api_list_and_detail(forum, api_client, django_assert_max_num_queries, n):
    topic = forum(n)

    # count, page
    with django_assert_max_num_queries(2):
        listing = api_client.get("/api/v1/forum/topics/")
    # topic, its posts
    with django_assert_max_num_queries(2):
        detail = api_client.get(f"/api/v1/forum/topics/{topic.pk}/")

    assert listing.status_code == 200 and len(listing.json()["results"]) >= n
    assert len(detail.json()["posts"]) == n + 1
