"""The discussion forum: topics in the 2020 forum's categories, their posts, who follows them,
flags raised on posts, and the record that makes each reply's e-mail go out once.

Who sees what is decided once, in the querysets' ``visible_to``: a hidden post, and a topic
whose opening post is hidden, are gone for everyone but Commission staff. Everything else
(opening, replying, editing, moderating) happens through ``portal.forum.services``, which
also keep each topic's denormalised counters.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


# An author may correct their post for this long after writing it; then the words stand.
EDIT_WINDOW = timedelta(minutes=30)
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000


class TopicCategory(models.TextChoices):
    """The categories of the 2020 COVID-19 clusters forum."""

    I_NEED_HELP = "i_need_help", _("I need help")
    I_CAN_HELP = "i_can_help", _("I can help")
    TECHNOLOGICAL_SOLUTIONS = "technological_solutions", _("Technological solutions")
    BEST_PRACTICES = "best_practices", _("Best practices")
    ECONOMIC_EFFECT = "economic_effect", _("Economic effect")
    FUNDING = "funding", _("Funding")
    SOCIAL_ASPECTS = "social_aspects", _("Social aspects")
    SUPPORTING_POLICIES = "supporting_policies", _("Supporting policies")


CATEGORY_DESCRIPTIONS = {
    TopicCategory.I_NEED_HELP: _(
        "Ask for what your cluster or company is missing: suppliers, materials, partners, know-how."
    ),
    TopicCategory.I_CAN_HELP: _(
        "Offer capacity, skills or contacts that others in the crisis could use."
    ),
    TopicCategory.TECHNOLOGICAL_SOLUTIONS: _(
        "Converting production lines, new products, testing and the technology behind them."
    ),
    TopicCategory.BEST_PRACTICES: _(
        "What worked for clusters and companies: certification, logistics, cooperation."
    ),
    TopicCategory.ECONOMIC_EFFECT: _(
        "How the crisis hits value chains, jobs and markets, and how firms are coping."
    ),
    TopicCategory.FUNDING: _("EU and national funding, calls and how to apply for them."),
    TopicCategory.SOCIAL_ASPECTS: _(
        "Workers' safety, skills, working from home and the people behind the industry."
    ),
    TopicCategory.SUPPORTING_POLICIES: _(
        "Short-time work, state aid, trade and standards: the policies that help industry."
    ),
}


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


class TopicQuerySet(models.QuerySet["Topic"]):
    def visible_to(self, user: User | AnonymousUser) -> TopicQuerySet:
        """Everything for staff; for everyone else the topics whose opening post is not
        hidden (a topic hidden that way is gone, replies and all)."""
        if _is_staff(user):
            return self.all()
        return self.filter(opening_post__hidden=False)


class Topic(TimeStampedModel):
    """A discussion: its opening post is its first post, the rest are replies."""

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=30, choices=TopicCategory.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="forum_topics",
    )
    # Set in the transaction that opens the topic; empty only inside it.
    opening_post = models.OneToOneField(
        "Post",
        verbose_name=_("opening post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    # Denormalised by the services, counting only what the public sees (no hidden post):
    # lists show them without touching the posts.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    last_post_at = models.DateTimeField(_("latest activity"), default=timezone.now)
    last_post = models.ForeignKey(
        "Post",
        verbose_name=_("latest post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_post_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=TopicCategory.values), name="forum_topic_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(locked_at__isnull=False),
                name="forum_topic_locked_has_time",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="forum_topic_title_not_empty"),
        ]
        indexes = [
            # A category's list: pinned first, then the latest activity.
            models.Index(
                fields=["category", "-pinned", "-last_post_at"], name="forum_topic_category_idx"
            ),
            # The home page's and the API's latest topics across categories.
            models.Index(fields=["-last_post_at"], name="forum_topic_activity_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk})

    @property
    def category_description(self) -> str:
        return str(CATEGORY_DESCRIPTIONS.get(self.category, ""))  # type: ignore[call-overload]


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, user: User | AnonymousUser) -> PostQuerySet:
        """Everything for staff; for everyone else posts not hidden, in topics not hidden."""
        if _is_staff(user):
            return self.all()
        return self.filter(hidden=False, topic__opening_post__hidden=False)

    def editable_by(self, user: User | AnonymousUser) -> PostQuerySet:
        """An author's own posts, while the edit window is open, not hidden, in a topic that
        is not locked. Staff do not edit other people's words: they hide them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            author=user,
            hidden=False,
            topic__locked=False,
            created_at__gt=timezone.now() - EDIT_WINDOW,
        )


class Post(models.Model):
    """One contribution to a topic, written in Markdown (shown cleaned by an allow-list)."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="forum_posts",
    )
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="forum_post_body_not_empty"),
            models.CheckConstraint(
                condition=Q(hidden=False) | Q(hidden_at__isnull=False),
                name="forum_post_hidden_has_time",
            ),
        ]
        indexes = [
            # A topic's page: its posts in order.
            models.Index(fields=["topic", "created_at"], name="forum_post_topic_idx"),
            # The flood limit counts one author's posts of the last minute.
            models.Index(fields=["author", "created_at"], name="forum_post_author_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.pk} by {self.author_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", kwargs={"pk": self.pk})

    @property
    def is_opening(self) -> bool:
        return self.topic.opening_post_id == self.pk

    @property
    def edit_deadline(self) -> datetime:
        return self.created_at + EDIT_WINDOW


class Follow(models.Model):
    """Someone wants an e-mail when a topic gets a reply."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="forum_follows",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="forum_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.topic_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSIVE = "abusive", _("Abusive or offensive")
    MISLEADING = "misleading", _("Misleading or false information")
    OFF_TOPIC = "off_topic", _("Off topic")
    PERSONAL_DATA = "personal_data", _("Shares someone's personal data")
    OTHER = "other", _("Something else")


class FlagOutcome(models.TextChoices):
    HIDDEN = "hidden", _("Post hidden")
    DISMISSED = "dismissed", _("Post kept")


class FlagQuerySet(models.QuerySet["Flag"]):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """A user's report that a post breaks the rules, for the moderators' queue."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.CASCADE,
        related_name="forum_flags",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=FlagOutcome.choices, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            # One open flag per person per post: flagging again adds nothing to the queue.
            models.UniqueConstraint(
                fields=["post", "by"],
                condition=Q(resolved_at__isnull=True),
                name="forum_flag_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(outcome=""))
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="forum_flag_resolved_has_outcome",
            ),
        ]
        indexes = [
            # The moderation queue: open flags, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(resolved_at__isnull=True),
                name="forum_flag_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.post_id}"


class ReplyNotice(models.Model):
    """One reply's e-mail to one follower. The notify task inserts the row before sending,
    and the unique pair makes a second run (or a second worker) skip it: at most one e-mail
    per reply per follower."""

    post = models.ForeignKey(
        Post, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="notices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The run that inserted the row: it tells a run which of the rows are its own to send.
    claim = models.UUIDField(_("claim"))
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reply notice")
        verbose_name_plural = _("reply notices")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="forum_notice_once"),
        ]
        indexes = [models.Index(fields=["claim"], name="forum_notice_claim_idx")]

    def __str__(self) -> str:
        return f"Reply {self.post_id} → {self.user_id}"
