from django.contrib import admin
from django.http import HttpRequest

from offers.models import (
    Delivery,
    Demand,
    Destination,
    Interest,
    Match,
    Offer,
    OfferAttachment,
    OfferTransition,
    RoutingRule,
)


class OfferTransitionInline(admin.TabularInline):
    model = OfferTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # statuses change through offers.services only


class OfferAttachmentInline(admin.TabularInline):
    model = OfferAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company_name",
        "company_country",
        "category",
        "cluster",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "company_size", "category", "company_country"]
    list_select_related = ["category", "category__parent", "cluster"]
    search_fields = ["title", "company_name", "registration_number", "contact_email"]
    date_hierarchy = "created_at"
    # The lifecycle belongs to the services: the admin shows it but does not change it.
    readonly_fields = ["status", "submitted_at", "first_decision_at", "duplicate_of"]
    raw_id_fields = ["submitted_by", "assignee", "cluster"]
    filter_horizontal = ["possible_duplicates"]
    inlines = [OfferAttachmentInline, OfferTransitionInline]


@admin.register(OfferTransition)
class OfferTransitionAdmin(admin.ModelAdmin):
    list_display = ["offer", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["offer", "by"]
    search_fields = ["offer__title", "note"]
    readonly_fields = ["offer", "from_status", "to_status", "by", "at", "note"]


@admin.register(OfferAttachment)
class OfferAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "offer", "content_type", "size", "uploaded_at"]
    list_select_related = ["offer"]
    search_fields = ["original_name", "offer__title"]


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "authority",
        "category",
        "quantity",
        "unit",
        "needed_by",
        "country",
        "urgency",
        "status",
    ]
    list_filter = ["status", "urgency", "category", "country"]
    list_select_related = ["authority", "category", "category__parent"]
    search_fields = ["title", "description", "authority__email"]
    raw_id_fields = ["authority", "posted_by"]
    # Set by the expiry task only (offers.services.demands_expire).
    readonly_fields = ["expired_at"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["demand", "offer", "score", "computed_at"]
    list_select_related = ["demand", "offer"]
    search_fields = ["demand__title", "offer__title"]
    readonly_fields = ["demand", "offer", "score", "parts", "computed_at"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["demand", "offer", "expressed_by", "expressed_at"]
    list_select_related = ["demand", "offer", "expressed_by"]
    search_fields = ["demand__title", "offer__title"]


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    list_display = ["name", "intake_url", "email"]
    search_fields = ["name", "intake_url", "email"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "category", "ecosystem", "country", "destination", "active"]
    list_editable = ["active"]
    list_filter = ["active", "destination"]
    list_select_related = ["category", "ecosystem", "destination"]
    ordering = ["priority"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "offer",
        "destination_name",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "destination_name"]
    list_select_related = ["offer"]
    search_fields = ["offer__title", "idempotency_key"]
    # The outbox is written by offers.routing; staff retry from the triage desk.
    readonly_fields = [f.name for f in Delivery._meta.fields]
