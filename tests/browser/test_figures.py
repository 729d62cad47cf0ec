"""Exercise figures in a real browser: a contact sheet of every published exercise's keyframes
(artifacts/figures/contact-sheet.png, for a person to look over), the loop moving and pausing on
hover, and start/end side by side under reduced motion."""

from html import escape

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exercises import demonstrations, selectors
from exercises.figures import svg
from exercises.figures.geometry import classify_position, place, place_props
from exercises.models import Exercise
from programs.models import PlannedItem, PlannedSession
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _sheet_html() -> tuple[str, int]:
    cells = []
    exercises = selectors.exercise_catalogue()
    for exercise in exercises:
        demo = demonstrations.demonstration_of(exercise)
        assert demo is not None, exercise.slug
        hold = demonstrations.is_hold(exercise)
        placed = place(demo)
        props = place_props(demo, placed)
        stills = []
        for index, frame in enumerate(placed):
            label = f"{exercise.name}, keyframe {index + 1}"
            stills.append(
                f"<div class='k'>{svg.render_still(demo, index, label=label, is_hold=hold)}"
                f"<small>{classify_position(frame, props)}</small></div>"
            )
        cells.append(
            f"<section><h2>{escape(exercise.name)} <small>({exercise.position}"
            f"{', per side' if demo.side else ''}{', hold' if hold else ''})</small></h2>"
            f"<div class='row'>{''.join(stills)}</div></section>"
        )
    css = (
        "body{font:12px system-ui,sans-serif;margin:8px;background:#fff}"
        ".g{display:grid;grid-template-columns:repeat(4,1fr);gap:6px}"
        "section{border:1px solid #d6d3d1;border-radius:8px;padding:4px}"
        "h2{font-size:12px;margin:0 0 2px}.row{display:flex;gap:2px}.k{flex:1;text-align:center}"
        "svg{width:100%;height:auto;background:#faf7f2;border-radius:6px}"
    )
    return (
        f"<html><head><style>{css}</style></head><body><div class='g'>{''.join(cells)}</div></body></html>",
        len(exercises),
    )


def test_contact_sheet_of_every_figure(page):
    html, count = _sheet_html()
    page.set_viewport_size({"width": 1800, "height": 1000})
    page.set_content(html)
    assert page.locator("section").count() == count
    # every drawing has a visible body in it
    boxes = page.locator("svg.figure-still > g").evaluate_all(
        "els => els.map(e => e.getBBox().height)"
    )
    assert boxes and min(boxes) > 20
    out = ARTIFACTS / "figures"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "contact-sheet.png"), full_page=True)
    assert (out / "contact-sheet.png").stat().st_size > 10_000


def _root_transform(page) -> str:
    return page.locator(".figure-anim .j-root").first.evaluate("e => getComputedStyle(e).transform")


def test_figure_loops_pauses_on_hover_and_sits_beside_the_steps(page, axe_check, screenshot):
    page.goto("/exercises/cat-cow/")
    figure = page.locator(".figure-anim svg")
    expect(figure).to_be_visible()
    expect(page.locator(".figure-pair")).to_be_hidden()
    spine = page.locator(".figure-anim .j-spine1").first
    first = spine.evaluate("e => getComputedStyle(e).transform")
    page.wait_for_timeout(900)
    assert spine.evaluate("e => getComputedStyle(e).transform") != first  # it moves
    figure.hover()
    paused = spine.evaluate("e => getComputedStyle(e).animationPlayState")
    assert paused == "paused"
    axe_check(page)
    screenshot(page, "figure-detail")
    page.goto("/exercises/?position=quadruped")
    expect(page.locator(".exercise-card svg.figure-still").first).to_be_visible()
    axe_check(page)
    screenshot(page, "figure-library")


def test_reduced_motion_shows_start_and_end_with_an_arrow(new_page):
    page = new_page(viewport=PHONE)
    page.emulate_media(reduced_motion="reduce")
    page.goto("/exercises/childs-pose/")
    expect(page.locator(".figure-anim")).to_be_hidden()
    pair = page.locator(".figure-pair")
    expect(pair).to_be_visible()
    assert pair.locator("svg").count() == 2
    expect(pair.locator(".figure-arrow")).to_have_text("→")


def test_player_shows_the_figure_beside_the_timer_on_a_phone(new_page, member, login_as, axe_check):
    enrol(member)  # the safety gate opens the player only after a clear screen and intake
    session = PlannedSession.objects.filter(member=member, date=timezone.localdate()).first()
    if session is None:
        session = session_with_items(member=member, day=timezone.localdate(), holds=(10,), reps=())
    first = PlannedItem.objects.filter(session=session).order_by("order").first()
    PlannedItem.objects.filter(pk=first.pk).update(
        exercise=Exercise.objects.get(slug="bird-dog-hold"),
        per_side=True,
        hold_seconds=10,
        reps=None,
    )
    page = new_page(viewport=PHONE)
    login_as(page, member)
    page.goto("/today/session/")
    if page.get_by_text("Before you start").count():  # the one-tap pain score before exercise 1
        page.get_by_role("button", name="2", exact=True).click()
        expect(page.get_by_text("Before you start")).to_have_count(0)
    figure = page.locator(".player-figure svg.figure-anim-svg")
    timer = page.locator(".player-timer")
    expect(figure).to_be_visible()
    expect(timer).to_be_visible()
    out = ARTIFACTS / "figures"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "player-phone.png"), full_page=True)
    figure_box, timer_box = figure.bounding_box(), timer.bounding_box()
    # side by side, and both inside the first screen of a 390 px phone
    assert figure_box["x"] + figure_box["width"] <= timer_box["x"] + 1
    assert figure_box["y"] + figure_box["height"] <= PHONE["height"]
    assert timer_box["y"] + timer_box["height"] <= PHONE["height"]
    expect(page.locator(".player-figure figcaption")).to_contain_text("Right side shown")
    axe_check(page)
    out = ARTIFACTS / "figures"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "player-phone.png"))


def test_coach_sees_the_preview_follow_the_keyframes(page, coach, login_as):
    exercise = Exercise.objects.get(slug="cat-cow")
    login_as(page, coach)
    page.goto(f"/admin/exercises/exercise/{exercise.pk}/change/")
    frames = page.locator(".figure-preview-frames svg")
    expect(frames).to_have_count(3)
    textarea = page.locator("#id_demonstration")
    text = textarea.input_value()
    textarea.fill(text.replace('"knee": 90', '"knee": 190', 1))
    errors = page.locator(".figure-preview-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("knee bend 190° is beyond its range (0° to 160°)")
    textarea.fill(text)
    expect(errors).to_be_hidden()
    expect(frames).to_have_count(3)
