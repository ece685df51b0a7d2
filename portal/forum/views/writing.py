"""Writing in the forum: opening a topic, replying, editing, following, flagging, and the
unfollow link of the reply e-mails.

Writing needs a logged-in account (anonymous people are sent to log in). Every action is a
POST with a CSRF token (but the e-mail's signed unfollow link), goes through
``portal.forum.services``, and a refusal comes back as a form error or a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from portal.accounts.models import User
from portal.core.form_errors import apply_service_errors
from portal.forum import selectors, services
from portal.forum.forms import FlagForm, PostEditForm, ReplyForm, TopicForm
from portal.forum.models import CATEGORY_DESCRIPTIONS, Topic, TopicCategory
from portal.forum.views.common import post_location, refusal_message, request_user
from portal.forum.views.reading import render_topic


class TopicCreateView(LoginRequiredMixin, View):
    template_name = "forum/topic_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        category = request.GET.get("category", "")
        initial = {"category": category} if category in TopicCategory.values else {}
        return self._render(request, TopicForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = services.topic_open(by=request_user(request), **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your topic is open. You follow it: replies come to you by e-mail."),
                )
                return redirect(topic)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: TopicForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "descriptions": CATEGORY_DESCRIPTIONS.items()},
        )


class PostReplyView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        topic = selectors.topic_get(pk=pk, user=user)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                post = services.post_reply(topic=topic, by=user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                if exc.code == "locked":
                    refusal_message(request, exc)
                    return redirect(topic)
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your reply is posted."))
                return redirect(post_location(post, user))
        # Reload: a refused reply may have met a topic changed meanwhile.
        topic = selectors.topic_get(pk=pk, user=user)
        return render_topic(request, topic, page="last", reply_form=form)


class PostEditView(LoginRequiredMixin, View):
    """The author corrects their post while the edit window is open."""

    template_name = "forum/post_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.post_obj = selectors.post_get(pk=kwargs["pk"], user=request.user)
        refusal = services.edit_refusal(post=self.post_obj, by=request.user)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        if refusal is not None:
            refusal_message(request, refusal)
            return redirect(post_location(self.post_obj, request.user))
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_opening(self) -> bool:
        return self.post_obj.pk == self.post_obj.topic.opening_post_id

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        initial = {"body": self.post_obj.body, "title": self.post_obj.topic.title}
        return self._render(request, PostEditForm(initial=initial, with_title=self.is_opening))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = PostEditForm(request.POST, with_title=self.is_opening)
        if form.is_valid():
            try:
                post = services.post_edit(
                    post=self.post_obj,
                    by=request_user(request),
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title") if self.is_opening else None,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your post is updated."))
                return redirect(post_location(post, request.user))
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: PostEditForm) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "post": self.post_obj,
                "topic": self.post_obj.topic,
                "deadline": self.post_obj.edit_deadline,
            },
        )


class TopicFollowView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = selectors.topic_get(pk=pk, user=request.user)
        services.topic_follow(topic=topic, by=request_user(request))
        messages.success(
            request, _("You follow this topic: you will get an e-mail when someone replies.")
        )
        return redirect(topic)


class TopicUnfollowView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = selectors.topic_get(pk=pk, user=request.user)
        services.topic_unfollow(topic=topic, by=request_user(request))
        messages.success(request, _("You no longer follow this topic: no more e-mails about it."))
        return redirect(topic)


@method_decorator(csrf_exempt, name="dispatch")
class UnfollowLinkView(View):
    """The "unfollow" link of a reply e-mail: the signed token proves the address, so no
    login is needed. GET asks (mail scanners open links); POST unfollows, from the page or
    from a mail client's one-click unsubscribe (RFC 8058, which sends no CSRF token)."""

    template_name = "forum/unfollow.html"

    def _read(self, token: str) -> tuple[Topic, User]:
        found = services.unfollow_token_read(token)
        if found is None:
            raise Http404
        topic = Topic.objects.filter(pk=found[0]).first()
        user = User.objects.filter(pk=found[1]).first()
        if topic is None or user is None:
            raise Http404
        return topic, user

    def _render(self, request: HttpRequest, topic: Topic, *, done: bool) -> HttpResponse:
        public = Topic.objects.visible_to(request.user).filter(pk=topic.pk).exists()
        return render(
            request, self.template_name, {"topic": topic if public else None, "done": done}
        )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        topic, _user_row = self._read(token)
        return self._render(request, topic, done=False)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        topic, user = self._read(token)
        services.topic_unfollow(topic=topic, by=user)
        return self._render(request, topic, done=True)


class PostFlagView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        post = selectors.post_get(pk=pk, user=user)
        form = FlagForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose why you flag this post."))
            return redirect(post_location(post, user))
        try:
            services.post_flag(post=post, by=user, **form.cleaned_data)
        except ValidationError as exc:
            refusal_message(request, exc)
        else:
            messages.success(
                request, _("Thank you: the moderators will look at the post you flagged.")
            )
        return redirect(post_location(post, user))
