from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts import services
from portal.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "created_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "website"]
    date_hierarchy = "created_at"


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role", "organisation")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "organisation",
        "is_verified",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_verified", "is_active", "is_superuser"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["verified_at", "verified_by", "last_login", "date_joined"]
    actions = ["verify_accounts"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "organisation")}),
        (_("Verification"), {"fields": ("is_verified", "verified_at", "verified_by")}),
        (
            _("Administration"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "role",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.action(description=_("Verify the selected accounts"))
    def verify_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        verified = 0
        for user in queryset.filter(is_verified=False):
            services.account_verify(user=user, by=request.user)  # type: ignore[arg-type]
            verified += 1
        self.message_user(
            request, _("%(n)d accounts verified.") % {"n": verified}, messages.SUCCESS
        )
