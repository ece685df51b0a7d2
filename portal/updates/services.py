"""What Commission staff do with EU updates. Pages, the admin and the demo data call these;
each checks that the caller is Commission staff (``PermissionDenied`` otherwise), validates
(``ValidationError`` with field messages) and writes.

An update's publication time is its whole lifecycle: none is a draft, a future time is a
scheduled publication, a past time is published. Nothing has to run at the scheduled time:
the update simply becomes visible (``UpdateQuerySet.visible_to``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.core.models import Ecosystem
from portal.updates.models import SLUG_MAX_LENGTH, Update, UpdateCategory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

# What ``data`` may hold for update_create / update_edit.
CONTENT_FIELDS = ("title", "summary", "body", "category", "source_url")
# Paths under /updates/ that are pages of their own, so never an update's slug.
RESERVED_SLUGS = frozenset({"new", "feed", "drafts", "edit", "publish", "unpublish", "pin"})
# A scheduled time this far ahead is a typo (2062 for 2026), not a plan.
MAX_SCHEDULE_AHEAD = datetime.timedelta(days=366)


def can_manage_updates(user: User | AnonymousUser) -> bool:
    """Commission staff write, publish and pin EU updates; nobody else does."""
    return bool(user.is_authenticated and user.is_active and user.is_commission_staff)


def _check_staff(user: User | AnonymousUser) -> None:
    if not can_manage_updates(user):
        raise PermissionDenied(_("Only Commission staff publish EU updates."))


def _clean_text(value: Any) -> str:
    return str(value or "").strip()


def _apply_content(update: Update, data: dict[str, Any]) -> None:
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(update, field, _clean_text(data[field]))
    if not update.category:
        update.category = UpdateCategory.OTHER
    errors: dict[str, list[str]] = {}
    exclude = ["slug", "author", "published_at", "pinned"]
    url = update.source_url
    if url and not url.lower().startswith(("http://", "https://")):
        errors["source_url"] = [_("Give a web address starting with http:// or https://.")]
        exclude.append("source_url")  # one clear message, not three
    try:
        # The model's own checks: lengths, the category's choices, the URL's shape.
        update.full_clean(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _ecosystems(values: Iterable[Any]) -> list[Ecosystem]:
    """Ecosystems given as objects or slugs; an unknown slug is a field error."""
    found: list[Ecosystem] = []
    slugs = []
    for value in values:
        if isinstance(value, Ecosystem):
            found.append(value)
        else:
            slugs.append(str(value))
    if slugs:
        known = {e.slug: e for e in Ecosystem.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise ValidationError(
                {"ecosystems": [_("Unknown ecosystem: %(slug)s") % {"slug": unknown[0]}]}
            )
        found += [known[slug] for slug in slugs]
    return found


def slug_for_title(title: str) -> str:
    """The slug an update with this title gets, unless another update already has it."""
    base = slugify(title)
    limit = SLUG_MAX_LENGTH - 6  # room for "-2", "-3"... when the title is taken
    if len(base) > limit:
        # Cut at a word: "…-the-covid-19-outbreak", never "…-the-covid-19-out".
        cut = base[: limit + 1]
        base = cut[: cut.rfind("-")] if "-" in cut else cut[:limit]
    base = base.strip("-") or "update"
    return f"{base}-update" if base in RESERVED_SLUGS else base


def _free_slug(base: str) -> str:
    taken = set(Update.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def update_create(*, data: dict[str, Any], by: User) -> Update:
    """A staff member writes a new update. It starts as a draft nobody else sees, until it is
    published or scheduled (``update_publish``).

    ``data``: ``title``, ``summary``, ``body`` (Markdown), ``category``, ``source_url`` and
    ``ecosystems`` (objects or slugs). The URL's slug is made from the title, once.
    """
    _check_staff(by)
    update = Update(author=by)
    _apply_content(update, data)
    base = slug_for_title(update.title)
    for _attempt in range(3):
        update.slug = _free_slug(base)
        try:
            # A savepoint: another staff member may take the same slug at the same moment.
            with transaction.atomic():
                update.save()
            break
        except IntegrityError:
            update.pk = None
    else:
        raise ValidationError({"title": [_("Could not make a web address for this title.")]})
    update.ecosystems.set(_ecosystems(data.get("ecosystems") or []))
    return update


@transaction.atomic
def update_edit(*, update: Update, data: dict[str, Any], by: User) -> Update:
    """A staff member changes an update's text, category, ecosystems or source link. Its
    publication (draft, scheduled or published), pin and web address stay as they are."""
    _check_staff(by)
    update = Update.objects.select_for_update().get(pk=update.pk)
    _apply_content(update, data)
    update.save()
    if "ecosystems" in data:
        update.ecosystems.set(_ecosystems(data["ecosystems"] or []))
    return update


@transaction.atomic
def update_publish(*, update: Update, by: User, at: datetime.datetime | None = None) -> Update:
    """Publish an update now (``at`` omitted) or schedule it for ``at``, a time to come.

    A scheduled update is invisible to everyone but staff until its time, then appears in
    the list, the feeds and the API on its own. Publishing a scheduled update now brings it
    forward; an update already published stays as it is (unpublish it first to re-time it).
    """
    _check_staff(by)
    update = Update.objects.select_for_update().get(pk=update.pk)
    now = timezone.now()
    if update.published_at is not None and update.published_at <= now:
        raise ValidationError({"published_at": [_("This update is already published.")]})
    if at is None:
        update.published_at = now
    else:
        if timezone.is_naive(at):
            raise ValidationError({"published_at": [_("Give the time with its time zone.")]})
        if at <= now:
            raise ValidationError(
                {"published_at": [_("Choose a time in the future, or publish now.")]}
            )
        if at > now + MAX_SCHEDULE_AHEAD:
            raise ValidationError({"published_at": [_("Schedule an update at most a year ahead.")]})
        update.published_at = at
    update.save(update_fields=["published_at", "updated_at"])
    return update


@transaction.atomic
def update_unpublish(*, update: Update, by: User) -> Update:
    """Take a published or scheduled update back to draft: it leaves the public list, the
    feeds and the API at once, and staff can edit and publish it again."""
    _check_staff(by)
    update = Update.objects.select_for_update().get(pk=update.pk)
    if update.published_at is None:
        raise ValidationError({"published_at": [_("This update is already a draft.")]})
    update.published_at = None
    update.save(update_fields=["published_at", "updated_at"])
    return update


@transaction.atomic
def update_pin(*, update: Update, pinned: bool, by: User) -> Update:
    """Pin an update to the top of the list and the home page (or unpin it). A pinned draft
    stays hidden; it is shown pinned once published."""
    _check_staff(by)
    update = Update.objects.select_for_update().get(pk=update.pk)
    if update.pinned != pinned:
        update.pinned = pinned
        update.save(update_fields=["pinned", "updated_at"])
    return update
