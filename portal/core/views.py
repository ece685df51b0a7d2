"""View bases every app's browser forms share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.generic import FormView

if TYPE_CHECKING:
    from portal.accounts.models import User


class RefusableFormView(LoginRequiredMixin, FormView):
    """A form for logged-in users that may be refused before it is shown or posted.

    Anonymous visitors go to the login page; then ``refusal()`` may answer instead (a page
    saying why not, a 403 or a 404); else the form, given the user (``user=`` keyword)."""

    request: HttpRequest

    @property
    def user(self) -> User:
        return cast("User", self.request.user)

    def refusal(self) -> HttpResponse | None:
        """The answer instead of the form (None: the form)."""
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        refused = self.refusal()
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.user
        return kwargs
