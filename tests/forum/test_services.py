"""The forum's services: opening, replying, editing, following, flagging and moderating, each
checked for what it writes and for what it refuses (leaving nothing behind)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.roles import Role
from portal.forum import services
from portal.forum.models import (
    BODY_MAX_LENGTH,
    EDIT_WINDOW,
    Flag,
    FlagOutcome,
    Follow,
    Post,
    Topic,
    TopicCategory,
)
from portal.forum.services import FLOOD_LIMIT
from tests.factories import make_user
from tests.forum.factories import age, make_reply, make_topic

pytestmark = pytest.mark.django_db


def messages_of(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- opening and replying ---------------------------------------------------------------------


def test_opening_a_topic_makes_its_first_post_and_follows_it(company_user):
    topic = services.topic_open(
        by=company_user,
        category=TopicCategory.I_NEED_HELP,
        title="  Looking for   meltblown  ",
        body="  Who makes **meltblown**?  ",
    )

    topic.refresh_from_db()
    assert topic.title == "Looking for meltblown"
    assert topic.opening_post is not None
    assert topic.opening_post.body == "Who makes **meltblown**?"
    assert list(topic.posts.all()) == [topic.opening_post]
    assert topic.reply_count == 0
    assert topic.last_post == topic.opening_post
    assert Follow.objects.filter(topic=topic, user=company_user).exists()


def test_the_categories_are_those_of_the_2020_forum():
    assert TopicCategory.values == [
        "i_need_help",
        "i_can_help",
        "technological_solutions",
        "best_practices",
        "economic_effect",
        "funding",
        "social_aspects",
        "supporting_policies",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "  \n "}, "body"),
        ({"body": "x" * (BODY_MAX_LENGTH + 1)}, "body"),
    ],
    ids=["unknown-category", "empty-title", "overlong-title", "empty-body", "overlong-body"],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(company_user, data, field):
    values = {"category": "funding", "title": "Calls for SMEs", "body": "Which calls?", **data}

    with pytest.raises(ValidationError) as exc:
        services.topic_open(by=company_user, **values)

    assert field in exc.value.message_dict
    assert not Topic.objects.exists()
    assert not Post.objects.exists()


def test_a_reply_counts_moves_the_latest_activity_and_follows_the_topic(
    company_user, cluster_manager
):
    topic = make_topic(by=company_user)

    reply = services.post_reply(topic=topic, by=cluster_manager, body="Our members can help.")

    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert topic.last_post == reply
    assert topic.last_post_at == reply.created_at
    assert Follow.objects.filter(topic=topic, user=cluster_manager).exists()


def test_an_unverified_authority_may_write_too(unverified_authority, company_user):
    topic = make_topic(by=company_user)

    reply = services.post_reply(topic=topic, by=unverified_authority, body="We need gowns.")

    assert reply.pk is not None


def test_an_inactive_account_cannot_write(company_user, cluster_manager):
    topic = make_topic(by=company_user)
    cluster_manager.is_active = False
    cluster_manager.save()

    with pytest.raises(PermissionDenied):
        services.post_reply(topic=topic, by=cluster_manager, body="Hello")
    with pytest.raises(PermissionDenied):
        services.topic_open(by=cluster_manager, category="funding", title="T", body="B")

    assert topic.posts.count() == 1


def test_a_locked_topic_refuses_replies_and_saves_nothing(
    company_user, cluster_manager, commission_staff
):
    topic = make_topic(by=company_user)
    services.topic_lock(topic=topic, by=commission_staff)

    with pytest.raises(ValidationError) as exc:
        services.post_reply(topic=topic, by=cluster_manager, body="One more thing")

    assert exc.value.code == "locked"
    assert "locked" in messages_of(exc)
    assert topic.posts.count() == 1
    topic.refresh_from_db()
    assert topic.reply_count == 0
    # Staff are refused too: a locked topic is closed for everyone.
    with pytest.raises(ValidationError):
        services.post_reply(topic=topic, by=commission_staff, body="Closing note")


def test_unlocking_opens_the_topic_again(company_user, cluster_manager, commission_staff):
    topic = make_topic(by=company_user)
    services.topic_lock(topic=topic, by=commission_staff)
    services.topic_unlock(topic=topic, by=commission_staff)

    services.post_reply(topic=topic, by=cluster_manager, body="Thanks for reopening")

    topic.refresh_from_db()
    assert not topic.locked
    assert topic.locked_at is None
    assert topic.reply_count == 1


def test_nobody_replies_to_a_topic_they_cannot_see(company_user, cluster_manager, commission_staff):
    topic = make_topic(by=company_user)
    services.post_hide(post=topic.opening_post, by=commission_staff, reason="Spam")

    with pytest.raises(PermissionDenied):
        services.post_reply(topic=topic, by=cluster_manager, body="Hello?")

    assert topic.posts.count() == 1


# --- flooding -------------------------------------------------------------------------------


def test_flooding_is_refused_with_when_to_post_again_and_nothing_is_saved(
    company_user, cluster_manager
):
    topic = make_topic(by=cluster_manager)
    for n in range(FLOOD_LIMIT):
        services.post_reply(topic=topic, by=company_user, body=f"Message {n}")
    first = company_user.forum_posts.order_by("created_at").first()

    with pytest.raises(ValidationError) as exc:
        services.post_reply(topic=topic, by=company_user, body="One too many")

    assert exc.value.code == "flood"
    text = messages_of(exc)
    again = timezone.localtime(first.created_at + services.FLOOD_WINDOW).strftime("%H:%M:%S")
    assert f"{FLOOD_LIMIT} posts in the last minute" in text
    assert f"You may post again at {again}" in text
    assert not Post.objects.filter(body="One too many").exists()
    topic.refresh_from_db()
    assert topic.reply_count == FLOOD_LIMIT


def test_topics_and_replies_count_together_against_flooding(company_user):
    for n in range(FLOOD_LIMIT):
        services.topic_open(by=company_user, category="funding", title=f"T{n}", body="B")

    with pytest.raises(ValidationError) as exc:
        services.topic_open(by=company_user, category="funding", title="Sixth", body="B")

    assert exc.value.code == "flood"
    assert not Topic.objects.filter(title="Sixth").exists()


def test_the_flood_limit_is_per_person_and_per_minute(company_user, cluster_manager):
    topic = make_topic(by=cluster_manager)
    posts = [services.post_reply(topic=topic, by=company_user, body=f"M{n}") for n in range(5)]

    # Someone else still may post.
    services.post_reply(topic=topic, by=cluster_manager, body="My turn")
    # And the first author may again once their oldest post of the minute is older than that.
    age(posts[0], minutes=2)
    services.post_reply(topic=topic, by=company_user, body="After a pause")

    assert topic.posts.count() == 8


# --- editing --------------------------------------------------------------------------------


def test_the_author_edits_their_post_within_the_window(company_user, cluster_manager):
    topic = make_topic(by=company_user)
    reply = services.post_reply(topic=topic, by=cluster_manager, body="We can hlep.")

    services.post_edit(post=reply, by=cluster_manager, body="We can help.")

    reply.refresh_from_db()
    assert reply.body == "We can help."
    assert reply.edited_at is not None


def test_the_opening_post_edit_may_change_the_title(company_user):
    topic = services.topic_open(by=company_user, category="funding", title="Typo", body="Body")

    services.post_edit(post=topic.opening_post, by=company_user, body="Body", title="Calls")

    topic.refresh_from_db()
    assert topic.title == "Calls"


def test_an_edit_after_the_window_is_refused(company_user):
    topic = make_topic(by=company_user, body="Original")
    post = topic.opening_post
    age(post, minutes=int(EDIT_WINDOW.total_seconds() // 60) + 1)

    with pytest.raises(ValidationError) as exc:
        services.post_edit(post=post, by=company_user, body="Changed")

    assert exc.value.code == "edit_window"
    post.refresh_from_db()
    assert post.body == "Original"
    assert post.edited_at is None


@pytest.mark.parametrize("editor", ["cluster_manager", "commission_staff", "superuser"])
def test_nobody_edits_someone_elses_post_not_even_staff(company_user, editor, request):
    topic = services.topic_open(by=company_user, category="funding", title="T", body="Mine")

    with pytest.raises(PermissionDenied):
        services.post_edit(
            post=topic.opening_post, by=request.getfixturevalue(editor), body="Theirs"
        )

    topic.opening_post.refresh_from_db()
    assert topic.opening_post.body == "Mine"


def test_a_hidden_post_or_a_locked_topic_cannot_be_edited(
    company_user, cluster_manager, commission_staff
):
    topic = services.topic_open(by=company_user, category="funding", title="T", body="Open")
    reply = services.post_reply(topic=topic, by=cluster_manager, body="Reply")
    services.post_hide(post=reply, by=commission_staff, reason="Off topic")
    services.topic_lock(topic=topic, by=commission_staff)

    with pytest.raises(ValidationError):
        services.post_edit(post=reply, by=cluster_manager, body="Sneaky")
    with pytest.raises(ValidationError):
        services.post_edit(post=topic.opening_post, by=company_user, body="Changed")

    assert set(topic.posts.values_list("body", flat=True)) == {"Open", "Reply"}


def test_an_edit_with_an_empty_body_is_refused(company_user):
    topic = services.topic_open(by=company_user, category="funding", title="T", body="Body")

    with pytest.raises(ValidationError) as exc:
        services.post_edit(post=topic.opening_post, by=company_user, body="  ")

    assert "body" in exc.value.message_dict


def test_editable_by_matches_the_edit_rule(company_user, cluster_manager):
    topic = make_topic(by=company_user, aged=False)
    old = make_reply(topic=topic, by=company_user, aged=False)
    age(old, minutes=31)

    assert list(Post.objects.editable_by(company_user)) == [topic.opening_post]
    assert not Post.objects.editable_by(cluster_manager).exists()


# --- following ------------------------------------------------------------------------------


def test_following_twice_is_following_and_unfollowing_stops_it(company_user, cluster_manager):
    topic = make_topic(by=company_user)

    services.topic_follow(topic=topic, by=cluster_manager)
    services.topic_follow(topic=topic, by=cluster_manager)
    assert Follow.objects.filter(topic=topic, user=cluster_manager).count() == 1

    assert services.topic_unfollow(topic=topic, by=cluster_manager) is True
    assert services.topic_unfollow(topic=topic, by=cluster_manager) is False
    assert not Follow.objects.filter(topic=topic, user=cluster_manager).exists()


def test_the_database_holds_one_follow_per_person_and_topic(company_user):
    topic = make_topic(by=company_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(topic=topic, user=company_user)


# --- flags and moderation -------------------------------------------------------------------


def test_a_flag_goes_to_the_queue_once_per_person(company_user, cluster_manager, authority):
    topic = make_topic(by=company_user)

    services.post_flag(post=topic.opening_post, by=cluster_manager, reason="spam", note="Ad")
    with pytest.raises(ValidationError) as exc:
        services.post_flag(post=topic.opening_post, by=cluster_manager, reason="abusive")
    services.post_flag(post=topic.opening_post, by=authority, reason="off_topic")

    assert "already flagged" in messages_of(exc)
    assert Flag.objects.open().filter(post=topic.opening_post).count() == 2


def test_the_database_holds_one_open_flag_per_person_and_post(company_user, cluster_manager):
    topic = make_topic(by=company_user)
    services.post_flag(post=topic.opening_post, by=cluster_manager, reason="spam")

    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(post=topic.opening_post, by=cluster_manager, reason="spam")


def test_flags_are_checked(company_user, cluster_manager):
    topic = make_topic(by=company_user)

    with pytest.raises(ValidationError):
        services.post_flag(post=topic.opening_post, by=company_user, reason="spam")  # own post
    with pytest.raises(ValidationError) as exc:
        services.post_flag(post=topic.opening_post, by=cluster_manager, reason="boring")

    assert "reason" in exc.value.message_dict
    assert not Flag.objects.exists()


def test_hiding_a_reply_takes_it_out_of_the_counts_and_resolves_its_flags(
    company_user, cluster_manager, authority, commission_staff
):
    topic = make_topic(by=company_user)
    first = make_reply(topic=topic, by=cluster_manager, body="Useful")
    spam = services.post_reply(topic=topic, by=authority, body="Buy my forklift")
    services.post_flag(post=spam, by=company_user, reason="spam")

    services.post_hide(post=spam, by=commission_staff, reason="Advertising")

    spam.refresh_from_db()
    topic.refresh_from_db()
    assert spam.hidden and spam.hidden_by == commission_staff
    assert spam.hidden_reason == "Advertising"
    assert topic.reply_count == 1
    assert topic.last_post == first
    flag = Flag.objects.get()
    assert flag.outcome == FlagOutcome.HIDDEN and flag.resolved_by == commission_staff

    services.post_restore(post=spam, by=commission_staff)

    spam.refresh_from_db()
    topic.refresh_from_db()
    assert not spam.hidden and spam.hidden_at is None and spam.hidden_reason == ""
    assert topic.reply_count == 2
    assert topic.last_post == spam


def test_hiding_needs_a_reason(company_user, commission_staff):
    topic = make_topic(by=company_user)

    with pytest.raises(ValidationError) as exc:
        services.post_hide(post=topic.opening_post, by=commission_staff, reason="  ")

    assert "reason" in exc.value.message_dict
    topic.opening_post.refresh_from_db()
    assert not topic.opening_post.hidden


def test_dismissing_closes_the_open_flags_and_keeps_the_post(
    company_user, cluster_manager, commission_staff
):
    topic = make_topic(by=company_user)
    services.post_flag(post=topic.opening_post, by=cluster_manager, reason="off_topic")

    closed = services.flag_resolve(post=topic.opening_post, by=commission_staff)

    assert closed == 1
    flag = Flag.objects.get()
    assert flag.outcome == FlagOutcome.DISMISSED and flag.resolved_at is not None
    assert not Post.objects.get(pk=topic.opening_post.pk).hidden
    # A resolved flag does not stop the same person flagging again later.
    services.post_flag(post=topic.opening_post, by=cluster_manager, reason="spam")
    assert Flag.objects.open().count() == 1


def test_pinning_puts_a_topic_first(company_user, commission_staff):
    older = make_topic(by=company_user, title="Older")
    make_topic(by=company_user, title="Newer")

    services.topic_pin(topic=older, by=commission_staff)

    assert list(Topic.objects.values_list("title", flat=True)) == ["Older", "Newer"]
    services.topic_unpin(topic=older, by=commission_staff)
    assert list(Topic.objects.values_list("title", flat=True)) == ["Newer", "Older"]


ACTIONS = {
    "hide": lambda topic, by: services.post_hide(post=topic.opening_post, by=by, reason="x"),
    "restore": lambda topic, by: services.post_restore(post=topic.opening_post, by=by),
    "lock": lambda topic, by: services.topic_lock(topic=topic, by=by),
    "unlock": lambda topic, by: services.topic_unlock(topic=topic, by=by),
    "pin": lambda topic, by: services.topic_pin(topic=topic, by=by),
    "unpin": lambda topic, by: services.topic_unpin(topic=topic, by=by),
    "resolve-flags": lambda topic, by: services.flag_resolve(post=topic.opening_post, by=by),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "role", [Role.COMPANY, Role.CLUSTER_MANAGER, Role.AUTHORITY], ids=lambda r: str(r)
)
def test_only_staff_moderate_in_the_services(company_user, role, action):
    topic = make_topic(by=company_user)
    before = Topic.objects.filter(pk=topic.pk).values().get()

    with pytest.raises(PermissionDenied):
        ACTIONS[action](topic, make_user(role))

    assert Topic.objects.filter(pk=topic.pk).values().get() == before


@pytest.mark.parametrize("moderator", ["commission_staff", "superuser"])
def test_staff_and_superusers_moderate(company_user, moderator, request):
    staff = request.getfixturevalue(moderator)
    topic = make_topic(by=company_user)

    services.topic_lock(topic=topic, by=staff)
    services.topic_pin(topic=topic, by=staff)
    services.post_hide(post=topic.opening_post, by=staff, reason="Test")

    topic.refresh_from_db()
    assert topic.locked and topic.pinned and topic.locked_by == staff
    assert Post.objects.get(pk=topic.opening_post_id).hidden


def test_a_lock_without_a_time_is_refused_by_the_database(company_user):
    topic = make_topic(by=company_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(locked=True, locked_at=None)


def test_a_hidden_post_without_a_time_is_refused_by_the_database(company_user):
    topic = make_topic(by=company_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=topic.opening_post_id).update(
            hidden=True, hidden_at=None, created_at=timezone.now() - timedelta(days=1)
        )


@pytest.mark.django_db(transaction=True)
def test_the_flood_limit_holds_for_two_requests_at_once(company_user, cluster_manager):
    """Two requests of one author, each in its own transaction and connection, both at the
    limit's edge: the author's row lock lets one in and the other sees its post."""
    import threading

    from django.db import connection

    topic = make_topic(by=cluster_manager)
    # Two topics, so the topic's own row lock does not already keep the two apart.
    other = make_topic(by=cluster_manager)
    for n in range(FLOOD_LIMIT - 1):
        services.post_reply(topic=topic, by=company_user, body=f"Message {n}")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def post(target: Topic) -> None:
        try:
            barrier.wait()
            services.post_reply(topic=target, by=company_user, body="Racing")
            outcomes.append("posted")
        except ValidationError as exc:
            outcomes.append(exc.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(target,)) for target in (topic, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["flood", "posted"]
    assert company_user.forum_posts.count() == FLOOD_LIMIT
