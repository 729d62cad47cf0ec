"""The admin site coaches work in: Django's, without the navigation sidebar.

The sidebar listed every model on every admin page: building that list (a permission check per
model and action, a URL reversed per link) and drawing it cost about a third of a changelist's
CPU, on the longest lists as on the shortest. Coaches move between lists by the breadcrumbs
(Home › app › list, on every page) and the index, which lists every model they may open and
the coaching links.
"""

from functools import partial

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class BackCoreAdminSite(admin.AdminSite):
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """Django's list, built when something reads it: every page's context carries one for
        the sidebar, which no page draws now; the index and the app pages still read theirs."""
        return SimpleLazyObject(partial(super().get_app_list, request, app_label))


class BackCoreAdminConfig(AdminConfig):
    """`django.contrib.admin` with `BackCoreAdminSite` as `admin.site` (INSTALLED_APPS)."""

    default_site = "backcore.admin_site.BackCoreAdminSite"
