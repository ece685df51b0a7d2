from django.contrib import admin

from funding.models import Call, CallReminder, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active", "position", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "slug", "summary", "description"]
    filter_horizontal = ["ecosystems"]
    ordering = ["position", "name"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "opens_at", "deadline_at", "timezone", "budget"]
    list_filter = ["programme", "ecosystems"]
    list_select_related = ["programme"]
    search_fields = ["title", "summary", "programme__name"]
    filter_horizontal = ["ecosystems"]
    date_hierarchy = "deadline_at"
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(CallReminder)
class CallReminderAdmin(admin.ModelAdmin):
    list_display = ["call", "user", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["call", "user"]
    search_fields = ["call__title", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "sent_at"]
