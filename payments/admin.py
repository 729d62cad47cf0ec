import json
from datetime import date

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from backcore.admin_labels import LabelledListEditableAdmin
from payments import selectors, services
from payments.models import Contribution, Subscription, SuggestedAmount, WebhookEvent
from payments.money import format_minor


@admin.register(SuggestedAmount)
class SuggestedAmountAdmin(LabelledListEditableAdmin):
    list_display = ["amount_display", "amount_minor", "position", "is_active"]
    list_editable = ["position", "is_active"]
    ordering = ["position", "amount_minor"]

    @admin.display(description="Amount")
    def amount_display(self, obj: SuggestedAmount) -> str:
        return format_minor(obj.amount_minor, services.contribution_currency())


class MonthFilter(admin.SimpleListFilter):
    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        months = []
        year, month = today.year, today.month
        for _ in range(12):
            months.append((f"{year:04d}-{month:02d}", date(year, month, 1).strftime("%B %Y")))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            return queryset.none()
        return queryset.filter(created_at__year=year, created_at__month=month)


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    change_list_template = "payments/admin/contribution_change_list.html"
    list_display = ["created_at", "member", "amount_display", "kind", "status", "paid_at"]
    list_filter = ["status", "kind", "currency", MonthFilter]
    list_select_related = ["member"]
    search_fields = ["member__email", "checkout_session_id", "invoice_id", "subscription_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "member",
        "amount_minor",
        "currency",
        "kind",
        "idempotency_key",
        "checkout_session_id",
        "checkout_url",
        "subscription_id",
        "invoice_id",
        "customer_id",
        "payment_intent_id",
        "receipt_url",
        "created_at",
        "paid_at",
    ]

    @admin.display(description="Amount", ordering="amount_minor")
    def amount_display(self, obj: Contribution) -> str:
        return obj.amount_display

    def changelist_view(self, request, extra_context=None):
        summary = selectors.contribution_summary()
        currency = services.contribution_currency()
        for row in summary["months"]:
            row["total_display"] = format_minor(row["total"] or 0, row["currency"])
        for band in summary["bands"]:
            median = band["median_minor"]
            band["median_display"] = (
                format_minor(round(median), currency) if median is not None else "—"
            )
        extra_context = {**(extra_context or {}), "summary": summary}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "stripe_subscription_id",
        "member",
        "amount_display",
        "status",
        "current_period_end",
    ]
    list_filter = ["status"]
    list_select_related = ["member"]
    search_fields = ["member__email", "stripe_subscription_id"]
    readonly_fields = [f.name for f in Subscription._meta.fields]

    @admin.display(description="Amount", ordering="amount_minor")
    def amount_display(self, obj: Subscription) -> str:
        return obj.amount_display


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "type", "stripe_event_id", "status", "attempts", "processed_at"]
    list_filter = ["status", "type"]
    search_fields = ["stripe_event_id", "type"]
    show_full_result_count = False  # every event Stripe ever sent: count once, not twice
    actions = ["reprocess"]
    fields = [
        "stripe_event_id",
        "type",
        "status",
        "attempts",
        "received_at",
        "processed_at",
        "error",
        "payload_pretty",
    ]
    readonly_fields = fields

    @admin.display(description="Payload")
    def payload_pretty(self, obj: WebhookEvent) -> str:
        return format_html(
            "<pre class='admin-pre-wrap'>{}</pre>",
            json.dumps(obj.payload, indent=2, sort_keys=True),
        )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Re-process selected events", permissions=["change"])
    def reprocess(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.webhook_event_reprocess(event_id=pk)
        messages.success(request, f"Queued {queryset.count()} event(s) for processing.")
