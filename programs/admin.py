from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from backcore.admin_labels import LabelledTabularInline
from programs import engine
from programs.admin_records import KeptRecordAdmin, OneReverseChangeList, RecordAdmin
from programs.engine.wording import WEEKDAY_NAMES
from programs.models import (
    CalendarFeed,
    EmergencyLift,
    Enrolment,
    Intake,
    Phase,
    PlannedItem,
    PlannedSession,
    PoolEntry,
    ProgrammeEdit,
    ProgrammeEditChunk,
    ProgressionDecision,
    ProgressionRun,
    ProgressionRunChunk,
    ReminderSent,
    ReminderSettings,
    SafetyScreen,
)
from programs.outcome_admin import OutcomeSummaryAdminMixin, ResponseFilter
from programs.selectors import programme_build
from programs.services.intake import LIFT_NOTE_MAX, LIFT_NOTE_MIN, redflag_emergency_lift
from programs.services.planning import plans_refresh
from programs.services.programme_edits import programme_edit_again, programme_edit_record
from programs.services.progression import progression_chunks_retry
from programs.services.reminders import reminder_next_store
from programs.services.simulation import simulation_run

PREVIEW_WEEKS = 8


class EstimatedCountPaginator(Paginator):
    """Admin lists of very large tables: unfiltered, the count is PostgreSQL's own estimate
    (pg_class.reltuples) instead of a COUNT over every row; filtered, an exact count."""

    @cached_property
    def count(self) -> int:
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [query.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > 10_000:
                return int(row[0])
        return super().count


class PoolEntryInline(admin.StackedInline):
    # Stacked (every input keeps its label) but compact: one line per dose, exercises by name.
    model = PoolEntry
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = [
        ("exercise", "track", "order"),
        ("start_hold_seconds", "start_reps", "start_sets"),
        ("ceiling_hold_seconds", "ceiling_reps", "ceiling_sets"),
    ]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "weekly_cap_percent", "min_weeks", "adherence_threshold"]
    ordering = ["order"]
    inlines = [PoolEntryInline]
    readonly_fields = ["simulation_preview"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "order", "summary", "lesson", "unlock_text"]}),
        (
            "Rules",
            {
                "fields": [
                    "weekly_cap_percent",
                    "min_weeks",
                    "adherence_threshold",
                    "max_effort_to_progress",
                ]
            },
        ),
        # Collapsed: the table is long, and a coach opens it when they want it.
        ("Simulation preview", {"fields": ["simulation_preview"], "classes": ["collapse"]}),
    ]

    # A coach's edit reaches plans already made: after the phase and its pool rows are saved
    # (or deleted), stored plans of today and later in this phase are made again on commit.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pool_changed = any(formset.has_changed() for formset in formsets)
        if change and (form.changed_data or pool_changed):
            was = form.initial.get("weekly_cap_percent")
            cap_lowered = was is not None and form.instance.weekly_cap_percent < was
            programme_edit_record(
                summary=f"Phase {form.instance} edited",
                phase_ids=[form.instance.pk],
                every_member_of_phases=cap_lowered,
            )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        programme_edit_record(summary=f"Phase {obj} deleted", phase_ids=[pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        programme_edit_record(summary=f"{len(ids)} phase(s) deleted", phase_ids=ids)

    @admin.display(
        description=f"A low-pain member (pain 2/10, general track), {PREVIEW_WEEKS} weeks"
    )
    def simulation_preview(self, obj):
        if obj is None or obj.pk is None:
            return "Save the phase to see a preview."
        try:
            weeks = simulation_run(bundle=programme_build(), weeks=PREVIEW_WEEKS, pain=[2])
        except (engine.ConfigurationError, ValueError) as error:
            return f"The programme cannot be simulated: {error}"
        rows = [
            (
                week["week"],
                week["phase"],
                item["exercise"],
                f"{item['hold_seconds']} s" if item["hold_seconds"] else f"{item['reps']} reps",
                item["sets"],
                item["decision"],
                item["reason"],
            )
            for week in weeks
            for item in week["items"]
        ]
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )
        return format_html(
            "<table><thead><tr><th>Week</th><th>Phase</th><th>Exercise</th><th>Hold/reps</th>"
            "<th>Sets</th><th>Decision</th><th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )


@admin.register(PoolEntry)
class PoolEntryAdmin(admin.ModelAdmin):
    list_display = ["phase", "track", "exercise", "order"]
    list_filter = ["phase", "track"]
    autocomplete_fields = ["exercise"]
    list_select_related = ["phase", "exercise"]

    def save_model(self, request, obj, form, change):
        was = PoolEntry.objects.filter(pk=obj.pk).values_list("phase_id", flat=True).first()
        super().save_model(request, obj, form, change)
        if form.changed_data:
            # Moved to another phase: plans of both phases follow.
            programme_edit_record(summary=f"Pool entry {obj} saved", phase_ids=[obj.phase_id, was])

    def delete_model(self, request, obj):
        phase_id = obj.phase_id
        super().delete_model(request, obj)
        programme_edit_record(summary=f"Pool entry {obj} deleted", phase_ids=[phase_id])

    def delete_queryset(self, request, queryset):
        phase_ids = list(queryset.values_list("phase_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        programme_edit_record(summary="Pool entries deleted", phase_ids=phase_ids)


class ProgrammeEditChunkInline(admin.TabularInline):
    model = ProgrammeEditChunk
    extra = 0
    can_delete = False
    fields = ["number", "sends", "sent_at", "done_at", "failed_at", "members_replanned"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeEdit)
class ProgrammeEditAdmin(KeptRecordAdmin):
    """What coaches' programme edits replanned, chunk by chunk, and any replanning that failed
    (operators replan it again; coaches see it)."""

    list_display = [
        "summary",
        "created_at",
        "members",
        "members_replanned",
        "finished_at",
        "failed_at",
    ]
    inlines = [ProgrammeEditChunkInline]
    list_filter = [
        ("finished_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["summary"]
    actions = ["replan_again"]

    @admin.action(
        description="Replan again (after the cause of a failure is fixed)", permissions=["change"]
    )
    def replan_again(self, request, queryset):
        count = 0
        for edit in queryset.filter(finished_at__isnull=True):
            programme_edit_again(edit=edit)
            count += 1
        self.message_user(request, f"Replanning sent again for {count} edit(s).", messages.SUCCESS)


class ProgressionRunChunkInline(admin.TabularInline):
    model = ProgressionRunChunk
    extra = 0
    can_delete = False
    fields = [
        "number",
        "week_start",
        "sends",
        "sent_at",
        "done_at",
        "failed_at",
        "members_reviewed",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ChunkFailedFilter(admin.SimpleListFilter):
    title = "failed chunks"
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("yes", "Has a failed chunk")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(chunks__failed_at__isnull=False).distinct()
        return queryset


@admin.register(ProgressionRun)
class ProgressionRunAdmin(KeptRecordAdmin):
    """Operators: each weekly run, its chunks, and any chunk that failed (retry it here)."""

    list_display = ["__str__", "started_at", "members", "finished_at", "failed_chunks"]
    list_filter = [ChunkFailedFilter]
    inlines = [ProgressionRunChunkInline]
    actions = ["retry_failed_chunks"]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .annotate(failed=Count("chunks", filter=Q(chunks__failed_at__isnull=False)))
        )

    @admin.display(description="failed chunks", ordering="failed")
    def failed_chunks(self, obj):
        return obj.failed

    @admin.action(
        description="Retry the failed chunks (after the cause is fixed)", permissions=["change"]
    )
    def retry_failed_chunks(self, request, queryset):
        ids = list(
            ProgressionRunChunk.objects.filter(
                run__in=queryset, failed_at__isnull=False, done_at__isnull=True
            ).values_list("pk", flat=True)
        )
        sent = progression_chunks_retry(chunk_ids=ids)
        self.message_user(request, f"Sent {sent} failed chunk(s) again.", messages.SUCCESS)


class RedFlagFilter(admin.SimpleListFilter):
    title = "red flags"
    parameter_name = "red_flags"

    def lookups(self, request, model_admin):
        return [
            ("emergency", "Emergency sign"),
            ("awaiting", "Awaiting clinician clearance"),
            ("cleared", "Cleared by a clinician"),
            ("none", "No red flags"),
        ]

    def queryset(self, request, queryset):
        clinician = (
            Q(flag_cancer_history=True)
            | Q(flag_weight_loss=True)
            | Q(flag_fever=True)
            | Q(flag_trauma_or_bone=True)
            | Q(flag_night_pain=True)
            | Q(flag_age_onset=True)
            | Q(flag_inflammatory=True)
        )
        value = self.value()
        if value == "emergency":
            return queryset.filter(emergency_flagged_at__isnull=False)
        if value == "awaiting":
            return queryset.filter(clinician, clinician_cleared_on__isnull=True)
        if value == "cleared":
            return queryset.filter(clinician, clinician_cleared_on__isnull=False)
        if value == "none":
            return queryset.filter(emergency_flagged_at__isnull=True).exclude(clinician)
        return queryset


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = [
        "member",
        "track",
        "emergency_flagged_at",
        "clinician_flag",
        "clinician_cleared_on",
        "pain_now_shown",
        "training_days_shown",
        "completed_at",
    ]
    list_filter = [RedFlagFilter, "track"]
    search_fields = ["member__email"]
    list_select_related = ["member"]
    actions = ["lift_emergency_block"]

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields if f.name != "training_days"]
        return [*fields, "training_days_shown"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            plans_refresh(member=obj.member)  # new training days: plans not begun follow them

    @admin.display(description="pain now")
    def pain_now_shown(self, obj):
        # An unfinished intake has no answer yet: its stored default is not a reported 0/10.
        return f"{obj.pain_now}/10" if obj.completed_at else "—"

    @admin.display(description="training days")
    def training_days_shown(self, obj):
        days = sorted(obj.training_weekdays)
        return ", ".join(WEEKDAY_NAMES[d][:3] for d in days) or "—"

    @admin.display(boolean=True, description="clinician sign")
    def clinician_flag(self, obj):
        return obj.has_clinician_flag

    @admin.action(description="Lift the emergency block (a doctor has checked the member)")
    def lift_emergency_block(self, request, queryset):
        """A confirmation page with a required note; the member then answers the safety
        screen again before any plan is made."""
        blocked = list(queryset.filter(emergency_flagged_at__isnull=False).select_related("member"))
        if len(blocked) != 1:
            self.message_user(
                request,
                "Choose exactly one member with an emergency block: each lift needs its own note.",
                messages.ERROR,
            )
            return None
        intake = blocked[0]
        form = EmergencyLiftForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                redflag_emergency_lift(
                    intake=intake, coach=request.user, note=form.cleaned_data["note"]
                )
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                self.message_user(
                    request,
                    f"Emergency block lifted for {intake.member}. They will answer the safety "
                    "questions again before any plan.",
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Lift an emergency block",
            "opts": self.model._meta,
            "intake": intake,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/programs/intake/lift_emergency.html", context)


class EmergencyLiftForm(forms.Form):
    note = forms.CharField(
        label="Coach's note",
        min_length=LIFT_NOTE_MIN,
        max_length=LIFT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who checked the member, when, and what they said. Kept with the lift.",
    )
    confirm = forms.BooleanField(
        label="I confirm a doctor has checked this member and the block can be lifted.",
    )


@admin.register(EmergencyLift)
class EmergencyLiftAdmin(KeptRecordAdmin):
    list_display = ["member", "coach", "flagged_at", "lifted_at"]
    search_fields = ["member__email"]
    list_select_related = ["member", "coach"]


@admin.register(SafetyScreen)
class SafetyScreenAdmin(RecordAdmin):
    list_display = [
        "member",
        "screened_at",
        "has_emergency",
        "has_clinician",
        "clinician_cleared_on",
    ]
    list_filter = ["has_emergency", "has_clinician"]
    search_fields = ["member__email"]
    list_select_related = ["member"]


@admin.register(Enrolment)
class EnrolmentAdmin(OutcomeSummaryAdminMixin, admin.ModelAdmin):
    list_display = [
        "member",
        "phase",
        "track",
        "status",
        "weeks_in_phase",
        "contact_coach_suggested_on",
        "latest_recheck",
        "change_since_start",
    ]
    list_filter = ["status", "phase", "track", ResponseFilter]
    search_fields = ["member__email"]
    list_select_related = ["member", "phase"]
    readonly_fields = ["member", "last_reviewed_week", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            plans_refresh(member=obj.member)  # a coach's change of phase or track plans anew


@admin.register(ProgressionDecision)
class ProgressionDecisionAdmin(RecordAdmin):
    list_display = ["member", "week_start", "exercise", "kind", "reason"]
    list_filter = ["kind", "week_start"]
    search_fields = ["member__email"]
    list_select_related = ["member", "exercise"]
    list_per_page = 25
    show_full_result_count = False  # no second COUNT over every decision ever made
    paginator = EstimatedCountPaginator

    def get_changelist(self, request, **kwargs):
        return DecisionChangeList


class DecisionChangeList(OneReverseChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The columns shown and the names in them: every other field of the member and the
        # exercise (its demonstration JSON among them) was read and decoded for nothing.
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .only("week_start", "kind", "reason", "member__email", "exercise__name")
        )


class PlannedItemInline(LabelledTabularInline):
    model = PlannedItem
    extra = 0
    raw_id_fields = ["exercise", "pool_exercise"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlannedSession)
class PlannedSessionAdmin(admin.ModelAdmin):
    list_display = [
        "member",
        "date",
        "phase",
        "status",
        "pain_during",
        "sharp_pain",
        "morning_pain",
    ]
    list_filter = ["status", "sharp_pain", "phase"]
    search_fields = ["member__email"]
    list_select_related = ["member", "phase"]
    date_hierarchy = "date"
    show_full_result_count = False  # one COUNT over every session ever planned is enough
    inlines = [PlannedItemInline]
    raw_id_fields = ["member"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("member", "enabled", "local_time", "weekdays", "timezone", "morning_checkins")
    list_filter = ("enabled", "morning_checkins")
    search_fields = ("member__email",)
    list_select_related = ("member",)
    raw_id_fields = ("member",)
    readonly_fields = ("next_due_at", "next_due_local_date", "next_due_checked_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reminder_next_store(reminder=obj, now=timezone.now())  # the new settings' next send


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """Read-only: the record that makes each day's reminder go out exactly once."""

    list_display = ("member", "local_date", "sent_at")
    date_hierarchy = "local_date"
    search_fields = ("member__email",)
    list_select_related = ("member",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("member__email",)
    list_select_related = ("member",)
    readonly_fields = ("token", "created_at")
