from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exercises import demonstrations, selectors
from exercises.forms import LibraryFilterForm
from exercises.models import Exercise


def exercise_list(request):
    form = LibraryFilterForm(request.GET)
    filters = form.selector_filters()
    page = selectors.exercise_library_page(page=request.GET.get("page", 1), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exercises/list.html",
        {
            "form": form,
            "page_obj": page,
            "exercises": page.object_list,
            "filter_query": query.urlencode(),
            "active_filters": form.active_count(),
            "search": filters["query"],
        },
    )


def exercise_detail(request, slug: str):
    staff = request.user.is_authenticated and request.user.is_staff
    try:
        exercise = selectors.exercise_get(slug=slug, include_unpublished=staff)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise") from None
    return render(request, "exercises/detail.html", {"exercise": exercise, "is_staff": staff})


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
