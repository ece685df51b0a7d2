"""Moderating the forum: locking and pinning topics, hiding and restoring posts, closing
flags, and the flag queue. Commission staff only: others get 403, anonymous people are sent
to log in; the services check again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from portal.accounts.permissions import CommissionStaffRequiredMixin
from portal.forum import selectors, services
from portal.forum.forms import HideForm
from portal.forum.models import Post
from portal.forum.views.common import post_location, refusal_message, request_user, safe_next


class TopicModerateView(CommissionStaffRequiredMixin, View):
    """Lock, unlock, pin or unpin a topic."""

    ACTIONS = {
        "lock": (
            services.topic_lock,
            gettext_lazy("The topic is locked: it takes no new replies."),
        ),
        "unlock": (services.topic_unlock, gettext_lazy("The topic is open to replies again.")),
        "pin": (
            services.topic_pin,
            gettext_lazy("The topic is pinned at the top of its category."),
        ),
        "unpin": (services.topic_unpin, gettext_lazy("The topic is no longer pinned.")),
    }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = selectors.topic_get(pk=pk, user=request.user)
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose lock, unlock, pin or unpin."))
            return redirect(topic)
        service, done = action
        service(topic=topic, by=request_user(request))
        messages.success(request, done)
        return redirect(topic)


class PostHideView(CommissionStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        post = selectors.post_get(pk=pk, user=user)
        back = safe_next(request, post_location(post, user))
        form = HideForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
            return redirect(back)
        try:
            services.post_hide(post=post, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            refusal_message(request, exc)
            return redirect(back)
        if post.pk == post.topic.opening_post_id:
            messages.success(
                request,
                _("The opening post is hidden, and with it the whole topic, for all but staff."),
            )
        else:
            messages.success(request, _("The post is hidden for all but staff."))
        return redirect(back)


class PostRestoreView(CommissionStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        post = selectors.post_get(pk=pk, user=user)
        services.post_restore(post=post, by=user)
        messages.success(request, _("The post is visible to everyone again."))
        return redirect(safe_next(request, post_location(post, user)))


class FlagDismissView(CommissionStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        post = selectors.post_get(pk=pk, user=user)
        services.flag_resolve(post=post, by=user)
        messages.success(request, _("The flags are closed; the post stays."))
        return redirect(safe_next(request, reverse("forum:moderation")))


class ModerationQueueView(CommissionStaffRequiredMixin, ListView):
    """The flag queue: flagged posts, the longest-waiting first."""

    template_name = "forum/moderation.html"
    context_object_name = "flagged_posts"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[Post]:
        return selectors.moderation_queue()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["recently_hidden"] = selectors.recently_hidden(limit=10)
        context["hide_form"] = HideForm()
        return context
