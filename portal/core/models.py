"""Reference data every app shares: the industrial ecosystems and the solution categories.

Both are loaded by migrations and keep stable slugs, which the API and other apps use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for the portal's records: when each was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Ecosystem(models.Model):
    """One of the 14 industrial ecosystems of the EU industrial strategy."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("industrial ecosystem")
        verbose_name_plural = _("industrial ecosystems")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A product or solution category of the crisis taxonomy; two levels deep."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("solution category")
        verbose_name_plural = _("solution categories")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name  # type: ignore[union-attr]
