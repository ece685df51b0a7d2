"""EU updates for tests, made through the same services staff use.

``published`` says where the update stands: ``None`` a draft, a time in the future a
scheduled update (``update_publish(at=...)``), a time in the past a published one. A past
time is written directly, as if the clock had moved on since it was scheduled: the services
publish now or schedule ahead, never back in time.
"""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from portal.accounts.roles import Role
from portal.updates.models import Update, UpdateCategory
from portal.updates.services import update_create, update_pin, update_publish
from tests.factories import make_user

_numbers = itertools.count(1)

NOW = "now"


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def ahead(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


def make_update(
    *,
    by=None,
    published: datetime.datetime | str | None = NOW,
    pinned: bool = False,
    ecosystems: tuple[str, ...] | list[str] = (),
    **data: Any,
) -> Update:
    """An update written by ``by`` (Commission staff; one is made when not given)."""
    n = next(_numbers)
    by = by or make_user(Role.COMMISSION)
    content = {
        "title": f"Guidance on protective equipment, part {n}",
        "summary": f"What manufacturers need to know, part {n}.",
        "body": f"## Part {n}\n\nThe Commission published **guidance** for manufacturers.",
        "category": UpdateCategory.LEGISLATION_GUIDANCE,
        "source_url": "https://ec.europa.eu/commission/presscorner/home/en",
        "ecosystems": list(ecosystems),
        **data,
    }
    update = update_create(data=content, by=by)
    if published == NOW:
        update = update_publish(update=update, by=by)
    elif isinstance(published, datetime.datetime):
        if published > timezone.now():
            update = update_publish(update=update, at=published, by=by)
        else:
            Update.objects.filter(pk=update.pk).update(published_at=published)
            update.refresh_from_db()
    if pinned:
        update = update_pin(update=update, pinned=True, by=by)
    return update


def time_passes(update: Update, *, to: datetime.datetime | None = None) -> Update:
    """The clock reaches a scheduled update's time: its time is now in the past."""
    Update.objects.filter(pk=update.pk).update(published_at=to or ago(seconds=1))
    update.refresh_from_db()
    return update
