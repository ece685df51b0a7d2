"""The forum API: public and read-only; topics filtered by category and searched; a topic's
posts with their Markdown cleaned."""

from __future__ import annotations

import pytest

from portal.forum import services
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_anyone_lists_topics_pinned_first(api_client, company_user, commission_staff):
    old = make_topic(by=company_user, title="Certification", category="best_practices")
    make_topic(by=company_user, title="Calls", category="funding")
    services.topic_pin(topic=old, by=commission_staff)

    response = api_client.get("/api/v1/forum/topics/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["title"] == "Certification"
    assert first["pinned"] is True
    assert first["category"] == "best_practices"
    assert first["category_label"] == "Best practices"
    assert first["author"] == {
        "name": company_user.full_name,
        "organisation": company_user.organisation.name,
        "role": "company",
    }
    assert "email" not in str(first["author"])
    assert first["url"].endswith(f"/api/v1/forum/topics/{old.pk}/")
    assert first["page_url"].endswith(f"/forum/topics/{old.pk}/")


def test_topics_are_filtered_by_category_and_searched(api_client, company_user, cluster_manager):
    topic = make_topic(by=company_user, title="Raw materials", category="i_need_help")
    make_reply(topic=topic, by=cluster_manager, body="Ask the nonwoven producers")
    make_topic(by=company_user, title="Calls", category="funding", body="Which calls?")

    by_category = api_client.get("/api/v1/forum/topics/", {"category": "funding"}).json()
    by_words = api_client.get("/api/v1/forum/topics/", {"q": "nonwoven"}).json()

    assert [t["title"] for t in by_category["results"]] == ["Calls"]
    assert [t["title"] for t in by_words["results"]] == ["Raw materials"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"category": "gossip"}, "category"), ({"q": "x" * 201}, "q")],
    ids=["unknown-category", "overlong-search"],
)
def test_bad_filters_are_a_400_with_field_messages(api_client, params, field):
    response = api_client.get("/api/v1/forum/topics/", params)

    assert response.status_code == 400
    assert field in response.json()


def test_a_topic_comes_with_its_posts_and_cleaned_html(api_client, company_user, cluster_manager):
    topic = make_topic(by=company_user, body="We need **meltblown** <script>alert(1)</script>")
    reply = make_reply(topic=topic, by=cluster_manager, body="[mail us](javascript:alert(1))")

    response = api_client.get(f"/api/v1/forum/topics/{topic.pk}/")

    assert response.status_code == 200
    posts = response.json()["posts"]
    assert [p["id"] for p in posts] == [topic.opening_post_id, reply.pk]
    assert [p["is_opening"] for p in posts] == [True, False]
    assert "<strong>meltblown</strong>" in posts[0]["body_html"]
    assert "<script>" not in posts[0]["body_html"]
    assert "javascript:" not in posts[1]["body_html"]
    assert posts[1]["body"] == "[mail us](javascript:alert(1))"  # the source, as written
    assert posts[1]["url"].endswith(f"/forum/posts/{reply.pk}/")


def test_a_missing_topic_is_a_404(api_client):
    assert api_client.get("/api/v1/forum/topics/999999/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only_even_for_staff(api_client, company_user, commission_staff, method):
    topic = make_topic(by=company_user, title="Unchanged")
    api_client.force_authenticate(commission_staff)

    listing = getattr(api_client, method)("/api/v1/forum/topics/", {"title": "New"}, format="json")
    detail = getattr(api_client, method)(
        f"/api/v1/forum/topics/{topic.pk}/", {"title": "Changed"}, format="json"
    )

    assert listing.status_code == 405 and detail.status_code == 405
    topic.refresh_from_db()
    assert topic.title == "Unchanged"


def test_the_schema_documents_the_forum_endpoints(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    assert "/api/v1/forum/topics/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/forum/topics/"]["get"]["parameters"]}
    assert {"category", "q", "page"} <= parameters
