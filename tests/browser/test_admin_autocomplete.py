"""A coach adds a pool row to a phase: the exercise picker (Select2) and its search box have
names a screen reader can read, in a new row as in a saved one."""

import re

import pytest
from playwright.sync_api import expect

from programs.models import Phase
from tests.factories import CoachFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_new_pool_rows_exercise_picker_and_search_box_are_named(
    new_page, login_as, axe_check, width
):
    page = new_page(viewport={"width": width, "height": 844})
    phase = Phase.objects.get(slug="reconnect")
    login_as(page, CoachFactory())
    page.goto(f"/admin/programs/phase/{phase.pk}/change/")
    expect(page.get_by_role("heading", name=re.compile("Change phase"))).to_be_visible()
    saved = page.locator(".select2-selection[role='combobox']").first
    expect(saved).to_have_attribute("aria-label", re.compile(r"^Exercise(, row 1)?: \S"))
    group = page.locator("#pool_entries-group")
    rows = group.locator(".inline-related:not(.empty-form)")
    before = rows.count()
    group.locator(".add-row a").click()
    expect(rows).to_have_count(before + 1)
    new = rows.last.locator(".select2-selection[role='combobox']")
    expect(new).to_have_attribute("aria-label", re.compile(r"^Exercise(, new row)?: none chosen$"))
    new.click()
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_have_attribute("aria-label", re.compile("^Search exercise"))
    axe_check(page)
    search.fill("cat")
    page.locator(".select2-results__option", has_text="Cat-cow").first.click()
    expect(new).to_have_attribute("aria-label", re.compile(r"^Exercise(, new row)?: Cat-cow"))
