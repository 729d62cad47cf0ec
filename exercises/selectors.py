"""Reads for the exercise library. Other apps (programs) call these, never the models directly."""

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from backcore.prepared import PLACEHOLDERS, prepared
from exercises.models import Exercise, ExerciseImage, ExerciseStep, ExerciseTag
from exercises.search import vocabulary_matches

PAGE_SIZE = 12


def _with_tags_and_images(queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
    return queryset.prefetch_related(
        Prefetch("tags", queryset=ExerciseTag.objects.order_by("kind", "value")),
        Prefetch("images", queryset=ExerciseImage.objects.order_by("order", "id")),
    )


def exercise_catalogue(*, published_only: bool = True) -> list[Exercise]:
    """Every exercise with tags, easier/harder and images loaded: a constant 3 queries.

    Use `exercise.phases`, `.tracks`, `.target_areas`, `.equipment` (lists of slugs),
    `.movement_type`, `.position`, the dose fields and `.easier` / `.harder` without further queries.
    """
    queryset = Exercise.objects.select_related("easier", "harder")
    if published_only:
        queryset = queryset.filter(is_published=True)
    return list(_with_tags_and_images(queryset).order_by("name"))


def exercise_get(*, slug: str, include_unpublished: bool = False) -> Exercise:
    """One exercise with steps, tags, images and variations. Raises Exercise.DoesNotExist."""
    queryset = Exercise.objects.select_related("easier", "harder")
    if not include_unpublished:
        queryset = queryset.filter(is_published=True)
    queryset = _with_tags_and_images(queryset).prefetch_related(
        Prefetch("steps", queryset=ExerciseStep.objects.order_by("order"))
    )
    return queryset.get(slug=slug)


# What the exercise page shows of its easier and harder variations: a link, only if published.
VARIATION_FIELDS = ("id", "slug", "name", "is_published")


def _exercise_page_queryset(*, include_unpublished: bool) -> QuerySet[Exercise]:
    unshown = [
        f"{variation}__{field.name}"
        for variation in ("easier", "harder")
        for field in Exercise._meta.concrete_fields
        if field.name not in VARIATION_FIELDS
    ]
    queryset = Exercise.objects.select_related("easier", "harder").defer(*unshown)
    if not include_unpublished:
        queryset = queryset.filter(is_published=True)
    return queryset.filter(slug=PLACEHOLDERS["slug"]).order_by()


def exercise_page_read(*, slug: str, include_unpublished: bool = False) -> tuple[Exercise, tuple]:
    """The exercise its page shows, with its variations' names, slugs and published flags: one
    query, compiled once per process. Also gives the row as the database sent it, so what the
    page draws from the row is kept under the row itself (see exercise_cards_prefetch for the
    tags, images and steps). Raises Exercise.DoesNotExist."""
    read = prepared(
        ("exercises.exercise_page_read", include_unpublished),
        lambda: _exercise_page_queryset(include_unpublished=include_unpublished),
        names=("slug",),
        plan_once=True,
    )
    found = read.objects_with_rows(slug=str(slug))
    if not found:
        raise Exercise.DoesNotExist(f"No exercise {slug!r}")
    return found[0]


SAMPLE_SLUG = "glute-bridge-hold"


def exercise_sample() -> Exercise | None:
    """The exercise the landing page shows as an example of a session: a published hold with a
    figure (the glute bridge hold while it qualifies, else the first such exercise by name)."""
    holds = (
        Exercise.objects.filter(is_published=True, hold_seconds__isnull=False)
        .exclude(demonstration=None)
        .prefetch_related(Prefetch("steps", queryset=ExerciseStep.objects.order_by("order")))
    )
    return holds.filter(slug=SAMPLE_SLUG).first() or holds.order_by("name").first()


def _has_tag(kind: str, values: list[str]) -> Exists:
    return Exists(ExerciseTag.objects.filter(exercise=OuterRef("pk"), kind=kind, value__in=values))


def exercise_filtered(
    *,
    phases: list[str] | None = None,
    tracks: list[str] | None = None,
    target_areas: list[str] | None = None,
    equipment: list[str] | None = None,
    movement_types: list[str] | None = None,
    positions: list[str] | None = None,
    query: str = "",
    published_only: bool = True,
) -> QuerySet[Exercise]:
    """Published exercises matching every given filter (any of the values within one filter)."""
    from exercises.choices import TagKind

    queryset = Exercise.objects.all()
    if published_only:
        queryset = queryset.filter(is_published=True)
    for kind, values in (
        (TagKind.PHASE, phases),
        (TagKind.TRACK, tracks),
        (TagKind.TARGET_AREA, target_areas),
        (TagKind.EQUIPMENT, equipment),
    ):
        if values:
            queryset = queryset.filter(_has_tag(kind, values))
    if movement_types:
        queryset = queryset.filter(movement_type__in=movement_types)
    if positions:
        queryset = queryset.filter(position__in=positions)
    query = query.strip()
    if query:
        in_steps = Exists(
            ExerciseStep.objects.filter(exercise=OuterRef("pk"), text__icontains=query)
        )
        named = Q(name__icontains=query) | Q(purpose__icontains=query) | in_steps
        # A phrase may also name a track, tag, movement or position ("sciatica", "all fours").
        matches = vocabulary_matches(query)
        for kind, values in matches.items():
            if not values:
                continue
            if kind == "movement_type":
                named |= Q(movement_type__in=values)
            elif kind == "position":
                named |= Q(position__in=values)
            else:
                named |= _has_tag(kind, values)
        queryset = queryset.filter(named)
    return queryset.order_by("name", "pk")


class _WholeLibrary:
    """Every published exercise in the library's order, as a Paginator reads it (the count,
    then one window), with both reads compiled once per process: most visits filter nothing.
    The window holds only what a kept page is looked up by (ids; names and slugs for views
    and tests): exercise_cards_read reads the rest when the page is drawn."""

    def count(self) -> int:
        read = prepared(
            ("exercises.library", "count"),
            lambda: exercise_filtered().order_by().values("pk"),
            names=(),
            plan_once=True,
        )
        return read.count()

    def __getitem__(self, window: slice) -> list[Exercise]:
        start, stop = window.start or 0, window.stop
        if stop <= start:
            return []
        read = prepared(
            ("exercises.library", "page"),
            lambda: exercise_filtered().only(*LISTED_FIELDS),
            names=(),
            plan_once=True,
        )
        return read.objects(suffix=" LIMIT %s OFFSET %s", extra=[stop - start, start])


LISTED_FIELDS = ("id", "slug", "name")


def exercise_cards_read(*, exercises: list[Exercise]) -> list[Exercise]:
    """These exercises in full (one query), in the same order, for drawing their cards; those
    withdrawn since they were listed are left out."""
    found = Exercise.objects.filter(pk__in=[e.pk for e in exercises], is_published=True)
    by_id = {exercise.pk: exercise for exercise in found}
    return [by_id[e.pk] for e in exercises if e.pk in by_id]


def exercise_library_page(*, page: int | str = 1, **filters) -> Page:
    """One page (12) of the public library: the exercises alone (two queries, the count and
    the page). A card already drawn needs nothing more; see exercise_cards_prefetch. Without
    filters the page lists only ids, slugs and names (see exercise_cards_read)."""
    matching = exercise_filtered(**filters) if any(filters.values()) else _WholeLibrary()
    page_obj = Paginator(matching, PAGE_SIZE).get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    return page_obj


def exercise_cards_prefetch(*, exercises: list[Exercise]) -> None:
    """What drawing these exercises' cards (or an exercise's page) reads: tags, images and
    steps (the figures' text alternatives), three queries for any number of exercises, none for
    none."""
    prefetch_related_objects(
        exercises,
        Prefetch("tags", queryset=ExerciseTag.objects.order_by("kind", "value")),
        Prefetch("images", queryset=ExerciseImage.objects.order_by("order", "id")),
        Prefetch("steps", queryset=ExerciseStep.objects.order_by("order")),
    )


def exercise_image_ids_missing_thumbnails(*, uploaded_before, uploaded_after) -> list[int]:
    """Images uploaded in the window whose thumbnails were never made (their task was lost)."""
    return list(
        ExerciseImage.objects.filter(created_at__lt=uploaded_before, created_at__gte=uploaded_after)
        .filter(Q(thumb_320="") | Q(thumb_960=""))
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
