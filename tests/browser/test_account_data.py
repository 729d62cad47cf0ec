"""Your data: the export links and account deletion, on a phone and a desktop."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import MemberFactory, PostFactory


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_export_links_and_account_deletion(new_page, login_as, axe_check, viewport):
    member = MemberFactory()
    post = PostFactory(author=member, body="hello from a soon-gone member")
    page = new_page(viewport=viewport)
    login_as(page, member)
    page.goto("/account/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    for name in ("Everything (JSON)", "Everything as spreadsheets (ZIP of CSV files)"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Exercise log (CSV)")).to_be_visible()  # from programs
    axe_check(page)

    page.get_by_label("Type your email address").fill("someone@else.org")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was deleted")
    axe_check(page)  # the error state too
    assert get_user_model().objects.filter(pk=member.pk).exists()

    page.get_by_label("Type your email address").fill(member.email)
    page.get_by_role("button", name="Delete my account").click()
    expect(
        page.get_by_text("Your account and everything we kept about you are deleted")
    ).to_be_visible()
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    post.refresh_from_db()
    assert post.author_id is None
