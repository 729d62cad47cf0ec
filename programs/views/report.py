"""The clinician report: the member's own at /progress/report/ (print page) and
/progress/report.pdf; a coach's copy of any member's under /coach/members/<id>/report/."""

import logging

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from backcore.accounts.decorators import member_required
from backcore.accounts.models import User
from programs import charts
from programs.selectors.report import ClinicianReport, clinician_report
from programs.selectors.sessions import member_today
from programs.views.coach import coach_required

STYLESHEET = "programs/report.css"
PDF_BUSY_SECONDS = 60  # outlives any render; released as soon as the PDF is made
logger = logging.getLogger(__name__)


def _charts(report: ClinicianReport) -> dict:
    """Pain at each check (usual and worst) and pain during sessions, week by week."""
    dates = [f"{c.taken_on:%-d %b %Y}" for c in report.checks]
    checks = charts.line_chart(
        chart_id="report-chart-checks",
        title="Pain at the intake and each four-weekly check",
        description=(
            f"Usual and worst pain over the last week, out of 10, at {len(dates)} checks."
        ),
        x_labels=dates,
        series=[
            charts.Series("Usual pain", [c.pain_usual for c in report.checks]),
            charts.Series("Worst pain", [c.pain_worst for c in report.checks]),
        ],
        y_label="pain (0–10)",
        x_heading="Date",
        unit="/10",
        y_max=10,
        empty_message="No answers yet.",
    )
    weeks = charts.pain_chart(
        weeks=[f"{w.week_start:%-d %b}" for w in report.weeks],
        values=[w.pain_average for w in report.weeks],
    )
    return {"checks": checks, "weeks": weeks}


def _context(member, *, pdf_url: str, back_url: str) -> dict:
    report = clinician_report(member=member, today=member_today(member))
    return {
        "report": report,
        "charts": _charts(report),
        "pdf_url": pdf_url,
        "back_url": back_url,
        "stylesheet": STYLESHEET,
    }


def _private(response):
    """Health information: never cached, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pdf_maker():
    # Imported here: only making a PDF needs Debian's pango, not the rest of the site.
    from programs.pdf import pdf_response

    return pdf_response


def _pdf(request, context: dict):
    try:
        pdf_response = _pdf_maker()
    except OSError:  # WeasyPrint could not load pango: say so, and offer the print page
        logger.exception("The clinician report's PDF cannot be made: is pango installed?")
        return _private(
            HttpResponse(
                "The PDF cannot be made just now. Open the report page and print it instead.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        )
    # A PDF takes a CPU-second or more: one at a time per person, so a double click or a
    # script cannot queue up renders. The lock goes as soon as the PDF is made.
    busy = f"report-pdf-busy:{request.user.pk}"
    if not cache.add(busy, 1, timeout=PDF_BUSY_SECONDS):
        return _private(
            HttpResponse(
                "Your PDF is still being made. Try again in a moment.",
                status=429,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": "5"},
            )
        )
    filename = f"backcore-report-{context['report'].generated_on:%Y-%m-%d}.pdf"
    try:
        response = pdf_response(request, "programs/report_pdf.html", context, filename=filename)
        response.render()
    finally:
        cache.delete(busy)
    return _private(response)


@require_GET
@member_required
def report(request):
    context = _context(
        request.user,
        pdf_url=reverse("programs:report_pdf"),
        back_url=reverse("programs:progress"),
    )
    return _private(render(request, "programs/report.html", context))


@require_GET
@member_required
def report_pdf(request):
    context = _context(
        request.user,
        pdf_url=reverse("programs:report_pdf"),
        back_url=reverse("programs:progress"),
    )
    return _pdf(request, context)


def _member(member_id: int):
    return get_object_or_404(User.objects.select_related("profile"), pk=member_id)


@require_GET
@coach_required
def coach_report(request, member_id: int):
    member = _member(member_id)
    context = _context(
        member,
        pdf_url=reverse("coach:member_report_pdf", args=[member.pk]),
        back_url=reverse("coach:inbox"),
    )
    context["for_coach"] = True
    return _private(render(request, "programs/report.html", context))


@require_GET
@coach_required
def coach_report_pdf(request, member_id: int):
    member = _member(member_id)
    context = _context(
        member,
        pdf_url=reverse("coach:member_report_pdf", args=[member.pk]),
        back_url=reverse("coach:inbox"),
    )
    return _pdf(request, context)
