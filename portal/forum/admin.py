"""The forum in the admin, for administrators. Moderation (hiding, locking, pinning, flags)
happens on the forum's own pages through the services, which keep each topic's counters;
here those fields are shown, not changed."""

from django.contrib import admin
from django.http import HttpRequest

from portal.forum.models import Flag, Follow, Post, ReplyNotice, Topic


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("author", "created_at", "edited_at", "hidden", "hidden_reason")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # posts are written in the forum (flood limit, follows, e-mails)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "author",
        "reply_count",
        "last_post_at",
        "locked",
        "pinned",
    ]
    list_filter = ["category", "locked", "pinned"]
    list_select_related = ["author"]
    search_fields = ["title", "author__email", "author__full_name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["author"]
    readonly_fields = [
        "opening_post", "locked", "locked_at", "locked_by", "pinned", "reply_count",
        "last_post", "last_post_at", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "topic", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    list_select_related = ["topic", "author"]
    search_fields = ["body", "topic__title", "author__email"]
    date_hierarchy = "created_at"
    raw_id_fields = ["topic", "author"]
    readonly_fields = [
        "created_at",
        "edited_at",
        "hidden",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
    ]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["topic", "user", "created_at"]
    list_select_related = ["topic", "user"]
    search_fields = ["topic__title", "user__email"]
    raw_id_fields = ["topic", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["post", "reason", "by", "created_at", "resolved_at", "outcome"]
    list_filter = ["reason", "outcome"]
    list_select_related = ["post", "by"]
    search_fields = ["note", "by__email", "post__body"]
    raw_id_fields = ["post", "by"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by", "outcome"]


@admin.register(ReplyNotice)
class ReplyNoticeAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "created_at", "sent_at"]
    list_select_related = ["post", "user"]
    search_fields = ["user__email"]
    readonly_fields = ["post", "user", "claim", "created_at", "sent_at"]
