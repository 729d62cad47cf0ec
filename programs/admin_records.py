"""Admin for records the app writes: shown as they are, never added or edited by hand."""

from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse


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


class OneReverseChangeList(ChangeList):
    """A changelist whose rows link to their change pages from one URL reversed per page
    (Django reverses it for every row), the list's filters already added to it (Django adds
    them to every row's link, resolving each URL to do so): the same links, for long
    read-only record lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the rows' links read `preserved_filters`: they get them from url_for_result.
        self._row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        template = getattr(self, "_change_url", None)
        if template is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(_PK_MARK,),
                current_app=self.model_admin.admin_site.name,
            )
            template = self._change_url = add_preserved_filters(
                {"preserved_filters": self._row_filters, "opts": self.opts}, url
            )
        # the path's mark only (the first): a search may hold the mark's text too
        return template.replace(_PK_MARK, str(quote(getattr(result, self.pk_attname))), 1)


_PK_MARK = "pk-5e0c7a"  # stands for the row's (quoted) primary key in the reversed URL
