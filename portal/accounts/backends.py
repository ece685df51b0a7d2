"""Log in by e-mail, whatever its case, within the login throttle's limits."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from portal.accounts import throttle


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = kwargs.get("email", username)
        if email is None or password is None:
            return None
        ip = throttle.client_ip(request)
        # Raises LoginLockedOut (a PermissionDenied) before any password is checked.
        number = throttle.attempt_begin(email=email, ip=ip)
        user = self._check(email, password)
        if user is None:
            throttle.attempt_failed(email=email, ip=ip, number=number)
        else:
            throttle.attempt_succeeded(email=email)
        return user

    def _check(self, email: str, password: str) -> Any:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(email__iexact=email.strip())
        except user_model.DoesNotExist:
            # Spend the time of a hash anyway, so timing does not tell which e-mails exist.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
