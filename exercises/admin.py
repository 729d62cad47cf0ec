from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from backcore.admin_labels import LabelledTabularInline
from exercises import demonstrations, services
from exercises.choices import TagKind
from exercises.figures.pose import PoseError
from exercises.forms import ExerciseAdminForm, ExerciseImageAdminForm
from exercises.models import Exercise, ExerciseImage, ExerciseStep, ExerciseTag
from exercises.plan_doses import plan_doses


class ExerciseStepInline(LabelledTabularInline):
    model = ExerciseStep
    extra = 1
    fields = ["order", "text"]
    ordering = ["order"]


class ExerciseImageInline(LabelledTabularInline):
    model = ExerciseImage
    form = ExerciseImageAdminForm
    extra = 1
    fields = ["preview", "image", "alt_text", "order", "is_main"]
    readonly_fields = ["preview"]
    ordering = ["order", "id"]

    @admin.display(description="Preview")
    def preview(self, obj: ExerciseImage) -> str:
        if not obj.pk or not obj.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-thumb">',
            obj.small_url,
            obj.alt_text,
        )


class TagFilter(admin.SimpleListFilter):
    kind: str = ""

    def lookups(self, request, model_admin):
        from exercises.choices import TAG_VOCABULARY

        return TAG_VOCABULARY[self.kind].choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__kind=self.kind, tags__value=self.value()).distinct()
        return queryset


class PhaseFilter(TagFilter):
    title = "phase"
    parameter_name = "phase"
    kind = TagKind.PHASE


class TrackFilter(TagFilter):
    title = "track"
    parameter_name = "track"
    kind = TagKind.TRACK


class EquipmentFilter(TagFilter):
    title = "equipment"
    parameter_name = "equipment"
    kind = TagKind.EQUIPMENT


class TargetAreaFilter(TagFilter):
    title = "target area"
    parameter_name = "area"
    kind = TagKind.TARGET_AREA


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseAdminForm
    inlines = [ExerciseStepInline, ExerciseImageInline]
    list_display = ["name", "slug", "movement_type", "position", "is_published", "updated_at"]
    list_filter = [
        "is_published",
        "movement_type",
        "position",
        PhaseFilter,
        TrackFilter,
        TargetAreaFilter,
        EquipmentFilter,
    ]
    search_fields = ["name", "slug", "purpose", "steps__text"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "image_preview",
        "figure_preview",
        "plan_doses_display",
        "created_at",
        "updated_at",
    ]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published", "purpose", "image_preview"]}),
        ("How it is used", {"fields": ["movement_type", "position", "phase_tags", "track_tags"]}),
        ("What it works", {"fields": ["target_area_tags", "equipment_tags"]}),
        ("Text", {"fields": ["benefits", "cautions", "video_url"]}),
        (
            "Doses in plans",
            {
                "fields": ["plan_doses_display"],
                "description": "Plans take this exercise's dose from the pool of each phase that "
                "uses it: change those numbers on the phase's page.",
            },
        ),
        (
            "Library dose (a default, not the plan)",
            {
                "description": "What the library page shows for the exercise on its own. Plans "
                "use these numbers only as the lowest a plan may ease off to (the lower "
                "ends) and when the exercise stands in as an easier version of another one.",
                "fields": [
                    ("hold_seconds", "floor_hold_seconds", "ceiling_hold_seconds"),
                    ("reps", "floor_reps", "ceiling_reps"),
                    ("sets", "floor_sets", "ceiling_sets"),
                    ("per_side", "rest_seconds"),
                ],
            },
        ),
        ("Variations", {"fields": ["easier", "harder"]}),
        ("Figure", {"fields": ["demonstration", "figure_preview"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["exercises/pose_preview.js"]
        css = {"all": ["exercises/figures.css", "exercises/pose_preview.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags", "images")

    @admin.display(description="Preview")
    def figure_preview(self, obj: Exercise) -> str:
        html = ""
        if obj.pk and obj.demonstration:
            try:
                html = demonstrations.figure_preview(
                    data=obj.demonstration, is_hold=demonstrations.is_hold(obj)
                )
            except PoseError as error:
                html = format_html("<p>{}</p>", "; ".join(error.messages))
        return format_html(
            '<div class="figure-preview" data-figure-preview data-url="{}" aria-live="polite">'
            '<div class="figure-preview-frames">{}</div><ul class="errorlist figure-preview-errors" hidden></ul></div>',
            reverse("exercises:figure_preview"),
            mark_safe(html),
        )

    @admin.display(description="Phase pools")
    def plan_doses_display(self, obj: Exercise) -> str:
        lines = plan_doses(obj.pk) if obj.pk else []
        if not lines:
            return "In no phase's pool yet: plans give it only as a warm-up or an easier version."
        return format_html(
            '<ul class="admin-plan-doses">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        )

    @admin.display(description="Main image")
    def image_preview(self, obj: Exercise) -> str:
        if not obj.pk:
            return "—"
        note = "" if obj.main_image else " (placeholder for its movement type)"
        return format_html(
            '<img src="{}" alt="{}" class="admin-thumb-large">{}',
            obj.card_image_url,
            obj.hero_image_alt,
            note,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)
        if change and (form.changed_data or any(f.has_changed() for f in formsets)):
            # Plans already made with this exercise follow the edit (withdrawn, new equipment,
            # new variations or safety notes), once it commits.
            services.exercise_changes_announce(
                exercise_ids=[form.instance.pk], summary=f"Exercise {form.instance} edited"
            )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        services.exercise_changes_announce(exercise_ids=[pk], summary=f"Exercise {obj} deleted")

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.exercise_changes_announce(
            exercise_ids=ids, summary=f"{len(ids)} exercise(s) deleted"
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ExerciseImage:
            return super().save_formset(request, form, formset, change)
        images = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        changed_files = [
            f.instance for f in formset.forms if f.has_changed() and "image" in f.changed_data
        ]
        for image in images:
            services.exercise_image_save(
                image=image, image_changed=any(image is f for f in changed_files)
            )
        formset.save_m2m()

    @admin.action(description="Publish selected exercises", permissions=["change"])
    def publish(self, request, queryset):
        changed = services.exercise_publish_set(exercises=queryset, published=True)
        for exercise in changed:
            self.log_change(request, exercise, [{"changed": {"fields": ["Is published"]}}])
        self.message_user(request, f"Published {len(changed)} exercise(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected exercises", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = services.exercise_publish_set(exercises=queryset, published=False)
        for exercise in changed:
            self.log_change(request, exercise, [{"changed": {"fields": ["Is published"]}}])
        self.message_user(request, f"Unpublished {len(changed)} exercise(s).", messages.SUCCESS)


@admin.register(ExerciseTag)
class ExerciseTagAdmin(admin.ModelAdmin):
    list_display = ["exercise", "kind", "value"]
    list_filter = ["kind", "value"]
    search_fields = ["exercise__name", "value"]
    list_select_related = ["exercise"]

    def save_model(self, request, obj, form, change):
        was = ExerciseTag.objects.filter(pk=obj.pk).values_list("exercise_id", flat=True).first()
        super().save_model(request, obj, form, change)
        services.exercise_changes_announce(
            exercise_ids=[obj.exercise_id, was], summary=f"Tag {obj} of {obj.exercise} saved"
        )

    def delete_model(self, request, obj):
        exercise_id = obj.exercise_id
        super().delete_model(request, obj)
        services.exercise_changes_announce(exercise_ids=[exercise_id], summary=f"Tag {obj} deleted")

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("exercise_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        services.exercise_changes_announce(exercise_ids=ids, summary="Exercise tags deleted")
