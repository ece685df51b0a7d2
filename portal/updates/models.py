"""EU updates: news from the European Commission for industry, written by Commission staff.

An update has no status column: its publication time says it all. No time is a draft; a
time still to come is a scheduled update; a time passed is published. So a scheduled update
appears on its own at its time, with no task to run, and who sees what is decided once, in
``UpdateQuerySet.visible_to``. Changes happen only through ``portal.updates.services``.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.models import Ecosystem, TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 400
BODY_MAX_LENGTH = 50_000
SLUG_MAX_LENGTH = 80


class UpdateCategory(models.TextChoices):
    LEGISLATION_GUIDANCE = "legislation_guidance", _("Legislation and guidance")
    STANDARDS_CERTIFICATION = "standards_certification", _("Standards and certification")
    TRADE_CUSTOMS = "trade_customs", _("Trade and customs")
    FUNDING = "funding", _("Funding")
    STATE_AID = "state_aid", _("State aid")
    OTHER = "other", _("Other")


class UpdateState(models.TextChoices):
    """Where an update stands, worked out from its publication time (never stored)."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


class UpdateQuerySet(models.QuerySet["Update"]):
    def published(self, now: datetime.datetime | None = None) -> UpdateQuerySet:
        """Updates whose publication time has come (``now`` defaults to the clock)."""
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())

    def drafts(self) -> UpdateQuerySet:
        return self.filter(published_at__isnull=True)

    def scheduled(self, now: datetime.datetime | None = None) -> UpdateQuerySet:
        return self.filter(published_at__gt=now or timezone.now())

    def unpublished(self, now: datetime.datetime | None = None) -> UpdateQuerySet:
        """Drafts and scheduled updates: the staff's work in progress."""
        return self.filter(Q(published_at__isnull=True) | Q(published_at__gt=now or timezone.now()))

    def visible_to(
        self, user: User | AnonymousUser, now: datetime.datetime | None = None
    ) -> UpdateQuerySet:
        """Commission staff see every update, drafts and scheduled ones too; everyone else
        only the published ones."""
        if _is_staff(user):
            return self.all()
        return self.published(now)

    def editable_by(self, user: User | AnonymousUser) -> UpdateQuerySet:
        """Any Commission staff member may edit any update (they work as one service)."""
        return self.all() if _is_staff(user) else self.none()

    def in_list_order(self) -> UpdateQuerySet:
        """Pinned first, then the newest; drafts (no time) before the rest of their group."""
        return self.order_by(
            "-pinned", models.F("published_at").desc(nulls_first=True), "-created_at", "-pk"
        )


class Update(TimeStampedModel):
    """One piece of news from the Commission: guidance, a standard, a customs rule, funding."""

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # Made from the title when the update is created and never changed, so links stay valid.
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        # A TextField's max_length sizes the form's box only: the validator enforces it.
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=_("One or two sentences, plain text: shown in lists and feeds."),
    )
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text=_("Markdown: headings, lists, links, tables. Other HTML is removed."),
    )
    category = models.CharField(
        _("category"), max_length=30, choices=UpdateCategory.choices, default=UpdateCategory.OTHER
    )
    ecosystems = models.ManyToManyField(
        Ecosystem,
        verbose_name=_("industrial ecosystems concerned"),
        related_name="updates",
        blank=True,
    )
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the official text is, on ec.europa.eu or EUR-Lex for example."),
    )
    # Empty: a draft. In the future: scheduled. In the past: published.
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Pinned updates stay at the top of the list.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_at", "-created_at", "-pk"]
        verbose_name = _("EU update")
        verbose_name_plural = _("EU updates")
        constraints = [
            # The source link is optional, but when given it is a web address, never
            # javascript: or data: (the service and the form check it too).
            models.CheckConstraint(
                condition=Q(source_url="")
                | Q(source_url__startswith="http://")
                | Q(source_url__startswith="https://"),
                name="update_source_url_http",
            ),
        ]
        indexes = [
            # The list page, the API and the home page: published updates, pinned first,
            # then the newest (UpdateQuerySet.published().in_list_order()).
            models.Index(fields=["-pinned", "-published_at"], name="update_list_order_idx"),
            # The Atom feeds: the newest published updates, pinned or not.
            models.Index(fields=["-published_at"], name="update_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("updates:detail", kwargs={"slug": self.slug})

    def state(self, now: datetime.datetime | None = None) -> UpdateState:
        if self.published_at is None:
            return UpdateState.DRAFT
        if self.published_at > (now or timezone.now()):
            return UpdateState.SCHEDULED
        return UpdateState.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def is_scheduled(self) -> bool:
        return self.state() == UpdateState.SCHEDULED

    @property
    def is_published(self) -> bool:
        return self.state() == UpdateState.PUBLISHED
