"""The clinician report: reached from Progress, readable and axe clean at phone and laptop
widths, printable without the site's header, and downloadable as a PDF."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.support.report_history import member_with_history

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAPTOP = {"width": 1280, "height": 900}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_report_from_progress(new_page, login_as, axe_check, screenshot, viewport):
    member = member_with_history(weeks=8)
    page = new_page(viewport=viewport)
    login_as(page, member)
    page.goto("/progress/")
    page.get_by_role("link", name="A report for your physiotherapist or doctor").click()
    expect(page).to_have_url(f"{page.url.split('/progress/')[0]}/progress/report/")
    expect(page.get_by_role("heading", name="BackCore report for a clinician")).to_be_visible()
    expect(page.get_by_text("Usual pain: 6/10 → 3/10")).to_be_visible()
    expect(
        page.get_by_role("img", name="Pain at the intake and each four-weekly check")
    ).to_be_visible()
    axe_check(page)
    assert overflow(page) <= 0
    if viewport is LAPTOP:
        screenshot(page, "clinician-report")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Red-flag answers")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.startswith("backcore-report-")
    assert download.value.suggested_filename.endswith(".pdf")
