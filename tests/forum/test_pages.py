"""The forum's pages: reading, opening, replying, editing, following and flagging, with what
each answers and what the database holds afterwards."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from portal.forum import services
from portal.forum.models import EDIT_WINDOW, Flag, Follow, Post, Topic, TopicCategory
from portal.forum.services import FLOOD_LIMIT
from tests.forum.factories import age, make_reply, make_topic

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- reading --------------------------------------------------------------------------------


def test_the_index_shows_every_category_with_its_description_and_counts(client, company_user):
    make_topic(by=company_user, category=TopicCategory.FUNDING, title="Calls for SMEs")

    response = client.get("/forum/")

    assert response.status_code == 200
    page = text(response)
    for label in ("I need help", "I can help", "Technological solutions", "Best practices",
                  "Economic effect", "Funding", "Social aspects", "Supporting policies"):  # fmt: skip
        assert label in page
    assert "EU and national funding, calls and how to apply for them." in page
    funding = response.context["categories"][5]
    assert (funding.value, funding.topic_count, funding.latest_topic.title) == (
        "funding",
        1,
        "Calls for SMEs",
    )
    assert "Calls for SMEs" in page


def test_a_category_lists_its_topics_pinned_first(client, company_user, commission_staff):
    old = make_topic(by=company_user, title="Old but pinned", category="funding")
    make_topic(by=company_user, title="Fresh", category="funding")
    make_topic(by=company_user, title="Elsewhere", category="social_aspects")
    services.topic_pin(topic=old, by=commission_staff)

    response = client.get("/forum/funding/")

    assert response.status_code == 200
    assert [t.title for t in response.context["topics"]] == ["Old but pinned", "Fresh"]
    assert "Elsewhere" not in text(response)
    assert "Pinned" in text(response)


def test_an_unknown_category_is_a_404(client):
    assert client.get("/forum/gossip/").status_code == 404


def test_search_finds_words_in_titles_and_posts(client, company_user, cluster_manager):
    topic = make_topic(by=company_user, title="Raw materials", body="Polypropylene granulate")
    make_reply(topic=topic, by=cluster_manager, body="Try the nonwoven producers")
    make_topic(by=company_user, title="Gowns", body="Reusable gowns")

    by_body = client.get("/forum/topics/", {"q": "nonwoven"})
    by_title = client.get("/forum/i_need_help/", {"q": "raw"})
    nothing = client.get("/forum/topics/", {"q": "forklift"})

    assert [t.title for t in by_body.context["topics"]] == ["Raw materials"]
    assert [t.title for t in by_title.context["topics"]] == ["Raw materials"]
    assert list(nothing.context["topics"]) == []
    assert "No topic matches your search." in text(nothing)


def test_the_all_topics_list_filters_by_category_and_refuses_unknown_ones(client, company_user):
    make_topic(by=company_user, title="Calls", category="funding")
    make_topic(by=company_user, title="Shifts", category="social_aspects")

    funding = client.get("/forum/topics/", {"category": "funding"})
    unknown = client.get("/forum/topics/", {"category": "gossip"})

    assert [t.title for t in funding.context["topics"]] == ["Calls"]
    assert unknown.status_code == 200
    assert "Select a valid choice" in text(unknown)  # the filter form says what is wrong


def test_a_topic_page_shows_its_posts_with_markdown(client, company_user, cluster_manager):
    topic = make_topic(by=company_user, body="We need **meltblown**.\n\n- PP granulate")
    make_reply(topic=topic, by=cluster_manager, body="Contact *our* members")

    response = client.get(f"/forum/topics/{topic.pk}/")

    page = text(response)
    assert response.status_code == 200
    assert "<strong>meltblown</strong>" in page
    assert "<li>PP granulate</li>" in page
    assert "<em>our</em>" in page
    assert company_user.full_name in page and cluster_manager.full_name in page
    assert company_user.email not in page  # the forum never shows e-mail addresses
    assert "Log in to reply" in page


def test_markdown_in_posts_is_sanitised(client, company_user):
    topic = make_topic(
        by=company_user,
        body='<script>alert("x")</script> [click](javascript:alert(1)) '
        '<img src=x onerror="alert(2)"> <a href="https://example.eu" onclick="steal()">ok</a>',
    )

    page = text(client.get(f"/forum/topics/{topic.pk}/"))
    post_html = page[page.index('class="forum-post__body') :]

    assert "<script>alert" not in post_html
    assert "javascript:" not in post_html
    assert "onerror" not in post_html and "onclick" not in post_html
    assert "<img" not in post_html
    assert 'href="https://example.eu"' in post_html
    assert 'rel="noopener noreferrer nofollow"' in post_html


def test_a_long_topic_is_paginated_and_a_permalink_finds_the_page(client, company_user, authority):
    topic = make_topic(by=company_user)
    posts = [make_reply(topic=topic, by=authority, body=f"Reply number {n}") for n in range(25)]

    first = client.get(f"/forum/topics/{topic.pk}/")
    second = client.get(f"/forum/topics/{topic.pk}/", {"page": 2})
    link = client.get(f"/forum/posts/{posts[-1].pk}/")

    assert len(first.context["items"]) == 20
    assert "Reply number 24" in text(second)
    assert link.status_code == 302
    assert link.url == f"/forum/topics/{topic.pk}/?page=2#post-{posts[-1].pk}"


# --- writing --------------------------------------------------------------------------------


def test_a_member_opens_a_topic_from_the_form(client, cluster_manager):
    client.force_login(cluster_manager)

    form = client.get("/forum/new/", {"category": "i_can_help"})
    response = client.post(
        "/forum/new/",
        {"title": "Free sewing capacity", "category": "i_can_help", "body": "We can sew gowns."},
    )

    assert form.context["form"].initial == {"category": "i_can_help"}
    topic = Topic.objects.get()
    assert response.status_code == 302 and response.url == f"/forum/topics/{topic.pk}/"
    assert topic.author == cluster_manager and topic.category == "i_can_help"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Give the topic a title."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"category": "gossip"}, "category", "Choose one of the forum"),
        ({"body": "   "}, "body", "Write a message."),
    ],
    ids=["empty-title", "overlong-title", "unknown-category", "empty-body"],
)
def test_bad_input_in_the_topic_form_is_a_form_error(client, company_user, data, field, message):
    client.force_login(company_user)
    values = {"title": "Calls", "category": "funding", "body": "Which calls?", **data}

    response = client.post("/forum/new/", values)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in text(response)
    assert not Topic.objects.exists()


def test_a_member_replies_from_the_topic_page(client, company_user, cluster_manager):
    topic = make_topic(by=company_user)
    client.force_login(cluster_manager)

    response = client.post(f"/forum/topics/{topic.pk}/reply/", {"body": "We can help."})

    post = Post.objects.get(body="We can help.")
    assert response.status_code == 302
    assert response.url == f"/forum/topics/{topic.pk}/#post-{post.pk}"
    assert post.author == cluster_manager


def test_an_empty_reply_is_a_form_error(client, company_user, cluster_manager):
    topic = make_topic(by=company_user)
    client.force_login(cluster_manager)

    response = client.post(f"/forum/topics/{topic.pk}/reply/", {"body": "  "})

    assert response.status_code == 200
    assert "Write a message." in text(response)
    assert topic.posts.count() == 1


def test_a_locked_topic_says_so_and_refuses_a_reply_from_the_page(
    client, company_user, cluster_manager, commission_staff
):
    topic = make_topic(by=company_user)
    client.force_login(cluster_manager)
    stale_page = text(client.get(f"/forum/topics/{topic.pk}/"))
    assert f'action="/forum/topics/{topic.pk}/reply/"' in stale_page
    services.topic_lock(topic=topic, by=commission_staff)

    response = client.post(
        f"/forum/topics/{topic.pk}/reply/", {"body": "Sent from a stale page"}, follow=True
    )

    page = text(response)
    assert "This topic is locked by the moderators: it takes no new replies." in page
    assert "The moderators locked this topic" in page
    assert f'action="/forum/topics/{topic.pk}/reply/"' not in page
    assert topic.posts.count() == 1


def test_flooding_from_the_page_shows_the_message_and_keeps_the_text(
    client, company_user, cluster_manager
):
    topic = make_topic(by=company_user)
    client.force_login(cluster_manager)
    for n in range(FLOOD_LIMIT):
        client.post(f"/forum/topics/{topic.pk}/reply/", {"body": f"Message {n}"})

    response = client.post(f"/forum/topics/{topic.pk}/reply/", {"body": "Yet another message"})

    page = text(response)
    assert response.status_code == 200
    assert f"You have written {FLOOD_LIMIT} posts in the last minute" in page
    assert re.search(r"You may post again at \d\d:\d\d:\d\d", page)
    assert "Yet another message</textarea>" in page
    assert not Post.objects.filter(body="Yet another message").exists()


def test_anonymous_people_read_but_are_sent_to_log_in_to_write(client, company_user):
    topic = make_topic(by=company_user)

    for path in (f"/forum/topics/{topic.pk}/reply/", "/forum/new/"):
        response = client.post(path, {"body": "Hi", "title": "T", "category": "funding"})
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert topic.posts.count() == 1


# --- editing --------------------------------------------------------------------------------


def test_the_author_edits_inside_the_window(client, company_user):
    topic = services.topic_open(by=company_user, category="funding", title="Calls", body="Old")
    client.force_login(company_user)

    page = client.get(f"/forum/topics/{topic.pk}/")
    assert f"/forum/posts/{topic.opening_post_id}/edit/" in text(page)
    form = client.get(f"/forum/posts/{topic.opening_post_id}/edit/")
    response = client.post(
        f"/forum/posts/{topic.opening_post_id}/edit/", {"title": "EU calls", "body": "New"}
    )

    assert form.status_code == 200
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "EU calls"
    assert Post.objects.get(pk=topic.opening_post_id).body == "New"


def test_after_the_window_the_edit_page_says_why_and_changes_nothing(client, company_user):
    topic = make_topic(by=company_user, body="Old")
    age(topic.opening_post, minutes=int(EDIT_WINDOW.total_seconds() // 60) + 1)
    client.force_login(company_user)

    assert f"/forum/posts/{topic.opening_post_id}/edit/" not in text(
        client.get(f"/forum/topics/{topic.pk}/")
    )
    response = client.post(
        f"/forum/posts/{topic.opening_post_id}/edit/", {"body": "New"}, follow=True
    )

    assert "the time for this one has passed" in text(response)
    assert Post.objects.get(pk=topic.opening_post_id).body == "Old"


@pytest.mark.parametrize("editor", ["cluster_manager", "commission_staff"])
def test_someone_elses_post_cannot_be_edited(client, company_user, editor, request):
    topic = services.topic_open(by=company_user, category="funding", title="T", body="Mine")
    client.force_login(request.getfixturevalue(editor))

    assert client.get(f"/forum/posts/{topic.opening_post_id}/edit/").status_code == 403
    assert (
        client.post(f"/forum/posts/{topic.opening_post_id}/edit/", {"body": "x"}).status_code == 403
    )
    assert Post.objects.get(pk=topic.opening_post_id).body == "Mine"


# --- following and flagging -----------------------------------------------------------------


def test_follow_and_unfollow_buttons(client, company_user, authority):
    topic = make_topic(by=company_user)
    client.force_login(authority)

    assert "Follow</button>" in text(client.get(f"/forum/topics/{topic.pk}/"))
    client.post(f"/forum/topics/{topic.pk}/follow/")
    assert Follow.objects.filter(topic=topic, user=authority).exists()
    assert "Unfollow</button>" in text(client.get(f"/forum/topics/{topic.pk}/"))
    client.post(f"/forum/topics/{topic.pk}/unfollow/")
    assert not Follow.objects.filter(topic=topic, user=authority).exists()


def test_a_member_flags_a_post_once(client, company_user, authority):
    topic = make_topic(by=company_user)
    client.force_login(authority)
    url = f"/forum/posts/{topic.opening_post_id}/flag/"

    client.post(url, {"reason": "spam", "note": "An advert"})
    again = client.post(url, {"reason": "spam"}, follow=True)
    bad = client.post(url, {"reason": "boring"}, follow=True)

    flag = Flag.objects.get()
    assert (flag.by, flag.reason, flag.note) == (authority, "spam", "An advert")
    assert "You flagged this post for the moderators." in text(again)
    assert "already flagged" in text(again)
    assert "Choose why you flag this post." in text(bad)


def test_nobody_flags_their_own_post_from_the_page(client, company_user):
    topic = make_topic(by=company_user)
    client.force_login(company_user)

    assert f"/forum/posts/{topic.opening_post_id}/flag/" not in text(
        client.get(f"/forum/topics/{topic.pk}/")
    )
    client.post(f"/forum/posts/{topic.opening_post_id}/flag/", {"reason": "spam"})
    assert not Flag.objects.exists()


def test_post_only_actions_refuse_get(client, company_user, commission_staff):
    topic = make_topic(by=company_user)
    client.force_login(commission_staff)

    for path in (
        f"/forum/topics/{topic.pk}/reply/",
        f"/forum/topics/{topic.pk}/follow/",
        f"/forum/topics/{topic.pk}/moderate/",
        f"/forum/posts/{topic.opening_post_id}/hide/",
        f"/forum/posts/{topic.opening_post_id}/flag/",
    ):
        assert client.get(path).status_code == 405, path


def test_actions_need_the_csrf_token(company_user, authority):
    from django.test import Client

    topic = make_topic(by=company_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(authority)

    response = client.post(f"/forum/topics/{topic.pk}/reply/", {"body": "No token"})

    assert response.status_code == 403
    assert topic.posts.count() == 1


def test_the_edit_deadline_is_shown(client, company_user):
    topic = services.topic_open(by=company_user, category="funding", title="T", body="B")
    client.force_login(company_user)

    deadline = timezone.localtime(topic.opening_post.created_at + EDIT_WINDOW).strftime("%H:%M")

    assert f"until {deadline}" in text(client.get(f"/forum/topics/{topic.pk}/"))
