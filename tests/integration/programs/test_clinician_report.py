"""The clinician report: the print page and the PDF carry the member's own figures, only the
member and coaches can open it, and it costs the same number of queries however long the
history."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from programs.models import Intake
from programs.selectors.programme import programme_build
from programs.selectors.report import clinician_report
from programs.selectors.sessions import member_today
from tests.factories import CoachFactory, MemberFactory, UserFactory
from tests.support.report_history import member_with_history

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_the_members_figures(client):
    member = member_with_history()
    client.force_login(member)
    response = client.get("/progress/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = member_today(member)
    assert response["Content-Disposition"] == (
        f'attachment; filename="backcore-report-{today:%Y-%m-%d}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for expected in (
        "BackCore report for a clinician",
        "rosa@example.com",
        "Pain at intake",
        "6/10",  # pain at intake
        "Tying my shoes",
        "Side plank rises to 15 reps",  # the newest decision's reason
        "Putting on socks or tights",  # an everyday task, first and latest answer
        "Sciatica-like pain, tingling or numbness going down both legs",  # a red-flag question
        "Red-flag answers",
        "Phase history",
        "Isometric holds",  # the phase change
    ):
        assert expected in text, expected
    # Usual pain at the intake (6) and at the re-check (3) are both in the table.
    assert "Usual pain: 6/10 → 3/10" in text


def test_the_print_page_shows_the_same_content(client):
    member = member_with_history()
    client.force_login(member)
    response = client.get("/progress/report/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    report = clinician_report(member=member, today=member_today(member))
    assert "Usual pain: 6/10 → 3/10" in page
    assert "Tying my shoes" in page and "3 → 7 since" in page
    assert 'href="/progress/report.pdf"' in page
    assert "programs/report.css" in page
    assert report.sessions_total == 12
    for week in report.weeks:
        assert f"{week.week_start:%-d %b %Y}" in page
    newest_plank = next(d for d in report.decisions if d.exercise == "Side plank")
    assert newest_plank.reason == "Side plank rises to 15 reps: last week was green."
    assert (newest_plank.before, newest_plank.after) == ("14 reps × 2 sets", "15 reps × 2 sets")
    assert newest_plank.reason in page
    assert report.escalations[0].kind == "severe_session"
    assert any(w.sharp for w in report.weeks)
    # The doses are the ones the planner uses now (the sciatica pool of the first phase).
    assert report.doses and all(d.dose for d in report.doses)
    assert report.function_items[0].first == "A lot of difficulty"
    assert report.function_items[0].latest == "No difficulty"


def test_progress_links_to_the_report(client):
    member = member_with_history(weeks=1)
    client.force_login(member)
    page = client.get("/progress/").content.decode()
    assert 'href="/progress/report/"' in page
    assert 'href="/progress/report.pdf"' in page


def test_red_flags_and_a_clearance_are_reported(client):
    member = member_with_history(weeks=1)
    Intake.objects.filter(member=member).update(
        flag_cancer_history=True, clinician_cleared_on=timezone.localdate()
    )
    client.force_login(member)
    page = client.get("/progress/report/").content.decode()
    assert "1 sign reported at the last screening." in page
    assert 'class="is-flagged"><th scope="row">You have had cancer at any time' in page
    assert "A clinician's clearance to exercise was recorded" in page


def test_a_stopped_programme_says_so_beside_the_doses(client):
    member = member_with_history(weeks=1)
    Intake.objects.filter(member=member).update(
        flag_bladder_bowel=True, emergency_flagged_at=timezone.now()
    )
    client.force_login(member)
    page = client.get("/progress/report/").content.decode()
    assert "Stopped: an emergency sign was reported" in page
    assert "No sessions are given at present" in page
    assert 'class="is-flagged"><th scope="row">New trouble passing or holding urine' in page


def test_an_open_programme_is_reported_as_active(client):
    member = member_with_history(weeks=1)
    client.force_login(member)
    page = client.get("/progress/report/").content.decode()
    assert "Active: sessions are planned" in page
    assert "No sessions are given at present" not in page


def test_a_member_without_an_intake_gets_an_honest_empty_report(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.get("/progress/report/")
    assert response.status_code == 200
    assert "The intake questions have not been answered yet." in response.content.decode()
    assert client.get("/progress/report.pdf").status_code == 200


# Access: the member's own report has no id in its URL; a coach opens anyone's by id.


def test_each_member_only_ever_gets_their_own_report(client):
    rosa = member_with_history(weeks=1)
    other = member_with_history(weeks=1, email="other@example.com")
    client.force_login(other)
    page = client.get("/progress/report/").content.decode()
    assert "other@example.com" in page and "rosa@example.com" not in page
    for url in (f"/coach/members/{rosa.pk}/report/", f"/coach/members/{rosa.pk}/report.pdf"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("suffix", ["report/", "report.pdf"])
def test_coaches_get_any_members_report_and_nobody_else_does(client, suffix):
    member = member_with_history(weeks=1)
    url = f"/coach/members/{member.pk}/{suffix}"
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for person in (member, UserFactory(), UserFactory(is_staff=True)):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    client.force_login(CoachFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = pdf_text(response) if suffix.endswith("pdf") else response.content.decode()
    assert "rosa@example.com" in body
    assert client.get(f"/coach/members/{member.pk + 999}/{suffix}").status_code == 404


def test_without_pango_the_pdf_says_so_and_points_to_the_print_page(client, monkeypatch):
    from programs.views import report as report_views

    def missing():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(report_views, "_pdf_maker", missing)
    client.force_login(member_with_history(weeks=1))
    response = client.get("/progress/report.pdf")
    assert response.status_code == 503
    assert "print it instead" in response.content.decode()


def test_one_pdf_at_a_time_per_person(client):
    from django.core.cache import cache

    member = member_with_history(weeks=1)
    client.force_login(member)
    busy = f"report-pdf-busy:{member.pk}"
    cache.set(busy, 1, timeout=60)  # a render of theirs is under way
    response = client.get("/progress/report.pdf")
    assert response.status_code == 429 and response["Retry-After"] == "5"
    cache.delete(busy)
    assert client.get("/progress/report.pdf").status_code == 200
    assert cache.get(busy) is None  # released once the PDF is made


def test_the_same_report_is_made_once_and_any_change_makes_it_again(client, monkeypatch):
    # A PDF takes seconds of CPU: the same HTML is not rendered twice, a changed report is.
    import weasyprint

    renders = []
    real_render = weasyprint.HTML.render

    def counting_render(self, *args, **kwargs):
        renders.append(1)
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counting_render)
    member = member_with_history(weeks=1)
    client.force_login(member)
    first = client.get("/progress/report.pdf")
    again = client.get("/progress/report.pdf")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and len(renders) == 1
    assert again["Cache-Control"] == "private, no-store"
    Intake.objects.filter(member=member).update(pain_now=2)  # what the report says changes
    changed = client.get("/progress/report.pdf")
    assert len(renders) == 2 and changed.content != first.content
    assert "2/10" in pdf_text(changed)


def test_the_pdf_renderer_loads_our_static_files_and_nothing_else():
    from programs.pdf import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    found = fetcher.fetch("file:///static/programs/report.css")
    try:
        assert b".report-table" in found.read()
    finally:
        found.close()
    for url in (
        "http://127.0.0.1:8000/today/",
        "https://example.com/x.css",
        "file:///etc/passwd",
        "file:///media/avatars/1.png",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/progress/report/", "/progress/report.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_report_only_answers_get(client):
    client.force_login(member_with_history(weeks=1))
    assert client.post("/progress/report/").status_code == 405


# session, user (with membership, profile for the member's zone and the notifications bell),
# intake, enrolment, safety screens, phase changes, doses, weekly sessions, checks, goals + their
# ratings, decisions, pain warnings. The programme bundle is warm, as on Progress.
REPORT_QUERIES = 13


@pytest.mark.parametrize("weeks", [1, 30])
def test_report_query_count_is_pinned_for_short_and_long_histories(
    client, weeks, django_assert_num_queries
):
    member = member_with_history(weeks=weeks)
    client.force_login(member)
    programme_build()
    with django_assert_num_queries(REPORT_QUERIES):
        assert client.get("/progress/report/").status_code == 200


@pytest.mark.parametrize("weeks", [1, 30])
def test_pdf_query_count_is_pinned_too(client, weeks, django_assert_num_queries):
    member = member_with_history(weeks=weeks)
    client.force_login(member)
    programme_build()
    # no notifications bell in a PDF, but its count came with the user: the same reads
    with django_assert_num_queries(REPORT_QUERIES):
        assert client.get("/progress/report.pdf").status_code == 200


# The coach's copy: session, coach (with their groups for is_coach, the notifications bell and
# their own profile for the header), the member with their profile (no membership check) and
# the report's eleven reads as above.
COACH_REPORT_QUERIES = 14


@pytest.mark.parametrize("weeks", [1, 30])
def test_coach_report_query_count_is_pinned(client, weeks, django_assert_num_queries):
    member = member_with_history(weeks=weeks)
    client.force_login(CoachFactory())
    programme_build()
    with django_assert_num_queries(COACH_REPORT_QUERIES):
        assert client.get(f"/coach/members/{member.pk}/report/").status_code == 200
