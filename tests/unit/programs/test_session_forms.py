"""The player's forms turn posted text into typed values with one clear message per field;
the services behind them never see a string."""

import inspect
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest

from programs.reminder_forms import ReminderForm
from programs.services import reminders as reminder_services
from programs.services import sessions as session_services
from programs.session_forms import (
    FinishForm,
    ItemDoneForm,
    MorningCheckinForm,
    PainBeforeForm,
    SessionDayForm,
)

HOLD = SimpleNamespace(hold_seconds=20)
REPS = SimpleNamespace(hold_seconds=None)


def test_a_hold_is_saved_as_ints():
    form = ItemDoneForm({"actual_seconds": " 20 ", "actual_sets": "2"}, item=HOLD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "actual_seconds": 20,
        "actual_reps": None,
        "actual_sets": 2,
        "sides_done": None,
    }


@pytest.mark.parametrize(
    ("item", "data", "field", "message"),
    [
        (HOLD, {"actual_sets": "2"}, "actual_seconds", "Enter how many seconds you held."),
        (REPS, {"actual_sets": "2"}, "actual_reps", "Enter how many reps you did."),
        (HOLD, {"actual_seconds": "20"}, "actual_sets", "Enter how many sets you did."),
        (HOLD, {"actual_seconds": "-5", "actual_sets": "1"}, "actual_seconds", "cannot be neg"),
        (HOLD, {"actual_seconds": "0", "actual_sets": "1"}, "actual_seconds", "at least 1 sec"),
        (HOLD, {"actual_seconds": "2.5", "actual_sets": "1"}, "actual_seconds", "whole number"),
        (HOLD, {"actual_seconds": "١٢", "actual_sets": "1"}, "actual_seconds", "whole number"),
        (HOLD, {"actual_seconds": "²", "actual_sets": "1"}, "actual_seconds", "whole number"),
        (HOLD, {"actual_seconds": "9" * 40, "actual_sets": "1"}, "actual_seconds", "at most 600"),
        (
            REPS,
            {"actual_reps": "8", "actual_sets": "1", "sides_done": "3"},
            "sides_done",
            "at most 2",
        ),
    ],
)
def test_bad_exercise_values_get_a_message_per_field(item, data, field, message):
    form = ItemDoneForm(data, item=item)
    assert not form.is_valid()
    assert message in form.error_texts()[field]


@pytest.mark.parametrize("form_class", [PainBeforeForm, MorningCheckinForm, FinishForm])
def test_pain_is_a_required_whole_number_from_0_to_10(form_class):
    name = {PainBeforeForm: "pain_before", MorningCheckinForm: "morning_pain"}.get(
        form_class, "pain_during"
    )
    extra = {"ask_spread": False} if form_class is FinishForm else {}
    base = {"session": "7", "effort": "5"}
    for value, ok in (("0", True), ("10", True), ("11", False), ("-1", False), ("", False)):
        form = form_class({**base, name: value}, **extra)
        assert form.is_valid() is ok, (value, form.errors)
        if ok:
            assert form.cleaned_data[name] == int(value)
    missing = form_class(base, **extra)
    assert not missing.is_valid() and "from 0 to 10" in missing.error_texts()[name]


def test_finish_reads_yes_no_answers_as_booleans():
    data = {"pain_during": "4", "effort": "6", "sharp_pain": "yes", "pain_spread": "no"}
    asked = FinishForm(data, ask_spread=True)
    assert asked.is_valid()
    assert asked.to_service() == {
        "pain_during": 4,
        "effort": 6,
        "sharp_pain": True,
        "pain_spread": False,
        "notes": "",
    }
    not_asked = FinishForm({"pain_during": "4", "effort": "6"}, ask_spread=False)
    assert not_asked.is_valid()
    assert not_asked.to_service()["sharp_pain"] is False
    assert not_asked.to_service()["pain_spread"] is None
    too_long = FinishForm({**data, "notes": "x" * 2001}, ask_spread=True)
    assert not too_long.is_valid() and "at most 2000" in too_long.error_texts()["notes"]


def test_the_session_day_is_today_or_one_of_the_seven_before():
    today = date(2026, 3, 10)
    assert SessionDayForm({"day": None}, today=today).is_valid()
    for offset, ok in ((0, True), (1, True), (7, True), (8, False), (-1, False)):
        form = SessionDayForm({"day": (today - timedelta(days=offset)).isoformat()}, today=today)
        assert form.is_valid() is ok
    bad = SessionDayForm({"day": "10/03/2026"}, today=today)
    assert not bad.is_valid() and bad.error_text() == "That date is not valid."


def test_reminder_form_gives_weekday_numbers_and_a_zone():
    form = ReminderForm(
        {"enabled": "on", "local_time": "07:15", "weekdays": ["0", "4"], "browser_timezone": ""},
        fallback_zone="Europe/Paris",
    )
    assert form.is_valid(), form.errors
    data = form.to_service()
    assert data["weekdays"] == [0, 4] and data["local_time"] == time(7, 15)
    assert data["timezone"] == "Europe/Paris"
    browser = ReminderForm(
        {"local_time": "07:15", "browser_timezone": "Asia/Tokyo"}, fallback_zone="UTC"
    )
    assert browser.is_valid() and browser.to_service()["timezone"] == "Asia/Tokyo"
    assert not ReminderForm({"local_time": "7", "weekdays": ["9"]}).is_valid()


@pytest.mark.parametrize(
    "service",
    [
        session_services.session_log_item,
        session_services.session_finish,
        session_services.session_record_pain_before,
        session_services.session_answer_morning,
        reminder_services.reminder_settings_update,
    ],
)
def test_services_take_typed_values_not_text(service):
    numbers = {
        name: param.annotation
        for name, param in inspect.signature(service).parameters.items()
        if "int" in str(param.annotation)
    }
    assert numbers, "the numbers a member sends are typed as int"
    assert not [name for name, kind in numbers.items() if "str" in str(kind)]
