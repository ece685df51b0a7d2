"""The services: only Commission staff write, publish, schedule, unpublish and pin; bad input
is a field error; a refused call changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.core.models import Ecosystem
from portal.updates.models import Update, UpdateCategory, UpdateState
from portal.updates.services import (
    update_create,
    update_edit,
    update_pin,
    update_publish,
    update_unpublish,
)
from tests.updates.factories import ago, ahead, make_update

pytestmark = pytest.mark.django_db

OUTSIDERS = ["anonymous", "company_user", "cluster_manager", "authority", "unverified_authority"]


def content(**overrides):
    return {
        "title": "Free access to European standards for masks",
        "summary": "CEN and CENELEC make standards for masks freely available.",
        "body": "## What changes\n\nDownload them from your national standards body.",
        "category": UpdateCategory.STANDARDS_CERTIFICATION,
        "source_url": "https://single-market-economy.ec.europa.eu/news_en",
        "ecosystems": ["health", "textile"],
        **overrides,
    }


@pytest.fixture
def outsider(request):
    if request.param == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return request.getfixturevalue(request.param)


def test_staff_create_a_draft_with_a_slug_from_the_title(commission_staff):
    update = update_create(data=content(), by=commission_staff)

    update.refresh_from_db()
    assert update.slug == "free-access-to-european-standards-for-masks"
    assert update.published_at is None
    assert update.state() == UpdateState.DRAFT
    assert update.author == commission_staff
    assert update.category == UpdateCategory.STANDARDS_CERTIFICATION
    assert sorted(e.slug for e in update.ecosystems.all()) == ["health", "textile"]


def test_a_superuser_may_act_as_staff(superuser):
    update = update_create(data=content(), by=superuser)

    assert update_publish(update=update, by=superuser).state() == UpdateState.PUBLISHED


def test_the_same_title_gets_a_numbered_slug(commission_staff):
    first = update_create(data=content(), by=commission_staff)
    second = update_create(data=content(), by=commission_staff)
    third = update_create(data=content(), by=commission_staff)

    assert [first.slug, second.slug, third.slug] == [
        first.slug,
        f"{first.slug}-2",
        f"{first.slug}-3",
    ]


@pytest.mark.parametrize("title", ["New", "Feed", "Drafts"])
def test_a_title_never_takes_a_fixed_path(commission_staff, title):
    update = update_create(data=content(title=title), by=commission_staff)

    assert update.slug == f"{title.lower()}-update"


def test_a_long_title_is_cut_at_a_word(commission_staff):
    title = "Guidelines for border management measures to protect health and ensure the availability of goods"

    update = update_create(data=content(title=title), by=commission_staff)

    assert len(update.slug) <= 74
    assert title.lower().replace(" ", "-").startswith(update.slug)
    assert not update.slug.endswith("-")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("summary", ""),
        ("body", ""),
        ("title", "x" * 201),
        ("summary", "x" * 401),
        ("category", "gossip"),
        ("source_url", "ftp://example.org/file"),
        ("source_url", "javascript:alert(1)"),
        ("source_url", "data:text/html,hi"),
        ("source_url", "not a link"),
        ("ecosystems", ["no-such-ecosystem"]),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_made(commission_staff, field, value):
    with pytest.raises(ValidationError) as error:
        update_create(data=content(**{field: value}), by=commission_staff)

    assert field in error.value.message_dict
    assert not Update.objects.exists()


def test_a_source_link_is_optional(commission_staff):
    update = update_create(data=content(source_url=""), by=commission_staff)

    assert update.source_url == ""


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
def test_only_staff_create(outsider):
    with pytest.raises(PermissionDenied):
        update_create(data=content(), by=outsider)

    assert not Update.objects.exists()


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
def test_only_staff_edit_publish_unpublish_and_pin(outsider, commission_staff):
    draft = make_update(by=commission_staff, published=None, title="A draft")
    published = make_update(by=commission_staff, title="Published")
    before = {u.pk: (u.title, u.published_at, u.pinned) for u in Update.objects.all()}

    attempts = [
        lambda: update_edit(update=draft, data={"title": "Hijacked"}, by=outsider),
        lambda: update_publish(update=draft, by=outsider),
        lambda: update_publish(update=draft, at=ahead(days=1), by=outsider),
        lambda: update_unpublish(update=published, by=outsider),
        lambda: update_pin(update=published, pinned=True, by=outsider),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert {u.pk: (u.title, u.published_at, u.pinned) for u in Update.objects.all()} == before


def test_an_inactive_staff_account_is_refused(commission_staff):
    commission_staff.is_active = False
    commission_staff.save()

    with pytest.raises(PermissionDenied):
        update_create(data=content(), by=commission_staff)


def test_edit_changes_the_content_but_not_the_slug_or_publication(commission_staff):
    update = make_update(by=commission_staff, ecosystems=["health"])
    published_at = update.published_at

    edited = update_edit(
        update=update,
        data={"title": "A new title", "ecosystems": ["digital"], "body": "New *text*"},
        by=commission_staff,
    )

    edited.refresh_from_db()
    assert edited.title == "A new title"
    assert edited.body == "New *text*"
    assert edited.slug == update.slug
    assert edited.published_at == published_at
    assert [e.slug for e in edited.ecosystems.all()] == ["digital"]


def test_edit_refuses_bad_input_and_keeps_the_old_text(commission_staff):
    update = make_update(by=commission_staff, title="Kept")

    with pytest.raises(ValidationError) as error:
        update_edit(
            update=update, data={"title": "", "source_url": "ftp://x.example"}, by=commission_staff
        )

    assert set(error.value.message_dict) == {"title", "source_url"}
    update.refresh_from_db()
    assert update.title == "Kept"


def test_publish_now(commission_staff):
    update = make_update(by=commission_staff, published=None)
    before = timezone.now()

    update = update_publish(update=update, by=commission_staff)

    assert before <= update.published_at <= timezone.now()
    assert Update.objects.published().filter(pk=update.pk).exists()


def test_schedule_for_later_keeps_it_unpublished_until_then(commission_staff):
    update = make_update(by=commission_staff, published=None)
    when = ahead(hours=3)

    update = update_publish(update=update, at=when, by=commission_staff)

    assert update.published_at == when
    assert update.state() == UpdateState.SCHEDULED
    assert not Update.objects.published().filter(pk=update.pk).exists()
    assert Update.objects.published(now=when).filter(pk=update.pk).exists()
    assert update.state(now=when + datetime.timedelta(seconds=1)) == UpdateState.PUBLISHED


def test_a_scheduled_update_can_be_moved_or_published_at_once(commission_staff):
    update = make_update(by=commission_staff, published=ahead(days=2))

    moved = update_publish(update=update, at=ahead(days=5), by=commission_staff)
    assert moved.state() == UpdateState.SCHEDULED
    now = update_publish(update=moved, by=commission_staff)
    assert now.state() == UpdateState.PUBLISHED


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda: ago(minutes=5), "future"),
        (lambda: timezone.now() + datetime.timedelta(days=400), "year"),
        (lambda: datetime.datetime(2030, 1, 1, 9), "time zone"),  # naive
    ],
)
def test_a_bad_schedule_is_refused(commission_staff, when, message):
    update = make_update(by=commission_staff, published=None)

    with pytest.raises(ValidationError) as error:
        update_publish(update=update, at=when(), by=commission_staff)

    assert message in " ".join(error.value.message_dict["published_at"])
    update.refresh_from_db()
    assert update.published_at is None


def test_publishing_a_published_update_again_is_refused(commission_staff):
    update = make_update(by=commission_staff, published=ago(days=3))
    published_at = update.published_at

    with pytest.raises(ValidationError):
        update_publish(update=update, by=commission_staff)
    with pytest.raises(ValidationError):
        update_publish(update=update, at=ahead(days=1), by=commission_staff)

    update.refresh_from_db()
    assert update.published_at == published_at


def test_unpublish_takes_it_back_to_draft(commission_staff):
    for update in (make_update(by=commission_staff), make_update(published=ahead(days=1))):
        update = update_unpublish(update=update, by=commission_staff)

        update.refresh_from_db()
        assert update.published_at is None
        assert not Update.objects.published().filter(pk=update.pk).exists()


def test_unpublishing_a_draft_is_refused(commission_staff):
    update = make_update(by=commission_staff, published=None)

    with pytest.raises(ValidationError):
        update_unpublish(update=update, by=commission_staff)


def test_pin_and_unpin(commission_staff):
    update = make_update(by=commission_staff)

    assert update_pin(update=update, pinned=True, by=commission_staff).pinned is True
    assert Update.objects.get(pk=update.pk).pinned is True
    assert update_pin(update=update, pinned=False, by=commission_staff).pinned is False
    assert Update.objects.get(pk=update.pk).pinned is False


def test_the_database_refuses_a_non_http_source_link(commission_staff):
    from django.db import IntegrityError, transaction

    update = make_update(by=commission_staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.filter(pk=update.pk).update(source_url="javascript:alert(1)")


def test_ecosystems_may_be_given_as_objects(commission_staff):
    health = Ecosystem.objects.get(slug="health")

    update = update_create(data=content(ecosystems=[health]), by=commission_staff)

    assert list(update.ecosystems.all()) == [health]
