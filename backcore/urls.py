from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from backcore import views

# Admin sign-in goes through allauth's login, so its rate limits and two-factor step apply
# (Django's own admin login form would skip both).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "BackCore coaching"
admin.site.site_title = "BackCore admin"
admin.site.index_title = "Programme, library, community and contributions"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("bench/bare/", views.bench_bare, name="bench_bare"),  # 404 unless BENCH_BARE_VIEW
    path("admin/", admin.site.urls),
    path("coach/", include("programs.coach_urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("backcore.accounts.urls")),
    path("notifications/", include("backcore.notifications.urls")),
    path("exercises/", include("exercises.urls")),
    path("", include("programs.urls")),
    path("community/", include("community.urls")),
    path("", include("payments.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "backcore.views.page_not_found"
handler500 = "backcore.views.server_error"
