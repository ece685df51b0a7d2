"""Rapid alerts in the admin (superusers). Statuses change through alerts.services only, so
the status, merge and escalation fields are read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from alerts.models import (
    Alert,
    AlertAttachment,
    AlertClusterLink,
    AlertNotice,
    AlertOfferLink,
    AlertTransition,
    Subscription,
    WeeklyReport,
)


class AlertTransitionInline(admin.TabularInline):
    model = AlertTransition
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_status", "to_status", "by", "created_at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AlertAttachmentInline(admin.TabularInline):
    model = AlertAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "type", "severity", "status", "escalated", "cluster", "created_at"]
    list_filter = ["status", "type", "severity", "value_chain_stage", "escalated", "ecosystems"]
    search_fields = ["title", "description", "materials"]
    raw_id_fields = ["cluster", "reported_by", "merged_into", "escalated_by"]
    readonly_fields = [
        "status", "merged_into", "confirmed_at", "resolved_at", "escalated", "escalated_at",
        "escalated_by", "escalation_note",
    ]  # fmt: skip
    inlines = [AlertAttachmentInline, AlertTransitionInline]


@admin.register(AlertTransition)
class AlertTransitionAdmin(admin.ModelAdmin):
    list_display = ["alert", "kind", "from_status", "to_status", "by", "created_at"]
    list_filter = ["kind", "to_status"]
    raw_id_fields = ["alert", "by"]


@admin.register(AlertAttachment)
class AlertAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "alert", "content_type", "size", "created_at"]
    raw_id_fields = ["alert", "uploaded_by"]


@admin.register(AlertOfferLink)
class AlertOfferLinkAdmin(admin.ModelAdmin):
    list_display = ["alert", "offer", "added_by", "created_at"]
    raw_id_fields = ["alert", "offer", "added_by"]


@admin.register(AlertClusterLink)
class AlertClusterLinkAdmin(admin.ModelAdmin):
    list_display = ["alert", "cluster", "added_by", "created_at"]
    raw_id_fields = ["alert", "cluster", "added_by"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "active", "updated_at"]
    list_filter = ["frequency", "active"]
    raw_id_fields = ["user"]


@admin.register(AlertNotice)
class AlertNoticeAdmin(admin.ModelAdmin):
    list_display = ["alert", "user", "frequency", "created_at", "sent_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["alert", "user"]


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    list_display = ["week_start", "compiled_at"]
    readonly_fields = ["week_start", "compiled_at", "data"]
