"""What Commission staff do with programmes and calls, and what anyone logged in does with
deadline reminders. Views, the admin's users, the demo data and the hourly task all call
these; each checks permission, validates and writes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import Call, CallReminder, CallStatus, Programme
from portal.accounts.permissions import is_commission_staff
from portal.core.mail import queue_email

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

PROGRAMME_FIELDS = (
    "slug",
    "name",
    "summary",
    "description",
    "objectives",
    "link",
    "active",
    "position",
)
CALL_FIELDS = (
    "title", "programme", "summary", "opens_at", "deadline_at", "timezone", "budget",
    "eligible_countries", "link",
)  # fmt: skip
# How many due reminders one run of the task sends at most; the next run takes the rest.
REMINDER_BATCH = 500


def can_manage_funding(user: User | AnonymousUser) -> bool:
    """Programmes and calls are kept by Commission staff."""
    return is_commission_staff(user)


def _check_staff(by: User | AnonymousUser) -> None:
    if not can_manage_funding(by):
        raise PermissionDenied(_("Only Commission staff manage programmes and calls."))


# --- programmes -------------------------------------------------------------------------


def _apply_programme(programme: Programme, data: dict[str, Any]) -> None:
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.full_clean()


@transaction.atomic
def programme_create(*, by: User, data: dict[str, Any]) -> Programme:
    """Staff add a programme; it is listed at once if active."""
    _check_staff(by)
    programme = Programme()
    _apply_programme(programme, data)
    programme.save()
    if "ecosystems" in data:
        programme.ecosystems.set(data["ecosystems"])
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by: User, data: dict[str, Any]) -> Programme:
    """Staff change a programme. Its slug stays: links to it (and the API) use it.

    Deactivating hides the programme and its calls from the public; projects keep it."""
    _check_staff(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if "slug" in data and data["slug"] != programme.slug:
        raise ValidationError({"slug": [_("A programme’s slug does not change.")]})
    _apply_programme(programme, data)
    programme.save()
    if "ecosystems" in data:
        programme.ecosystems.set(data["ecosystems"])
    return programme


@transaction.atomic
def programme_delete(*, programme: Programme, by: User) -> None:
    """Delete a programme nothing refers to; one with calls or projects is deactivated
    instead (the refusal says so), so no project loses its programme."""
    _check_staff(by)
    try:
        programme.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Calls or projects refer to %(name)s: deactivate it instead, which hides it from the public and keeps their link."
            )
            % {"name": programme.name}
        ) from None


# --- calls ------------------------------------------------------------------------------


def _apply_call(call: Call, data: dict[str, Any]) -> None:
    for name in CALL_FIELDS:
        if name in data:
            setattr(call, name, data[name])
    if call.eligible_countries is None:
        call.eligible_countries = []
    for name in ("opens_at", "deadline_at"):
        value = getattr(call, name)
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            raise ValidationError({name: [_("Give the time zone of this date.")]})
    call.full_clean()


def _check_programme(call: Call, previous_programme_id: int | None) -> None:
    # A call may stay under a programme deactivated since, but not be moved to one.
    if call.programme_id != previous_programme_id and not call.programme.active:
        raise ValidationError({"programme": [_("This programme is no longer active.")]})


@transaction.atomic
def call_create(*, by: User, data: dict[str, Any]) -> Call:
    """Staff publish a call for proposals under a programme.

    ``data`` holds the model's fields (``opens_at``/``deadline_at`` aware datetimes,
    ``timezone`` an IANA name, ``eligible_countries`` codes, empty for every country) and
    ``ecosystems`` (objects, empty for every ecosystem)."""
    _check_staff(by)
    call = Call(created_by=by)
    _apply_call(call, data)
    _check_programme(call, None)
    call.save()
    if "ecosystems" in data:
        call.ecosystems.set(data["ecosystems"])
    return call


@transaction.atomic
def call_update(*, call: Call, by: User, data: dict[str, Any]) -> Call:
    """Staff change a call. A reminder already sent is not sent again for a new deadline."""
    _check_staff(by)
    call = Call.objects.select_for_update().get(pk=call.pk)
    previous_programme_id = call.programme_id
    _apply_call(call, data)
    _check_programme(call, previous_programme_id)
    call.save()
    if "ecosystems" in data:
        call.ecosystems.set(data["ecosystems"])
    return call


@transaction.atomic
def call_delete(*, call: Call, by: User) -> None:
    """Staff remove a call published by mistake; its reminders go with it."""
    _check_staff(by)
    call.delete()


# --- reminders --------------------------------------------------------------------------


@transaction.atomic
def call_reminder_request(*, call: Call, by: User) -> CallReminder:
    """Someone logged in asks to be e-mailed a week before the call's deadline (once).

    Asking twice keeps the one reminder. A closed call has nothing left to remind of."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Log in to ask for a reminder."))
    if call.status_at(timezone.now()) == CallStatus.CLOSED:
        raise ValidationError(_("This call is closed: there is no deadline left to remind you of."))
    reminder, _created = CallReminder.objects.get_or_create(call=call, user=by)
    return reminder


@transaction.atomic
def call_reminder_cancel(*, call: Call, by: User) -> bool:
    """Someone no longer wants the reminder; True if there was one to cancel."""
    if not by.is_authenticated:
        raise PermissionDenied(_("Log in to manage your reminders."))
    deleted, _rows = CallReminder.objects.filter(call=call, user=by, sent_at__isnull=True).delete()
    return bool(deleted)


def call_reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """E-mail the reminders that are due (the call is open and closes within a week), each
    once; returns how many were sent. At most ``REMINDER_BATCH`` a run: the next hourly run
    takes the rest."""
    now = now or timezone.now()
    due = CallReminder.objects.due(now).order_by("pk").values_list("pk", flat=True)
    return sum(call_reminder_send(reminder_id=pk, now=now) for pk in list(due[:REMINDER_BATCH]))


@transaction.atomic
def call_reminder_send(*, reminder_id: int, now: datetime.datetime) -> bool:
    """Claim one reminder and queue its e-mail; False if it was already claimed.

    The claim is a conditional update (``sent_at`` still empty), so of two runs at once, or
    a run repeated after a crash, only one sends; the e-mail leaves once the claim is
    committed (``queue_email``). A mail lost after the claim (broker down) is logged and not
    retried: a reminder sent twice is worse than a missed one, which the person can still
    see on the call's page."""
    claimed = CallReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(sent_at=now)
    if not claimed:
        return False
    reminder = CallReminder.objects.select_related("call", "call__programme", "user").get(
        pk=reminder_id
    )
    queue_email(
        to=[reminder.user.email],
        subject=_("Call closing soon: %(title)s") % {"title": reminder.call.title},
        template="funding/email/deadline_reminder.txt",
        context={"call": reminder.call, "user": reminder.user},
    )
    return True
