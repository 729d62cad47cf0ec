"""The admin site coaches work in: Django's, with its app list kept per set of permissions.

Every admin page lists every model a coach may open in the navigation sidebar. Building that
list (a permission check per model and action, a URL reversed per link) cost about a third of
a changelist's CPU, yet it depends only on who may do what: the models registered and every
ModelAdmin's permission methods answer from the user's permissions alone (the add and delete
refusals of records are constants). So the list is built once per process for each set of
permissions (and URL configuration and script prefix) and each page gets its own copy.
"""

import copy

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix, get_urlconf

APP_LISTS_KEPT = 64


class BackCoreAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """Django's list for this user's permissions, built once per permission set."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return super().get_app_list(request, app_label)
        # A superuser may do everything; reading all their permissions would cost a query.
        who = "superuser" if user.is_superuser else frozenset(user.get_all_permissions())
        key = (who, app_label, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        kept = self.__dict__.setdefault("_kept_app_lists", {})
        app_list = kept.get(key)
        if app_list is None:
            app_list = super().get_app_list(request, app_label)
            if len(kept) >= APP_LISTS_KEPT:
                kept.pop(next(iter(kept)))
            kept[key] = app_list
        return copy.deepcopy(app_list)  # a page may change its own list


class BackCoreAdminConfig(AdminConfig):
    """`django.contrib.admin` with `BackCoreAdminSite` as `admin.site` (INSTALLED_APPS)."""

    default_site = "backcore.admin_site.BackCoreAdminSite"
