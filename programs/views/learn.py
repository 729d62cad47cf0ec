"""/learn/: short lessons and a FAQ, public."""

from django.http import Http404
from django.shortcuts import render

from programs.content import faq, lesson, lessons, render_markdown


def learn(request):
    items = [
        {**item, "summary_html": render_markdown(item.get("summary", ""))} for item in lessons()
    ]
    questions = [
        {"question": item["question"], "answer_html": render_markdown(item["answer"])}
        for item in faq()
    ]
    return render(request, "programs/learn.html", {"lessons": items, "faq": questions})


def learn_lesson(request, slug: str):
    item = lesson(slug)
    if item is None:
        raise Http404("No such lesson.")
    others = [other for other in lessons() if other["slug"] != slug]
    context = {"lesson": item, "body_html": render_markdown(item["body"]), "others": others}
    return render(request, "programs/learn_lesson.html", context)
