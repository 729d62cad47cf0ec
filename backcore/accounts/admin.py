from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from backcore.accounts.models import Membership, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("display_name", "timezone", "avatar")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "profile__display_name")
    list_select_related = ("profile",)
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description="Display name")
    def display_name(self, obj):
        return obj.profile.display_name if hasattr(obj, "profile") else ""


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "source", "joined_at")
    list_filter = ("source",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
