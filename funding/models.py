"""Funding: the EU programmes that support clusters, their calls for proposals, and the
reminders people ask for before a call's deadline.

A call's status is never stored: it follows from its dates (``call_status`` for one call,
``CallQuerySet.with_status`` / ``in_status`` for many, both built on ``STATUS_RULES``).
Who may see what is decided once, in the querysets' ``visible_to``.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.timezone import now as current_time
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.core.models import Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

DEFAULT_TIMEZONE = "Europe/Brussels"
# Slugs that name pages under /funding/programmes/, so no programme may take them.
RESERVED_PROGRAMME_SLUGS = frozenset({"new"})


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """Every IANA time zone name this system knows (read once)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Brussels."),
            code="invalid_timezone",
            params={"value": value},
        )


def validate_programme_slug(value: str) -> None:
    if value in RESERVED_PROGRAMME_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved: choose another slug."), params={"value": value}
        )


# --- programmes -------------------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def active(self) -> ProgrammeQuerySet:
        return self.filter(active=True)

    def visible_to(self, user: User | AnonymousUser) -> ProgrammeQuerySet:
        """Active programmes for everyone; inactive ones only for Commission staff."""
        if _is_staff(user):
            return self.all()
        return self.active()


class Programme(TimeStampedModel):
    """An EU programme or scheme that supports clusters (Euroclusters, ClusterXchange…)."""

    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, validators=[validate_programme_slug]
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("One per line."))
    ecosystems = models.ManyToManyField(
        Ecosystem,
        verbose_name=_("industrial ecosystems"),
        related_name="programmes",
        blank=True,
        help_text=_("None chosen: the programme serves every ecosystem."),
    )
    link = models.URLField(_("official page"), max_length=300)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive programme is hidden from the public; its projects keep it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:programme_detail", kwargs={"slug": self.slug})

    @property
    def objective_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip(" -•\t")]


# --- calls ------------------------------------------------------------------------------


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def status_rules(now: datetime.datetime) -> tuple[tuple[str, Q], ...]:
    """The one definition of a call's status at ``now``: upcoming before it opens, open
    from its opening until its deadline, closed from the deadline on."""
    return (
        (CallStatus.UPCOMING, Q(opens_at__gt=now)),
        (CallStatus.OPEN, Q(opens_at__lte=now, deadline_at__gt=now)),
        (CallStatus.CLOSED, Q(deadline_at__lte=now)),
    )


def call_status(
    *, opens_at: datetime.datetime, deadline_at: datetime.datetime, now: datetime.datetime
) -> str:
    """``status_rules`` for one call in memory (the database uses the same bounds)."""
    if opens_at > now:
        return CallStatus.UPCOMING
    if deadline_at > now:
        return CallStatus.OPEN
    return CallStatus.CLOSED


class CallQuerySet(models.QuerySet["Call"]):
    def visible_to(self, user: User | AnonymousUser) -> CallQuerySet:
        """Calls of active programmes for everyone; every call for Commission staff."""
        if _is_staff(user):
            return self.all()
        return self.filter(programme__active=True)

    def with_status(self, now: datetime.datetime) -> CallQuerySet:
        """Annotate ``status`` (upcoming, open or closed at ``now``)."""
        return self.annotate(
            status=Case(
                *(
                    When(condition, then=Value(str(status)))
                    for status, condition in status_rules(now)
                ),
                output_field=models.CharField(),
            )
        )

    def in_status(
        self, statuses: list[str] | tuple[str, ...], now: datetime.datetime
    ) -> CallQuerySet:
        wanted = Q(pk__in=[])
        for status, condition in status_rules(now):
            if status in statuses:
                wanted |= condition
        return self.filter(wanted)

    def open(self, now: datetime.datetime) -> CallQuerySet:
        return self.in_status([CallStatus.OPEN], now)

    def for_ecosystems(self, ecosystem_ids: list[int]) -> CallQuerySet:
        """Calls for any of these ecosystems, or for every ecosystem (none chosen)."""
        through = Call.ecosystems.through
        return self.filter(
            Exists(through.objects.filter(call_id=OuterRef("pk"), ecosystem_id__in=ecosystem_ids))
            | ~Exists(through.objects.filter(call_id=OuterRef("pk")))
        )

    def for_countries(self, codes: list[str]) -> CallQuerySet:
        """Calls open to any of these countries, or to every country (none listed)."""
        # Stored comma-separated; every code has two letters, so a match is never partial.
        condition = Q(eligible_countries="")
        for code in codes:
            condition |= Q(eligible_countries__contains=code)
        return self.filter(condition)


class Call(TimeStampedModel):
    """A call for proposals under a programme, open from ``opens_at`` until ``deadline_at``."""

    title = models.CharField(_("title"), max_length=250)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Who may apply, for what."))
    opens_at = models.DateTimeField(_("opens"))
    deadline_at = models.DateTimeField(_("deadline"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIMEZONE,
        validators=[validate_timezone],
        help_text=_("The time zone the call’s dates are published in."),
    )
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty while the budget is not published."),
    )
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_("None chosen: open to every country the portal serves."),
    )
    ecosystems = models.ManyToManyField(
        Ecosystem,
        verbose_name=_("industrial ecosystems"),
        related_name="calls",
        blank=True,
        help_text=_("None chosen: open to every ecosystem."),
    )
    link = models.URLField(_("official page"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["deadline_at", "pk"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_at__gt=models.F("opens_at")),
                name="call_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="call_budget_not_negative",
            ),
        ]
        indexes = [
            # Open and closing-soon calls: a range on the deadline, then the opening.
            models.Index(fields=["deadline_at", "opens_at"], name="call_deadline_opens_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:call_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.opens_at and self.deadline_at and self.deadline_at <= self.opens_at:
            raise ValidationError(
                {"deadline_at": _("The deadline must be after the opening.")},
                code="deadline_before_opening",
            )

    def status_at(self, now: datetime.datetime) -> str:
        return call_status(opens_at=self.opens_at, deadline_at=self.deadline_at, now=now)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def deadline_local(self) -> datetime.datetime:
        return self.deadline_at.astimezone(self.zone)

    @property
    def opens_local(self) -> datetime.datetime:
        return self.opens_at.astimezone(self.zone)


# --- reminders --------------------------------------------------------------------------

REMINDER_LEAD = datetime.timedelta(days=7)


class CallReminderQuerySet(models.QuerySet["CallReminder"]):
    def due(self, now: datetime.datetime) -> CallReminderQuerySet:
        """Not sent yet, for a call that is open and closes within ``REMINDER_LEAD``."""
        return self.filter(
            sent_at__isnull=True,
            user__is_active=True,
            call__opens_at__lte=now,
            call__deadline_at__gt=now,
            call__deadline_at__lte=now + REMINDER_LEAD,
        )


class CallReminder(models.Model):
    """Someone asked to be e-mailed a week before a call's deadline; sent once."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_reminders"
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = CallReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="call_reminder_unique")
        ]
        indexes = [
            # The hourly task reads the unsent reminders only.
            models.Index(
                fields=["call"], condition=Q(sent_at__isnull=True), name="call_reminder_unsent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.call}"

    @property
    def remind_at(self) -> datetime.datetime:
        return self.call.deadline_at - REMINDER_LEAD

    @property
    def is_due(self) -> bool:
        """Asked for within the last week before the deadline: the next run sends it."""
        return self.sent_at is None and self.remind_at <= current_time()
