"""Subscriptions, and telling subscribers of confirmed alerts: at once, or in a daily digest.

Exactly once per subscriber and alert: an ``AlertNotice`` row (unique per user and alert) is
made for every matching subscriber, and each is *claimed* with a conditional update before
its e-mail is put in the outbox, in the same transaction (``portal/core/mail.py``): the
claim and the e-mail are committed together or not at all. A task that runs twice finds the
rows made and claimed, and queues nothing more.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import (
    PUBLIC_ALERT_STATUSES,
    Alert,
    AlertNotice,
    AlertStatus,
    AlertType,
    Frequency,
    Subscription,
)
from portal.core.mail import queue_email
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User

DIGEST_BATCH = 500


@transaction.atomic
def subscription_save(
    *,
    user: User,
    ecosystems: Iterable[Ecosystem],
    countries: Iterable[str],
    types: Iterable[str],
    frequency: str,
    active: bool = True,
) -> Subscription:
    """Any logged-in user chooses which confirmed alerts they hear about, and how often."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to subscribe to alerts."))
    types = list(dict.fromkeys(types))
    unknown = [t for t in types if t not in AlertType.values]
    if unknown:
        raise ValidationError({"types": [_("Unknown alert type: %(t)s.") % {"t": unknown[0]}]})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": [_("Choose immediately or a daily digest.")]})
    subscription, _created = Subscription.objects.get_or_create(user=user)
    subscription.countries = list(dict.fromkeys(countries))  # type: ignore[assignment]
    subscription.types = types
    subscription.frequency = frequency
    subscription.active = active
    subscription.full_clean(exclude=["user"])
    subscription.save()
    subscription.ecosystems.set(list(ecosystems))
    return subscription


def _matches(subscription: Subscription, alert: Alert, ecosystem_ids: set[int]) -> bool:
    """Every criterion the subscriber set must match; an empty one matches anything."""
    wanted_ecosystems = {e.pk for e in subscription.ecosystems.all()}
    if wanted_ecosystems and not wanted_ecosystems & ecosystem_ids:
        return False
    wanted_countries = {str(c) for c in subscription.countries}
    if wanted_countries and not wanted_countries & {str(c) for c in alert.countries}:
        return False
    return not subscription.types or alert.type in subscription.types


def subscribers_for(alert: Alert) -> list[Subscription]:
    """The active subscriptions of active users that this alert matches."""
    ecosystem_ids = {e.pk for e in alert.ecosystems.all()}
    subscriptions = (
        Subscription.objects.filter(active=True, user__is_active=True)
        .select_related("user")
        .prefetch_related(Prefetch("ecosystems", queryset=Ecosystem.objects.only("pk")))
    )
    return [s for s in subscriptions.iterator(chunk_size=500) if _matches(s, alert, ecosystem_ids)]


def alert_notices_create(*, alert: Alert) -> int:
    """Make the notice rows for a confirmed alert (none twice); returns how many are new."""
    if alert.status not in PUBLIC_ALERT_STATUSES:
        return 0
    notices = [
        AlertNotice(alert=alert, user=s.user, frequency=s.frequency) for s in subscribers_for(alert)
    ]
    before = AlertNotice.objects.filter(alert=alert).count()
    AlertNotice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=500)
    return AlertNotice.objects.filter(alert=alert).count() - before


def _claim(notice_ids: list[int], now: datetime.datetime) -> list[AlertNotice]:
    """Mark unsent notices as sent at ``now``; return those this call claimed."""
    AlertNotice.objects.filter(pk__in=notice_ids, sent_at__isnull=True).update(sent_at=now)
    return list(
        AlertNotice.objects.filter(pk__in=notice_ids, sent_at=now).select_related("alert", "user")
    )


def alert_notify_subscribers(*, alert_id: int) -> int:
    """Tell the subscribers who chose "immediately" of a confirmed alert; the others get it
    in their next digest. Safe to run twice. Returns how many e-mails this run queued."""
    alert = Alert.objects.filter(pk=alert_id).prefetch_related("ecosystems").first()
    if alert is None or alert.status not in PUBLIC_ALERT_STATUSES:
        return 0
    alert_notices_create(alert=alert)
    pending = list(
        AlertNotice.objects.filter(
            alert=alert, frequency=Frequency.IMMEDIATE, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    sent = 0
    with transaction.atomic():
        for notice in _claim(pending, timezone.now()):
            queue_email(
                to=[notice.user.email],
                subject=_("Rapid alert confirmed: %(title)s") % {"title": alert.title},
                template="alerts/email/alert_confirmed.txt",
                context={"alert": alert, "user": notice.user},
            )
            sent += 1
    return sent


def alert_send_digests(*, since: datetime.datetime | None = None) -> int:
    """Send each daily subscriber one e-mail grouping the alerts confirmed since the last
    digest. Also makes the notices of any confirmed alert the immediate path missed (broker
    down when it was confirmed). Returns how many digests were queued."""
    since = since or timezone.now() - datetime.timedelta(days=7)
    missed = Alert.objects.filter(status=AlertStatus.CONFIRMED, confirmed_at__gte=since).exclude(
        notices__isnull=False
    )
    for alert in missed.prefetch_related("ecosystems")[:DIGEST_BATCH]:
        alert_notices_create(alert=alert)
        if AlertNotice.objects.filter(
            alert=alert, frequency=Frequency.IMMEDIATE, sent_at__isnull=True
        ).exists():
            alert_notify_subscribers(alert_id=alert.pk)

    pending = AlertNotice.objects.filter(
        frequency=Frequency.DAILY, sent_at__isnull=True
    ).values_list("user_id", "pk")
    by_user: dict[int, list[int]] = defaultdict(list)
    for user_id, pk in pending[: DIGEST_BATCH * 20]:
        by_user[user_id].append(pk)
    sent = 0
    for notice_ids in by_user.values():
        with transaction.atomic():
            claimed = _claim(notice_ids, timezone.now())
            if not claimed:
                continue  # another run took them
            user = claimed[0].user
            alerts = sorted(
                (n.alert for n in claimed), key=lambda a: a.confirmed_at or a.created_at
            )
            queue_email(
                to=[user.email],
                subject=_("Rapid alerts: %(n)s confirmed alert(s) for you") % {"n": len(alerts)},
                template="alerts/email/alert_digest.txt",
                context={"alerts": alerts, "user": user},
            )
        sent += 1
    return sent
