from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect

from backcore.accounts.lifecycle import AccountDeletionBlocked
from backcore.accounts.models import Membership, Profile, User
from backcore.accounts.services import user_delete


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
    # Plain labelled multi-selects: Django's two-box filter adds aria-label to a bare span.
    filter_horizontal = ()
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

    # Deleting from admin asks every app too (subscriptions stopped, posts anonymised).
    def delete_model(self, request, obj):
        user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            try:
                user_delete(user=user)
            except AccountDeletionBlocked as exc:
                self.message_user(request, f"{user.email}: {exc}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except AccountDeletionBlocked as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:accounts_user_change", object_id)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "source", "joined_at")
    list_filter = ("source",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    filter_horizontal = ()
