"""EU updates in the admin (superusers). Staff write and publish in the portal's own pages;
here publication and pinning change only through the same services, as actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.updates import services
from portal.updates.models import Update


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "pinned", "author", "updated_at"]
    list_filter = ["category", "pinned", "ecosystems"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "created_at"
    filter_horizontal = ["ecosystems"]
    # The web address stays as made; publication and pinning go through the services.
    readonly_fields = ["slug", "published_at", "pinned", "author", "created_at", "updated_at"]
    actions = ["publish_now", "back_to_draft"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written in the portal's pages (updates:create), which make the slug

    def save_model(self, request: HttpRequest, obj: Update, form: Any, change: bool) -> None:
        """A change of content goes through ``update_edit``, with its checks."""
        data = {
            name: form.cleaned_data[name]
            for name in (*services.CONTENT_FIELDS, "ecosystems")
            if name in form.cleaned_data
        }
        try:
            services.update_edit(update=obj, data=data, by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            # The admin form checked the same fields; this is a rule only the service knows.
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def _run(self, request: HttpRequest, queryset: QuerySet[Update], action: str) -> None:
        done = 0
        for update in queryset:
            try:
                if action == "publish":
                    services.update_publish(update=update, by=request.user)  # type: ignore[arg-type]
                else:
                    services.update_unpublish(update=update, by=request.user)  # type: ignore[arg-type]
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(
                    request, f"{update}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
                )
        if done:
            messages.success(request, _("%(n)d updates changed.") % {"n": done})

    @admin.action(description=_("Publish now"))
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Update]) -> None:
        self._run(request, queryset, "publish")

    @admin.action(description=_("Take back to draft"))
    def back_to_draft(self, request: HttpRequest, queryset: QuerySet[Update]) -> None:
        self._run(request, queryset, "unpublish")
