import json

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from exercises import cache, demonstrations, selectors
from exercises.figures.pose import PoseError
from exercises.forms import LibraryFilterForm
from exercises.models import Exercise
from exercises.plan_doses import plan_doses


def exercise_list(request):
    # Read before the rows (as on an exercise's page): a write that commits after this read
    # gives the library a new version once more, so no card or page drawn from rows older than
    # that write is kept under the version read here.
    version = cache.library_version()
    # The whole library (no filter, no search, any page) needs no form unless it is drawn.
    whole = not (request.GET.keys() - {"page"})
    form = None if whole else LibraryFilterForm(request.GET)
    filters = {} if form is None else form.selector_filters()
    page = selectors.exercise_library_page(page=request.GET.get("page", 1), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "exercises": page.object_list,
        "filter_query": query.urlencode(),
        "search": filters.get("query", ""),
        "library_version": version,
    }

    def draw() -> str:
        drawn_form = form or LibraryFilterForm(request.GET)
        exercises = page.object_list
        if whole:  # listed by id and name only
            exercises = selectors.exercise_cards_read(exercises=exercises)
        # Only the cards this process has not drawn under the library's version read their
        # tags, images and steps (a card drawn meanwhile by another request costs nothing more).
        selectors.exercise_cards_prefetch(
            exercises=[
                exercise
                for exercise in exercises
                if version is None or not cache.is_drawn(cache.card_key(exercise.pk, version))
            ]
        )
        return get_template("exercises/_library.html").render(
            {
                **context,
                "exercises": exercises,
                "form": drawn_form,
                "active_filters": drawn_form.active_count(),
            }
        )

    if whole and version is not None:
        # The exercises listed (and how many) are read on every visit: only their drawing is kept.
        key = cache.library_page_key(page, version)
        body = cache.drawn(key, draw)
    else:
        body = draw()
    body = mark_safe(body)  # a template's output
    return render(request, "exercises/list.html", {**context, "body": body})


def exercise_detail(request, slug: str):
    staff = request.user.is_authenticated and request.user.is_staff
    # Read before the rows: a write that commits after this read gives the library a new
    # version once more, so nothing drawn from rows older than that write is kept under it.
    version = cache.library_version()
    try:
        exercise, row = selectors.exercise_page_read(slug=slug, include_unpublished=staff)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise") from None
    context = {"exercise": exercise, "is_staff": staff, "plan_doses": plan_doses(exercise.pk)}

    def draw() -> str:
        selectors.exercise_cards_prefetch(exercises=[exercise])
        return get_template("exercises/_detail.html").render(context)

    if version is None:  # the cache answers nothing: draw it, keep nothing
        body = draw()
    else:
        key = cache.page_key(row, version, staff=staff, plan_doses=tuple(context["plan_doses"]))
        body = cache.drawn(key, draw)
    body = mark_safe(body)  # a template's output
    return render(request, "exercises/detail.html", {**context, "body": body})


@require_GET
def figure_css(request, slug: str):
    """The keyframes that animate one exercise's figure (a file, so no inline styles are needed)."""
    staff = request.user.is_authenticated and request.user.is_staff
    try:
        exercise = selectors.exercise_get(slug=slug, include_unpublished=staff)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise") from None
    response = HttpResponse(
        demonstrations.figure_stylesheet(exercise), content_type="text/css; charset=utf-8"
    )
    current = request.GET.get("v") == demonstrations.figure_version(exercise)
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if current else "public, max-age=300"
    )
    return response


@require_GET
def figure_png(request, slug: str):
    """A still PNG of the figure, for emails."""
    try:
        exercise = selectors.exercise_get(slug=slug)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise") from None
    png = demonstrations.figure_png(exercise)
    if png is None:
        raise Http404("This exercise has no figure yet")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@staff_member_required
@require_POST
def figure_preview(request):
    """Admin live preview: keyframes JSON in, drawings (or every problem, in words) out."""
    if not request.user.has_perm("exercises.change_exercise"):
        return JsonResponse({"errors": ["You cannot edit exercises."]}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
        data = json.loads(payload["demonstration"])
        is_hold = bool(payload.get("is_hold"))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"errors": ["That is not valid JSON yet."]}, status=400)
    try:
        html = demonstrations.figure_preview(data=data, is_hold=is_hold)
    except PoseError as error:
        return JsonResponse({"errors": error.messages}, status=422)
    return JsonResponse({"html": html})
