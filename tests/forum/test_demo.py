"""The demo forum: topics in every category with replies from the different demo accounts,
marked as demo content, with no invented figures; loading it twice adds nothing."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from portal.accounts.demo import DEMO_ACCOUNTS, seed_accounts
from portal.accounts.models import User
from portal.forum.demo import DEMO_NOTE, TOPICS, seed_forum
from portal.forum.models import Flag, Post, Topic, TopicCategory

pytestmark = pytest.mark.django_db

# Standards and product names carry digits; no other number belongs in the demo text.
NAMED = re.compile(r"\b(EN \d+|FFP\d|IIR|NANDO)\b")


@pytest.fixture
def demo_users():
    seed_accounts()
    return User.objects.filter(email__in=[account[0] for account in DEMO_ACCOUNTS])


def test_every_category_gets_one_or_two_topics_with_replies_from_several_accounts(demo_users):
    made = seed_forum(users=demo_users)

    assert made == len(TOPICS) == Topic.objects.count()
    per_category = {c: Topic.objects.filter(category=c).count() for c in TopicCategory.values}
    assert all(1 <= n <= 2 for n in per_category.values()), per_category
    for topic in Topic.objects.all():
        assert topic.reply_count >= 1
        assert topic.opening_post.body.endswith(DEMO_NOTE)
    authors = set(Post.objects.values_list("author__email", flat=True))
    assert authors == {email for email, *_ in DEMO_ACCOUNTS}
    assert Topic.objects.filter(pinned=True).exists()
    locked = Topic.objects.get(locked=True)
    assert locked.locked_at > locked.last_post_at  # locked after its last reply
    assert Flag.objects.open().count() == 1


def test_the_demo_text_invents_no_figures():
    for demo in TOPICS:
        for text in (demo.title, demo.body, *(body for _who, body in demo.replies)):
            leftover = NAMED.sub("", text)
            # Numbered list markers ("1. ") are not figures.
            leftover = re.sub(r"^\d\. ", "", leftover, flags=re.MULTILINE)
            assert not re.search(r"\d", leftover), text


def test_the_demo_counts_match_what_the_services_keep(demo_users):
    seed_forum(users=demo_users)

    for topic in Topic.objects.all():
        visible = topic.posts.filter(hidden=False)
        assert topic.reply_count == visible.count() - 1
        assert topic.last_post == visible.order_by("-created_at").first()


def test_loading_the_demo_twice_adds_nothing(demo_users):
    seed_forum(users=demo_users)
    posts = Post.objects.count()

    assert seed_forum(users=demo_users) == 0
    assert Post.objects.count() == posts


def test_seed_demo_loads_the_forum(capsys):
    call_command(
        "seed_demo", "--clusters", "2", "--projects", "0", "--offers", "0", "--demands", "0"
    )

    assert Topic.objects.count() == len(TOPICS)
    assert f"Demo forum topics made: {len(TOPICS)}." in capsys.readouterr().out
