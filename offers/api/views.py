"""Views of the offers and demand API (see ``offers.api``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from clusters.api import SelectorFilterDocs
from offers import selectors, services
from offers.filters import DemandFilter, OfferFilter
from offers.models import (
    Demand,
    Interest,
    Match,
    Offer,
    OfferTransition,
)
from offers.services.offers import can_post_offer
from portal.accounts.models import User
from portal.accounts.permissions import can_publish_demand
from portal.core.api_errors import service_errors, valid_filterset

if TYPE_CHECKING:
    pass


from offers.api.serializers import (
    DemandMatchSerializer,
    DemandSerializer,
    DemandWriteSerializer,
    InterestRequestSerializer,
    InterestSerializer,
    OfferMatchSerializer,
    OfferSerializer,
    TransitionRequestSerializer,
    TransitionSerializer,
    revealed,
)


def _user(request: Request) -> User:
    """The caller, once a permission class has let only signed-in people through."""
    return cast("User", request.user)


class ListPagination(PageNumberPagination):
    page_size = 50


# --- choice sets, named once in the schema ----------------------------------------------


class OfferListView(generics.ListCreateAPIView):
    """Offers the caller may see, filtered like the triage queue (50 a page): staff see all,
    others their own, those their clusters channel, those matched to their demand, and the
    public catalogue. POST posts a new offer as a draft (company representatives for their
    company; cluster managers for a member company, naming the ``cluster``)."""

    serializer_class = OfferSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ListPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = OfferFilter

    def get_queryset(self) -> QuerySet[Offer]:
        filterset = selectors.offer_filterset(
            data=self.request.query_params, user=self.request.user, request=self.request
        )
        # The API shows each offer's attachments; the pages' lists do not need them.
        return selectors.offer_list(filterset=valid_filterset(filterset)).prefetch_related(
            "attachments"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not can_post_offer(user):
            raise exceptions.PermissionDenied(
                _("Only company representatives and cluster managers post offers.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            offer = services.offer_create(by=user, data=dict(serializer.validated_data))
        offer = selectors.offer_get(pk=offer.pk, user=user)
        return Response(self.get_serializer(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailView(generics.RetrieveUpdateAPIView):
    """One offer the caller may see (else 404). PUT/PATCH: its poster, while it is a draft
    or needs information (else 403). Offers are not deleted through the API."""

    serializer_class = OfferSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Offer]:
        return Offer.objects.visible_to(self.request.user)

    def get_object(self) -> Offer:
        return selectors.offer_get(pk=self.kwargs["pk"], user=self.request.user)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        offer = self.get_object()  # 404 before 403: an invisible draft does not leak
        if not Offer.objects.editable_by(user).filter(pk=offer.pk).exists():
            raise exceptions.PermissionDenied(_("This offer cannot be changed now."))
        serializer = self.get_serializer(
            offer, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.offer_update(offer=offer, by=user, data=dict(serializer.validated_data))
        offer = selectors.offer_get(pk=offer.pk, user=user)
        return Response(self.get_serializer(offer).data)


# --- the lifecycle ----------------------------------------------------------------------


class OfferTransitionsView(generics.GenericAPIView):
    """An offer's history, and moving it along its lifecycle.

    GET: the history, for the poster, the channelling cluster's managers and staff (others
    who can see the offer: 403). POST ``{"to": ..., "note": ...}``: the poster submits a
    draft and answers "needs information" (``submitted``); only staff move it further. A
    change the lifecycle does not allow is 400 on ``to``; one not allowed to the caller 403.
    """

    serializer_class = TransitionSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self) -> QuerySet[OfferTransition]:
        return OfferTransition.objects.none()  # for the schema; the offer's own are read

    @extend_schema(responses=TransitionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        offer = selectors.offer_get(pk=pk, user=request.user)
        insider, _contact = revealed(self.get_serializer_context(), offer)
        if not insider:
            raise exceptions.PermissionDenied(
                _("Only the poster, its cluster and Commission staff see an offer's history.")
            )
        return Response(TransitionSerializer(offer.transitions.all(), many=True).data)

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            201: TransitionSerializer,
            400: OpenApiResponse(description="Not a change the lifecycle allows now."),
            403: OpenApiResponse(description="Not a change this caller may make."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        offer = selectors.offer_get(pk=pk, user=user)
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.offer_transition(
                offer=offer,
                to_status=serializer.validated_data["to"],
                by=user,
                note=serializer.validated_data["note"],
            )
        *_earlier, step = selectors.offer_get(pk=pk, user=user).transitions.all()
        return Response(TransitionSerializer(step).data, status=status.HTTP_201_CREATED)


# --- demand -----------------------------------------------------------------------------


class DemandListView(generics.ListCreateAPIView):
    """Demand the caller may see (open demand is public; an authority also sees its own
    met and closed demand; staff all), 50 a page. POST publishes a demand: verified public
    authorities for themselves, Commission staff for the ``authority`` they name."""

    serializer_class = DemandSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ListPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = DemandFilter

    def get_queryset(self) -> QuerySet[Demand]:
        filterset = selectors.demand_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.demand_list(filterset=valid_filterset(filterset))

    @extend_schema(request=DemandWriteSerializer, responses={201: DemandSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not can_publish_demand(user):
            raise exceptions.PermissionDenied(
                _("Only a verified public authority (or Commission staff) can publish demand.")
            )
        serializer = DemandWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        authority = data.pop("authority", None)
        data.pop("status", None)  # a new demand is open
        with service_errors():
            demand = services.demand_create(by=user, data=data, authority=authority)
        demand = selectors.demand_get(pk=demand.pk, user=user)
        return Response(self.get_serializer(demand).data, status=status.HTTP_201_CREATED)


class DemandDetailView(generics.RetrieveUpdateAPIView):
    """One demand the caller may see (else 404). PATCH: its authority (verified) and staff
    change it; ``{"status": ...}`` marks it partially met, met or closed (else 403)."""

    serializer_class = DemandSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Demand]:
        return Demand.objects.visible_to(self.request.user)

    def get_object(self) -> Demand:
        return selectors.demand_get(pk=self.kwargs["pk"], user=self.request.user)

    @extend_schema(request=DemandWriteSerializer, responses=DemandSerializer)
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        demand = self.get_object()  # 404 before 403
        if not Demand.objects.editable_by(user).filter(pk=demand.pk).exists():
            raise exceptions.PermissionDenied(_("You cannot change this demand."))
        serializer = DemandWriteSerializer(demand, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("authority", None)  # a demand stays with its authority
        to_status = data.pop("status", None)
        # Both or neither: a field change and a status change in one request.
        with service_errors(), transaction.atomic():
            if data:
                demand = services.demand_update(demand=demand, by=user, data=data)
            if to_status is not None and to_status != demand.status:
                demand = services.demand_set_status(demand=demand, to_status=to_status, by=user)
        demand = selectors.demand_get(pk=demand.pk, user=user)
        return Response(self.get_serializer(demand).data)


# --- matches and interest ---------------------------------------------------------------


class DemandMatchesView(generics.ListAPIView):
    """The ranked candidate offers for a demand (best first, 50 a page), each with its score
    and the parts that make it. Only the demand's authority and Commission staff get them;
    anyone else who can see the demand gets an empty list."""

    serializer_class = DemandMatchSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ListPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        demand = selectors.demand_get(pk=self.kwargs["pk"], user=self.request.user)
        return selectors.demand_matches(demand=demand, user=self.request.user)


class OfferMatchesView(generics.ListAPIView):
    """The open demands an offer could meet (best first, 50 a page), with score and parts:
    for the offer's poster and staff; anyone else who can see the offer gets an empty list."""

    serializer_class = OfferMatchSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ListPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        offer = selectors.offer_get(pk=self.kwargs["pk"], user=self.request.user)
        return selectors.offer_matches(offer=offer, user=self.request.user)


class InterestView(generics.GenericAPIView):
    """The demand's authority (or staff for it) expresses interest in a matched offer: both
    sides are told by e-mail, and the company's contact details are shown from now on.
    Anyone else 403; an offer that is not among the demand's matches 400."""

    serializer_class = InterestSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Interest]:
        return Interest.objects.none()  # for the schema; the service writes the row

    @extend_schema(request=InterestRequestSerializer, responses={201: InterestSerializer})
    def post(self, request: Request, pk: int, offer_pk: int) -> Response:
        user = _user(request)
        demand = selectors.demand_get(pk=pk, user=user)
        offer = selectors.offer_get(pk=offer_pk, user=user)
        serializer = InterestRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            interest = services.interest_express(
                demand=demand, offer=offer, by=user, note=serializer.validated_data["note"]
            )
        return Response(self.get_serializer(interest).data, status=status.HTTP_201_CREATED)
