"""The nested parts of an alert in the rapid alerts API: its evidence files (with their
download links), the offers and clusters linked to it as solutions (only offers in the public
catalogue and published clusters, except to staff) and its reporters, each once.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts import selectors
from alerts.api.serializers.access import access_of
from alerts.models import Alert, AlertAttachment
from alerts.selectors import Access
from clusters.models import ProfileStatus
from offers.models import PUBLIC_OFFER_STATUSES


class AlertAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = AlertAttachment
        fields = ["name", "url", "content_type", "size"]
        read_only_fields = fields

    def get_url(self, attachment: AlertAttachment) -> str:
        link = reverse(
            "alerts:attachment", kwargs={"pk": attachment.alert_id, "attachment_pk": attachment.pk}
        )
        return cast("str", self.context["request"].build_absolute_uri(link))


class AlertLinkedOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="offer.id")
    title = serializers.CharField(source="offer.title")
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_url(self, link: Any) -> str:
        target = reverse("api:offer-detail", kwargs={"pk": link.offer_id})
        return cast("str", self.context["request"].build_absolute_uri(target))

    def get_page_url(self, link: Any) -> str:
        return cast(
            "str", self.context["request"].build_absolute_uri(link.offer.get_absolute_url())
        )


class AlertLinkedClusterSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cluster.id")
    name = serializers.CharField(source="cluster.name")
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_url(self, link: Any) -> str:
        target = reverse("api:cluster-detail", kwargs={"pk": link.cluster_id})
        return cast("str", self.context["request"].build_absolute_uri(target))

    def get_page_url(self, link: Any) -> str:
        return cast(
            "str", self.context["request"].build_absolute_uri(link.cluster.get_absolute_url())
        )


class AlertSolutionsSerializer(serializers.Serializer):
    """Offers and clusters that could address the alert. Only offers still in the public
    catalogue and published clusters are listed, except to staff."""

    offers = serializers.SerializerMethodField()
    clusters = serializers.SerializerMethodField()

    @extend_schema_field(AlertLinkedOfferSerializer(many=True))
    def get_offers(self, alert: Alert) -> list[Any]:
        everything = access_of(self.context) >= Access.STAFF
        links = [
            link
            for link in alert.offer_links.all()
            if everything or link.offer.status in PUBLIC_OFFER_STATUSES
        ]
        return cast(
            "list[Any]", AlertLinkedOfferSerializer(links, many=True, context=self.context).data
        )

    @extend_schema_field(AlertLinkedClusterSerializer(many=True))
    def get_clusters(self, alert: Alert) -> list[Any]:
        everything = access_of(self.context) >= Access.STAFF
        links = [
            link
            for link in alert.cluster_links.all()
            if everything or link.cluster.status == ProfileStatus.PUBLISHED
        ]
        return cast(
            "list[Any]", AlertLinkedClusterSerializer(links, many=True, context=self.context).data
        )


class AlertReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)


@extend_schema_field(AlertReporterSerializer(many=True))
class ReportersField(serializers.Field):
    """The alert's reporter and the reporters of the alerts merged into it, each once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, alert: Alert) -> list[dict[str, Any]]:
        return [
            {
                "name": user.get_full_name(),
                "organisation": user.organisation.name if user.organisation else None,
            }
            for user in selectors.alert_reporters(alert=alert)
        ]
