"""Helpers the forum's views share."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.forum import selectors
from portal.forum.models import Post

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def request_user(request: HttpRequest) -> User:
    return cast("User", request.user)


def post_location(post: Post, user: User | AnonymousUser) -> str:
    """The topic page that shows this post, scrolled to it."""
    page = selectors.post_page_number(post=post, user=user)
    url = reverse("forum:topic", kwargs={"pk": post.topic_id})
    return f"{url}?page={page}#post-{post.pk}" if page > 1 else f"{url}#post-{post.pk}"


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def refusal_message(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("This cannot be done."))
