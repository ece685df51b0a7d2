"""Template helpers of the forum: how an author is named, and a post's plain-text excerpt."""

from typing import Any

from django import template
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.forum.services import plain_text

register = template.Library()


@register.filter
def forum_author(user: Any) -> str:
    """An author's name; never their e-mail address, which the forum does not show."""
    return str(getattr(user, "full_name", "") or _("A portal member"))


@register.filter
def forum_excerpt(body: str, length: int = 200) -> str:
    """The first words of a Markdown body as plain text (auto-escaped by the template)."""
    return Truncator(plain_text(body)).chars(int(length))
