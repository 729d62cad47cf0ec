"""Admin for records the app writes: shown as they are, never added or edited by hand."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Every field read-only, no add button. Records a coach may still delete use this."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


class KeptRecordAdmin(RecordAdmin):
    """A record that is also never deleted from the admin (a history others rely on)."""

    def has_delete_permission(self, request, obj=None):
        return False
