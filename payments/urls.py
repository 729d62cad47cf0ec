from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/success/", views.join_success, name="join_success"),
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("account/contributions/", views.contributions, name="contributions"),
    path(
        "account/contributions/monthly/<int:pk>/amount/",
        views.subscription_amount,
        name="subscription_amount",
    ),
    path(
        "account/contributions/monthly/<int:pk>/cancel/",
        views.subscription_cancel,
        name="subscription_cancel",
    ),
    path("account/contributions/portal/", views.billing_portal, name="billing_portal"),
]
