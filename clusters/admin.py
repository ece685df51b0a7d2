from django.contrib import admin
from django.http import HttpRequest

from clusters.models import Cluster, ClusterManager, ProfileChange, Project, ProjectPartner, Tag


class ClusterManagerInline(admin.TabularInline):
    model = ClusterManager
    fk_name = "cluster"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["added_by", "added_at"]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["cluster"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "country", "region", "label", "status", "updated_at"]
    list_filter = ["status", "label", "country", "ecosystems"]
    search_fields = ["name", "acronym", "description", "city", "region"]
    filter_horizontal = [
        "ecosystems",
        "response_categories",
        "sectors",
        "technologies",
        "value_chains",
    ]
    inlines = [ClusterManagerInline]
    date_hierarchy = "updated_at"


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "acronym",
        "programme",
        "programme_other",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = ["status", "programme", "ecosystems"]
    list_select_related = ["programme"]
    search_fields = ["title", "acronym", "description", "programme__name", "programme_other"]
    filter_horizontal = ["ecosystems"]
    inlines = [ProjectPartnerInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(ClusterManager)
class ClusterManagerAdmin(admin.ModelAdmin):
    list_display = ["cluster", "user", "added_by", "added_at"]
    list_select_related = ["cluster", "user", "added_by"]
    search_fields = ["cluster__name", "user__email"]


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(admin.ModelAdmin):
    list_display = ["project", "cluster", "role"]
    list_filter = ["role"]
    list_select_related = ["project", "cluster"]
    search_fields = ["project__title", "cluster__name"]


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "cluster", "project", "author"]
    list_filter = ["action"]
    list_select_related = ["cluster", "project", "author"]
    search_fields = ["cluster__name", "project__title", "author__email"]
    date_hierarchy = "at"
    readonly_fields = ["cluster", "project", "author", "at", "action", "changes"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # history is written by the services only
