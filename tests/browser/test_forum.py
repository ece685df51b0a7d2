"""The forum in a real browser: a company opens a topic, a cluster manager follows it and
replies, a public authority flags a reply, and Commission staff hide it from the flag queue
and lock the topic; an anonymous reader then sees neither the hidden reply nor a reply box.

Each step checks the page and what the database holds afterwards. Celery runs eagerly
(``tests/conftest.py``), so the reply e-mail is sent when the request that queued it commits.
"""

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from portal.forum.models import Flag, Follow, Post, Topic
from tests.browser.test_account_journeys import log_in
from tests.browser.test_offer_journey import labelled, log_out, message
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Looking for meltblown nonwoven for FFP2 filters"
REPLY = "Two of our members run nonwoven lines; I will introduce you."
SPAM = "Unrelated: used forklift for sale, call me."


def open_topic(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forum").click()
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_a_topic_from_opening_to_moderation(page, live_server, mailoutbox, screenshot):
    company = make_user(Role.COMPANY, email="jonas@filters.example.eu", organisation="Filters")
    manager = make_user(Role.CLUSTER_MANAGER, email="marta@textiles.example.eu")
    authority = make_user(Role.AUTHORITY, email="lucia@health.example.eu", verified=True)
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")

    # --- A company opens a topic in "I need help" ------------------------------------------
    log_in(page, email=company.email, password=PASSWORD)
    page.goto("/forum/")
    page.get_by_role("link", name="I need help", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I need help")
    page.get_by_role("link", name="Open a topic").click()
    expect(labelled(page, "Category")).to_have_value("i_need_help")
    labelled(page, "Title").fill(TITLE)
    labelled(page, "Message").fill("Our filter line needs **meltblown**. Who makes it?")
    page.get_by_role("button", name="Open the topic").click()

    expect(message(page)).to_contain_text("Your topic is open.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".forum-post__body strong")).to_have_text("meltblown")
    topic = Topic.objects.get(title=TITLE)
    assert topic.author == company and topic.category == "i_need_help"
    screenshot(page, "forum-topic-opened")
    log_out(page)

    # --- A cluster manager follows it and replies ------------------------------------------
    log_in(page, email=manager.email, password=PASSWORD)
    open_topic(page)
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(message(page)).to_contain_text("You follow this topic")
    assert Follow.objects.filter(topic=topic, user=manager).exists()
    labelled(page, "Your reply").fill(REPLY)
    page.get_by_role("button", name="Post the reply").click()

    expect(message(page)).to_contain_text("Your reply is posted.")
    expect(page.locator(".forum-post").last).to_contain_text(REPLY)
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    # The company, following its own topic, heard of the reply once; the manager did not.
    assert [m.to for m in mailoutbox] == [[company.email]]
    assert TITLE in mailoutbox[0].subject
    log_out(page)

    # --- An authority replies off topic; another member flags it ---------------------------
    log_in(page, email=authority.email, password=PASSWORD)
    open_topic(page)
    labelled(page, "Your reply").fill(SPAM)
    page.get_by_role("button", name="Post the reply").click()
    expect(message(page)).to_contain_text("Your reply is posted.")
    log_out(page)
    spam = Post.objects.get(body=SPAM)

    log_in(page, email=manager.email, password=PASSWORD)
    open_topic(page)
    post = page.locator(f"#post-{spam.pk}")
    post.locator("summary", has_text="Flag").click()
    post.get_by_text("Off topic").click()
    post.get_by_label("Details for the moderators (optional)").fill("An advert")
    post.get_by_role("button", name="Send to the moderators").click()
    expect(message(page)).to_contain_text("the moderators will look at the post")
    assert Flag.objects.open().get().post == spam
    log_out(page)

    # --- Staff hide the flagged reply from the queue and lock the topic --------------------
    log_in(page, email=staff.email, password=PASSWORD)
    page.goto("/forum/")
    page.get_by_role("link", name="Flag queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flag queue")
    item = page.locator(f"#flagged-{spam.pk}")
    expect(item).to_contain_text("An advert")
    item.get_by_label("Reason for hiding").fill("Advertising, off topic")
    item.get_by_role("button", name="Hide the post").click()
    expect(message(page)).to_contain_text("The post is hidden for all but staff.")
    expect(page.get_by_text("No flagged post is waiting.")).to_be_visible()
    spam.refresh_from_db()
    assert spam.hidden and spam.hidden_by == staff

    open_topic(page)
    expect(page.locator(f"#post-{spam.pk}")).to_contain_text("Advertising, off topic")
    page.get_by_role("button", name="Lock the topic").click()
    expect(message(page)).to_contain_text("The topic is locked")
    topic.refresh_from_db()
    assert topic.locked and topic.reply_count == 1
    screenshot(page, "forum-topic-moderated")
    log_out(page)

    # --- An anonymous reader: the hidden reply is gone, the topic takes no replies ---------
    page.goto(f"/forum/topics/{topic.pk}/")
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.get_by_text(SPAM)).to_have_count(0)
    expect(page.get_by_text("The moderators locked this topic")).to_be_visible()
    expect(page.get_by_role("button", name="Post the reply")).to_have_count(0)
    expect(page.get_by_text("1 reply", exact=True)).to_be_visible()
