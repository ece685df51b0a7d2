"""API authentication: exchange an e-mail and password for a token."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.accounts.services import account_authenticate
from portal.accounts.throttle import Lockout, LoginLockedOut


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class LoginThrottled(exceptions.Throttled):
    """The login throttle's refusal: 429, ``{"detail": "Too many failed attempts. ..."}``
    and Retry-After, as DRF's own throttles answer (the message alone, without DRF's
    "Expected available in N seconds")."""

    def __init__(self, lockout: Lockout) -> None:
        super().__init__(detail=lockout.message)
        self.wait = lockout.seconds


class ObtainTokenView(APIView):
    """``POST /api/v1/auth/token/`` with ``email`` and ``password`` → ``{"token": ...}``."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: OpenApiResponse(
                description="Too many failed attempts for this account or from this address."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = account_authenticate(
                request=request._request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except LoginLockedOut as exc:
            raise LoginThrottled(exc.lockout) from exc
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("The e-mail address or the password is not right.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
