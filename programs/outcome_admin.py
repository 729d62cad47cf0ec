"""Outcomes in the admin: each member's latest re-check and change since the start on the
enrolment list (with a non-responder filter), and the re-checks themselves, read-only.
Imported by programs.admin."""

from django.contrib import admin

from programs.admin_records import KeptRecordAdmin
from programs.models import OutcomeCheck
from programs.outcome_models import OutcomeResponse
from programs.selectors.outcomes import outcome_summary, with_outcome_summary


class ResponseFilter(admin.SimpleListFilter):
    """The engine's verdict stored on the member's latest re-check."""

    title = "response to the programme"
    parameter_name = "response"

    def lookups(self, request, model_admin):
        return [
            (OutcomeResponse.NOT_RESPONDING, "Not responding"),
            (OutcomeResponse.NOT_YET, "No meaningful change yet"),
            (OutcomeResponse.RESPONDING, "Responding"),
            ("none", "No re-check yet"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(oc_latest_taken_on__isnull=True)
        if value in OutcomeResponse.values:
            return queryset.filter(oc_latest_response=value)
        return queryset


class OutcomeSummaryAdminMixin:
    """For a ModelAdmin whose rows belong to a member: the summary columns and filter read
    annotations made in the list's one query (constant queries per page)."""

    def get_queryset(self, request):
        return with_outcome_summary(super().get_queryset(request))

    @admin.display(description="latest re-check", ordering="oc_latest_taken_on")
    def latest_recheck(self, obj) -> str:
        summary = outcome_summary(obj)
        if not summary.has_recheck:
            return "–"
        return f"{summary.latest_on:%-d %b %Y}: {summary.response_label}"

    @admin.display(description="change since start")
    def change_since_start(self, obj) -> str:
        summary = outcome_summary(obj)
        return ", ".join(summary.changes) if summary.has_recheck else "–"


@admin.register(OutcomeCheck)
class OutcomeCheckAdmin(KeptRecordAdmin):
    """Answers are a series that is never overwritten: read-only here too."""

    list_display = [
        "member",
        "kind",
        "taken_on",
        "pain_usual",
        "pain_worst",
        "function_score",
        "response",
    ]
    list_filter = ["kind", "response"]
    search_fields = ["member__email"]
    list_select_related = ["member"]
    date_hierarchy = "taken_on"
