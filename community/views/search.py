"""Forum search."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from community import selectors
from community.forms import (
    SearchForm,
)
from community.views.common import (
    community_view,
)


@require_GET
@community_view
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.search_posts(query=query, user=request.user, page=request.GET.get("page"))
    return render(
        request, "community/search.html", {"form": form, "query": query, "page_obj": page}
    )
